"""HTTP views of offline comments entered from a file."""

import hashlib

from flask import current_app, request
from flask.views import MethodView

from consultation.blueprint import (
    CONSULTATION_ID,
    EDITORS_ONLY,
    blp,
    consultation_for,
)
from consultation.comments.schemas import SubmittedCommentSchema
from consultation.imports import services
from consultation.imports.files import FileUnreadable, read
from consultation.imports.schemas import ImportFileSchema
from core.auth import current_account
from core.errors import Invalid
from core.writes import writes

# The comments a file entered, each as a submission is answered.
_ENTERED = SubmittedCommentSchema(many=True)


@blp.route("/consultations/<int:consultation_id>/comments/import", parameters=[CONSULTATION_ID])
class CommentImport(MethodView):
    @writes(blp, ImportFileSchema, 201, _ENTERED, 404, 409, 413, 422, access=EDITORS_ONLY, etag=None, location="files")
    def post(self, files, consultation_id):
        """Enter offline comments from a CSV or Excel file (lead unit's editor, admin)

        Columns: content, submitter_type, channel, received_on, name, contact, organisation
        (or their Chinese headings). Every row is stored, or none: a bad file answers 422 with
        each bad row by number. The same file sent again stores nothing new: it answers the
        first import's comments with `Idempotent-Replayed: true`."""
        upload = files["file"]
        content = upload.read()
        try:
            rows, errors = read(upload.filename, content)
        except FileUnreadable as error:
            raise Invalid("file", str(error), location="files") from error
        consultation = consultation_for(consultation_id)
        comments, replayed = services.import_comments(
            consultation, by=current_account(), rows=rows, bad_rows=errors, digest=hashlib.sha256(content).hexdigest()
        )
        return comments, 201, {"Idempotent-Replayed": "true"} if replayed else {}


@blp.before_request
def _larger_bodies_for_imports():
    # A spreadsheet of letters is larger than any JSON body; only the import takes it.
    if request.endpoint == "consultation.CommentImport":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]

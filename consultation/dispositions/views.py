"""HTTP views of a comment's disposition."""

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from consultation.blueprint import (
    COMMENT_ID,
    EDITORS_ONLY,
    blp,
)
from consultation.comments.schemas import StaffCommentSchema
from consultation.comments.services import get_comment
from consultation.dispositions import services
from consultation.dispositions.schemas import DispositionInSchema
from core.auth import current_account
from core.http import IF_MATCH_WHEN_REPLACING
from core.writes import SENT, writes


@blp.route("/comments/<int:comment_id>/disposition", parameters=[COMMENT_ID])
class CommentDisposition(MethodView):
    @writes(
        blp,
        DispositionInSchema,
        200,
        StaffCommentSchema,
        404,
        409,
        412,
        422,
        428,
        access=EDITORS_ONLY,
        etag=SENT,
        parameters=[
            {
                **IF_MATCH_WHEN_REPLACING,
                "description": "The comment's ETag, when it has a disposition already (428 without it, 412 if stale)",
            }
        ],
    )
    def put(self, data, comment_id):
        """Record what became of a comment, and why (lead unit's editor, admin)

        A reason code and a reason are required unless it was adopted (409
        `disposition-reason-missing`). Changing a disposition already given needs `If-Match`
        with the comment's ETag."""
        viewer = current_account()
        comment = get_comment(comment_id, viewer=viewer)
        if comment.disposition is not None:
            if not request.if_match:
                abort(428)
            blp.check_etag(comment, StaffCommentSchema)
        return services.dispose(comment, by=viewer, **data)

"""HTTP views of consultations, comments, clusters and receipts."""

import hashlib
from functools import wraps

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.fields import Upload

from consultation import imports, services
from consultation.inquiries import services as inquiries
from consultation.inquiries.schemas import InquiryReceiptSchema
from consultation.schemas import (
    ClusterInSchema,
    ClusterPatchSchema,
    ClusterSchema,
    CommentInSchema,
    CommentQueryArgsSchema,
    CommentSchema,
    ConsultationInSchema,
    ConsultationPatchSchema,
    ConsultationSchema,
    DispositionInSchema,
    HearingInSchema,
    ModerationInSchema,
    ReceiptSchema,
    RedactionInSchema,
    StaffCommentSchema,
    SubmittedCommentSchema,
)
from core.auth import accepts_token, current_account, requires
from core.errors import Invalid
from core.http import IF_MATCH_WHEN_REPLACING, Blueprint, documents, path_parameter, render
from core.links import api_url
from core.pagination import Paged
from decisions import services as decision_services
from decisions.records.schemas import PublishInSchema

blp = Blueprint(
    "consultation",
    __name__,
    url_prefix="/api/v1",
    description="Public consultation (意见征集): consultations on a draft, comments from every channel, their "
    "moderation and disposition with reasons, clusters of concentrated opinions, and receipts.",
)

_EDITORS = ("admin", "editor")
DECISION_ID = path_parameter("decision_id", "The decision's id", 1)
CONSULTATION_ID = path_parameter("consultation_id", "The consultation's id", 1)
COMMENT_ID = path_parameter("comment_id", "The comment's id", 1)
CLUSTER_ID = path_parameter("cluster_id", "The cluster's id", 1)
RECEIPT = path_parameter(
    "receipt", "The receipt given with the comment, or with the question (`Q.`…)", "Yk3v9Qe2sXw4bN7pLm1cTg"
)


class IdempotencyHeaderSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": "A key you choose per comment (a UUID): a repeat with it returns the first comment "
            "and stores nothing new"
        },
    )


class ImportFileSchema(ma.Schema):
    file = Upload(
        required=True, metadata={"description": "CSV (UTF-8 or GB18030) or Excel .xlsx; first row names the columns"}
    )


def _consultation(consultation_id):
    return services.get_consultation(consultation_id, viewer=current_account())


def sends_etag(view):
    """The answer's ETag on a write too, so a client may send `If-Match` next without reading
    the record again; unlike `@blp.etag` it asks no `If-Match` and is not in the contract."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response.set_etag(blp.etag_of(response.get_json()))
        return response

    return wrapper


@blp.route("/decisions/<int:decision_id>/consultations", parameters=[DECISION_ID])
class DecisionConsultations(MethodView):
    @accepts_token
    @blp.response(200, ConsultationSchema(many=True))
    @documents(404)
    def get(self, decision_id):
        """List a decision's consultations"""
        decision = decision_services.get_decision(decision_id, viewer=current_account())
        return services.list_consultation_views(decision, viewer=current_account())

    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(ConsultationInSchema)
    @blp.response(201, ConsultationSchema)
    @documents(404, 409, 422)
    def post(self, data, decision_id):
        """Prepare a consultation on a published draft (lead unit's editor, admin)

        An online consultation lasts at least 30 calendar days unless `shortened_reason` says
        why (409 `consultation-window-too-short`)."""
        decision = decision_services.get_decision(decision_id, viewer=current_account())
        consultation = services.create_consultation(decision, by=current_account(), **data)
        location = api_url(f"/consultations/{consultation.id}")
        return services.consultation_view(consultation), 201, {"Location": location}


@blp.route("/consultations/<int:consultation_id>", parameters=[CONSULTATION_ID])
class ConsultationById(MethodView):
    @accepts_token
    @blp.etag
    @blp.response(200, ConsultationSchema)
    @documents(404)
    def get(self, consultation_id):
        """Show a consultation, its status and its counts

        `status` follows the dates: open exactly from `opens_on` to `closes_on` inclusive."""
        return services.consultation_view(_consultation(consultation_id))

    @requires(*_EDITORS)
    @blp.etag
    @blp.arguments(ConsultationPatchSchema)
    @blp.response(200, ConsultationSchema)
    @documents(404, 409, 422)
    def patch(self, changes, consultation_id):
        """Change a consultation before it is published (lead unit's editor, admin)

        Needs `If-Match`."""
        consultation = _consultation(consultation_id)
        blp.check_etag(services.consultation_view(consultation), ConsultationSchema)
        return services.consultation_view(services.update_consultation(consultation, by=current_account(), **changes))


@blp.route("/consultations/<int:consultation_id>/publish", parameters=[CONSULTATION_ID])
class ConsultationPublication(MethodView):
    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(PublishInSchema, required=False)
    @blp.response(200, ConsultationSchema)
    @documents(404, 409, 422)
    def post(self, data, consultation_id):
        """Announce a consultation (lead unit's editor, admin)

        It takes comments from `opens_on`; the decision's timeline records `consultation_opened`."""
        consultation = services.publish_consultation(_consultation(consultation_id), by=current_account(), **data)
        return services.consultation_view(consultation)


@blp.route("/consultations/<int:consultation_id>/hearing", parameters=[CONSULTATION_ID])
class Hearing(MethodView):
    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(HearingInSchema)
    @blp.response(200, ConsultationSchema)
    @documents(404, 409, 422)
    def put(self, data, consultation_id):
        """Record a hearing's procedure (lead unit's editor, admin)

        Participants published before the hearing, materials sent at least 7 days before it,
        the record signed by participants (409 `hearing-procedure` otherwise)."""
        consultation = services.record_hearing(_consultation(consultation_id), by=current_account(), **data)
        return services.consultation_view(consultation)


@blp.route("/consultations/<int:consultation_id>/comments", parameters=[CONSULTATION_ID])
class Comments(MethodView):
    @accepts_token
    @blp.arguments(CommentQueryArgsSchema, location="query")
    @blp.response(200, CommentSchema(many=True))
    @blp.paginate(Paged)
    @documents(404)
    def get(self, args, consultation_id):
        """List a consultation's comments

        The public sees published comments of a consultation whose comments are public, and
        never a name, a contact or an individual's organisation; the lead unit's staff see all."""
        return services.list_comments(_consultation(consultation_id), viewer=current_account(), **args)

    @accepts_token
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(CommentInSchema)
    @blp.response(201, SubmittedCommentSchema)
    @documents(404, 409, 422, 429)
    def post(self, headers, data, consultation_id):
        """Comment on a consultation (anyone, while it is open)

        Answers 201 with the comment's `receipt`: `GET /receipts/{receipt}` shows what became of
        it. Send an `Idempotency-Key` to retry safely. Staff enter offline comments (letters,
        meetings, 12345) with their real `received_on` and `channel`, also after the close, as
        long as `received_on` lies within the window."""
        comment, replayed = services.submit_comment(
            consultation_id, by=current_account(), idempotency_key=headers.get("idempotency_key"), **data
        )
        extra = {"Location": api_url(f"/receipts/{comment.receipt}")}
        if replayed:
            extra["Idempotent-Replayed"] = "true"
        return comment, 201, extra


@blp.route("/consultations/<int:consultation_id>/comments/import", parameters=[CONSULTATION_ID])
class CommentImport(MethodView):
    @requires(*_EDITORS)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, SubmittedCommentSchema(many=True))
    @documents(404, 409, 413, 422)
    def post(self, files, consultation_id):
        """Enter offline comments from a CSV or Excel file (lead unit's editor, admin)

        Columns: content, submitter_type, channel, received_on, name, contact, organisation
        (or their Chinese headings). Every row is stored, or none: a bad file answers 422 with
        each bad row by number. The same file sent again stores nothing new: it answers the
        first import's comments with `Idempotent-Replayed: true`."""
        upload = files["file"]
        content = upload.read()
        try:
            rows, errors = imports.read(upload.filename, content)
        except imports.FileUnreadable as error:
            raise Invalid("file", str(error), location="files") from error
        consultation = _consultation(consultation_id)
        comments, replayed = services.import_comments(
            consultation, by=current_account(), rows=rows, bad_rows=errors, digest=hashlib.sha256(content).hexdigest()
        )
        return comments, 201, {"Idempotent-Replayed": "true"} if replayed else {}


@blp.route("/comments/<int:comment_id>", parameters=[COMMENT_ID])
class CommentById(MethodView):
    @accepts_token
    @blp.etag
    @blp.response(200, CommentSchema)
    @documents(404)
    def get(self, comment_id):
        """Show one comment"""
        return services.read_comment(comment_id, viewer=current_account())


@blp.route("/comments/<int:comment_id>/moderation", parameters=[COMMENT_ID])
class Moderation(MethodView):
    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(ModerationInSchema)
    @blp.response(200, StaffCommentSchema)
    @documents(404, 422)
    def post(self, data, comment_id):
        """Publish or reject a comment (lead unit's editor, admin)

        Where a consultation's comments are public, a comment shows only once published.
        Rejection needs a reason; every action is in the audit log."""
        viewer = current_account()
        return services.moderate(services.get_comment(comment_id, viewer=viewer), by=viewer, **data)


@blp.route("/comments/<int:comment_id>/redaction", parameters=[COMMENT_ID])
class CommentRedaction(MethodView):
    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(RedactionInSchema)
    @blp.response(200, StaffCommentSchema)
    @documents(404, 422)
    def post(self, data, comment_id):
        """Restore a part of a comment hidden by mistake, or hide more of it (lead unit's editor, admin)

        Personal data in a comment (phone, ID, e-mail, bank card, house number) is hidden from
        the public by marker. `restore` shows a `text` that covers a hidden part (a false
        positive); `hide` hides every occurrence of `text` (a name, say). 422 when `text` is not
        in the comment, or when the action would change nothing. Each is kept in
        `redaction_overrides` with its reason, and is in the audit log. Answers the comment as
        staff see it, with its ETag."""
        viewer = current_account()
        return services.override_redaction(services.get_comment(comment_id, viewer=viewer), by=viewer, **data)


@blp.route("/comments/<int:comment_id>/disposition", parameters=[COMMENT_ID])
class CommentDisposition(MethodView):
    @sends_etag
    @requires(*_EDITORS)
    @blp.doc(
        parameters=[
            {
                **IF_MATCH_WHEN_REPLACING,
                "description": "The comment's ETag, when it has a disposition already (428 without it, 412 if stale)",
            }
        ]
    )
    @blp.arguments(DispositionInSchema)
    @blp.response(200, StaffCommentSchema)
    @documents(404, 409, 412, 422, 428)
    def put(self, data, comment_id):
        """Record what became of a comment, and why (lead unit's editor, admin)

        A reason code and a reason are required unless it was adopted (409
        `disposition-reason-missing`). Changing a disposition already given needs `If-Match`
        with the comment's ETag."""
        viewer = current_account()
        comment = services.get_comment(comment_id, viewer=viewer)
        if comment.disposition is not None:
            if not request.if_match:
                abort(428)
            blp.check_etag(comment, StaffCommentSchema)
        return services.dispose(comment, by=viewer, **data)


@blp.route("/consultations/<int:consultation_id>/clusters", parameters=[CONSULTATION_ID])
class Clusters(MethodView):
    @accepts_token
    @blp.response(200, ClusterSchema(many=True))
    @documents(404)
    def get(self, consultation_id):
        """List a consultation's concentrated opinions (较为集中意见)"""
        return services.list_clusters(_consultation(consultation_id))

    @sends_etag
    @requires(*_EDITORS)
    @blp.arguments(ClusterInSchema)
    @blp.response(201, ClusterSchema)
    @documents(404, 409, 422)
    def post(self, data, consultation_id):
        """Group comments as one concentrated opinion with its disposition (lead unit's editor, admin)

        Its disposition and reason apply to each of its comments. The reason may follow (PATCH), but the
        adoption report is not published while a concentrated opinion not adopted lacks one."""
        cluster = services.create_cluster(_consultation(consultation_id), by=current_account(), **data)
        location = api_url(f"/consultations/{consultation_id}/clusters/{cluster.id}")
        return cluster, 201, {"Location": location}


@blp.route("/consultations/<int:consultation_id>/clusters/<int:cluster_id>", parameters=[CONSULTATION_ID, CLUSTER_ID])
class ClusterById(MethodView):
    @accepts_token
    @blp.etag
    @blp.response(200, ClusterSchema)
    @documents(404)
    def get(self, consultation_id, cluster_id):
        """Show one concentrated opinion"""
        return services.get_cluster(_consultation(consultation_id), cluster_id)

    @requires(*_EDITORS)
    @blp.etag
    @blp.arguments(ClusterPatchSchema)
    @blp.response(200, ClusterSchema)
    @documents(404, 422)
    def patch(self, changes, consultation_id, cluster_id):
        """Change a concentrated opinion's summary, disposition or reason (lead unit's editor, admin)

        Its comments follow. Needs `If-Match`."""
        cluster = services.get_cluster(_consultation(consultation_id), cluster_id)
        blp.check_etag(cluster, ClusterSchema)
        return services.update_cluster(cluster, by=current_account(), **changes)


@blp.route("/receipts/<string:receipt>", parameters=[RECEIPT])
class Receipt(MethodView):
    @blp.response(200, {"anyOf": [ReceiptSchema, InquiryReceiptSchema]})
    @documents(404)
    def get(self, receipt):
        """See what became of your comment or question (anyone holding its receipt)

        A comment's moderation, its disposition and the reason, as soon as they are recorded;
        a question's state, when its answer is due, the answer, or why it was declined."""
        if inquiries.is_receipt(receipt):
            return render(InquiryReceiptSchema, inquiries.by_receipt(receipt))
        return render(ReceiptSchema, services.by_receipt(receipt))


@blp.before_request
def _larger_bodies_for_imports():
    # A spreadsheet of letters is larger than any JSON body; only the import takes it.
    if request.endpoint == "consultation.CommentImport":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]

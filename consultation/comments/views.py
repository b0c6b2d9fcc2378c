"""HTTP views of comments: submit, list, show, moderate, redact; and receipts."""

from flask.views import MethodView

from consultation.activities import services as activities
from consultation.activities.schemas import RegistrationReceiptSchema
from consultation.blueprint import (
    COMMENT_ID,
    CONSULTATION_ID,
    EDITORS_ONLY,
    RECEIPT,
    blp,
    consultation_for,
)
from consultation.comments import services
from consultation.comments.schemas import (
    CommentInSchema,
    CommentQueryArgsSchema,
    CommentSchema,
    IdempotencyHeaderSchema,
    ModerationInSchema,
    ReceiptSchema,
    RedactionInSchema,
    StaffCommentSchema,
    SubmittedCommentSchema,
)
from consultation.inquiries import services as inquiries
from consultation.inquiries.schemas import InquiryReceiptSchema
from consultation.schemas import one_of
from core.auth import accepts_token, current_account
from core.http import documents
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes


@blp.route("/consultations/<int:consultation_id>/comments", parameters=[CONSULTATION_ID])
class Comments(MethodView):
    @lists(blp, CommentSchema(many=True), CommentQueryArgsSchema, 404)
    def get(self, args, consultation_id):
        """List a consultation's comments

        The public sees published comments of a consultation whose comments are public, and
        never a name, a contact or an individual's organisation; the lead unit's staff see all."""
        return services.list_comments(consultation_for(consultation_id), viewer=current_account(), **args)

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


@blp.route("/comments/<int:comment_id>", parameters=[COMMENT_ID])
class CommentById(MethodView):
    @shows(blp, CommentSchema)
    def get(self, comment_id):
        """Show one comment"""
        return services.read_comment(comment_id, viewer=current_account())


@blp.route("/comments/<int:comment_id>/moderation", parameters=[COMMENT_ID])
class Moderation(MethodView):
    @writes(blp, ModerationInSchema, 200, StaffCommentSchema, 404, 422, access=EDITORS_ONLY, etag=SENT)
    def post(self, data, comment_id):
        """Publish or reject a comment (lead unit's editor, admin)

        Where a consultation's comments are public, a comment shows only once published.
        Rejection needs a reason; every action is in the audit log."""
        viewer = current_account()
        return services.moderate(services.get_comment(comment_id, viewer=viewer), by=viewer, **data)


@blp.route("/comments/<int:comment_id>/redaction", parameters=[COMMENT_ID])
class CommentRedaction(MethodView):
    @writes(blp, RedactionInSchema, 200, StaffCommentSchema, 404, 422, access=EDITORS_ONLY, etag=SENT)
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


def _receipt_schema(record):
    """What a receipt shows: a question's, a registration's, or a comment's."""
    if inquiries.is_receipt(record.receipt):
        return InquiryReceiptSchema
    return RegistrationReceiptSchema if activities.is_receipt(record.receipt) else ReceiptSchema


@blp.route("/receipts/<string:receipt>", parameters=[RECEIPT])
class Receipt(MethodView):
    @blp.doc(operationId="show_receipt")
    @shows(
        blp,
        one_of(_receipt_schema, ReceiptSchema, InquiryReceiptSchema, RegistrationReceiptSchema),
        etag=False,
        access=None,
    )
    def get(self, receipt):
        """See what became of your comment, question or registration (anyone holding its receipt)

        A comment's moderation, its disposition and the reason, as soon as they are recorded;
        a question's state, when its answer is due, the answer, or why it was declined; a
        registration for an open activity, confirmed or its place on the waiting list."""
        if inquiries.is_receipt(receipt):
            return inquiries.by_receipt(receipt)
        if activities.is_receipt(receipt):
            return activities.by_receipt(receipt)
        return services.by_receipt(receipt)

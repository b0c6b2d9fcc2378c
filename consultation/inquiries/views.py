"""HTTP views of inquiries."""

from flask.views import MethodView

from consultation.blueprint import (
    EDITORS_ONLY,
)
from consultation.comments.schemas import RedactionInSchema
from consultation.inquiries import services
from consultation.inquiries.schemas import (
    AskedInquirySchema,
    DeclineInSchema,
    InquiryInSchema,
    InquiryQueryArgsSchema,
    InquirySchema,
    ReplyInSchema,
    StaffInquirySchema,
    TransferInSchema,
)
from consultation.schemas import one_of
from core.auth import accepts_token, current_account
from core.http import api_blueprint, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import writes
from decisions import services as decision_services

blp = api_blueprint(
    "inquiries",
    __name__,
    path="",
    description="Inquiries (政策留言 on a decision's page, general 网上咨询): public once published (选登) or "
    "answered, answered within 5 working days (1 for a simple one), transferred (转办) or declined by the unit "
    "holding them.",
)


DECISION_ID = path_parameter("decision_id", "The decision's id", 1)
INQUIRY_ID = path_parameter("inquiry_id", "The inquiry's id", 1)


def _as_seen(inquiry):
    """The schema the current account reads `inquiry` through: the holder's staff see more."""
    return StaffInquirySchema if services.may_handle(current_account(), inquiry) else InquirySchema


# A response is one of the two; one page may mix questions the viewer holds and public ones.
ONE = one_of(_as_seen, InquirySchema, StaffInquirySchema)
MANY = one_of(_as_seen, InquirySchema, StaffInquirySchema, many=True)


def _step_on_held(arguments):
    """What a step on a held question takes: an editor of its unit, a body, and one answer."""
    return writes(blp, arguments, 200, ONE, 404, 409, 422, access=EDITORS_ONLY, etag=None)


def _step(action, inquiry_id: int, data: dict):
    """`action` taken on a question the current account holds."""
    return action(services.get_to_handle(inquiry_id), by=current_account(), **data)


def _asked(inquiry):
    return inquiry, 201, {"Location": api_url(f"/receipts/{inquiry.receipt}")}


@blp.route("/decisions/<int:decision_id>/inquiries", parameters=[DECISION_ID])
class DecisionInquiries(MethodView):
    @lists(blp, MANY, InquiryQueryArgsSchema, 404)
    def get(self, args, decision_id):
        """List the questions on a decision and their answers, newest first

        The public sees published and answered ones, never who asked; the holding unit's staff
        also those received or declined, with who asked."""
        decision = decision_services.get_decision(decision_id, viewer=None)
        return services.list_inquiries(viewer=current_account(), decision=decision, **args)

    @writes(blp, InquiryInSchema, 201, AskedInquirySchema, 404, 422, 429, access=accepts_token, etag=None)
    def post(self, data, decision_id):
        """Ask a question about a decision (anyone)

        It is public once the lead unit publishes or answers it. Your name and contact reach
        the unit only, never the public. Keep the `receipt`: `GET /receipts/{receipt}` shows
        what became of the question."""
        decision = decision_services.get_decision(decision_id, viewer=None)
        return _asked(services.ask(decision, by=current_account(), **data))


@blp.route("/inquiries")
class Inquiries(MethodView):
    @lists(blp, MANY, InquiryQueryArgsSchema, 422)
    def get(self, args):
        """List questions, on decisions and general ones, newest first

        The public sees published and answered ones; a unit's editors also all it holds;
        admins everything."""
        return services.list_inquiries(viewer=current_account(), **args)

    @writes(blp, InquiryInSchema, 201, AskedInquirySchema, 422, 429, access=accepts_token, etag=None)
    def post(self, data):
        """Ask a general question (网上咨询, anyone)

        About no one decision: the district office assigns it to a unit. Staff enter one from
        another channel with its `received_on`. Keep the `receipt`."""
        return _asked(services.ask_generally(by=current_account(), **data))


@blp.route("/inquiries/<int:inquiry_id>", parameters=[INQUIRY_ID])
class InquiryById(MethodView):
    @shows(blp, ONE, etag=False)
    def get(self, inquiry_id):
        """Show one question and its answer

        404 to the public until it is published or answered."""
        return services.get_inquiry(inquiry_id, viewer=current_account())


@blp.route("/inquiries/<int:inquiry_id>/publication", parameters=[INQUIRY_ID])
class InquiryPublication(MethodView):
    @EDITORS_ONLY
    @blp.response(200, ONE)
    @documents(404, 409)
    def post(self, inquiry_id):
        """Publish a question before answering it (选登; holding unit's editor, admin)

        Only a received one (409 `inquiry-not-received`, `inquiry-answered`, `inquiry-declined`)."""
        return services.publish(services.get_to_handle(inquiry_id), by=current_account())


@blp.route("/inquiries/<int:inquiry_id>/redaction", parameters=[INQUIRY_ID])
class InquiryRedaction(MethodView):
    @writes(blp, RedactionInSchema, 200, StaffInquirySchema, 404, 422, access=EDITORS_ONLY, etag=None)
    def post(self, data, inquiry_id):
        """Restore a part of a question hidden by mistake, or hide more of it (holding unit's editor, admin)

        As for a comment: `restore` shows a `text` that covers a hidden part, `hide` hides every
        occurrence of `text`; each kept with its reason, and audited."""
        return services.override_redaction(services.get_to_handle(inquiry_id), by=current_account(), **data)


@blp.route("/inquiries/<int:inquiry_id>/decline", parameters=[INQUIRY_ID])
class InquiryDecline(MethodView):
    @_step_on_held(DeclineInSchema)
    def post(self, data, inquiry_id):
        """Decline a received question with a reason (holding unit's editor, admin)

        Never public; the asker reads the reason through the receipt. It settles the question's
        deadline. 409 `inquiry-not-received` once it is public."""
        return _step(services.decline, inquiry_id, data)


@blp.route("/inquiries/<int:inquiry_id>/transfer", parameters=[INQUIRY_ID])
class InquiryTransfer(MethodView):
    @_step_on_held(TransferInSchema)
    def post(self, data, inquiry_id):
        """Transfer a question to another unit (转办; holding unit's editor, admin)

        Admins also assign general questions this way. The reply stays due when it was due."""
        return _step(services.transfer, inquiry_id, data)


@blp.route("/inquiries/<int:inquiry_id>/reply", parameters=[INQUIRY_ID])
class InquiryReply(MethodView):
    @_step_on_held(ReplyInSchema)
    def post(self, data, inquiry_id):
        """Answer a question (holding unit's editor, admin)

        It is public with its answer. Once: an answer given is not replaced (409
        `inquiry-answered`); a declined question is not answered (409 `inquiry-declined`)."""
        return _step(services.reply, inquiry_id, data)

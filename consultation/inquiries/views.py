"""HTTP views of inquiries."""

from flask.views import MethodView

from consultation.inquiries import services
from consultation.inquiries.schemas import InquiryInSchema, InquirySchema, ReplyInSchema
from core.auth import accepts_token, current_account, requires
from core.http import Blueprint, api_url, documents, path_parameter, render, render_many
from decisions import services as decision_services

blp = Blueprint(
    "inquiries",
    __name__,
    url_prefix="/api/v1",
    description="Inquiries (政策留言): questions on a decision's page, answered within 5 working days "
    "(1 for a simple one).",
)


DECISION_ID = path_parameter("decision_id", "The decision's id", 1)
INQUIRY_ID = path_parameter("inquiry_id", "The inquiry's id", 1)


@blp.route("/decisions/<int:decision_id>/inquiries", parameters=[DECISION_ID])
class DecisionInquiries(MethodView):
    @blp.response(200, InquirySchema(many=True))
    @blp.paginate()
    @documents(404)
    def get(self, decision_id, pagination_parameters):
        """List the questions on a decision and their answers, newest first

        Never who asked."""
        decision = decision_services.get_decision(decision_id, viewer=None)
        rows, total = services.list_inquiries(
            decision, page=pagination_parameters.page, page_size=pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return render_many(InquirySchema, rows)

    @accepts_token
    @blp.arguments(InquiryInSchema)
    @blp.response(201, InquirySchema)
    @documents(404, 422, 429)
    def post(self, data, decision_id):
        """Ask a question about a decision (anyone)

        Your name and contact reach the drafting department only, never the public."""
        decision = decision_services.get_decision(decision_id, viewer=None)
        inquiry = services.ask(decision, by=current_account(), **data)
        return render(InquirySchema, inquiry, 201, {"Location": api_url(f"/inquiries/{inquiry.id}")})


@blp.route("/inquiries/<int:inquiry_id>", parameters=[INQUIRY_ID])
class InquiryById(MethodView):
    @blp.response(200, InquirySchema)
    @documents(404)
    def get(self, inquiry_id):
        """Show one question and its answer"""
        return render(InquirySchema, services.get_inquiry(inquiry_id))


@blp.route("/inquiries/<int:inquiry_id>/reply", parameters=[INQUIRY_ID])
class InquiryReply(MethodView):
    @requires("admin", "editor")
    @blp.arguments(ReplyInSchema)
    @blp.response(200, InquirySchema)
    @documents(404, 409, 422)
    def post(self, data, inquiry_id):
        """Answer a question (lead unit's editor, admin)

        Once: an answer given is public and is not replaced (409 `inquiry-answered`)."""
        return render(InquirySchema, services.reply(services.get_inquiry(inquiry_id), by=current_account(), **data))

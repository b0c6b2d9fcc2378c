"""Inquiries on the wire: the question, who holds it and its answer; never who asked, nor
(to the public) a question that is not published or why one was declined."""

import marshmallow as ma
from marshmallow import validate

from consultation.comments.models import Channel
from consultation.inquiries.models import InquiryState
from consultation.inquiries.services import status_of
from core.http import JsonBoolean
from core.links import href
from core.serialize import Computed, Links, RecordList, Schema, choice, describe

F = ma.fields


_STATES = [s.value for s in InquiryState]
_STATUSES = ["pending", "on_time", "late", "overdue"]


def _links(inquiry) -> dict:
    links = {"self": href(f"/inquiries/{inquiry.id}")}
    if inquiry.decision_id is not None:
        links["decision"] = href(f"/decisions/{inquiry.decision_id}")
    return links


class InquiryTransferSchema(Schema):
    """One move of a question (转办): from which holder, held since when, to which unit, when."""

    from_unit = F.String(allow_none=True, metadata=describe("The unit that held it; null: the district office"))
    held_since = F.Date(metadata=describe("Day that holder got it"))
    to_unit = F.String(metadata=describe("The unit it went to", "jd-jyj"))
    transferred_on = F.Date(metadata=describe("Day it was transferred"))


class StaffInquiryTransferSchema(InquiryTransferSchema):
    transferred_by = F.Integer(allow_none=True, metadata=describe("The account that transferred it"))
    reason = F.String(metadata=describe("Why it was transferred (staff only)"))


def _public_question(inquiry) -> str:
    return inquiry.question if inquiry.public_question is None else inquiry.public_question


class InquirySchema(Schema):
    id = F.Integer(metadata={"description": "The inquiry's id", "examples": [7]})
    decision_id = F.Integer(
        allow_none=True, metadata={"description": "The decision asked about; null for a general question (网上咨询)"}
    )
    question = Computed(
        _public_question,
        metadata=describe("The question, phone numbers, IDs, e-mail and addresses in it hidden", type="string"),
    )
    state = F.String(
        metadata=describe(
            "received (staff only), published (选登, not answered yet), answered, declined (staff only)", enum=_STATES
        )
    )
    unit = F.String(
        allow_none=True, metadata=describe("The unit holding it; null: the district office, to assign it", "jd-fgw")
    )
    channel = F.String(metadata={"description": "How it came in", "enum": [c.value for c in Channel]})
    received_on = F.Date(metadata={"description": "Day it was received"})
    published_on = F.Date(allow_none=True, metadata=describe("Day it was made public (选登 or answered)"))
    reply_due_on = F.Date(
        metadata={
            "description": "Answer due by: 5 working days after receipt, 1 for a simple question; kept when transferred"
        }
    )
    calendar_status = F.String(metadata={"description": "official or provisional", "enum": ["official", "provisional"]})
    simple = JsonBoolean(metadata={"description": "Answered as a simple question"})
    answer = F.String(allow_none=True, metadata={"description": "The answer, once given"})
    answered_on = F.Date(allow_none=True, metadata={"description": "Day it was answered"})
    status = Computed(
        status_of,
        metadata={
            "description": "pending, on_time, late or overdue (a decline settles it as an answer does)",
            "type": "string",
            "enum": _STATUSES,
        },
    )
    transfers = RecordList(InquiryTransferSchema, metadata=describe("Who held it before, oldest first (转办)"))
    _links = Links(_links)


class StaffInquirySchema(InquirySchema):
    """What the holding unit's staff and admins see: also who asked, the receipt and declines."""

    question = F.String(metadata=describe("The question as it was asked"))
    public_question = Computed(
        _public_question, metadata=describe("The question as the public reads it, personal data hidden", type="string")
    )
    redaction_overrides = Computed(
        lambda i: i.redaction_overrides or [],
        metadata=describe(
            "Editors' restorations and hidings (`POST /inquiries/{id}/redaction`), in order; for each text the "
            "last stands",
            type="array",
            items={"type": "object"},
        ),
    )

    name = F.String(allow_none=True, metadata=describe("The asker's name (staff only)"))
    contact = F.String(allow_none=True, metadata=describe("The asker's contact (staff only)"))
    receipt = F.String(metadata=describe("The asker's receipt (staff only, to pass on when they call)"))
    answered_by = F.Integer(allow_none=True, metadata=describe("The account that answered"))
    decline_reason = F.String(allow_none=True, metadata=describe("Why it was declined (never public)"))
    declined_on = F.Date(allow_none=True, metadata=describe("Day it was declined"))
    declined_by = F.Integer(allow_none=True, metadata=describe("The account that declined it"))
    transfers = RecordList(StaffInquiryTransferSchema, metadata=describe("Who held it before, oldest first (转办)"))


class AskedInquirySchema(InquirySchema):
    """The answer to whoever asked: the question as taken, and the receipt to follow it."""

    receipt = F.String(
        metadata=describe("Keep it: GET /receipts/{receipt} shows what became of the question", "Q.Yk3v9Qe2…")
    )
    _links = Links(lambda i: {**_links(i), "receipt": href(f"/receipts/{i.receipt}")})


class InquiryReceiptSchema(Schema):
    """What became of one question, for the person holding its receipt."""

    inquiry_id = Computed(lambda i: i.id, metadata=describe("The question", type="integer"))
    decision_id = F.Integer(allow_none=True, metadata=describe("The decision asked about; null for a general one"))
    question = Computed(_public_question, metadata=describe("Your question, personal data hidden", type="string"))
    received_on = F.Date(metadata=describe("Day it was received"))
    channel = F.String(metadata=describe("How it came in"))
    state = F.String(metadata=describe("received, published, answered or declined", enum=_STATES))
    unit = F.String(allow_none=True, metadata=describe("The unit handling it; null: the district office"))
    reply_due_on = F.Date(metadata=describe("Answer due by"))
    status = Computed(status_of, metadata=describe("pending, on_time, late or overdue", type="string", enum=_STATUSES))
    answer = F.String(allow_none=True, metadata=describe("The answer, once given"))
    answered_on = F.Date(allow_none=True, metadata=describe("Day it was answered"))
    # The asker is told why; the public never is.
    decline_reason = F.String(allow_none=True, metadata=describe("Why it was declined, if it was"))
    declined_on = F.Date(allow_none=True, metadata=describe("Day it was declined"))
    _links = Links(lambda i: {"self": href(f"/receipts/{i.receipt}")})


class InquiryQueryArgsSchema(ma.Schema):
    state = F.String(validate=choice(InquiryState), metadata=describe("Only questions in this state"))
    unit = F.String(validate=validate.Length(1, 40), metadata=describe("Only questions this unit holds", "jd-fgw"))


def _required_text(longest: int, description: str, *examples) -> ma.fields.String:
    """Text a request must give: 1 to `longest` characters."""
    return F.String(required=True, validate=validate.Length(1, longest), metadata=describe(description, *examples))


def _done_on(what: str) -> ma.fields.Date:
    """The day a step on a question was taken, given when it is entered after the fact."""
    return F.Date(
        allow_none=True, metadata=describe(f"Day it was {what}, when entered after the fact; today when omitted")
    )


class InquiryInSchema(ma.Schema):
    question = _required_text(2000, "Your question", "小微企业申请贴息需要哪些材料？")
    name = F.String(
        allow_none=True, validate=validate.Length(1, 100), metadata={"description": "Your name: never published"}
    )
    contact = F.String(
        allow_none=True, validate=validate.Length(1, 200), metadata={"description": "How to reach you: never published"}
    )
    channel = F.String(
        allow_none=True,
        validate=validate.OneOf([c.value for c in Channel]),
        metadata={"description": "How it came in; a partner's own channel always"},
    )
    received_on = F.Date(
        allow_none=True, metadata={"description": "Staff only: the day a question from another channel was received"}
    )


class ReplyInSchema(ma.Schema):
    answer = _required_text(20000, "The answer", "需提供营业执照、贷款合同及付息凭证。")
    simple = JsonBoolean(load_default=False, metadata={"description": "A simple question, due within 1 working day"})
    answered_on = _done_on("answered")


class DeclineInSchema(ma.Schema):
    reason = _required_text(
        2000, "Why it is not taken up: told to the asker, never published", "不属于本政策咨询范围。"
    )
    declined_on = _done_on("declined")


class TransferInSchema(ma.Schema):
    to_unit = _required_text(40, "The unit to hold it now", "jd-jyj")
    reason = _required_text(2000, "Why (staff only)", "属教育局职责。")
    transferred_on = _done_on("transferred")

"""Inquiries on the wire: the question and its answer, never who asked."""

import marshmallow as ma
from marshmallow import validate

from consultation.inquiries.services import status_of
from consultation.models import Channel
from core.http import JsonBoolean, href
from core.serialize import Computed, Links

F = ma.fields


class InquirySchema(ma.Schema):
    id = F.Integer(metadata={"description": "The inquiry's id", "examples": [7]})
    decision_id = F.Integer(metadata={"description": "The decision asked about"})
    question = F.String(metadata={"description": "The question"})
    channel = F.String(metadata={"description": "How it came in", "enum": [c.value for c in Channel]})
    received_on = F.Date(metadata={"description": "Day it was received"})
    reply_due_on = F.Date(
        metadata={"description": "Answer due by: 5 working days after receipt, 1 for a simple question"}
    )
    calendar_status = F.String(metadata={"description": "official or provisional", "enum": ["official", "provisional"]})
    simple = JsonBoolean(metadata={"description": "Answered as a simple question"})
    answer = F.String(allow_none=True, metadata={"description": "The answer, once given"})
    answered_on = F.Date(allow_none=True, metadata={"description": "Day it was answered"})
    status = Computed(
        status_of,
        metadata={
            "description": "pending, on_time, late or overdue",
            "type": "string",
            "enum": ["pending", "on_time", "late", "overdue"],
        },
    )
    _links = Links(lambda i: {"self": href(f"/inquiries/{i.id}"), "decision": href(f"/decisions/{i.decision_id}")})


class InquiryInSchema(ma.Schema):
    question = F.String(
        required=True,
        validate=validate.Length(1, 2000),
        metadata={"description": "Your question", "examples": ["小微企业申请贴息需要哪些材料？"]},
    )
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
    answer = F.String(
        required=True,
        validate=validate.Length(1, 20000),
        metadata={"description": "The answer", "examples": ["需提供营业执照、贷款合同及付息凭证。"]},
    )
    simple = JsonBoolean(load_default=False, metadata={"description": "A simple question, due within 1 working day"})
    answered_on = F.Date(
        allow_none=True,
        metadata={"description": "Day it was answered, when entered after the fact; today when omitted"},
    )

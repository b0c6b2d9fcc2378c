"""Meetings on the wire. Attendees appear by category and organisation; by name only with
their consent."""

import marshmallow as ma
from marshmallow import validate

from core.http import MAX_ID, JsonBoolean, href
from core.serialize import Computed, Links
from decisions.meetings.models import Adoption, AttendeeCategory, BodyType, Outcome

F = ma.fields


def _describe(text, *examples, **extra):
    meta = {"description": text, **extra}
    if examples:
        meta["examples"] = list(examples)
    return meta


def _choice(enum_class):
    return validate.OneOf([m.value for m in enum_class])


class AgendaItemSchema(ma.Schema):
    decision_id = F.Integer(metadata=_describe("The decision deliberated", 12))
    outcome = F.String(metadata=_describe("What the meeting decided", "approved", enum=[o.value for o in Outcome]))
    notes = F.String(allow_none=True, metadata=_describe("Notes on the deliberation"))
    dissent = F.String(allow_none=True, metadata=_describe("Dissenting opinions, recorded (Art. 30)"))
    against_majority = JsonBoolean(metadata=_describe("The head decided against the majority"))
    head_reason = F.String(allow_none=True, metadata=_describe("The head's reason, when deciding against the majority"))
    _links = Links(
        lambda a: {
            "decision": href(f"/decisions/{a.decision_id}"),
            "timeline": href(f"/decisions/{a.decision_id}/timeline"),
        }
    )


class AttendeeSchema(ma.Schema):
    category = F.String(
        metadata=_describe("Whom the attendee represents", "enterprise", enum=[c.value for c in AttendeeCategory])
    )
    organisation = F.String(allow_none=True, metadata=_describe("Organisation", "上海汽车城集团"))
    name = Computed(
        lambda a: a.public_name,
        metadata=_describe("Name, only where the attendee consented to its publication", type=["string", "null"]),
    )
    decision_id = F.Integer(allow_none=True, metadata=_describe("The decision the attendee spoke to"))
    opinion = F.String(allow_none=True, metadata=_describe("The opinion the attendee gave"))
    adoption = F.String(
        allow_none=True, metadata=_describe("How it was adopted", enum=[a.value for a in Adoption] + [None])
    )
    adoption_note = F.String(allow_none=True, metadata=_describe("Why, or how"))


class MeetingSchema(ma.Schema):
    id = F.Integer(metadata=_describe("The meeting's id", 3))
    title = F.String(metadata=_describe("Title", "区政府第15次常务会议"))
    body_type = F.String(
        metadata=_describe("executive (常务会议) or plenary (全体会议)", enum=[b.value for b in BodyType])
    )
    session_no = F.Integer(metadata=_describe("Session number", 15))
    held_on = F.Date(metadata=_describe("Day it was held"))
    status = Computed(
        lambda m: "published" if m.published_on else "draft",
        metadata=_describe("draft (staff only) or published", type="string", enum=["draft", "published"]),
    )
    published_on = F.Date(allow_none=True, metadata=_describe("Day its deliberation was published"))
    agenda = F.List(F.Nested(AgendaItemSchema), metadata=_describe("The decisions deliberated"))
    attendees = F.List(F.Nested(AttendeeSchema), metadata=_describe("Invited attendees (列席)"))
    created_at = F.DateTime(metadata=_describe("When the service recorded it"))
    updated_at = F.DateTime(metadata=_describe("When it last changed"))
    _links = Links(lambda m: {"self": href(f"/meetings/{m.id}")})


class AgendaItemInSchema(ma.Schema):
    decision_id = F.Integer(required=True, validate=validate.Range(1, MAX_ID), metadata=_describe("The decision", 12))
    outcome = F.String(required=True, validate=_choice(Outcome), metadata=_describe("Outcome", "approved"))
    notes = F.String(allow_none=True, validate=validate.Length(0, 20000))
    dissent = F.String(
        allow_none=True, validate=validate.Length(0, 20000), metadata=_describe("Dissent", "一名成员建议延后实施。")
    )
    against_majority = JsonBoolean(load_default=False, metadata=_describe("The head decided against the majority"))
    head_reason = F.String(allow_none=True, validate=validate.Length(0, 20000))


class AttendeeInSchema(ma.Schema):
    category = F.String(required=True, validate=_choice(AttendeeCategory), metadata=_describe("Category", "enterprise"))
    organisation = F.String(
        allow_none=True, validate=validate.Length(0, 300), metadata=_describe("Organisation", "上海汽车城集团")
    )
    name = F.String(
        allow_none=True, validate=validate.Length(1, 100), metadata=_describe("Name: only with `name_consent`")
    )
    name_consent = JsonBoolean(load_default=False, metadata=_describe("The attendee consented to publishing the name"))
    decision_id = F.Integer(
        allow_none=True, validate=validate.Range(1, MAX_ID), metadata=_describe("The decision spoken to", 12)
    )
    opinion = F.String(
        allow_none=True,
        validate=validate.Length(0, 20000),
        metadata=_describe("Opinion", "建议加大对中小企业的融资支持。"),
    )
    adoption = F.String(allow_none=True, validate=_choice(Adoption), metadata=_describe("Adoption", "adopted"))
    adoption_note = F.String(
        allow_none=True,
        validate=validate.Length(0, 20000),
        metadata=_describe("Why or how", "已在第八条中增加相关内容。"),
    )


class MeetingInSchema(ma.Schema):
    body_type = F.String(required=True, validate=_choice(BodyType), metadata=_describe("Body", "executive"))
    session_no = F.Integer(required=True, validate=validate.Range(1, 100000), metadata=_describe("Session number", 15))
    held_on = F.Date(required=True, metadata=_describe("Day held", "2026-09-18"))
    agenda = F.List(F.Nested(AgendaItemInSchema), required=True, validate=validate.Length(1, 50))
    attendees = F.List(F.Nested(AttendeeInSchema), load_default=list, validate=validate.Length(max=200))


class MeetingQueryArgsSchema(ma.Schema):
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=_describe("Held in this year", 2026))
    decision_id = F.Integer(validate=validate.Range(1, MAX_ID), metadata=_describe("Deliberated this decision", 12))


class InvitedAttendanceSchema(ma.Schema):
    unit = F.String(metadata=_describe("The unit's code", "jd-fgw"))
    year = F.Integer(metadata=_describe("The year", 2026))
    meetings_with_attendees = F.Integer(
        metadata=_describe(
            "Published meetings that deliberated the unit's decisions with invited stakeholder attendees"
        )
    )
    required = F.Integer(metadata=_describe("How many the district asks for each year", 3))
    met = JsonBoolean(metadata=_describe("Whether the count reaches `required`"))
    meetings = F.List(F.Nested(lambda: MeetingRefSchema()), metadata=_describe("Those meetings"))
    _links = Links(
        lambda a: {"self": href(f"/units/{a.unit}/invited-attendance?year={a.year}"), "unit": href(f"/units/{a.unit}")}
    )


class MeetingRefSchema(ma.Schema):
    id = F.Integer()
    held_on = F.Date()
    _links = Links(lambda m: {"self": href(f"/meetings/{m.id}")})


class AttendanceQueryArgsSchema(ma.Schema):
    year = F.Integer(required=True, validate=validate.Range(2000, 2100), metadata=_describe("The year", 2026))

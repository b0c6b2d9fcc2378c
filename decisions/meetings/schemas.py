"""Meetings on the wire. Attendees appear by category and organisation; by name only with
their consent."""

import marshmallow as ma
from marshmallow import validate

from core import publication
from core.http import JsonBoolean
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe
from decisions.meetings.models import (
    BODY_NAMES,
    DISTRICT_BODIES,
    Adoption,
    AttendeeCategory,
    BodyType,
    Meeting,
    Outcome,
)
from decisions.records.schemas import EXEMPTIONS_OUT, exemptions_field, exemptions_of
from decisions.schemas import decision_id_field, decision_links

F = ma.fields

BODY_TYPES = "The deliberating body: " + ", ".join(
    f"`{body}` ({name}{'' if body in DISTRICT_BODIES else ', a unit’s'})" for body, name in BODY_NAMES.items()
)


class AgendaItemSchema(ma.Schema):
    decision_id = F.Integer(metadata=describe("The decision deliberated", 12))
    outcome = F.String(metadata=describe("What the meeting decided", "approved", enum=[o.value for o in Outcome]))
    notes = F.String(allow_none=True, metadata=describe("Notes on the deliberation"))
    dissent = F.String(allow_none=True, metadata=describe("Dissenting opinions, recorded (Art. 30)"))
    against_majority = JsonBoolean(metadata=describe("The head decided against the majority"))
    head_reason = F.String(allow_none=True, metadata=describe("The head's reason, when deciding against the majority"))
    exemptions = Computed(exemptions_of, metadata=EXEMPTIONS_OUT)
    _links = Links(lambda a: decision_links(a.decision_id))


class AttendeeSchema(ma.Schema):
    category = F.String(
        metadata=describe("Whom the attendee represents", "enterprise", enum=[c.value for c in AttendeeCategory])
    )
    organisation = F.String(allow_none=True, metadata=describe("Organisation", "上海汽车城集团"))
    name = Computed(
        lambda a: a.public_name,
        metadata=describe("Name, only where the attendee consented to its publication", type=["string", "null"]),
    )
    decision_id = F.Integer(allow_none=True, metadata=describe("The decision the attendee spoke to"))
    opinion = F.String(allow_none=True, metadata=describe("The opinion the attendee gave"))
    adoption = F.String(
        allow_none=True, metadata=describe("How it was adopted", enum=[a.value for a in Adoption] + [None])
    )
    adoption_note = F.String(allow_none=True, metadata=describe("Why, or how"))


class MeetingSchema(Schema):
    id = F.Integer(metadata=describe("The meeting's id", 3))
    title = F.String(metadata=describe("Title", "区政府第15次常务会议"))
    body_type = F.String(metadata=describe(BODY_TYPES, enum=[b.value for b in BodyType]))
    unit = F.String(
        allow_none=True,
        metadata=describe("The unit holding a unit body's meeting; null for the district's", "jd-anting"),
    )
    session_no = F.Integer(metadata=describe("Session number", 15))
    held_on = F.Date(metadata=describe("Day it was held"))
    status = Computed(
        lambda m: "published" if m.published_on else "draft",
        metadata=describe("draft (staff only) or published", type="string", enum=["draft", "published"]),
    )
    published_on = F.Date(allow_none=True, metadata=describe("Day its deliberation was published"))
    agenda = F.List(F.Nested(AgendaItemSchema), metadata=describe("The decisions deliberated"))
    attendees = F.List(F.Nested(AttendeeSchema), metadata=describe("Invited attendees (列席)"))
    created_at = F.DateTime(metadata=describe("When the service recorded it"))
    updated_at = F.DateTime(metadata=describe("When it last changed"))
    _links = Links(
        lambda m: {"self": href(f"/meetings/{m.id}"), **({"unit": href(f"/units/{m.unit}")} if m.unit else {})}
    )

    def dump(self, obj, *, many: bool | None = None):
        """A published meeting as it was published (its standing read live), any other as it is;
        a list shows each as it is."""
        body = super().dump(obj, many=many)
        if (self.many if many is None else many) or obj.published_on is None:
            return body
        return publication.as_published(body, f"/meetings/{obj.id}")


class AgendaItemInSchema(ma.Schema):
    decision_id = decision_id_field("The decision", required=True)
    outcome = F.String(required=True, validate=choice(Outcome), metadata=describe("Outcome", "approved"))
    notes = F.String(allow_none=True, validate=validate.Length(0, 20000))
    dissent = F.String(
        allow_none=True, validate=validate.Length(0, 20000), metadata=describe("Dissent", "一名成员建议延后实施。")
    )
    against_majority = JsonBoolean(load_default=False, metadata=describe("The head decided against the majority"))
    head_reason = F.String(allow_none=True, validate=validate.Length(0, 20000))
    exemptions = exemptions_field("putting the decision on the agenda (`hearing-missing`, `procedure-missing`)")


class AttendeeInSchema(ma.Schema):
    category = F.String(required=True, validate=choice(AttendeeCategory), metadata=describe("Category", "enterprise"))
    organisation = F.String(
        allow_none=True, validate=validate.Length(0, 300), metadata=describe("Organisation", "上海汽车城集团")
    )
    name = F.String(
        allow_none=True, validate=validate.Length(1, 100), metadata=describe("Name: only with `name_consent`")
    )
    name_consent = JsonBoolean(load_default=False, metadata=describe("The attendee consented to publishing the name"))
    decision_id = decision_id_field("The decision spoken to", allow_none=True)
    opinion = F.String(
        allow_none=True,
        validate=validate.Length(0, 20000),
        metadata=describe("Opinion", "建议加大对中小企业的融资支持。"),
    )
    adoption = F.String(allow_none=True, validate=choice(Adoption), metadata=describe("Adoption", "adopted"))
    adoption_note = F.String(
        allow_none=True,
        validate=validate.Length(0, 20000),
        metadata=describe("Why or how", "已在第八条中增加相关内容。"),
    )


# What the public saw when a meeting's deliberation was published stays what it reads.
publication.freezes(Meeting, MeetingSchema)


class MeetingInSchema(ma.Schema):
    body_type = F.String(required=True, validate=choice(BodyType), metadata=describe(BODY_TYPES, "executive"))
    unit = F.String(
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="Letters, digits, - and _."),
        metadata=describe(
            "The unit holding the meeting: required for a unit's body (422 `meeting-unit-missing`), "
            "refused for the district's (422 `meeting-unit-unexpected`)",
            "jd-anting",
        ),
    )
    session_no = F.Integer(required=True, validate=validate.Range(1, 100000), metadata=describe("Session number", 15))
    held_on = F.Date(required=True, metadata=describe("Day held", "2026-09-18"))
    agenda = F.List(F.Nested(AgendaItemInSchema), required=True, validate=validate.Length(1, 50))
    attendees = F.List(F.Nested(AttendeeInSchema), load_default=list, validate=validate.Length(max=200))


class MeetingQueryArgsSchema(ma.Schema):
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=describe("Held in this year", 2026))
    decision_id = decision_id_field("Deliberated this decision")


class InvitedAttendanceSchema(Schema):
    unit = F.String(metadata=describe("The unit's code", "jd-fgw"))
    year = F.Integer(metadata=describe("The year", 2026))
    meetings_with_attendees = F.Integer(
        metadata=describe(
            "Published meetings with invited stakeholder attendees that count for the unit: its own, and the "
            "district government's that deliberated its decisions"
        )
    )
    own_meetings = F.Integer(metadata=describe("Of those, the unit's own meetings (局长办公会, 党政联席会议, …)", 2))
    own_meetings_topics = F.Integer(metadata=describe("Decisions deliberated at those own meetings", 3))
    topics_from_own_catalogue = F.Integer(
        metadata=describe("Of those decisions, the ones from the unit's own catalogue (the district asks for these)", 2)
    )
    required = F.Integer(metadata=describe("How many the district asks for each year", 3))
    met = JsonBoolean(metadata=describe("Whether the count reaches `required`"))
    meetings = F.List(F.Nested(lambda: MeetingRefSchema()), metadata=describe("Those meetings"))
    _links = Links(
        lambda a: {"self": href(f"/units/{a.unit}/invited-attendance?year={a.year}"), "unit": href(f"/units/{a.unit}")}
    )


class MeetingRefSchema(ma.Schema):
    id = F.Integer()
    held_on = F.Date()
    own = JsonBoolean(metadata=describe("Held by the unit itself"))
    _links = Links(lambda m: {"self": href(f"/meetings/{m.id}")})


class AttendanceQueryArgsSchema(ma.Schema):
    year = F.Integer(required=True, validate=validate.Range(2000, 2100), metadata=describe("The year", 2026))

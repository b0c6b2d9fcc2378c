"""Consultations on the wire."""

import marshmallow as ma
from marshmallow import validate

from consultation.comments.models import Channel
from consultation.consultations.models import Audience, Method
from consultation.schemas import F, bounded_text, enum_values, optional_text
from core.http import MAX_ID, JsonBoolean
from core.links import href
from core.serialize import Links, Schema, choice, describe


class CountsSchema(ma.Schema):
    received = F.Integer(metadata=describe("Comments received (rejected ones excluded)"))
    by_channel = F.Dict(keys=F.String(), values=F.Integer(), metadata=describe("By channel"))
    by_submitter_type = F.Dict(keys=F.String(), values=F.Integer(), metadata=describe("By submitter type"))
    by_disposition = F.Dict(
        keys=F.String(), values=F.Integer(), metadata=describe("By disposition; `undisposed` for none yet")
    )


class ParticipantSchema(ma.Schema):
    category = F.String(
        required=True, validate=bounded_text(1, 40), metadata=describe("Whom they represent", "enterprise")
    )
    organisation = F.String(allow_none=True, validate=bounded_text(0, 300), metadata=describe("Organisation"))


class ConsultationSchema(Schema):
    id = F.Integer(metadata=describe("The consultation's id", 5))
    decision_id = F.Integer(metadata=describe("The decision", 12))
    draft_version = F.Integer(metadata=describe("The draft version consulted on", 1))
    method = F.String(metadata=describe("How", "online", enum=enum_values(Method)))
    audience = F.List(F.String(), metadata=describe("Whom it addresses", ["public", "enterprises"]))
    channels = F.List(F.String(), metadata=describe("Where to comment", ["portal", "suishenban"]))
    opens_on = F.Date(metadata=describe("First day comments are taken"))
    closes_on = F.Date(metadata=describe("Last day comments are taken (inclusive, Asia/Shanghai)"))
    window_days = F.Integer(metadata=describe("Calendar days from opens_on to closes_on inclusive", 30))
    shortened_reason = F.String(allow_none=True, metadata=describe("Why the window is shorter than 30 days"))
    comments_public = JsonBoolean(metadata=describe("Whether published comments are shown to all"))
    contact = F.String(allow_none=True, metadata=describe("The drafting department's contact for the consultation"))
    status = F.String(
        metadata=describe(
            "draft, scheduled, open or closed (from the dates)", enum=["draft", "scheduled", "open", "closed"]
        )
    )
    published_on = F.Date(allow_none=True, metadata=describe("Day it was announced"))
    hearing_on = F.Date(allow_none=True, metadata=describe("hearing: the day of the hearing"))
    participants = F.List(
        F.Nested(ParticipantSchema), metadata=describe("hearing: participants, by category and organisation")
    )
    participants_published_on = F.Date(
        allow_none=True, metadata=describe("hearing: day the participant list was published")
    )
    materials_sent_on = F.Date(allow_none=True, metadata=describe("hearing: day materials were sent to participants"))
    record_signed_on = F.Date(allow_none=True, metadata=describe("hearing: day participants signed its record"))
    counts = F.Nested(CountsSchema, metadata=describe("Comments received, computed"))
    _links = Links(
        lambda c: {
            "self": href(f"/consultations/{c.id}"),
            "decision": href(f"/decisions/{c.decision_id}"),
            "draft": href(f"/decisions/{c.decision_id}/drafts/{c.draft_version}"),
            "comments": href(f"/consultations/{c.id}/comments"),
            "clusters": href(f"/consultations/{c.id}/clusters"),
        }
    )


class _ConsultationFields(ma.Schema):
    draft_version = F.Integer(validate=validate.Range(1, MAX_ID), metadata=describe("A published draft version", 1))
    method = F.String(validate=choice(Method), metadata=describe("How", "online"))
    audience = F.List(
        F.String(validate=choice(Audience)),
        validate=validate.Length(1, 5),
        metadata=describe("Whom", ["public", "enterprises", "industry_associations"]),
    )
    channels = F.List(
        F.String(validate=choice(Channel)),
        validate=validate.Length(1, 8),
        metadata=describe("Where", ["portal", "suishenban", "letter"]),
    )
    opens_on = F.Date(metadata=describe("Opens", "2026-04-03"))
    closes_on = F.Date(metadata=describe("Closes (inclusive)", "2026-05-02"))
    shortened_reason = optional_text(5000, "Why shorter than 30 days")
    comments_public = JsonBoolean(metadata=describe("Show published comments to all"))
    contact = F.String(
        allow_none=True,
        validate=bounded_text(0, 500),
        metadata=describe("Contact", "区发展改革委政策法规科 021-59992000"),
    )


class ConsultationInSchema(_ConsultationFields):
    draft_version = F.Integer(
        required=True, validate=validate.Range(1, MAX_ID), metadata=describe("A published draft version", 1)
    )
    method = F.String(required=True, validate=choice(Method), metadata=describe("How", "online"))
    audience = F.List(
        F.String(validate=choice(Audience)),
        required=True,
        validate=validate.Length(1, 5),
        metadata=describe("Whom", ["public", "enterprises"]),
    )
    channels = F.List(
        F.String(validate=choice(Channel)),
        required=True,
        validate=validate.Length(1, 8),
        metadata=describe("Where", ["portal", "suishenban"]),
    )
    opens_on = F.Date(required=True, metadata=describe("Opens", "2026-04-03"))
    closes_on = F.Date(required=True, metadata=describe("Closes (inclusive)", "2026-05-02"))
    comments_public = JsonBoolean(load_default=False, metadata=describe("Show published comments to all"))


class ConsultationPatchSchema(_ConsultationFields):
    pass


class HearingInSchema(ma.Schema):
    hearing_on = F.Date(required=True, metadata=describe("Day of the hearing", "2026-05-20"))
    participants = F.List(F.Nested(ParticipantSchema), required=True, validate=validate.Length(1, 200))
    participants_published_on = F.Date(
        required=True, metadata=describe("Day the participant list was published", "2026-05-06")
    )
    materials_sent_on = F.Date(required=True, metadata=describe("Day materials were sent", "2026-05-08"))
    record_signed_on = F.Date(allow_none=True, metadata=describe("Day participants signed the record", "2026-05-20"))

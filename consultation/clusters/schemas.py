"""Concentrated opinions on the wire."""

import marshmallow as ma
from marshmallow import validate

from consultation.dispositions.models import Disposition, ReasonCode
from consultation.schemas import F, bounded_text, consultation_link, enum_values, optional_text
from core.http import MAX_ID
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe


class ClusterSchema(Schema):
    id = F.Integer(metadata=describe("The cluster's id", 3))
    consultation_id = F.Integer(metadata=describe("The consultation", 5))
    summary = F.String(metadata=describe("The concentrated opinion, summarised"))
    disposition = F.String(metadata=describe("What became of it", enum=enum_values(Disposition)))
    reason_code = F.String(
        allow_none=True, metadata=describe("Why, from the controlled list", enum=enum_values(ReasonCode) + [None])
    )
    reason = F.String(allow_none=True, metadata=describe("Why, in words"))
    comment_count = Computed(
        lambda c: getattr(c, "comment_count", None), metadata=describe("Comments in it", type="integer")
    )
    _links = Links(
        lambda c: {
            "self": href(f"/consultations/{c.consultation_id}/clusters/{c.id}"),
            **consultation_link(c.consultation_id),
        }
    )


class ClusterInSchema(ma.Schema):
    summary = F.String(
        required=True,
        validate=bounded_text(1, 5000),
        metadata=describe("Summary", "多条意见建议提高小微企业贷款贴息比例。"),
    )
    comment_ids = F.List(
        F.Integer(validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(1, 10000),
        metadata=describe("Its comments", [101, 102]),
    )
    disposition = F.String(
        required=True, validate=choice(Disposition), metadata=describe("Disposition", "partially_adopted")
    )
    reason_code = F.String(
        allow_none=True, validate=choice(ReasonCode), metadata=describe("Why", "cost_or_feasibility")
    )
    reason = optional_text(5000, "Why, in words", "贴息比例提高至50%，财政承受能力有限，暂不再提高。")
    disposed_on = F.Date(
        allow_none=True, metadata=describe("The real day it was decided; today when omitted", "2026-05-20")
    )


class ClusterPatchSchema(ma.Schema):
    summary = F.String(validate=validate.Length(1, 5000))
    disposition = F.String(validate=choice(Disposition))
    reason_code = F.String(allow_none=True, validate=choice(ReasonCode))
    reason = F.String(allow_none=True, validate=validate.Length(1, 5000))

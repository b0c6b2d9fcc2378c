"""Dispositions on the wire."""

import marshmallow as ma
from marshmallow import validate

from consultation.dispositions.models import Disposition, ReasonCode
from consultation.schemas import F, optional_text
from core.http import MAX_ID
from core.serialize import choice, describe


class DispositionInSchema(ma.Schema):
    disposition = F.String(
        required=True, validate=choice(Disposition), metadata=describe("What became of it", "not_adopted")
    )
    reason_code = F.String(
        allow_none=True,
        validate=choice(ReasonCode),
        metadata=describe("Why, from the controlled list; required unless adopted", "outside_competence"),
    )
    reason = optional_text(5000, "Why, in words; required unless adopted", "该事项属市级事权，已转交市相关部门研究。")
    cluster_id = F.Integer(
        allow_none=True,
        validate=validate.Range(1, MAX_ID),
        metadata=describe("The concentrated opinion it belongs to"),
    )
    disposed_on = F.Date(
        allow_none=True,
        metadata=describe("The real day it was decided, when entered after the fact; today when omitted", "2026-05-20"),
    )

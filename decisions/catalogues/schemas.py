"""What the yearly catalogue and its adjustments look like on the wire."""

import marshmallow as ma
from marshmallow import validate

from core.http import JsonBoolean
from core.links import href
from core.serialize import Computed, Links, RecordList, Schema, choice, describe
from decisions.models import AdjustmentType, Category, DecisionState, catalogue_path
from decisions.schemas import (
    PLANNED_COMPLETION,
    UNIT_CODE,
    WEB_ADDRESS,
    _DecisionFields,
    _planned_completion,
    adjustment_mark,
    decision_id_field,
    title_field,
)
from decisions.timeline import TimelineEntrySchema

F = ma.fields


class AdjustmentSchema(Schema):
    id = F.Integer(metadata=describe("The adjustment's id", 1))
    catalogue_unit = Computed(
        lambda a: a.catalogue_unit or None,
        metadata=describe("Whose catalogue: a unit's code, null for the district's", type=["string", "null"]),
    )
    catalogue_year = F.Integer(metadata=describe("The catalogue's year", 2026))
    type = F.String(metadata=describe("What kind of adjustment", "postpone", enum=[t.value for t in AdjustmentType]))
    decision_id = F.Integer(metadata=describe("The decision it adjusts", 12))
    reason = F.String(metadata=describe("Why", "受上位规划调整影响，需延期至第四季度。"))
    approved_on = F.Date(metadata=describe("Day the decision body approved it", "2026-06-15"))
    published_on = F.Date(metadata=describe("Day it was published", "2026-06-18"))
    changes = F.Dict(
        metadata=describe("What it changed: {field: [before, after]}", {"planned_completion": ["2026-Q3", "2026-Q4"]})
    )
    recorded_at = F.DateTime(metadata=describe("When the service recorded it", "2026-06-18T03:20:00+00:00"))
    _links = Links(
        lambda a: {
            "self": href(a.path),
            "decision": href(f"/decisions/{a.decision_id}"),
            "catalogue": href(catalogue_path(a.catalogue_unit, a.catalogue_year)),
        }
    )


class AdjustmentInSchema(ma.Schema):
    type = F.String(required=True, validate=choice(AdjustmentType), metadata=describe("Kind", "postpone"))
    decision_id = decision_id_field("The decision it adjusts", required=True)
    reason = F.String(
        required=True,
        validate=validate.Length(1, 5000),
        metadata=describe("Why", "受上位规划调整影响，需延期至第四季度。"),
    )
    approved_on = F.Date(required=True, metadata=describe("Day the decision body approved it", "2026-06-15"))
    published_on = F.Date(metadata=describe("Day it was published; today when omitted", "2026-06-18"))
    planned_completion = F.String(
        validate=_planned_completion,
        metadata=describe("postpone: the new planned completion, later than the old", "2026-Q4", **PLANNED_COMPLETION),
    )
    changes = F.Nested(_DecisionFields, metadata=describe("modify: the catalogue columns it changes", {"title": "……"}))


class CatalogueItemSchema(ma.Schema):
    id = F.Integer(metadata=describe("The decision's id", 12))
    seq_no = F.Integer(metadata=describe("Sequence number", 1))
    title = F.String(metadata=describe("Title", "嘉定区促进民营经济高质量发展若干措施"))
    category = F.String(metadata=describe("Category", "public_policy", enum=[c.value for c in Category]))
    lead_unit = F.String(metadata=describe("Lead unit's code", "jd-fgw"))
    planned_completion = F.String(metadata=describe("Planned completion at the catalogue's precision", "2026-Q3"))
    hearing_required = JsonBoolean(metadata=describe("A hearing is required"))
    state = F.String(metadata=describe("Procedure state", "initiated", enum=[s.value for s in DecisionState]))
    adjustment = adjustment_mark()
    stages = RecordList(
        TimelineEntrySchema,
        allow_none=True,
        metadata=describe(
            "With `embed=stages`: its public record, a link to each stage of its procedure in the order things "
            "happened, as its timeline's entries; null without"
        ),
    )
    _links = Links(lambda d: {"self": href(f"/decisions/{d.id}"), "timeline": href(f"/decisions/{d.id}/timeline")})


class CatalogueSchema(Schema):
    unit = Computed(
        lambda c: c.unit or None,
        metadata=describe(
            "Whose catalogue: the code of the department, town or street that keeps it, null for the district "
            "government's; with the year its natural key",
            type=["string", "null"],
        ),
    )
    year = F.Integer(metadata=describe("The year; a catalogue's natural key", 2026))
    title = F.String(metadata=describe("Title", "嘉定区人民政府2026年度重大行政决策事项目录"))
    issuer_unit = F.String(metadata=describe("Code of the issuing unit", "jd-gov"))
    status = F.String(metadata=describe("draft or published", "published", enum=["draft", "published"]))
    party_consent_on = F.Date(allow_none=True, metadata=describe("Day the Party committee consented", "2026-02-28"))
    published_on = F.Date(allow_none=True, metadata=describe("Day it was published", "2026-03-10"))
    doc_number = F.String(allow_none=True, metadata=describe("Document number (文号)", "嘉府发〔2026〕5号"))
    url = F.String(
        allow_none=True,
        metadata=describe("Where the published document is", "https://www.jiading.gov.cn/zwgk/2026/ml.html"),
    )
    due_on = F.Date(metadata=describe("Publication deadline: 31 March of its year", "2026-03-31"))
    on_time = JsonBoolean(allow_none=True, metadata=describe("Published by due_on; null while it still may be", True))
    items = RecordList(CatalogueItemSchema, metadata=describe("Its decisions, by sequence number"))
    adjustments = F.List(F.Nested(AdjustmentSchema), metadata=describe("Its adjustments, oldest first"))
    _links = Links(
        lambda c: {
            "self": href(c.path),
            "decisions": href(f"/decisions?year={c.year}" + (f"&unit={c.unit}" if c.unit else "")),
            "adjustments": href(f"{c.path}/adjustments"),
            "issuer_unit": href(f"/units/{c.issuer_unit}"),
        }
    )


class CatalogueInSchema(ma.Schema):
    year = F.Integer(required=True, validate=validate.Range(2000, 2100), metadata=describe("Year", 2026))
    title = title_field("嘉定区人民政府2026年度重大行政决策事项目录", required=True)
    issuer_unit = F.String(
        required=True, validate=UNIT_CODE.validate, metadata=describe("Issuing unit's code", "jd-gov")
    )
    party_consent_on = F.Date(metadata=describe("Day the Party committee consented, if it has", "2026-02-20"))


class CataloguePatchSchema(ma.Schema):
    title = title_field("嘉定区人民政府2026年度重大行政决策事项目录")
    issuer_unit = F.String(validate=UNIT_CODE.validate, metadata=describe("Issuing unit's code", "jd-gov"))
    party_consent_on = F.Date(allow_none=True, metadata=describe("Day the Party committee consented", "2026-02-20"))


class PublicationInSchema(ma.Schema):
    party_consent_on = F.Date(
        metadata=describe("Day the Party committee consented, unless recorded already", "2026-02-20")
    )
    published_on = F.Date(metadata=describe("Day of publication; today when omitted", "2026-03-15"))
    doc_number = F.String(validate=validate.Length(1, 100), metadata=describe("Document number", "嘉府发〔2026〕5号"))
    url = F.Url(
        validate=validate.Length(max=1000),
        metadata=describe(
            "Where the published document is", "https://www.jiading.gov.cn/zwgk/2026/ml.html", pattern=WEB_ADDRESS
        ),
    )


class CatalogueEmbedArgsSchema(ma.Schema):
    embed = F.String(
        validate=validate.OneOf(["stages"]),
        metadata=describe("stages: each item with the links to every stage of its procedure", "stages"),
    )


class CatalogueQueryArgsSchema(ma.Schema):
    status = F.String(
        validate=validate.OneOf(["draft", "published"]), metadata=describe("draft (staff only) or published")
    )


class UnitCatalogueInSchema(ma.Schema):
    year = F.Integer(required=True, validate=validate.Range(2000, 2100), metadata=describe("Year", 2026))
    title = title_field("安亭镇2026年度重大行政决策事项目录", required=True)
    issuer_unit = F.String(
        validate=UNIT_CODE.validate,
        metadata=describe("Issuing unit's code: the unit itself (its code when omitted)", "jd-anting"),
    )
    party_consent_on = F.Date(
        metadata=describe("Day the unit's Party organisation (党委、党组) consented, if it has", "2026-02-20")
    )

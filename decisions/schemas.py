"""What decisions look like on the wire, and the fields the catalogue shares with them."""

import marshmallow as ma
from marshmallow import validate

from core.http import MAX_ID, JsonBoolean
from core.links import href
from core.serialize import Computed, Links, Schema, choice, describe
from decisions.models import (
    Category,
    DecisionState,
    Procedure,
    catalogue_path,
    completion_last_day,
    completion_precision,
)

F = ma.fields


def _planned_completion(value: str) -> None:
    try:
        completion_last_day(value)
    except ValueError as error:
        raise ma.ValidationError("Give the planned completion as YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.") from error


# What _planned_completion accepts, for the spec: a year, a quarter or a month of it, or a day.
PLANNED_COMPLETION = {
    "anyOf": [
        {"pattern": r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-Q[1-4]|-(0[1-9]|1[0-2]))?$"},
        {"format": "date"},
    ]
}

# An http(s) address with a domain name: the part of what F.Url accepts that the spec promises.
WEB_ADDRESS = r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,6}(/[!-~]*)?$"

# A unit's code names it in whatever case (core.units): a short code such as `jd-fgw`, or its
# 统一社会信用代码, 18 digits and capitals such as `11310114MB2F00000X`.
UNIT_CODE = F.String(
    validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="Letters, digits, - and _."),
    metadata=describe("The unit's code, in any case", "jd-fgw"),
)


def title_field(example: str, **kwargs) -> ma.fields.String:
    """A title given in a request: 1 to 300 characters, what the records' title columns hold."""
    return F.String(validate=validate.Length(1, 300), metadata=describe("Title", example), **kwargs)


def decision_id_field(description: str, **kwargs) -> ma.fields.Integer:
    """A decision named by its id in a request: any id a row may have."""
    return F.Integer(validate=validate.Range(1, MAX_ID), metadata=describe(description, 12), **kwargs)


def adjustment_mark() -> ma.fields.String:
    """`adjustment`, read-only: the catalogue adjustment a decision last had, if any."""
    return F.String(
        allow_none=True,
        metadata=describe(
            "The catalogue adjustment it last had",
            None,
            enum=["added", "modified", "postponed", "withdrawn", "carried_over", None],
        ),
    )


def decision_links(decision_id: int) -> dict:
    """The links of what belongs to a decision (a stage record, a meeting's agenda item): the
    decision and its timeline."""
    return {
        "decision": href(f"/decisions/{decision_id}"),
        "timeline": href(f"/decisions/{decision_id}/timeline"),
    }


# --- Decisions -------------------------------------------------------------------------------


def _decision_links(d):
    return {
        "self": href(f"/decisions/{d.id}"),
        "catalogue": href(catalogue_path(d.catalogue_unit, d.catalogue_year)),
        "lead_unit": href(f"/units/{d.lead_unit}"),
    }


class DecisionSchema(Schema):
    id = F.Integer(metadata=describe("The decision's id", 12))
    catalogue_unit = Computed(
        lambda d: d.catalogue_unit or None,
        metadata=describe(
            "Whose catalogue lists it: a unit's code (its own catalogue), null for the district's",
            type=["string", "null"],
        ),
    )
    catalogue_year = F.Integer(metadata=describe("The catalogue's year", 2026))
    seq_no = F.Integer(metadata=describe("Sequence number in the catalogue", 3))
    title = F.String(metadata=describe("Title", "嘉定区促进民营经济高质量发展若干措施"))
    summary = F.String(
        metadata=describe("Summary of what is to be decided", "围绕优化营商环境、支持民营企业发展，制定若干措施。")
    )
    category = F.String(metadata=describe("Category", "public_policy", enum=[c.value for c in Category]))
    lead_unit = F.String(metadata=describe("Code of the lead unit (承办单位)", "jd-fgw"))
    co_units = F.List(F.String(), metadata=describe("Codes of the co-units (协办单位)", ["jd-scjgj"]))
    legal_basis = F.List(
        F.String(), metadata=describe("Laws and policies it rests on", ["《重大行政决策程序暂行条例》"])
    )
    planned_completion = F.String(metadata=describe("Planned completion at the catalogue's precision", "2026-Q3"))
    planned_completion_precision = Computed(
        lambda d: completion_precision(d.planned_completion),
        metadata=describe(
            "year, quarter, month or day", "quarter", type="string", enum=["year", "quarter", "month", "day"]
        ),
    )
    planned_completion_by = F.Date(metadata=describe("Last day of the planned period", "2026-09-30"))
    enterprise_related = JsonBoolean(metadata=describe("涉企: enterprises and associations must be heard"))
    hearing_required = JsonBoolean(metadata=describe("A hearing (听证) is required"))
    procedures = F.List(
        F.String(), metadata=describe("Procedures the catalogue requires", ["public_participation", "legality_review"])
    )
    state = F.String(
        metadata=describe(
            "Where its procedure stands; moved by the procedure only",
            "initiated",
            enum=[s.value for s in DecisionState],
        )
    )
    adjustment = adjustment_mark()
    catalogued_on = F.Date(
        allow_none=True,
        metadata=describe("Day it became public in the catalogue; null while unpublished", "2026-03-10"),
    )
    created_at = F.DateTime(metadata=describe("When the service recorded it", "2026-02-25T02:15:00+00:00"))
    updated_at = F.DateTime(metadata=describe("When it last changed", "2026-03-10T01:30:00+00:00"))
    _links = Links(_decision_links)


class _DecisionFields(ma.Schema):
    title = title_field("嘉定区促进民营经济高质量发展若干措施")
    summary = F.String(
        validate=validate.Length(0, 20000),
        metadata=describe("Summary", "围绕优化营商环境、支持民营企业发展，制定若干措施。"),
    )
    category = F.String(validate=choice(Category), metadata=describe("Category", "public_policy"))
    lead_unit = UNIT_CODE
    co_units = F.List(UNIT_CODE, validate=validate.Length(max=30), metadata=describe("Co-units' codes", ["jd-scjgj"]))
    legal_basis = F.List(
        F.String(validate=validate.Length(1, 500)),
        validate=validate.Length(max=50),
        metadata=describe("Laws and policies it rests on", ["《优化营商环境条例》"]),
    )
    planned_completion = F.String(
        validate=_planned_completion,
        metadata=describe("YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD", "2026-Q3", **PLANNED_COMPLETION),
    )
    enterprise_related = JsonBoolean(metadata=describe("涉企"))
    hearing_required = JsonBoolean(metadata=describe("A hearing is required"))
    procedures = F.List(
        F.String(validate=choice(Procedure)), metadata=describe("Required procedures", ["public_participation"])
    )


class DecisionInSchema(_DecisionFields):
    catalogue_year = F.Integer(
        required=True, validate=validate.Range(2000, 2100), metadata=describe("The catalogue's year", 2026)
    )
    catalogue_unit = F.String(
        allow_none=True,
        validate=UNIT_CODE.validate,
        metadata=describe(
            "The unit whose own catalogue lists it, which is then its lead unit "
            "(422 `catalogue-item-other-unit` otherwise); the district's catalogue when omitted or null",
            "jd-anting",
        ),
    )
    seq_no = F.Integer(
        validate=validate.Range(1, 100000), metadata=describe("Sequence number; the next free one when omitted", 3)
    )
    title = title_field("嘉定区促进民营经济高质量发展若干措施", required=True)
    category = F.String(required=True, validate=choice(Category), metadata=describe("Category", "public_policy"))
    lead_unit = F.String(
        required=True, validate=UNIT_CODE.validate, metadata=describe("Code of the lead unit", "jd-fgw")
    )
    planned_completion = F.String(
        required=True,
        validate=_planned_completion,
        metadata=describe("YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD", "2026-Q3", **PLANNED_COMPLETION),
    )


class DecisionPatchSchema(_DecisionFields):
    seq_no = F.Integer(validate=validate.Range(1, 100000), metadata=describe("Sequence number", 3))


class DecisionQueryArgsSchema(ma.Schema):
    year = F.Integer(validate=validate.Range(2000, 2100), metadata=describe("Catalogue year", 2026))
    unit = F.String(validate=validate.Length(1, 40), metadata=describe("Lead unit's code", "jd-fgw"))
    state = F.String(validate=choice(DecisionState), metadata=describe("Procedure state"))
    category = F.String(validate=choice(Category), metadata=describe("Category"))
    enterprise_related = F.Boolean(metadata=describe("Only enterprise-related (true) or not (false)"))
    q = F.String(
        validate=validate.Length(1, 100),
        metadata=describe("Words that title or summary must contain (Chinese included)", "营商环境"),
    )
    updated_since = F.AwareDateTime(
        metadata=describe("Only those changed at or after this instant", "2026-01-01T00:00:00+08:00")
    )
    sort = F.String(
        load_default="-catalogue_year,seq_no",
        validate=validate.OneOf(
            [
                "-catalogue_year,seq_no",
                "seq_no",
                "-seq_no",
                "updated_at",
                "-updated_at",
                "planned_completion_by",
                "-planned_completion_by",
            ]
        ),
        metadata=describe("Order; `-` for descending"),
    )

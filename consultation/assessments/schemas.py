"""The yearly assessment on the wire: its rule set, each unit's scored duties with the records
behind every figure as links, and its versions."""

import marshmallow as ma
from marshmallow import validate

from consultation.assessments import rules
from core.links import api_url, href
from core.serialize import Computed, Links, Schema, describe

F = ma.fields


# One field per duty of the rules: a weight for a duty the rules do not know is refused.
_Weights = ma.Schema.from_dict(
    {name: F.Float(validate=validate.Range(0, 100)) for name in rules.DUTY_NAMES}, name="AssessmentWeights"
)


class AssessmentInSchema(ma.Schema):
    weights = F.Nested(
        _Weights,
        metadata=describe(
            "Points per duty (the defaults for those not given: "
            + ", ".join(f"`{name}` {weight:g}" for name, weight in rules.DEFAULT_WEIGHTS.items())
            + ")",
            {"consultation_window": 20},
        ),
    )
    performance_weight = F.Float(
        validate=validate.Range(0, 100),
        metadata=describe(
            f"The assessment's points in the units' performance assessment (绩效考核), at least "
            f"{rules.MIN_PERFORMANCE_WEIGHT} (problem `assessment-weight-too-small`); "
            f"{rules.DEFAULT_PERFORMANCE_WEIGHT} when omitted",
            4,
        ),
    )
    reason = F.String(
        validate=validate.Length(1, 5000),
        metadata=describe(
            "Why a published assessment is corrected: needed once a version is published "
            "(problem `correction-reason-missing`)",
            "江桥镇2025年第四季度两件留言答复记录补录，重新计分。",
        ),
    )


class AssessmentPublishInSchema(ma.Schema):
    published_on = F.Date(metadata=describe("Day it was published; today when omitted", "2026-03-27"))


def linked(value):
    """Stored figures as sent: each path (`path`, and those under `records`) an absolute link."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "records" and isinstance(item, dict):
                out[key] = {k: [href(p) for p in paths] for k, paths in item.items()}
            elif key == "path" and isinstance(item, str):
                out["href"] = api_url(item)
            else:
                out[key] = linked(item)
        return out
    if isinstance(value, list):
        return [linked(v) for v in value]
    return value


_DUTIES = describe(
    "Each duty by name (" + ", ".join(rules.DUTY_NAMES) + "): `applies` (false when the unit had nothing to "
    "keep), `value` as the seed states it, `rate` kept (0-1), `met`, `weight`, `points` earned, and "
    "`records`, the records behind the figure as links",
    type="object",
)


_VERSION = {
    "type": "object",
    "properties": {
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "published"]},
        "published_on": {"type": ["string", "null"], "format": "date"},
        "correction_reason": {"type": ["string", "null"]},
        "href": {"type": "string", "format": "uri"},
    },
}


def _of_units(a):
    """Each unit's score and duties, and the compliance figures they were measured from."""
    if a.units is None:  # a list's summary
        return None
    shown = ("unit", "name", "score", "performance_points")
    return [
        {**{k: u[k] for k in shown}, "duties": linked(u["duties"]), "compliance": linked(u["compliance"])}
        for u in a.units
    ]


class AssessmentSchema(Schema):
    year = F.Integer(metadata=describe("The year assessed", 2025))
    version = F.Integer(metadata=describe("1, then one more for each correction", 1))
    status = F.String(
        metadata=describe("draft, or published (never changed after)", "published", enum=["draft", "published"])
    )
    rules = F.Dict(
        metadata=describe(
            "The rule set it was scored by: `weights` (points per duty) and `performance_weight`",
            {"weights": rules.DEFAULT_WEIGHTS, "performance_weight": rules.DEFAULT_PERFORMANCE_WEIGHT},
        )
    )
    taken_on = F.Date(metadata=describe("The day its compliance figures were read", "2026-03-20"))
    taken_at = F.DateTime(metadata=describe("When the snapshot was taken", "2026-03-20T02:00:00+00:00"))
    published_on = F.Date(allow_none=True, metadata=describe("Day it was published", "2026-03-27"))
    due_on = F.Date(metadata=describe("31 March of the next year (the first quarter)", "2026-03-31"))
    deadline = F.String(
        metadata=describe(
            "Its publication against `due_on`: on_time, late, overdue or pending",
            "on_time",
            enum=["on_time", "late", "overdue", "pending"],
        )
    )
    corrects_version = F.Integer(allow_none=True, metadata=describe("The published version this one corrects", None))
    correction_reason = F.String(allow_none=True, metadata=describe("Why it corrects that version", None))
    district = Computed(
        lambda a: linked(a.district),
        metadata=describe("The district's score (and, but in lists, its duties and figures)", type="object"),
    )
    units = Computed(
        _of_units,
        metadata=describe(
            "Each unit's score and duties (not in lists)",
            type=["array", "null"],
            items={
                "type": "object",
                "properties": {
                    "unit": {"type": "string"},
                    "score": {"type": ["number", "null"]},
                    "performance_points": {"type": ["number", "null"]},
                    "duties": {"type": "object"},
                },
            },
        ),
    )
    versions = Computed(
        lambda a: None if a.versions is None else linked(a.versions),
        metadata=describe(
            "Every version of the year you may read, oldest first (not in lists)",
            type=["array", "null"],
            items=_VERSION,
        ),
    )
    _links = Links(
        lambda a: {
            "self": href(a.path),
            "year": href(f"/assessments/{a.year}"),
            "csv": href(f"/assessments/{a.year}.csv?version={a.version}"),
            "compliance": href(f"/compliance?year={a.year}"),
        }
    )

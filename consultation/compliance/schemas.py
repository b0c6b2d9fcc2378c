"""The compliance report on the wire: figures written out as the contract shows them, each
record behind a figure a link."""

import marshmallow as ma
from marshmallow import validate

from consultation.schemas import Documented
from core.links import api_url


class ComplianceQueryArgsSchema(ma.Schema):
    year = ma.fields.Integer(
        required=True, validate=validate.Range(2000, 2100), metadata={"description": "The year", "examples": [2026]}
    )
    unit = ma.fields.String(
        validate=validate.Length(1, 40), metadata={"description": "Only this unit (code)", "examples": ["jd-fgw"]}
    )
    format = ma.fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "json, or csv for the assessment's spreadsheet (one row per unit, then the district)"},
    )


_FIGURE = {
    "type": "object",
    "description": "Counts by outcome; `records` lists the records behind each count as links",
    "additionalProperties": True,
}

COMPLIANCE_SCHEMA = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"},
        "catalogue": {
            "type": ["object", "null"],
            "description": "The year's catalogue: published by 31 March?",
            "properties": {
                "year": {"type": "integer"},
                "published_on": {"type": ["string", "null"], "format": "date"},
                "due_on": {"type": "string", "format": "date"},
                "on_time": {"type": ["boolean", "null"]},
                "href": {"type": "string", "format": "uri"},
            },
        },
        "units": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "unit": {"type": "string"},
                    "name": {"type": "string"},
                    "own_catalogue": {
                        "type": ["object", "null"],
                        "description": "The unit's own catalogue of the year (null without one): published by "
                        "31 March?",
                        "properties": {
                            "year": {"type": "integer"},
                            "published_on": {"type": ["string", "null"], "format": "date"},
                            "due_on": {"type": "string", "format": "date"},
                            "on_time": {"type": ["boolean", "null"]},
                            "href": {"type": "string", "format": "uri"},
                        },
                    },
                    "consultations": _FIGURE,
                    "adoption_reports": _FIGURE,
                    "inquiries": _FIGURE,
                    "invited_meetings": {
                        **_FIGURE,
                        "description": "Invited stakeholder attendance (列席, at least 3 a year): `count` of the "
                        "year's published meetings with stakeholders that count for the unit — its own (局长办公会, "
                        "党政联席会议, …) and the district government's on its decisions — against `required`; "
                        "`own_meetings` of them held by the unit, `own_meetings_topics` the decisions those "
                        "deliberated, `topics_from_own_catalogue` how many of those came from the unit's own "
                        "catalogue; `records` links `meetings` and `own_meetings`",
                    },
                    "enterprise_hearing": _FIGURE,
                    "interpretations": {
                        **_FIGURE,
                        "description": "The interpretation duty (政策解读): the year's policy documents "
                        "(results, drafts marked so) `interpreted` or `not_interpreted`; of the interpreted, "
                        "`multi_form` with a form beyond text, `multi_form_rate` (null without any) against "
                        "`threshold` (0.6), `met` per unit; `records` links the documents and the "
                        "interpretations that count",
                    },
                    "activities": {
                        **_FIGURE,
                        "description": "Government open activities (政府开放活动) held in the year (published, their "
                        "last day past): `held`, of the August `open_month`, that collected opinions by "
                        "`questionnaire`, in `discussion`, either (`with_opinions`), and their feedback reports "
                        "(专项反馈) `feedback.on_time`, `late`, `overdue` or `pending`; `records` links each",
                    },
                },
            },
        },
        "district": {"type": "object", "description": "The same figures for the whole district"},
        "_links": {"type": "object"},
    },
}


def _with_links(value):
    """The report as sent: each path to a record (`path`, and those under `records`) an
    absolute link."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "records":
                out[key] = {k: [{"href": api_url(p)} for p in paths] for k, paths in item.items()}
            elif key == "path":
                out["href"] = api_url(item)
            else:
                out[key] = _with_links(item)
        return out
    if isinstance(value, list):
        return [_with_links(v) for v in value]
    return value


# The report `services.compliance` returns, dumped: a dict of figures, documented as written.
COMPLIANCE = Documented(COMPLIANCE_SCHEMA, _with_links)

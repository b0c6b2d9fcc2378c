"""HTTP view of the compliance figures, as JSON or CSV."""

import csv
import io

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from marshmallow import validate

from consultation.compliance import services
from core.http import Blueprint, documents, json_response
from core.links import base_url

blp = Blueprint(
    "compliance",
    __name__,
    url_prefix="/api/v1/compliance",
    description="Compliance for the district office's yearly assessment: deadlines and duties kept, "
    "per unit and for the district.",
)


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
                    "consultations": _FIGURE,
                    "adoption_reports": _FIGURE,
                    "inquiries": _FIGURE,
                    "invited_meetings": _FIGURE,
                    "enterprise_hearing": _FIGURE,
                },
            },
        },
        "district": {"type": "object", "description": "The same figures for the whole district"},
        "_links": {"type": "object"},
    },
}


def _with_links(value):
    """Paths to records become absolute links."""
    base = base_url() + "/api/v1"
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "records":
                out[key] = {k: [{"href": base + p} for p in paths] for k, paths in item.items()}
            elif key == "path":
                out["href"] = base + item
            else:
                out[key] = _with_links(item)
        return out
    if isinstance(value, list):
        return [_with_links(v) for v in value]
    return value


@blp.route("")
class Compliance(MethodView):
    @blp.arguments(ComplianceQueryArgsSchema, location="query")
    @blp.response(200, COMPLIANCE_SCHEMA)
    @blp.alt_response(
        200,
        schema={"type": "string", "description": "One row per unit, then the district's"},
        description="The same figures as CSV (`format=csv`)",
        content_type="text/csv",
        success=True,
    )
    @documents(422)
    def get(self, args):
        """Show the year's compliance figures per unit and for the district

        The catalogue published by 31 March; each consultation's window (30 days or a stated
        reason); adoption reports on time, late, overdue or pending; inquiries answered on time (or declined);
        meetings with invited stakeholders (at least 3 a unit a year); enterprise-related decisions
        heard before their meeting. Every figure links to the records behind it."""
        report = services.compliance(args["year"], unit=args.get("unit"))
        if args["format"] == "csv":
            out = io.StringIO()
            csv.writer(out).writerows(services.csv_rows(report))
            filename = f"juece-compliance-{args['year']}.csv"
            return Response(
                "\ufeff" + out.getvalue(),
                mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        body = _with_links(report)
        query = f"year={args['year']}" + (f"&unit={args['unit']}" if args.get("unit") else "")
        body["_links"] = {
            "self": {"href": f"{base_url()}/api/v1/compliance?{query}"},
            "csv": {"href": f"{base_url()}/api/v1/compliance?{query}&format=csv"},
        }
        return json_response(body)

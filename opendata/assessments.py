"""The yearly assessment as the district office's spreadsheet: one row per unit, then the
district's, written as the exports write CSV (UTF-8 with a BOM, formulas neutralised)."""

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from consultation.assessments import rules, services
from core.auth import accepts_token, current_account
from core.http import api_blueprint, documents, path_parameter
from core.serialize import describe
from opendata.exports import formats

blp = api_blueprint(
    "assessment_sheets",
    __name__,
    path="/assessments",
    description="The yearly assessment as a spreadsheet (CSV) for the district office.",
)

COLUMNS = [
    "year",
    "version",
    "status",
    "unit",
    "name",
    "score",
    "performance_points",
    *(f"{duty}_{part}" for duty in rules.DUTY_NAMES for part in ("value", "met", "weight", "points")),
]


class AssessmentSheetArgsSchema(ma.Schema):
    version = ma.fields.Integer(
        validate=ma.validate.Range(1, 10_000),
        metadata=describe("A version of the year's assessment; its newest you may read when omitted", 1),
    )


def rows(assessment) -> list[dict]:
    """The version's rows: each unit's, then the district's (unit `district`)."""
    figures = assessment.figures
    status = "draft" if assessment.published_on is None else "published"

    def row(unit: str, name: str, scored: dict) -> dict:
        out = {
            "year": assessment.year,
            "version": assessment.version,
            "status": status,
            "unit": unit,
            "name": name,
            "score": scored["score"],
            "performance_points": scored["performance_points"],
        }
        for duty in rules.DUTY_NAMES:
            measured = scored["duties"].get(duty, {})
            out[f"{duty}_value"] = measured.get("value")
            out[f"{duty}_met"] = measured.get("met")
            out[f"{duty}_weight"] = measured.get("weight")
            out[f"{duty}_points"] = measured.get("points")
        return out

    return [*(row(u["unit"], u["name"], u) for u in figures["units"]), row("district", "全区", figures["district"])]


@blp.route("/<int:year>.csv", parameters=[path_parameter("year", "The year assessed", 2025)])
class AssessmentSheet(MethodView):
    @accepts_token
    @blp.doc(operationId="download_assessment_csv")
    @blp.arguments(AssessmentSheetArgsSchema, location="query")
    @blp.response(
        200,
        {"type": "string", "description": "A header row, one row per unit, then the district's"},
        content_type="text/csv",
    )
    @documents(404, 422)
    def get(self, args, year):
        """Download a year's assessment as CSV for the office's spreadsheet

        UTF-8 with a byte order mark (Excel opens the Chinese as written); text that a
        spreadsheet would read as a formula is written after a `'`. Drafts for the district
        office and the evaluator, as the JSON."""
        assessment = services.get(year, viewer=current_account(), version=args.get("version"))
        body = b"".join(formats.csv_chunks(COLUMNS, [rows(assessment)]))
        filename = f"juece-assessment-{year}-v{assessment.version}.csv"
        return Response(
            body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

"""HTTP view of the compliance figures, as JSON or CSV."""

import csv
import io

from flask import Response
from flask.views import MethodView

from consultation.compliance import services
from consultation.compliance.schemas import COMPLIANCE, ComplianceQueryArgsSchema
from core.http import api_blueprint, documents

blp = api_blueprint(
    "compliance",
    __name__,
    description="Compliance for the district office's yearly assessment: deadlines and duties kept, "
    "per unit and for the district.",
)


@blp.route("")
class Compliance(MethodView):
    @blp.arguments(ComplianceQueryArgsSchema, location="query")
    @blp.response(200, COMPLIANCE)
    @blp.alt_response(
        200,
        schema={"type": "string", "description": "One row per unit, then the district's"},
        description="The same figures as CSV (`format=csv`)",
        content_type="text/csv",
        success=True,
    )
    @documents(422)
    @blp.doc(operationId="show_compliance")
    def get(self, args):
        """Show the year's compliance figures per unit and for the district

        The catalogue published by 31 March; each consultation's window (30 days or a stated
        reason); adoption reports on time, late, overdue or pending; inquiries answered on time (or declined);
        meetings with invited stakeholders (at least 3 a unit a year); enterprise-related decisions
        heard before their meeting; policy documents without a published interpretation, and the
        multi-form interpretation rate (at least 60 % a unit a year). Every figure links to the
        records behind it."""
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
        return report

"""HTTP views of the adoption report: the routes every record has, on the decision."""

from flask.views import MethodView

from consultation.adoption.schemas import AdoptionReportInSchema, AdoptionReportPatchSchema, AdoptionReportSchema
from consultation.adoption.services import ADOPTION_REPORT, working_report
from consultation.blueprint import EDITORS_ONLY
from core.auth import current_account
from core.http import api_blueprint, path_parameter
from core.reads import shows
from decisions import services as decision_services
from decisions.records.schemas import ExemptingPublishInSchema
from decisions.records.views import register_record_routes

blp = api_blueprint(
    "adoption_reports",
    __name__,
    path="/decisions",
    description="The adoption report (意见收集采纳情况): opinions received and how they were adopted, published "
    "within 10 working days after the result is issued.",
)

register_record_routes(
    ADOPTION_REPORT,
    AdoptionReportSchema,
    AdoptionReportInSchema,
    AdoptionReportPatchSchema,
    "adoption report",
    blp=blp,
    # Its publication has preconditions an admin may exempt (result-not-issued, comments-undisposed).
    publish_schema=ExemptingPublishInSchema,
)


@blp.route(
    "/<int:decision_id>/adoption-report/working", parameters=[path_parameter("decision_id", "The decision's id", 1)]
)
class WorkingAdoptionReport(MethodView):
    @shows(blp, AdoptionReportSchema, etag=False, access=EDITORS_ONLY)
    def get(self, decision_id):
        """Show the working adoption report (lead unit's editor, admin)

        The newest version with its figures and clusters as they stand now: what a correction
        would publish. A published version reads as it was published; comments and dispositions
        entered since change only this working report."""
        decision = decision_services.get_decision(decision_id, viewer=current_account())
        return working_report(decision, by=current_account())

"""HTTP views of the adoption report: the routes every record has, on the decision."""

from consultation.adoption.schemas import AdoptionReportInSchema, AdoptionReportPatchSchema, AdoptionReportSchema
from consultation.adoption.services import ADOPTION_REPORT
from core.http import Blueprint
from decisions.records.schemas import ExemptingPublishInSchema
from decisions.records.views import register_record_routes

blp = Blueprint(
    "adoption_reports",
    __name__,
    url_prefix="/api/v1/decisions",
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

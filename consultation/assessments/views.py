"""HTTP views of the yearly assessment: take, publish, read (the CSV is opendata.assessments)."""

from flask.views import MethodView

from consultation.assessments import services
from consultation.assessments.schemas import AssessmentInSchema, AssessmentPublishInSchema, AssessmentSchema
from core.auth import current_account, requires
from core.http import api_blueprint, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes

blp = api_blueprint(
    "assessments",
    __name__,
    description="The yearly assessment (年度政务公开工作考核评估): a frozen snapshot of every unit's compliance, "
    "scored by the rule set stored with it, published in the first quarter of the next year.",
)

YEAR = path_parameter("year", "The year assessed", 2025)
VERSION = path_parameter("version", "The version: 1, then one more for each correction", 1)


@blp.route("")
class Assessments(MethodView):
    @lists(blp, AssessmentSchema(many=True))
    @blp.doc(operationId="list_assessments")
    def get(self):
        """List the yearly assessments, newest year first

        Each year's newest version: published ones for everyone, drafts too for the district
        office and the evaluator. Without units, duties or versions (read the year for them)."""
        return services.list_assessments(viewer=current_account())


@blp.route("/<int:year>", parameters=[YEAR])
class AssessmentByYear(MethodView):
    @shows(blp, AssessmentSchema)
    @blp.doc(operationId="show_assessment")
    def get(self, year):
        """Show a year's newest assessment, scored per unit, with its versions

        Every duty's figure links to the records behind it. Drafts are for the district office
        and the evaluator; the public reads a published version (404 before)."""
        viewer = current_account()
        return services.view(services.get(year, viewer=viewer), viewer=viewer)

    @writes(
        blp,
        AssessmentInSchema,
        201,
        AssessmentSchema,
        404,
        409,
        422,
        access=requires("admin"),
        etag=SENT,
        required=False,
    )
    @blp.doc(operationId="take_assessment")
    def post(self, data, year):
        """Take the year's assessment: a frozen, scored snapshot of its compliance (admin)

        Reads `/compliance` for the year as it stands today and scores every unit by the rule
        set given (default weights otherwise), stored with it. A draft is taken again in place;
        once a version is published it never changes, and this takes a correction, a new
        version, which needs a `reason` (422 `correction-reason-missing`). A `performance_weight`
        under 4 is 422 `assessment-weight-too-small`; a year not begun yet is 422."""
        assessment = services.take(year, **data)
        view = services.view(assessment, viewer=current_account())
        return view, 201, {"Location": api_url(services.target(assessment))}


@blp.route("/<int:year>/publish", parameters=[YEAR])
class AssessmentPublication(MethodView):
    @writes(
        blp,
        AssessmentPublishInSchema,
        200,
        AssessmentSchema,
        404,
        409,
        422,
        access=requires("admin"),
        etag=SENT,
        required=False,
    )
    @blp.doc(operationId="publish_assessment")
    def post(self, data, year):
        """Publish the year's newest version (admin)

        It enters the public record (`/changes`, the hash chain) and is never changed after:
        publishing a published version again is 409 `assessment-published`. Due by 31 March of
        the next year: `deadline` says on_time or late."""
        return services.view(services.publish(year, **data), viewer=current_account())


@blp.route("/<int:year>/versions/<int:version>", parameters=[YEAR, VERSION])
class AssessmentVersion(MethodView):
    @shows(blp, AssessmentSchema)
    @blp.doc(operationId="show_assessment_version")
    def get(self, year, version):
        """Show one version of a year's assessment"""
        viewer = current_account()
        return services.view(services.get(year, viewer=viewer, version=version), viewer=viewer)

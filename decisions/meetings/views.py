"""HTTP views of meetings and of the yearly count of meetings with invited attendees."""

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from core import caching
from core.auth import current_account, requires
from core.http import (
    IF_MATCH_WHEN_REPLACING,
    api_blueprint,
    documents,
    path_parameter,
)
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from decisions.meetings import services
from decisions.meetings.schemas import (
    AttendanceQueryArgsSchema,
    InvitedAttendanceSchema,
    MeetingInSchema,
    MeetingQueryArgsSchema,
    MeetingSchema,
)
from decisions.records.schemas import PublishInSchema
from decisions.units import services as unit_services

blp = api_blueprint(
    "meetings",
    __name__,
    path="",
    description="Meetings (会议审议) that deliberate decisions — executive or plenary — with their outcomes, "
    "dissent, and invited attendees (列席).",
)


@blp.route("/meetings")
class Meetings(MethodView):
    @lists(blp, MeetingSchema(many=True), MeetingQueryArgsSchema)
    def get(self, args):
        """List meetings, latest first

        The public sees published meetings only."""
        return services.list_meetings(viewer=current_account(), **args)

    @writes(blp, MeetingInSchema, 201, MeetingSchema, 409, 422, access=requires("admin"), etag=SENT)
    def post(self, data):
        """Record a meeting's deliberation, unpublished (admin)

        Executive or plenary meetings only. A decision goes on the agenda only after its legality
        review found it lawful (409 `legality-review-missing`), and only when public participation's
        preconditions hold (409 naming the rule): among them `hearing-missing` (a decision that
        requires a hearing has none whose record was signed by the meeting day) and
        `procedure-missing` (a procedure its catalogue item lists has no record by then: a
        published consultation closed before the day; a review of the kind completed by the day,
        published or not). An agenda item's `exemptions` override those two, each with a reason."""
        meeting = services.record_meeting(**data, by=current_account())
        return meeting, 201, {"Location": api_url(f"/meetings/{meeting.id}")}


MEETING_ID = path_parameter("meeting_id", "The meeting's id", 1)


@blp.route("/meetings/<int:meeting_id>", parameters=[MEETING_ID])
class MeetingById(MethodView):
    @blp.doc(operationId="show_meeting")
    @shows(blp, MeetingSchema)
    def get(self, meeting_id):
        """Show a meeting with its agenda and invited attendees"""
        meeting = services.get_meeting(meeting_id, viewer=current_account())
        if meeting.published_on is not None:
            caching.published_version()
        return meeting

    @blp.sends_etag
    @requires("admin")
    @blp.doc(parameters=[{**IF_MATCH_WHEN_REPLACING, "required": True}])
    @blp.arguments(MeetingInSchema)
    @blp.response(200, MeetingSchema)
    @documents(404, 409, 412, 422, 428)
    def put(self, data, meeting_id):
        """Replace an unpublished meeting's record (admin)

        Needs `If-Match`; a published meeting is never changed (409)."""
        meeting = services.get_meeting(meeting_id, viewer=current_account())
        if not request.if_match:
            abort(428)
        blp.check_etag(meeting, MeetingSchema)
        return services.replace_meeting(meeting, **data, by=current_account())


@blp.route("/meetings/<int:meeting_id>/publish", parameters=[MEETING_ID])
class MeetingPublication(MethodView):
    @writes(
        blp, PublishInSchema, 200, MeetingSchema, 404, 409, 422, access=requires("admin"), etag=SENT, required=False
    )
    def post(self, data, meeting_id):
        """Publish a meeting's deliberation (admin)

        Each decision on its agenda gets a `meeting_deliberated` entry on its timeline, and its
        state follows the outcome."""
        return services.publish_meeting(services.get_meeting(meeting_id, viewer=current_account()), **data)


@blp.route("/units/<string:code>/invited-attendance", parameters=[path_parameter("code", "The unit's code", "jd-fgw")])
class InvitedAttendance(MethodView):
    @blp.doc(operationId="count_invited_attendance")
    @blp.arguments(AttendanceQueryArgsSchema, location="query")
    @blp.response(200, InvitedAttendanceSchema)
    @documents(404, 422)
    def get(self, args, code):
        """Count a unit's meetings with invited stakeholder attendees in a year

        The district asks each unit for at least 3 a year: published meetings that deliberated
        the unit's decisions with enterprises, associations, citizens or other stakeholders
        attending."""
        unit = unit_services.get_unit(code)
        return services.invited_attendance(unit.code, year=args["year"])

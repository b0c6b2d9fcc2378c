"""The calendar's API: working days counted, and a year shown or loaded."""

from types import SimpleNamespace

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from core.auth import requires
from core.calendar.schemas import CalendarYearInSchema, CalendarYearSchema, WorkingDaySchema, WorkingDaysQueryArgsSchema
from core.calendar.services import add_working_days, check_year, load_year, year_view
from core.http import IF_MATCH_WHEN_REPLACING, api_blueprint, documents, path_parameter
from core.reads import shows

blp = api_blueprint(
    "calendar",
    __name__,
    description="The official working-day calendar: holidays and make-up working days (调休) per year.",
)


@blp.route("/working-days")
class WorkingDays(MethodView):
    @blp.arguments(WorkingDaysQueryArgsSchema, location="query")
    @blp.response(200, WorkingDaySchema)
    def get(self, args):
        """Count working days: the nth working day after a day

        The day itself is not counted: 10 working days after 2026-09-28 is 2026-10-16."""
        day, status = add_working_days(args["from_"], args["add"])
        return SimpleNamespace(date=day, calendar_status=status)


@blp.route("/<int:year>", parameters=[path_parameter("year", "The year", 2027)])
class CalendarYearView(MethodView):
    @shows(blp, CalendarYearSchema, 404, 422, access=None)
    def get(self, year):
        """Show a year's holidays and make-up working days, and their source"""
        check_year(year)
        return year_view(year)

    @blp.sends_etag
    @requires("admin")
    @blp.doc(parameters=[IF_MATCH_WHEN_REPLACING])
    @blp.arguments(CalendarYearInSchema)
    @blp.response(200, CalendarYearSchema)
    @documents(404, 409, 412, 422, 428)
    def put(self, data, year):
        """Load a year the bundled calendar does not know (admin)

        From the State Council General Office's notice. Every stored deadline that fell in that
        year is recomputed, and stops being provisional. Replacing a year loaded before needs
        `If-Match` with the ETag read (428 without it, 412 if another load came first)."""
        check_year(year)
        current = year_view(year)
        if current.source == "loaded":
            if not request.if_match:
                abort(428)
            blp.check_etag(current, CalendarYearSchema)
        load_year(year, **data)
        # Not @blp.etag: it would document If-Match as required, and a first load has none.
        # sends_etag still answers the ETag, so that a later replacement can send it.
        return year_view(year)

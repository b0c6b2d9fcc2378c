"""Days as the district counts them: Asia/Shanghai calendar days and official working days.

A working day is Monday to Friday outside the statutory holiday blocks, plus the weekend
make-up working days (调休) of the State Council's yearly notice. `chinesecalendar` carries
the notices up to its last year; the district office loads a later year from its notice
(`PUT /calendar/{year}` or `flask calendar load`). Until then days of that year are counted
Monday to Friday and every answer that used one is marked provisional.
"""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import chinese_calendar
import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import CalendarYearOfficial, Invalid
from core.extensions import UTCDateTime, Versioned, db, utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")

OFFICIAL = "official"
PROVISIONAL = "provisional"


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's own time zone."""
    return dt.datetime.now(SHANGHAI).date()


class CalendarYear(Versioned, db.Model):
    """A year's holidays and make-up working days loaded from the State Council's notice."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(sa.JSON, default=list)  # ISO dates
    workdays: Mapped[list] = mapped_column(sa.JSON, default=list)  # ISO dates of 调休上班
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def package_knows(year: int) -> bool:
    """Whether chinesecalendar carries the official data of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def _loaded(year: int) -> CalendarYear | None:
    # Read once per request (or command): a loaded year must reach every worker at once,
    # so it lives in the database, not in a process's memory.
    cache = g.setdefault("calendar_years", {}) if has_app_context() else {}
    if year not in cache:
        row = db.session.get(CalendarYear, year)
        cache[year] = (
            None
            if row is None
            else (
                frozenset(map(dt.date.fromisoformat, row.holidays)),
                frozenset(map(dt.date.fromisoformat, row.workdays)),
            )
        )
    return cache[year]


def is_working_day(day: dt.date) -> tuple[bool, str]:
    """Whether `day` is a working day, and whether that is official or provisional."""
    try:
        return chinese_calendar.is_workday(day), OFFICIAL
    except NotImplementedError:
        pass
    loaded = _loaded(day.year)
    if loaded is not None:
        holidays, workdays = loaded
        return day in workdays or (day.weekday() < 5 and day not in holidays), OFFICIAL
    return day.weekday() < 5, PROVISIONAL


def add_working_days(day: dt.date, n: int) -> tuple[dt.date, str]:
    """The nth working day after `day` (which itself is not counted), and its calendar status.

    Counted with our own loop: chinesecalendar's find_workday counts differently when `day`
    is not a working day, and knows nothing of loaded years.
    """
    status = OFFICIAL
    current = day
    counted = 0
    while counted < n:
        current += dt.timedelta(days=1)
        working, source = is_working_day(current)
        if source == PROVISIONAL:
            status = PROVISIONAL
        counted += working
    return current, status


def year_view(year: int):
    """A year's holidays and make-up working days, and where they come from."""
    from types import SimpleNamespace

    if package_knows(year):
        holidays = sorted(d for d in chinese_calendar.holidays if d.year == year)
        workdays = sorted(d for d in chinese_calendar.workdays if d.year == year)
        return SimpleNamespace(
            year=year,
            source="chinesecalendar",
            calendar_status=OFFICIAL,
            note="国务院办公厅节假日安排通知（chinesecalendar 软件包收录）",
            holidays=holidays,
            workdays=workdays,
            loaded_at=None,
        )
    row = db.session.get(CalendarYear, year)
    if row is not None:
        return SimpleNamespace(
            year=year,
            source="loaded",
            calendar_status=OFFICIAL,
            note=row.source,
            holidays=[dt.date.fromisoformat(d) for d in row.holidays],
            workdays=[dt.date.fromisoformat(d) for d in row.workdays],
            loaded_at=row.loaded_at,
        )
    return SimpleNamespace(
        year=year, source="none", calendar_status=PROVISIONAL, note="", holidays=[], workdays=[], loaded_at=None
    )


# Functions that recompute stored deadlines once a year's data is loaded; they take the year.
_recompute: list[Callable[[int], int]] = []


def recomputes_deadlines(function: Callable[[int], int]):
    """Register a function that recomputes the stored deadlines falling in a year."""
    _recompute.append(function)
    return function


def load_year(year: int, *, holidays: list[dt.date], workdays: list[dt.date], source: str = "") -> int:
    """Load (or replace) a year the package does not know; recompute every deadline that
    depended on it. Returns how many stored deadlines changed."""
    if package_knows(year):
        raise CalendarYearOfficial(
            f"chinesecalendar carries the official holidays of {year}; they are not loaded by hand."
        )
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        wrong = [d.isoformat() for d in days if d.year != year]
        if wrong:
            raise Invalid(field, f"Days outside {year}: {', '.join(wrong)}.")
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise Invalid(
            "workdays", f"A day is a holiday or a make-up working day, not both: {', '.join(map(str, both))}."
        )
    weekday_workdays = [d.isoformat() for d in workdays if d.weekday() < 5]
    if weekday_workdays:
        raise Invalid(
            "workdays",
            f"A make-up working day is a Saturday or a Sunday; these are weekdays: {', '.join(weekday_workdays)}.",
        )
    row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    row.holidays = sorted(d.isoformat() for d in set(holidays))
    row.workdays = sorted(d.isoformat() for d in set(workdays))
    row.source = source
    row.loaded_at = utcnow()
    db.session.add(row)
    db.session.flush()
    if has_app_context():
        g.pop("calendar_years", None)
    changed = sum(function(year) for function in _recompute)
    db.session.commit()
    return changed


# --- API and command line --------------------------------------------------------------------

import json  # noqa: E402

import click  # noqa: E402
import marshmallow as ma  # noqa: E402
from flask import Blueprint as CliBlueprint  # noqa: E402
from flask import request  # noqa: E402
from flask.views import MethodView  # noqa: E402
from flask_smorest import abort  # noqa: E402
from marshmallow import validate  # noqa: E402

from core.auth import requires  # noqa: E402
from core.http import IF_MATCH_WHEN_REPLACING, Blueprint, documents, dump, path_parameter, render  # noqa: E402
from core.links import href  # noqa: E402
from core.serialize import Links  # noqa: E402

blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/api/v1/calendar",
    description="The official working-day calendar: holidays and make-up working days (调休) per year.",
)


class CalendarYearSchema(ma.Schema):
    year = ma.fields.Integer(metadata={"description": "The year", "examples": [2027]})
    source = ma.fields.String(
        metadata={
            "description": "chinesecalendar (the package), loaded (by the district office), or none",
            "enum": ["chinesecalendar", "loaded", "none"],
        }
    )
    calendar_status = ma.fields.String(
        metadata={
            "description": "official, or provisional (Monday to Friday) while no data is loaded",
            "enum": [OFFICIAL, PROVISIONAL],
        }
    )
    note = ma.fields.String(metadata={"description": "Which notice the data comes from"})
    holidays = ma.fields.List(ma.fields.Date(), metadata={"description": "Statutory holidays"})
    workdays = ma.fields.List(ma.fields.Date(), metadata={"description": "Weekend make-up working days (调休上班)"})
    loaded_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When it was loaded"})
    _links = Links(lambda y: {"self": href(f"/calendar/{y.year}")})


class CalendarYearInSchema(ma.Schema):
    holidays = ma.fields.List(
        ma.fields.Date(),
        required=True,
        validate=validate.Length(max=60),
        metadata={"examples": [["2027-01-01", "2027-02-05"]]},
    )
    workdays = ma.fields.List(
        ma.fields.Date(), required=True, validate=validate.Length(max=20), metadata={"examples": [["2027-02-14"]]}
    )
    source = ma.fields.String(
        load_default="",
        validate=validate.Length(0, 500),
        metadata={"description": "The notice", "examples": ["国务院办公厅关于2027年部分节假日安排的通知"]},
    )


class WorkingDaysQueryArgsSchema(ma.Schema):
    from_ = ma.fields.Date(
        required=True,
        data_key="from",
        metadata={"description": "The day counted from (not itself counted)", "examples": ["2026-09-28"]},
    )
    add = ma.fields.Integer(
        required=True,
        validate=validate.Range(0, 366),
        metadata={"description": "How many working days", "examples": [10]},
    )


class WorkingDaySchema(ma.Schema):
    date = ma.fields.Date(metadata={"description": "The nth working day after `from`", "examples": ["2026-10-16"]})
    calendar_status = ma.fields.String(
        metadata={
            "description": "official, or provisional when a year's data is not known",
            "enum": [OFFICIAL, PROVISIONAL],
        }
    )


@blp.route("/working-days")
class WorkingDays(MethodView):
    @blp.arguments(WorkingDaysQueryArgsSchema, location="query")
    @blp.response(200, WorkingDaySchema)
    def get(self, args):
        """Count working days: the nth working day after a day

        The day itself is not counted: 10 working days after 2026-09-28 is 2026-10-16."""
        from types import SimpleNamespace

        day, status = add_working_days(args["from_"], args["add"])
        return render(WorkingDaySchema, SimpleNamespace(date=day, calendar_status=status))


@blp.route("/<int:year>", parameters=[path_parameter("year", "The year", 2027)])
class CalendarYearView(MethodView):
    @blp.etag
    @blp.response(200, CalendarYearSchema)
    @documents(404, 422)
    def get(self, year):
        """Show a year's holidays and make-up working days, and their source"""
        _check_year(year)
        return blp.render_with_etag(CalendarYearSchema, year_view(year))

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
        _check_year(year)
        current = year_view(year)
        if current.source == "loaded":
            if not request.if_match:
                abort(428)
            blp.check_etag(dump(CalendarYearSchema, current))
        load_year(year, **data)
        return blp.render_with_etag(CalendarYearSchema, year_view(year))


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Invalid("year", "A year from 2000 to 2100.", location="path")


cli = CliBlueprint("calendar_cli", __name__, cli_group="calendar")


@cli.cli.command("load")
@click.argument("year", type=int)
@click.argument("notice", type=click.File("r", encoding="utf-8"))
def load_command(year, notice):
    """Load YEAR from a JSON file {"holidays": [...], "workdays": [...], "source": "..."}."""
    from core.errors import ServiceError

    g.writes = True
    g.actor = "calendar"
    data = json.load(notice)
    try:
        changed = load_year(
            year,
            holidays=[dt.date.fromisoformat(d) for d in data.get("holidays", [])],
            workdays=[dt.date.fromisoformat(d) for d in data.get("workdays", [])],
            source=data.get("source", ""),
        )
    except (ServiceError, ValueError) as error:
        raise click.ClickException(getattr(error, "detail", str(error))) from error
    click.echo(f"Loaded {year}; {changed} stored deadlines recomputed.")


@cli.cli.command("show")
@click.argument("year", type=int)
def show_command(year):
    """Show a year's holidays and make-up working days."""
    view = year_view(year)
    click.echo(f"{year}: {view.source} ({view.calendar_status})")
    click.echo("holidays: " + ", ".join(d.isoformat() for d in view.holidays))
    click.echo("workdays: " + ", ".join(d.isoformat() for d in view.workdays))

"""Counting working days, and loading a year the bundled calendar does not know."""

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import chinese_calendar
from flask import g, has_app_context

from core.calendar.models import OFFICIAL, PROVISIONAL, CalendarYear
from core.errors import CalendarYearOfficial, Invalid
from core.extensions import db, stored, utcnow


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
    stored(row)
    if has_app_context():
        g.pop("calendar_years", None)
    changed = sum(function(year) for function in _recompute)
    db.session.commit()
    return changed


def check_year(year: int) -> None:
    """Refuse a year outside 2000 to 2100, which no notice covers."""
    if not 2000 <= year <= 2100:
        raise Invalid("year", "A year from 2000 to 2100.", location="path")

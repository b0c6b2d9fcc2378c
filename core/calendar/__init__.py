"""Days as the district counts them: Asia/Shanghai calendar days and official working days.

A working day is Monday to Friday outside the statutory holiday blocks, plus the weekend
make-up working days (调休) of the State Council's yearly notice. `chinesecalendar` carries
the notices up to its last year; the district office loads a later year from its notice
(`PUT /calendar/{year}` or `flask calendar load`). Until then days of that year are counted
Monday to Friday and every answer that used one is marked provisional.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from core.calendar.commands import cli
from core.calendar.models import OFFICIAL, PROVISIONAL, CalendarYear
from core.calendar.services import (
    add_working_days,
    check_year,
    is_working_day,
    load_year,
    package_knows,
    recomputes_deadlines,
    year_view,
)
from core.calendar.views import blp

__all__ = [
    "OFFICIAL",
    "PROVISIONAL",
    "SHANGHAI",
    "CalendarYear",
    "add_working_days",
    "blp",
    "check_year",
    "cli",
    "is_working_day",
    "load_year",
    "package_knows",
    "recomputes_deadlines",
    "today",
    "year_view",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


# Here, not in a submodule: tests replace `calendar.today` (and `calendar.dt`, to stop the
# clock), and every caller reads it through the package.
def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's own time zone."""
    return dt.datetime.now(SHANGHAI).date()

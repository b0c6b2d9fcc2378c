"""Days as the district counts them: Asia/Shanghai calendar days and official working days.

A working day is Monday to Friday outside the statutory holiday blocks, plus the weekend
make-up working days (调休) of the State Council's yearly notice; `chinesecalendar` carries
that data. For a year it does not know, days are counted Monday to Friday and the answer is
marked provisional.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

OFFICIAL = "official"
PROVISIONAL = "provisional"


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's own time zone."""
    return dt.datetime.now(SHANGHAI).date()


def is_working_day(day: dt.date) -> tuple[bool, str]:
    """Whether `day` is a working day, and whether that is official or provisional."""
    try:
        return chinese_calendar.is_workday(day), OFFICIAL
    except NotImplementedError:
        return day.weekday() < 5, PROVISIONAL


def add_working_days(day: dt.date, n: int) -> tuple[dt.date, str]:
    """The nth working day after `day` (which itself is not counted), and its calendar status.

    Counted with our own loop: chinesecalendar's find_workday counts differently when `day`
    is not a working day.
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

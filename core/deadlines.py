"""The procedure's deadlines [district], each in one place, on the working-day calendar."""

import datetime as dt

from core import calendar

ADOPTION_REPORT_WORKING_DAYS = 10  # after the decision document is issued
REPLY_WORKING_DAYS = 5  # to answer a question from the public
SIMPLE_REPLY_WORKING_DAYS = 1  # to answer a simple one


def adoption_report_due(issued_on: dt.date) -> tuple[dt.date, str]:
    """The adoption report is published within 10 working days after the result is issued."""
    return calendar.add_working_days(issued_on, ADOPTION_REPORT_WORKING_DAYS)


def reply_due(received_on: dt.date, *, simple: bool = False) -> tuple[dt.date, str]:
    """A question is answered within 5 working days after receipt, a simple one within 1."""
    return calendar.add_working_days(received_on, SIMPLE_REPLY_WORKING_DAYS if simple else REPLY_WORKING_DAYS)


def status(due_on: dt.date | None, done_on: dt.date | None, today: dt.date | None = None) -> str:
    """not_due (no deadline yet), pending, on_time, late (done after due_on) or overdue."""
    if due_on is None:
        return "not_due"
    if done_on is not None:
        return "on_time" if done_on <= due_on else "late"
    return "overdue" if (today or calendar.today()) > due_on else "pending"

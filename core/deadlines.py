"""The procedure's deadlines [district], each in one place, on the working-day calendar."""

import datetime as dt

import sqlalchemy as sa

from core import calendar, publication
from core.extensions import db, read_connection

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


def no_longer_overdue(record, due_on: dt.date) -> None:
    """A deadline counted again (its year's calendar loaded, its basis corrected) to `due_on`
    that has not passed is no longer overdue: the record's mark, if any, is taken off."""
    if record.overdue_since is not None and due_on >= calendar.today():
        record.overdue_since = None


def counted_again_when_a_year_loads(model, *, counted_from, due, count) -> None:
    """When a year's calendar is loaded, count again the deadlines of `model` (its
    `counted_from` and `due` columns) that fall in it: the provisional ones, and those counted
    on an earlier load of the same year (it may be replaced). `count(record)` gives (due day,
    calendar status). A deadline counted again that has not passed is no longer overdue."""

    def count_year_again(year: int) -> int:
        changed = 0
        for record in db.session.scalars(
            sa.select(model).where(
                sa.or_(
                    model.calendar_status == calendar.PROVISIONAL,
                    sa.and_(counted_from <= dt.date(year, 12, 31), due >= dt.date(year, 1, 1)),
                )
            )
        ):
            due_on, status_ = count(record)
            if (due_on, status_) != (getattr(record, due.key), record.calendar_status):
                setattr(record, due.key, due_on)
                record.calendar_status = status_
                no_longer_overdue(record, due_on)
                changed += 1
        return changed

    calendar.recomputes_deadlines(count_year_again)


def overdue_unmarked(model, *, due, done, today: dt.date):
    """Whether a `model` row became overdue by `today` and is not marked yet: one indexed read."""
    pending = sa.select(model.id).where(done.is_(None), due < today, model.overdue_since.is_(None)).limit(1)
    return read_connection().scalar(pending) is not None


def mark_overdue(model, *, due, done, today: dt.date, fact=None) -> int:
    """Mark the `model` rows that became overdue by `today`; a row already marked keeps its day.

    `fact(row)`, when given, is the public record's entry for a row turned overdue (or None for a
    row the public does not see); each is appended once, by the transaction that marked the row."""
    marked = db.session.scalars(
        sa.update(model)
        .where(done.is_(None), due < today, model.overdue_since.is_(None))
        .values(overdue_since=today)
        .returning(model.id)
    ).all()
    if fact is not None:
        for row in db.session.scalars(sa.select(model).where(model.id.in_(marked)).order_by(model.id)):
            entry = fact(row)
            if entry is not None:
                publication.record_fact(entry, on=today)
    db.session.commit()
    return len(marked)

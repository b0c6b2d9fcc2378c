"""What the procedure owes by a deadline (an adoption report after the result, say), stored
so that a year's calendar, once loaded, recomputes them and `tick` marks them overdue once.

Decisions records an obligation when it falls due (the result is issued); consultation
fulfils it (the adoption report is published). Both meet here, in core, without importing
each other.
"""

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import deadlines, tick
from core.extensions import Versioned, db, index_while_pending
from core.publication import EntryType, Fact

ADOPTION_REPORT = "adoption_report"

# The rule that fixes each kind of obligation's deadline from the day it is counted from.
_DUE = {ADOPTION_REPORT: deadlines.adoption_report_due}


class Obligation(Versioned, db.Model):
    __tablename__ = "obligations"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"))
    type: Mapped[str] = mapped_column(sa.String(40))
    counted_from: Mapped[dt.date]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    calendar_status: Mapped[str] = mapped_column(sa.String(20))
    fulfilled_on: Mapped[dt.date | None]
    # The API path of the record that fulfilled it.
    fulfilled_by: Mapped[str | None] = mapped_column(sa.String(300))
    overdue_since: Mapped[dt.date | None]

    __table_args__ = (
        sa.UniqueConstraint("decision_id", "type"),
        # What may still turn overdue: what tick and the change feed look for.
        index_while_pending("obligations", "due_on", "fulfilled_on", "overdue_since"),
    )

    @property
    def status(self) -> str:
        return deadlines.status(self.due_on, self.fulfilled_on)


# What already meets an obligation, per type: a function of the decision's id returning the day
# it was met and the API path of the record, or None. The domain that fulfils the obligation
# registers it, so that a record published before the obligation fell due still counts.
_met_already: dict[str, Callable[[int], tuple[dt.date, str] | None]] = {}


def met_by(type: str):
    """Register how to find a record that already meets obligations of `type`."""

    def register(function):
        _met_already[type] = function
        return function

    return register


def owe(decision_id: int, type: str, *, counted_from: dt.date) -> Obligation:
    """Record (or move, when its basis was corrected) an obligation, in the caller's transaction."""
    obligation = db.session.scalar(
        sa.select(Obligation).where(Obligation.decision_id == decision_id, Obligation.type == type)
    ) or Obligation(decision_id=decision_id, type=type)
    obligation.counted_from = counted_from
    if obligation.fulfilled_on is None and type in _met_already:
        met = _met_already[type](decision_id)
        if met is not None:
            obligation.fulfilled_on, obligation.fulfilled_by = met
    obligation.due_on, obligation.calendar_status = _DUE[type](counted_from)
    deadlines.no_longer_overdue(obligation, obligation.due_on)
    db.session.add(obligation)
    return obligation


def fulfil(decision_id: int, type: str, *, on: dt.date, by: str) -> None:
    """Mark an obligation met, in the caller's transaction (nothing happens if none is owed)."""
    obligation = db.session.scalar(
        sa.select(Obligation).where(Obligation.decision_id == decision_id, Obligation.type == type)
    )
    if obligation is not None and obligation.fulfilled_on is None:
        obligation.fulfilled_on, obligation.fulfilled_by = on, by


def of_decision(decision_id: int) -> list[Obligation]:
    return db.session.scalars(
        sa.select(Obligation).where(Obligation.decision_id == decision_id).order_by(Obligation.due_on)
    ).all()


deadlines.counted_again_when_a_year_loads(
    Obligation,
    counted_from=Obligation.counted_from,
    due=Obligation.due_on,
    count=lambda obligation: _DUE[obligation.type](obligation.counted_from),
)


_OVERDUE_TITLES = {ADOPTION_REPORT: "意见收集采纳情况逾期未公布（应于{due_on}前公布）"}


def _turned_overdue(obligation: Obligation) -> Fact:
    # The first day late; the decision's timeline shows what is owed and since when.
    return Fact(
        obligation.decision_id,
        EntryType.deadline_overdue,
        _OVERDUE_TITLES[obligation.type].format(due_on=obligation.due_on),
        f"/decisions/{obligation.decision_id}/timeline",
        occurred_on=obligation.due_on + dt.timedelta(days=1),
    )


def _overdue_due(today: dt.date) -> bool:
    return deadlines.overdue_unmarked(Obligation, due=Obligation.due_on, done=Obligation.fulfilled_on, today=today)


@tick.task("obligations marked overdue", due=_overdue_due)
def mark_overdue(today: dt.date) -> int:
    return deadlines.mark_overdue(
        Obligation, due=Obligation.due_on, done=Obligation.fulfilled_on, today=today, fact=_turned_overdue
    )

"""The `deadlines` dataset: what the procedure of every public decision owes by a deadline (an
adoption report after the result, say), with its status — pending, on time, late, overdue — as
the decision's timeline shows it."""

from collections.abc import Iterator

import sqlalchemy as sa

from core.links import links_on_base
from core.obligations import Obligation
from core.publication import EntryType
from core.serialize import dumper
from decisions import visibility
from decisions.models import Decision
from decisions.timeline import ObligationSchema, obligation_shown
from opendata.exports.datasets import DECISION_ID, ENTRIES, Dataset, Filters, columns_of, streamed


def _deadlines(filters: Filters) -> sa.Select:
    statement = (
        sa.select(
            Obligation.decision_id,
            Obligation.type.label("obligation_type"),
            Obligation.due_on,
            Obligation.calendar_status,
            Obligation.fulfilled_on,
            Obligation.fulfilled_by,
        )
        .join(Decision, Decision.id == Obligation.decision_id)
        .where(visibility.decisions_shown(None))
        .order_by(Obligation.id)
    )
    return filters.narrow(
        statement, lambda changes: Obligation.decision_id.in_(sa.select(ENTRIES.decision_id).where(changes))
    )


def _deadline_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    dump = dumper(ObligationSchema)
    for rows in streamed(connection, _deadlines(filters)):
        with links_on_base():
            yield [{"decision_id": row.decision_id, **dump(obligation_shown(row))} for row in rows]


DEADLINES = Dataset(
    name="deadlines",
    title_zh="决策程序的法定期限及履行情况",
    title_en="What each public decision's procedure owes by a deadline, and whether it was met in time",
    columns=(
        DECISION_ID,
        *columns_of(
            ObligationSchema,
            {
                "type": "应履行事项",
                "due_on": "期限最后一日",
                "status": "履行状态",
                "calendar_status": "工作日历状态",
                "fulfilled_on": "履行日期",
                "href": "履行记录链接",
            },
        ),
    ),
    statement=_deadlines,
    batches=_deadline_batches,
    # What meets a deadline is published, and what misses one is entered when it passes.
    changed_by=ENTRIES.type.in_((EntryType.adoption_report_published, EntryType.deadline_overdue)),
)

"""The `records` dataset: the public record of every stage of every public decision, each
published version as it was published (its frozen document), corrections and withdrawals
included, oldest first.

A row is the change feed's entry (the same schema as `/changes`), with the document the
version showed the public; a withdrawal's row has none and names, in `amends`, the version it
withdrew; a correction's row is the new version and names the one it replaced. What is not
frozen when published (a consultation, a meeting) has no document: its `href` answers it.
"""

from collections.abc import Iterator

import sqlalchemy as sa

from core.changes import ChangeSchema
from core.links import links_on_base
from core.publication import EntryType, PublishedDocument, thaw
from core.serialize import dumper, record
from decisions import visibility
from decisions.models import Decision
from opendata.exports.datasets import ENTRIES, STAGES, Column, Dataset, Filters, columns_of, streamed

DOCUMENTS = PublishedDocument.__table__.c
KINDS = (*STAGES, EntryType.correction, EntryType.withdrawn)


def _entries(kinds: tuple[str, ...], filters: Filters) -> sa.Select:
    """The public record's entries of `kinds` about public decisions, each with the document
    it published (if one was frozen), oldest first."""
    statement = (
        sa.select(*ENTRIES, DOCUMENTS.document)
        .select_from(ENTRIES.seq.table)
        .join(Decision, Decision.id == ENTRIES.decision_id)
        .outerjoin(PublishedDocument, sa.and_(DOCUMENTS.seq == ENTRIES.seq, DOCUMENTS.target == ENTRIES.target))
        .where(ENTRIES.type.in_(kinds), visibility.decisions_shown(None))
        .order_by(ENTRIES.seq)
    )
    return filters.narrow(statement)


def _records(filters: Filters) -> sa.Select:
    return _entries(KINDS, filters)


def decision_records(decision_id: int) -> sa.Select:
    """The dataset's rows of one public decision, oldest first: what its OCDS record reads
    (opendata.records); none while the decision is not public."""
    return _records(Filters()).where(ENTRIES.decision_id == decision_id)


def written(rows) -> list[dict]:
    """The dataset's rows as a line of the export writes them: the change feed's entry, with
    the document the version published (its links absolute for this request)."""
    dump = dumper(ChangeSchema)
    with links_on_base():
        return [
            {**dump(row), "document": None if row.document is None else thaw(row.document)} for row in map(record, rows)
        ]


def _record_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    for rows in streamed(connection, _records(filters)):
        yield written(rows)


RECORDS = Dataset(
    name="records",
    title_zh="各阶段公开记录（含更正、撤回）",
    title_en="Every published version of every stage record, corrections and withdrawals included, oldest first",
    columns=columns_of(
        ChangeSchema,
        {
            "cursor": "变更流游标",
            "seq": "公开记录序号",
            "decision_id": "所属决策事项编号",
            "type": "记录类型",
            "occurred_on": "发生日期",
            "recorded_at": "登记时间",
            "title": "标题",
            "href": "记录链接",
            "amends": "所更正或撤回的记录序号",
            "reason": "更正或撤回理由",
            "decision": "决策事项链接",
            "target": "记录路径",
            "hash": "哈希值",
            "prev_hash": "前一条记录的哈希值",
        },
        (
            Column(
                "document",
                "object",
                "公开时的记录全文",
                "The version as it was published (its frozen document); null for a withdrawal, and for what "
                "is not frozen on publication (a consultation, a meeting: read it at `href`)",
            ),
        ),
    ),
    statement=_records,
    batches=_record_batches,
    changed_by=ENTRIES.type.in_(KINDS),
)


# --- Dispositions ------------------------------------------------------------------------------

DISPOSITION_KINDS = (
    EntryType.disposition_set,
    EntryType.disposition_changed,
    EntryType.cluster_created,
    EntryType.cluster_changed,
)


def _dispositions(filters: Filters) -> sa.Select:
    return _entries(DISPOSITION_KINDS, filters)


def _disposition_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    dump = dumper(ChangeSchema)
    for rows in streamed(connection, _dispositions(filters)):
        with links_on_base():
            yield [dump(row) for row in map(record, rows)]


DISPOSITIONS = Dataset(
    name="dispositions",
    title_zh="意见处理情况的公开记录（含变更）",
    title_en="What became of the public's opinions, each disposition and each change of one as the change feed "
    "has it, oldest first (the comments and clusters datasets give where each stands now)",
    columns=RECORDS.columns[:-1],
    statement=_dispositions,
    batches=_disposition_batches,
    changed_by=ENTRIES.type.in_(DISPOSITION_KINDS),
)

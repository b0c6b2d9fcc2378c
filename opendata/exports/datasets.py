"""The datasets an export serves: what each holds (its columns, in Chinese and English), which
rows the public may read of it (decisions.visibility), and how they are read as a stream.

Each row is the representation the API's own list shows (the same schema, dumped by the same
compiled dumper), so an export and the list endpoints never disagree; a dataset adds only
columns the list leaves to other requests (a decision's stage links, a comment's decision).
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Session

from consultation.comments.models import Comment
from consultation.comments.schemas import CommentSchema
from consultation.consultations.models import Consultation
from core.extensions import shown
from core.links import API_PREFIX, api_url, base_url, links_on_base
from core.publication import STAGE_PUBLICATIONS, EntryType, PublicRecordEntry
from core.serialize import dumper, record
from core.units import folded, stored_code
from decisions import services as decision_services
from decisions import visibility
from decisions.models import DISTRICT, Decision, completion_precision_of
from decisions.schemas import DecisionSchema
from opendata.exports import formats, lines

# Rows fetched from the server-side cursor at a time, and written as one chunk.
BATCH = 500

ENTRIES = PublicRecordEntry.__table__.c


@dataclasses.dataclass(frozen=True)
class Filters:
    """What a partner asked for: a catalogue year, a lead unit, rows changed since a cursor or
    an instant (one of the two)."""

    year: int | None = None
    unit: str | None = None
    since_cursor: int | None = None
    since_instant: dt.datetime | None = None

    def changes(self):
        """The change feed's entries after `since`, as a condition on `public_record`; None
        when no `since` was given."""
        if self.since_cursor is not None:
            return ENTRIES.seq > self.since_cursor
        if self.since_instant is not None:
            return ENTRIES.recorded_at >= self.since_instant
        return None

    def narrow(self, statement: sa.Select, changed=lambda changes: changes) -> sa.Select:
        """`statement`, which reads `decisions`, narrowed to the year's catalogue, the lead unit
        and the rows changed since: `changed(changes)` says which of its rows the change feed's
        entries `changes` (a condition on `public_record`) concern."""
        if self.year is not None:
            statement = statement.where(Decision.catalogue_year == self.year)
        if self.unit is not None:
            statement = statement.where(Decision.lead_unit == unit_code(self.unit))
        changes = self.changes()
        return statement if changes is None else statement.where(changed(changes))


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    en: str


@dataclasses.dataclass(frozen=True)
class Dataset:
    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    # The rows' statement for the filters, ordered, and its count.
    statement: Callable[[Filters], sa.Select]
    # Batches of rows (lists of dicts) read from `connection` over a server-side cursor.
    batches: Callable[[sa.Connection, Filters], Iterator[list[dict]]]
    # The change feed's entries that change this dataset, as a condition on `public_record`.
    changed_by: sa.ColumnElement
    # Its CSV as text chunks of whole lines written by the database (opendata/exports/lines.py),
    # where the rows' number makes Python's writing of each cell the export's cost.
    csv_lines: Callable[[sa.Connection, Filters], Iterator[str]] | None = None

    @property
    def column_names(self) -> list[str]:
        """The CSV's header and each JSON line's keys, in order."""
        return [c.name for c in self.columns]

    def count(self, connection: sa.Connection, filters: Filters) -> int:
        """How many rows its export holds with these filters: one count over the same query."""
        statement = self.statement(filters).order_by(None)
        return connection.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))

    def last_change(self, connection: sa.Connection):
        """The newest entry of the change feed that changed this dataset (None while none did)."""
        return connection.execute(
            sa.select(ENTRIES.seq, ENTRIES.recorded_at).where(self.changed_by).order_by(ENTRIES.seq.desc()).limit(1)
        ).first()


def streamed(connection: sa.Connection, statement: sa.Select) -> Iterator[list]:
    """The rows of `statement` a batch at a time, from a server-side cursor (a named cursor on
    PostgreSQL): never more than BATCH rows in memory."""
    result = connection.execution_options(yield_per=BATCH).execute(statement)
    yield from result.partitions()


def objects_streamed(connection: sa.Connection, statement: sa.Select, dump) -> Iterator[list[dict]]:
    """The objects `statement` selects, each written by `dump`, a batch at a time: their
    collections loaded for each batch in one query each (lazy="selectin"), and the session
    forgetting every batch once it is written."""
    with Session(bind=connection) as session:
        result = session.execute(statement.execution_options(yield_per=BATCH))
        for objects in result.scalars().partitions():
            with links_on_base():
                yield [dump(each) for each in objects]
            session.expunge_all()


def columns_of(schema_class, zh: dict[str, str], extra: tuple[Column, ...] = ()) -> tuple[Column, ...]:
    """The data card's columns: each field of the list's schema, its type and English meaning
    from the schema's documentation, its Chinese meaning from `zh`; then `extra`."""
    fields = {field.data_key or name: field for name, field in schema_class().dump_fields.items()}
    # Every field the list shows is on the card, and nothing else: a field added to the schema
    # fails here (at import) until the card says what it means.
    if list(zh) != list(fields):
        raise ValueError(f"The data card of {schema_class.__name__} names {list(zh)}, its schema {list(fields)}.")
    return (
        tuple(
            Column(name, _type(fields[name]), text, fields[name].metadata.get("description", ""))
            for name, text in zh.items()
        )
        + extra
    )


def _type(field: ma.fields.Field) -> str:
    declared = field.metadata.get("type")
    if declared is not None:
        return declared if isinstance(declared, str) else next(t for t in declared if t != "null")
    for kind, name in (
        (ma.fields.Boolean, "boolean"),
        (ma.fields.Integer, "integer"),
        (ma.fields.DateTime, "date-time"),
        (ma.fields.Date, "date"),
        (ma.fields.List, "array"),
    ):
        if isinstance(field, kind):
            return name
    return "string"


def in_year(column, year: int):
    """`column`, a day, falls in `year`: how the meetings and inquiries lists read `year`."""
    return column.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def unit_code(code: str):
    # A code in whatever case, as the list endpoints take it (core.units).
    return stored_code(sa.literal(folded(code)))


# --- Decisions -------------------------------------------------------------------------------

# The publications that make a stage of a decision's procedure, and those that amend them.
STAGES = STAGE_PUBLICATIONS
_AMENDING = (EntryType.correction, EntryType.withdrawn)


def _decisions(filters: Filters) -> sa.Select:
    listing = decision_services.list_decisions(viewer=None)
    statement = listing.statement.order_by(None).order_by(Decision.id)
    return filters.narrow(statement, lambda changes: Decision.id.in_(sa.select(ENTRIES.decision_id).where(changes)))


def _stage_entries(decisions: sa.Select) -> sa.Select:
    ids = decisions.with_only_columns(Decision.id).order_by(None)
    return (
        sa.select(ENTRIES.decision_id, ENTRIES.seq, ENTRIES.type, ENTRIES.target, ENTRIES.amends_seq)
        .where(ENTRIES.decision_id.in_(ids), ENTRIES.type.in_(STAGES + _AMENDING))
        .order_by(ENTRIES.decision_id, ENTRIES.seq)
    )


def _stages(entries: list) -> dict:
    """A decision's stages as their current links: each stage's newest publication, moved to
    the version a correction published, left out once withdrawn."""
    stage_of, links = {}, {}
    for entry in entries:
        stage = entry.type if entry.type in STAGES else stage_of.get(entry.amends_seq)
        if stage is None:
            continue  # amends what is no stage (a comment, the catalogue)
        stage_of[entry.seq] = stage
        if entry.type == EntryType.withdrawn:
            links.pop(stage, None)
        else:
            links[stage] = api_url(entry.target)
    return links


def _with_stages(connection: sa.Connection, statement: sa.Select, rows: sa.Select) -> Iterator[list]:
    """Batches of `rows` (a statement over the decisions of `statement`, by id), each row with
    its stages' links: two streams in the same order, merged as they are read, so a decision's
    entries are all that is held of them at once."""
    entries = _entry_rows(connection, _stage_entries(statement))
    pending = next(entries, None)
    for batch in streamed(connection, rows):
        merged = []
        for row in batch:
            own = []
            while pending is not None and pending.decision_id < row.id:
                pending = next(entries, None)
            while pending is not None and pending.decision_id == row.id:
                own.append(pending)
                pending = next(entries, None)
            merged.append((row, _stages(own) if own else {}))
        yield merged


def _decision_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    statement = _decisions(filters)
    dump = dumper(DecisionSchema)
    for batch in _with_stages(connection, statement, statement):
        with links_on_base():
            yield [{**dump(record(row)), "stage_links": links} for row, links in batch]


def _decision_line(cells: lines.Cells, base: str):
    """A decision's CSV line up to its stage links, as `_decision_batches` and formats.cell
    write it: the cells of DecisionSchema's fields, in its order."""
    d = Decision.__table__.c
    year = sa.cast(d.catalogue_year, sa.Text)

    def link(*path):
        return cells.json_object([("href", cells.json_string(lines.joined([sa.literal(base + API_PREFIX), *path])))])

    catalogue = sa.case(
        (d.catalogue_unit != DISTRICT, lines.joined(["/units/", d.catalogue_unit, "/catalogues/", year])),
        else_=lines.joined(["/catalogues/", year]),
    )
    return cells.line(
        [
            cells.integer(d.id),
            cells.code(d.catalogue_unit),
            cells.integer(d.catalogue_year),
            cells.integer(d.seq_no),
            cells.text(d.title),
            cells.text(d.summary),
            cells.code(d.category),
            cells.code(d.lead_unit),
            cells.string_list(d.co_units),
            cells.string_list(d.legal_basis),
            cells.code(d.planned_completion),
            cells.code(completion_precision_of(d.planned_completion)),
            cells.day(d.planned_completion_by),
            cells.boolean(d.enterprise_related),
            cells.boolean(d.hearing_required),
            cells.string_list(d.procedures),
            cells.code(d.state),
            cells.code(d.adjustment),
            cells.day(d.catalogued_on),
            cells.instant(d.created_at),
            cells.instant(d.updated_at),
            cells.json_object_cell(
                [
                    ("self", link("/decisions/", sa.cast(d.id, sa.Text))),
                    ("catalogue", link(catalogue)),
                    ("lead_unit", link("/units/", d.lead_unit)),
                ]
            ),
        ]
    )


def _decision_lines(connection: sa.Connection, filters: Filters) -> Iterator[str]:
    """The decisions' CSV lines, a batch at a time: each written by the database, then its
    stage links (rare: only decisions whose procedure has begun) by Python."""
    statement = _decisions(filters)
    line = _decision_line(lines.Cells(connection.dialect.name), base_url()).label("line")
    for batch in _with_stages(connection, statement, statement.with_only_columns(Decision.id, line)):
        yield "".join(
            f"{row.line},{formats.quoted(formats.json_text(links)) if links else '{}'}\r\n" for row, links in batch
        )


def _entry_rows(connection: sa.Connection, statement: sa.Select):
    for rows in streamed(connection, statement):
        yield from rows


DECISIONS = Dataset(
    name="decisions",
    title_zh="重大行政决策事项",
    title_en="Decisions: the published catalogues' items, where their procedure stands, and each stage's link",
    columns=columns_of(
        DecisionSchema,
        {
            "id": "事项编号",
            "catalogue_unit": "所属单位目录（空为区政府目录）",
            "catalogue_year": "目录年度",
            "seq_no": "目录序号",
            "title": "事项名称",
            "summary": "主要内容",
            "category": "类别",
            "lead_unit": "承办单位代码",
            "co_units": "协办单位代码",
            "legal_basis": "决策依据",
            "planned_completion": "计划完成时间",
            "planned_completion_precision": "计划完成时间精度",
            "planned_completion_by": "计划完成期限最后一日",
            "enterprise_related": "是否涉企",
            "hearing_required": "是否需要听证",
            "procedures": "需履行的程序",
            "state": "办理状态",
            "adjustment": "目录调整情况",
            "catalogued_on": "列入公开目录日期",
            "created_at": "登记时间",
            "updated_at": "最近更新时间",
            "_links": "相关链接",
        },
        (
            Column(
                "stage_links",
                "object",
                "各阶段公开记录链接",
                "Each published stage (by the change feed's type, e.g. draft_published) and the link to "
                "its current version; a withdrawn stage is left out (every entry of each decision's public "
                "record: the records dataset, or /catalogues/{year}?embed=stages)",
            ),
        ),
    ),
    statement=_decisions,
    batches=_decision_batches,
    changed_by=ENTRIES.decision_id.is_not(None),
    csv_lines=_decision_lines,
)


# --- Comments --------------------------------------------------------------------------------

_COMMENT_COLUMNS = (
    Comment.id,
    Comment.consultation_id,
    Consultation.decision_id,
    Comment.content,
    Comment.public_content,
    Comment.submitter_type,
    Comment.organisation,
    Comment.channel,
    shown(Comment.received_on),
    Comment.disposition,
    Comment.reason_code,
    Comment.reason,
    Comment.cluster_id,
    shown(Comment.disposed_on),
)
_COMMENT_TARGET = sa.literal("/comments/") + sa.cast(Comment.id, sa.String)


def _comments(filters: Filters) -> sa.Select:
    statement = (
        sa.select(*_COMMENT_COLUMNS)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .join(Decision, Decision.id == Consultation.decision_id)
        .where(
            visibility.consultations_public(Consultation.published_on),
            visibility.comments_public(Comment.moderation, Consultation.comments_public),
        )
        .order_by(Comment.id)
    )
    return filters.narrow(statement, lambda changes: sa.exists().where(ENTRIES.target == _COMMENT_TARGET, changes))


def _comment_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    # The public representation (CommentSchema, not the staff's): redacted text, no name,
    # contact or individual's organisation.
    return rows_with_decision(connection, _comments(filters), CommentSchema)


def rows_with_decision(connection: sa.Connection, statement: sa.Select, schema) -> Iterator[list[dict]]:
    """Batches of `statement`'s rows dumped by `schema`, each with `decision_id` (which the
    statement selects beside the schema's columns): the decision it concerns."""
    dump = dumper(schema)
    for rows in streamed(connection, statement):
        with links_on_base():
            yield [{**dump(row), "decision_id": row.decision_id} for row in map(record, rows)]


DECISION_ID = Column("decision_id", "integer", "所属决策事项编号", "The decision the consultation is on")

COMMENTS = Dataset(
    name="comments",
    title_zh="公开的公众意见及处理情况",
    title_en="Comments the public may read, after redaction, with what became of each",
    columns=columns_of(
        CommentSchema,
        {
            "id": "意见编号",
            "consultation_id": "征求意见编号",
            "content": "意见内容（已隐去个人信息）",
            "submitter_type": "提出者类型",
            "organisation": "企业、协会或部门名称（个人不公开）",
            "channel": "提交渠道",
            "received_on": "收到日期",
            "disposition": "采纳情况",
            "reason_code": "理由类别",
            "reason": "理由说明",
            "cluster_id": "所属集中意见编号",
            "disposed_on": "处理日期",
            "_links": "相关链接",
        },
        (DECISION_ID,),
    ),
    statement=_comments,
    batches=_comment_batches,
    changed_by=ENTRIES.type.in_(
        (
            EntryType.comment_published,
            EntryType.comment_hidden,
            EntryType.disposition_set,
            EntryType.disposition_changed,
        )
    ),
)

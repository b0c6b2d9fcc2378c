"""The public record: one append-only log of everything published, per decision.

This module is the one door to that log. `publish()` freezes a record and appends its rows in
the same transaction, `correct()` and `withdraw()` append rows of their own, and `record_fact()`
appends what happens to what is public without being a record of its own (a consultation
closing, a comment published or hidden, a disposition, a deadline passing). The timeline, the
change feed and every export read this log and nothing else, so what the public sees is one
truthful sequence. The database refuses UPDATE and DELETE of its rows (migration 0008).

A published record's document is frozen at commit: the representation the public saw is
stored beside its row (`published_documents`) and every later read of that version answers
those fields, whatever changes underneath (a late letter, a new disposition). Only its
standing — superseded, withdrawn — is read live.

Sequence numbers are handed out under a lock held until commit (an advisory lock on
PostgreSQL, SQLite's single writer elsewhere), so they become visible in the order they were
given: a client reading the feed after seq N can never later find a row below N appear.

Each row is a link of a hash chain in that same order (core.chain): its `hash` covers its
content and the previous row's hash, so a mirror that kept a head proves any later rewrite.
"""

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import calendar, chain
from core.errors import AlreadyWithdrawn, Invalid, NotPublishedYet, PublishedRecordImmutable
from core.extensions import UTCDateTime, db, read_connection, shown, stored, utcnow
from core.links import base_url, links_relative

# Any fixed number; names the lock that serialises appends to the public record.
_APPEND_LOCK = 71_3713


class EntryType:
    """The kinds of rows in the public record (api.md, Timeline)."""

    catalogued = "catalogued"
    background_published = "background_published"
    draft_published = "draft_published"
    consultation_opened = "consultation_opened"
    consultation_closed = "consultation_closed"
    review_completed = "review_completed"
    meeting_deliberated = "meeting_deliberated"
    result_published = "result_published"
    adoption_report_published = "adoption_report_published"
    interpretation_published = "interpretation_published"
    execution_reported = "execution_reported"
    post_evaluated = "post_evaluated"
    suspended = "suspended"
    resumed = "resumed"
    adjusted = "adjusted"
    correction = "correction"
    withdrawn = "withdrawn"
    # What becomes of the public's opinions and questions, and of deadlines.
    comment_published = "comment_published"
    comment_hidden = "comment_hidden"  # a tombstone: amends the comment_published entry
    disposition_set = "disposition_set"
    disposition_changed = "disposition_changed"
    cluster_created = "cluster_created"
    cluster_changed = "cluster_changed"
    inquiry_published = "inquiry_published"
    inquiry_answered = "inquiry_answered"
    deadline_overdue = "deadline_overdue"
    # The district office's yearly assessment of every unit (about no one decision).
    assessment_published = "assessment_published"
    # Government open activities, which concern no one decision.
    activity_published = "activity_published"
    activity_feedback_published = "activity_feedback_published"


# The publications each of which is a stage of a decision's procedure, in the procedure's
# order: the links a catalogue item shows (超链接展示), the exports' and the feeds' stages.
STAGE_PUBLICATIONS = (
    EntryType.background_published,
    EntryType.draft_published,
    EntryType.consultation_opened,
    EntryType.review_completed,
    EntryType.meeting_deliberated,
    EntryType.result_published,
    EntryType.adoption_report_published,
    EntryType.interpretation_published,
    EntryType.execution_reported,
    EntryType.post_evaluated,
)


class PublicRecordEntry(db.Model):
    """One row of the public record. Never updated, never deleted."""

    __tablename__ = "public_record"
    __audited__ = False  # the public record is its own log

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # None only for what concerns no decision (a general question to the government).
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    type: Mapped[str] = mapped_column(sa.String(40))
    # When it happened in the world; `recorded_at` is when the service learnt of it.
    occurred_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    title: Mapped[str] = mapped_column(sa.String(500))
    # The API path of what was published, e.g. /decisions/7/drafts/2.
    target: Mapped[str] = mapped_column(sa.String(300))
    # A correction, withdrawal or tombstone names the entry it amends; each says why.
    amends_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # The hash chain (core.chain). Empty only in a row that migration 0016 had yet to chain.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        # The timeline: one decision's rows in the order things happened.
        sa.Index("ix_public_record_timeline", "decision_id", "occurred_on", "seq"),
        sa.Index("ix_public_record_target", "target"),
    )


class PublishedDocument(db.Model):
    """The document a publication showed the public, frozen: never updated, never deleted."""

    __tablename__ = "published_documents"
    __audited__ = False  # its row in the public record says when and by which entry

    # The API path of the published version; each version has its own.
    target: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.ForeignKey("public_record.seq"))
    # Links are stored relative (/api/v1/...) and made absolute when read (`thaw`).
    document: Mapped[dict] = mapped_column(sa.JSON)


@dataclasses.dataclass(frozen=True)
class Fact:
    """One row to append: about `decision_id` (or none), of `type`, linking to `target`."""

    decision_id: int | None
    type: str
    title: str
    target: str
    occurred_on: dt.date | None = None  # the publication day unless given
    amends_seq: int | None = None
    reason: str | None = None


def _next_seq() -> int:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    last = session.scalar(sa.select(sa.func.max(PublicRecordEntry.seq)))
    return (last or 0) + 1


def _append(fact: Fact, day: dt.date) -> PublicRecordEntry:
    values = {
        "seq": _next_seq(),
        "decision_id": fact.decision_id,
        "type": fact.type,
        "occurred_on": fact.occurred_on or day,
        "recorded_at": utcnow(),
        "title": fact.title,
        "target": fact.target,
        "amends_seq": fact.amends_seq,
        "reason": fact.reason,
    }
    # Chained behind the entry of seq - 1: the lock `_next_seq` took is held until commit.
    [values] = chain.append(db.session.connection(), chain.PUBLIC_RECORD, [values])
    entry = stored(PublicRecordEntry(**values))
    return entry


def record_fact(fact: Fact, *, on: dt.date | None = None) -> PublicRecordEntry:
    """Append what happened to something public (it is no record of its own), in the caller's
    transaction: a consultation closing, a comment published, a disposition, a deadline passed."""
    return _append(fact, on or calendar.today())


def latest_entry(target: str, *types: str) -> PublicRecordEntry | None:
    """The newest row of `types` about `target`: what a tombstone or a change amends."""
    return db.session.scalar(
        sa.select(PublicRecordEntry)
        .where(PublicRecordEntry.target == target, PublicRecordEntry.type.in_(types))
        .order_by(PublicRecordEntry.seq.desc())
        .limit(1)
    )


def publication_day(published_on: dt.date | None) -> dt.date:
    """The real publication day: given (entered after the fact) or today; never the future."""
    today = calendar.today()
    if published_on is None:
        return today
    if published_on > today:
        raise Invalid("published_on", "The publication day cannot lie in the future.")
    return published_on


def ensure_unpublished(record, what: str) -> None:
    """Refuse to change a record the public has seen."""
    if record.published_on is not None:
        raise PublishedRecordImmutable(
            f"The {what} was published on {record.published_on}: it is never changed in place. "
            "Publish a correction (a new version that supersedes it) or withdraw it with a reason."
        )


def publish(record, *facts: Fact, published_on=None) -> list[PublicRecordEntry]:
    """Publish `record`: it is frozen from now on, and each of `facts` is appended (one per
    decision it concerns: a meeting deliberates several). Returns the entries.

    `published_on` is when the public could first see it (today unless given); a fact's
    `occurred_on` is when it happened in the world when that differs (a meeting's day, say).
    The record's document is stored at commit under the first fact's target."""
    if record.published_on is not None:
        raise PublishedRecordImmutable(f"It was published already, on {record.published_on}.")
    day = publication_day(published_on)
    record.published_on = day
    entries = [_append(fact, day) for fact in facts]
    if entries:  # a catalogue of no items has no row to append
        if hasattr(record, "public_seq"):
            record.public_seq = entries[0].seq
        _freeze_at_commit(record, entries[0])
    return entries


def entry_of(record) -> PublicRecordEntry:
    """The public-record row that published `record`."""
    if record.published_on is None:
        raise NotPublishedYet("The record is not published, so there is nothing to amend.")
    return db.session.get(PublicRecordEntry, record.public_seq)


def withdraw(record, *, decision_id: int, title: str, target: str, reason: str, withdrawn_on=None):
    """Withdraw a published record, with a reason: a row of its own; the record stays readable."""
    original = entry_of(record)
    if record.withdrawn_on is not None:
        raise AlreadyWithdrawn(f"The {title} was withdrawn on {record.withdrawn_on}.")
    if getattr(record, "superseded_by_id", None) is not None:
        raise PublishedRecordImmutable("That version was corrected: withdraw the newest version.")
    day = publication_day(withdrawn_on)
    record.withdrawn_on = day
    record.withdrawal_reason = reason
    return _append(
        Fact(decision_id, EntryType.withdrawn, f"撤回：{title}", target, amends_seq=original.seq, reason=reason), day
    )


def correct(old, new, *, decision_id: int, title: str, target: Callable[[object], str], reason: str, published_on=None):
    """Publish `new` (not yet added) as the correction of the published `old`: both kept,
    linked both ways. `target(new)` is the API path of the new version once it has its id."""
    original = entry_of(old)
    if old.withdrawn_on is not None:
        raise AlreadyWithdrawn(f"The {title} was withdrawn on {old.withdrawn_on}; it is not corrected.")
    if old.superseded_by_id is not None:
        raise PublishedRecordImmutable("That version was corrected already: correct the newest version.")
    day = publication_day(published_on)
    # The old version leaves the current ones before the new one joins them, or what is unique
    # among current versions (a result's document number, which a correction keeps) would
    # clash. It names itself as its successor until the new version has an id.
    old.superseded_by_id = old.id
    db.session.flush()
    new.published_on = day
    new.corrects_id = old.id
    stored(new)
    old.superseded_by_id = new.id
    entry = _append(
        Fact(decision_id, EntryType.correction, f"更正：{title}", target(new), amends_seq=original.seq, reason=reason),
        day,
    )
    new.public_seq = entry.seq
    _freeze_at_commit(new, entry)
    return entry


# --- Frozen documents ------------------------------------------------------------------------

# The schema whose representation of a model is frozen when it is published, registered by
# the domain that shows it (core knows no domain's schemas).
_document_schemas: dict[type, type] = {}


def freezes(model: type, schema: type) -> None:
    """Register `schema` as the published representation of `model`'s records."""
    _document_schemas[model] = schema


def _freeze_at_commit(record, entry: PublicRecordEntry) -> None:
    if type(record) in _document_schemas:
        db.session.info.setdefault("to_freeze", []).append((record, entry.seq, entry.target))


@event.listens_for(Session, "before_commit")
def _freeze(session: Session) -> None:
    """Store each record published in this transaction as the public will see it: after every
    rule and consequence of its publication (an obligation met, a state moved) has been set."""
    pending = session.info.pop("to_freeze", None)
    if not pending:
        return
    from core.serialize import dumper

    session.flush()
    with links_relative():
        for record, seq, target in pending:
            # As it goes on the wire: dates and instants as the response writes them.
            document = orjson.loads(orjson.dumps(dumper(_document_schemas[type(record)])(record)))
            session.add(PublishedDocument(target=target, seq=seq, document=document))
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("to_freeze", None)


def frozen_document(target: str) -> dict | None:
    """The document published at `target`, its links absolute for this request; None if none."""
    document = read_connection().scalar(sa.select(PublishedDocument.document).where(PublishedDocument.target == target))
    return None if document is None else thaw(document)


# What a published version's reads take live rather than from its frozen document: where it
# stands (superseded, withdrawn), what its deadline says, when its row last changed, its links
# (to the correction that superseded it, say). Everything else is what was published.
STANDING = (
    "status",
    "record_status",
    "due_on",
    "calendar_status",
    "withdrawn_on",
    "withdrawal_reason",
    "updated_at",
    "_links",
)


def as_published(live: dict, target: str) -> dict:
    """The representation of the version published at `target`: its frozen document with its
    standing from `live` (the record dumped as it is now); `live` itself if none was frozen."""
    document = frozen_document(target)
    if document is None:
        return live
    return document | {key: live[key] for key in STANDING if key in live}


def thaw(document):
    """A stored document with its relative links made absolute for the current request."""
    base = base_url()

    def walk(value):
        if isinstance(value, dict):
            return {
                k: (base + v if k == "href" and isinstance(v, str) and v.startswith("/") else walk(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(document)


# --- Reading ---------------------------------------------------------------------------------


@functools.cache
def _timeline_statement():
    # Built once, the decision's id a bound parameter: building the SELECT and its cache key
    # on every request cost about as much as SQLite takes to run it.
    return (
        sa.select(
            PublicRecordEntry.seq,
            PublicRecordEntry.type,
            shown(PublicRecordEntry.occurred_on),
            shown(PublicRecordEntry.recorded_at),
            PublicRecordEntry.title,
            PublicRecordEntry.target,
            PublicRecordEntry.amends_seq,
            PublicRecordEntry.reason,
        )
        .where(PublicRecordEntry.decision_id == sa.bindparam("decision_id"))
        .order_by(PublicRecordEntry.occurred_on, PublicRecordEntry.seq)
    )


def timeline_entries(decision_id: int):
    """The decision's public record in the order things happened: one indexed query."""
    return read_connection().execute(_timeline_statement(), {"decision_id": decision_id}).all()


def timelines_of(decision_ids: list[int]) -> dict[int, list]:
    """The public record of each of `decision_ids`, each in the order things happened (as
    `timeline_entries`), in one query however many they are; a decision with none is absent."""
    if not decision_ids:
        return {}
    columns = _timeline_statement().selected_columns
    rows = read_connection().execute(
        sa.select(PublicRecordEntry.decision_id, *columns)
        .where(PublicRecordEntry.decision_id.in_(decision_ids))
        .order_by(PublicRecordEntry.decision_id, PublicRecordEntry.occurred_on, PublicRecordEntry.seq)
    )
    timelines: dict[int, list] = {}
    for row in rows:
        timelines.setdefault(row.decision_id, []).append(row)
    return timelines


def head() -> chain.Head:
    """Where the public record stands: its newest entry's seq (0 when empty) and hash (64 zeros
    when empty). For the change feed, exports and feeds: a mirror that keeps it proves later
    that nothing before it was rewritten."""
    return chain.head(read_connection(), chain.PUBLIC_RECORD)


def last_seq() -> int:
    """The newest cursor ever handed out (0 for an empty record)."""
    return read_connection().scalar(sa.select(sa.func.coalesce(sa.func.max(PublicRecordEntry.seq), 0)))


def changes_after(after: int, limit: int):
    """Rows of the whole public record after cursor `after`, oldest first."""
    return (
        read_connection()
        .execute(
            sa.select(*PublicRecordEntry.__table__.c)
            .where(PublicRecordEntry.seq > after)
            .order_by(PublicRecordEntry.seq)
            .limit(limit)
        )
        .all()
    )

"""The public record: one append-only log of everything published, per decision.

`publish()` freezes a record and appends its row in the same transaction; corrections and
withdrawals append rows of their own. The timeline, the change feed and every export read
this log and nothing else, so what the public sees is one truthful sequence.

Sequence numbers are handed out under a lock held until commit (an advisory lock on
PostgreSQL, SQLite's single writer elsewhere), so they become visible in the order they were
given: a client reading the feed after seq N can never later find a row below N appear.
"""

import datetime as dt
import functools
from collections.abc import Callable
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import calendar
from core.errors import AlreadyWithdrawn, Invalid, NotPublishedYet, PublishedRecordImmutable
from core.extensions import UTCDateTime, db, read_connection, shown, utcnow

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


class PublicRecordEntry(db.Model):
    """One row of the public record. Never updated, never deleted."""

    __tablename__ = "public_record"
    __audited__ = False  # the public record is its own log

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"))
    type: Mapped[str] = mapped_column(sa.String(40))
    # When it happened in the world; `recorded_at` is when the service learnt of it.
    occurred_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    title: Mapped[str] = mapped_column(sa.String(500))
    # The API path of what was published, e.g. /decisions/7/drafts/2.
    target: Mapped[str] = mapped_column(sa.String(300))
    # A correction or withdrawal names the entry it amends, and says why.
    amends_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        # The timeline: one decision's rows in the order things happened.
        sa.Index("ix_public_record_timeline", "decision_id", "occurred_on", "seq"),
        sa.Index("ix_public_record_target", "target"),
    )


def _next_seq() -> int:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    last = session.scalar(sa.select(sa.func.max(PublicRecordEntry.seq)))
    return (last or 0) + 1


def append(
    *,
    decision_id: int,
    type: str,
    occurred_on: dt.date,
    title: str,
    target: str,
    amends_seq: int | None = None,
    reason: str | None = None,
) -> PublicRecordEntry:
    """Append one row to the public record, in the caller's transaction."""
    entry = PublicRecordEntry(
        seq=_next_seq(),
        decision_id=decision_id,
        type=type,
        occurred_on=occurred_on,
        recorded_at=utcnow(),
        title=title,
        target=target,
        amends_seq=amends_seq,
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


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


def publish(record, *, decision_id: int, type: str, title: str, target: str, published_on=None, occurred_on=None):
    """Freeze `record` and append its row to the public record; returns the entry.

    `published_on` is when the public could first see it (today unless given); `occurred_on`
    is when it happened in the world when that differs (a meeting's day, say).
    """
    if record.published_on is not None:
        raise PublishedRecordImmutable(f"The {title} was published already, on {record.published_on}.")
    day = publication_day(published_on)
    record.published_on = day
    entry = append(decision_id=decision_id, type=type, occurred_on=occurred_on or day, title=title, target=target)
    record.public_seq = entry.seq
    return entry


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
    return append(
        decision_id=decision_id,
        type=EntryType.withdrawn,
        occurred_on=day,
        title=f"撤回：{title}",
        target=target,
        amends_seq=original.seq,
        reason=reason,
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
    db.session.add(new)
    db.session.flush()
    old.superseded_by_id = new.id
    entry = append(
        decision_id=decision_id,
        type=EntryType.correction,
        occurred_on=day,
        title=f"更正：{title}",
        target=target(new),
        amends_seq=original.seq,
        reason=reason,
    )
    new.public_seq = entry.seq
    return entry


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


# --- The change feed -------------------------------------------------------------------------

import marshmallow as ma  # noqa: E402
from flask.views import MethodView  # noqa: E402
from marshmallow import validate  # noqa: E402

from core.http import MAX_ID, Blueprint, api_url, render  # noqa: E402
from core.serialize import Computed  # noqa: E402

blp = Blueprint(
    "changes",
    __name__,
    url_prefix="/api/v1/changes",
    description="The change feed: every publication, correction and withdrawal across the service, oldest first.",
)


class ChangeSchema(ma.Schema):
    cursor = Computed(
        lambda e: str(e.seq), metadata={"description": "Pass it as `after` to read on from here", "type": "string"}
    )
    seq = ma.fields.Integer(metadata={"description": "Its place in the public record"})
    decision_id = ma.fields.Integer(metadata={"description": "The decision it concerns"})
    type = ma.fields.String(metadata={"description": "What happened", "examples": ["draft_published"]})
    occurred_on = ma.fields.Date(metadata={"description": "When it happened in the world"})
    recorded_at = ma.fields.DateTime(metadata={"description": "When the service recorded it"})
    title = ma.fields.String(metadata={"description": "What it is"})
    href = Computed(
        lambda e: api_url(e.target), metadata={"description": "The record", "type": "string", "format": "uri"}
    )
    amends = ma.fields.Integer(
        attribute="amends_seq", allow_none=True, metadata={"description": "correction / withdrawn: the seq it amends"}
    )
    reason = ma.fields.String(allow_none=True, metadata={"description": "correction / withdrawn: why"})
    decision_href = Computed(
        lambda e: api_url(f"/decisions/{e.decision_id}"),
        data_key="decision",
        metadata={"description": "The decision", "type": "string", "format": "uri"},
    )


class ChangesSchema(ma.Schema):
    entries = ma.fields.List(ma.fields.Nested(ChangeSchema), metadata={"description": "Oldest first"})
    next_cursor = ma.fields.String(
        metadata={"description": "Store it; ask again with `after` set to it. Unchanged when nothing new came."}
    )


class ChangesQueryArgsSchema(ma.Schema):
    after = ma.fields.String(
        load_default="0",
        validate=validate.Regexp(r"^\d{1,18}$", error="A cursor from this feed (digits)."),
        metadata={"description": "The last cursor you have seen; from the beginning when omitted", "examples": ["120"]},
    )
    limit = ma.fields.Integer(
        load_default=100,
        validate=validate.Range(1, 1000),
        metadata={"description": "How many entries at most (1–1000)"},
    )


@blp.route("")
class Changes(MethodView):
    @blp.arguments(ChangesQueryArgsSchema, location="query")
    @blp.response(200, ChangesSchema)
    def get(self, args):
        """Read the change feed after a cursor

        A client that stores `next_cursor` and asks again misses nothing and sees nothing twice,
        also while publications commit concurrently: cursors are handed out in commit order."""
        after = int(args["after"])
        # A cursor past any seq the database can hold (an int4) simply has nothing after it.
        entries = changes_after(after, args["limit"]) if after < MAX_ID else []
        cursor = str(entries[-1].seq) if entries else str(after)
        return render(ChangesSchema, SimpleNamespace(entries=entries, next_cursor=cursor))

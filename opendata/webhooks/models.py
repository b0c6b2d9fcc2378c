"""Subscriptions and the attempts to deliver to them.

The outbox is the public record itself (ADR 0018): each subscription keeps a cursor over
`public_record.seq`, the entries after it are what it still has to be told. The record is
append-only and its seqs become visible in commit order, so an entry that rolled back was never
there to announce and one that committed cannot be passed over.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import Timestamped, UTCDateTime, db, utcnow

ACTIVE = "active"
# Retried for a day without a 2xx: the worker leaves it until the partner sets it active again
# (or replays).
FAILING = "failing"
STATES = (ACTIVE, FAILING)


class Subscription(Timestamped, db.Model):
    """A partner's URL, told of the public-record entries of some types (of a unit, a decision)."""

    __tablename__ = "webhook_subscriptions"
    # Who subscribed what is audited, never the secret. The worker moves the cursor and the
    # retry state with Core statements, which the audit log (of ORM flushes) leaves out.
    __audit_exclude__ = {"secret"}

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # Kept as given: the worker signs every body with it (HMAC), so it cannot be a hash.
    secret: Mapped[str] = mapped_column(sa.String(200))
    events: Mapped[list] = mapped_column(sa.JSON)
    unit: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    state: Mapped[str] = mapped_column(sa.String(10), default=ACTIVE)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # The last seq it was told of, or passed over as not of its kinds.
    cursor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Failed attempts at the entry after the cursor, and when the first of them was made.
    attempts: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker's lease: no other takes it before then (a worker that died loses it).
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (
        sa.CheckConstraint("state IN ('active', 'failing')", name="state"),
        # What the worker looks for: the active ones that are due.
        sa.Index("ix_webhook_subscriptions_due", "state", "next_attempt_at"),
    )


class Delivery(db.Model):
    """One attempt to POST one entry to one subscription, and how it went."""

    __tablename__ = "webhook_deliveries"

    # Sent as X-Juece-Delivery: one per attempt.
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    # The entry announced: its seq is the event's id, the same in every attempt and replay.
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    type: Mapped[str] = mapped_column(sa.String(40))
    attempt: Mapped[int]
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    delivered: Mapped[bool] = mapped_column(default=False)
    # When the worker tries again, after a failure that did not end it.
    next_retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_webhook_deliveries_subscription", "subscription_id", "attempted_at"),)

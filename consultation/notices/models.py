"""The outbox of outcome notices: one row per comment whose commenter asked to be told.

The row holds no personal data: the address is read from the comment when the notice is sent,
so erasing or correcting a comment's contact reaches the notice too, and the outbox is no
second copy of anyone's phone or e-mail.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, db, utcnow

EMAIL, SMS = "email", "sms"
CHANNELS = (EMAIL, SMS)
PENDING, SENT, FAILED = "pending", "sent", "failed"
STATES = (PENDING, SENT, FAILED)


class OutcomeNotice(db.Model):
    """The one notice owed to a commenter whose comment's disposition was published."""

    __tablename__ = "outcome_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a later change of the disposition never tells them twice.
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    # How the comment's contact reaches them, as it read when the notice was written.
    channel: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    # Failed attempts so far, the last one's error, and when the worker tries again.
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A worker's lease: no other sends it before then (a worker that died loses it).
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="channel"),
        # What the worker looks for: the pending ones that are due.
        sa.Index("ix_outcome_notices_due", "state", "next_attempt_at"),
    )

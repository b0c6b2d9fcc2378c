"""Inquiries (政策留言, 网上咨询) and their transfers between units."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import UTCDateTime, Versioned, db, index_while_pending, utcnow


class InquiryState(enum.StrEnum):
    received = "received"  # new: its holding unit's staff only
    # Public: published and answered (decisions.visibility.PUBLIC_QUESTION_STATES).
    published = "published"  # 选登: public, not answered yet
    answered = "answered"  # public with its answer
    declined = "declined"  # not taken up, with a reason; never public


class Inquiry(Versioned, db.Model):
    """政策留言 on a decision's page, or a general 网上咨询 (no decision): a question, who holds
    it, and its answer or why it was declined."""

    __tablename__ = "inquiries"
    __audit_exclude__ = {"name", "contact", "receipt"}

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a general question (网上咨询), which is about no one decision.
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    question: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    channel: Mapped[str] = mapped_column(sa.String(30))
    received_on: Mapped[dt.date] = mapped_column(index=True)
    reply_due_on: Mapped[dt.date]
    calendar_status: Mapped[str] = mapped_column(sa.String(20))
    simple: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(20), default=InquiryState.received)
    # The holding unit, which publishes, declines, answers or transfers it; None while a
    # general question waits for the district office to assign it.
    unit: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"), index=True)
    # The asker follows the question with it (GET /receipts/{receipt}).
    receipt: Mapped[str] = mapped_column(sa.String(40), unique=True)
    published_on: Mapped[dt.date | None]
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_on: Mapped[dt.date | None]
    answered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    declined_on: Mapped[dt.date | None]
    declined_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    overdue_since: Mapped[dt.date | None]
    # What the public reads of the question: personal data hidden (core.redaction); None when
    # that is the question itself.
    public_question: Mapped[str | None] = mapped_column(sa.Text)
    # Editors' restorations and hidings of parts of the question, as for a comment's text.
    redaction_overrides: Mapped[list | None] = mapped_column(sa.JSON)
    # Loaded with the inquiries, in one more query for a whole page.
    transfers: Mapped[list["InquiryTransfer"]] = relationship(order_by="InquiryTransfer.id", lazy="selectin")

    # The questions that may still turn overdue: what tick and the change feed look for.
    __table_args__ = (index_while_pending("inquiries", "reply_due_on", "answered_on", "declined_on", "overdue_since"),)


class InquiryTransfer(db.Model):
    """转办: an inquiry moved from one holder to another; the rows of an inquiry, in order, say
    who held it from when to when. Appended, never changed."""

    __tablename__ = "inquiry_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("inquiries.id"), index=True)
    # None: the district office held it (a general question not yet assigned).
    from_unit: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"))
    held_since: Mapped[dt.date]
    to_unit: Mapped[str] = mapped_column(sa.ForeignKey("units.code"))
    transferred_on: Mapped[dt.date]
    # None when a loader without an account of its own moved it (the demo); the audit log names it.
    transferred_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

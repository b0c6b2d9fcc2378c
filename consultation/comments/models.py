"""Comments from every channel, their moderation, and what the public may read of them."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, Versioned, db, index_where_set, utcnow


class Channel(enum.StrEnum):
    portal = "portal"
    yiwangtongban = "yiwangtongban"  # 一网通办
    suggestion_box = "suggestion_box"  # 人民建议征集信箱
    suishenban = "suishenban"  # 随申办
    new_media = "new_media"
    hotline_12345 = "hotline_12345"
    letter = "letter"
    meeting = "meeting"


OFFLINE_CHANNELS = (Channel.hotline_12345, Channel.letter, Channel.meeting)


class SubmitterType(enum.StrEnum):
    individual = "individual"
    enterprise = "enterprise"
    industry_association = "industry_association"
    expert = "expert"
    deputy = "deputy"
    cppcc_member = "cppcc_member"
    department = "department"
    other = "other"


# Submitters who may be shown by organisation; an individual's organisation is personal data.
ORGANISATIONS_SHOWN = (SubmitterType.enterprise, SubmitterType.industry_association, SubmitterType.department)


ModerationState = enum.StrEnum("ModerationState", ["pending", "published", "rejected"])


COMMENT_MAX_CHARS = 5000


class Comment(Versioned, db.Model):
    """意见: one opinion, from any channel, with its moderation and its disposition."""

    __tablename__ = "comments"
    # Personal data is in the audit log's create entry otherwise; the log keeps who acted on
    # a comment and how, not the commenter's name and phone.
    __audit_exclude__ = {"name", "contact", "receipt"}
    # An individual's organisation (an employer, a village committee) may identify them.
    __audit_exclude_when__ = {"organisation": ("submitter_type", "individual")}

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"))
    content: Mapped[str] = mapped_column(sa.Text)
    # What the public reads of `content`, personal data replaced by markers (core.redaction),
    # computed once when it is written; NULL when that is `content` itself, as for most.
    public_content: Mapped[str | None] = mapped_column(sa.Text)
    # Editors' restorations and hidings in `content`: [{action, text, reason, by, at}], in order.
    redaction_overrides: Mapped[list | None] = mapped_column(sa.JSON)
    submitter_type: Mapped[str] = mapped_column(sa.String(30))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    # The commenter asked to be told of the disposition once it is published (consultation.notices).
    notify_outcome: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    channel: Mapped[str] = mapped_column(sa.String(30))
    received_on: Mapped[dt.date]
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    receipt: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Idempotency-Key, per consultation, with a fingerprint of what was sent under it.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200))
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    entered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    moderation: Mapped[str] = mapped_column(sa.String(20), default=ModerationState.pending)
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    disposition: Mapped[str | None] = mapped_column(sa.String(30))
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clusters.id"))
    disposed_on: Mapped[dt.date | None]

    __table_args__ = (
        # The key first: a submission finds a repeat by its key alone, with this index and no
        # other (consultation.comments.services._SUBMISSION).
        sa.UniqueConstraint("idempotency_key", "consultation_id"),
        sa.Index("ix_comments_consultation", "consultation_id", "id"),
        index_where_set("comments", "cluster_id"),  # most comments are in no cluster
    )


class SeenByStaff:
    """A comment as the lead unit's staff read it, whole: its schema dumps what the public
    does not see. The comment's fields read through."""

    __slots__ = ("comment",)

    def __init__(self, comment: "Comment"):
        self.comment = comment

    def __getattr__(self, name):
        return getattr(self.comment, name)

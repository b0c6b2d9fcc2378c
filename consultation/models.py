"""Public participation: consultations on a draft, the comments that come in by every
channel, their moderation and disposition, and clusters of concentrated opinions."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import UTCDateTime, Versioned, db, index_where_set, index_while_pending, utcnow
from decisions.records.models import Publishable


class Method(enum.StrEnum):
    online = "online"
    symposium = "symposium"  # 座谈会
    hearing = "hearing"  # 听证会
    written = "written"
    questionnaire = "questionnaire"
    field_visit = "field_visit"


class Audience(enum.StrEnum):
    public = "public"
    enterprises = "enterprises"
    industry_associations = "industry_associations"
    experts = "experts"
    specific_group = "specific_group"


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


class Disposition(enum.StrEnum):
    adopted = "adopted"
    partially_adopted = "partially_adopted"
    not_adopted = "not_adopted"
    out_of_scope = "out_of_scope"
    duplicate = "duplicate"


class ReasonCode(enum.StrEnum):
    """Why an opinion was not (fully) adopted: the controlled list."""

    conflicts_with_law = "conflicts_with_law"  # 与法律法规相抵触
    outside_competence = "outside_competence"  # 超出本单位职权
    already_provided_for = "already_provided_for"  # 已有规定或已采纳类似意见
    insufficient_basis = "insufficient_basis"  # 依据不足
    cost_or_feasibility = "cost_or_feasibility"  # 成本或可行性
    other = "other"


class ModerationState(enum.StrEnum):
    pending = "pending"
    published = "published"
    rejected = "rejected"


MIN_WINDOW_DAYS = 30  # [national, Art. 15]
HEARING_MATERIALS_DAYS = 7  # [national, Art. 16]
COMMENT_MAX_CHARS = 5000


class Consultation(Versioned, db.Model):
    """意见征集 on a published draft version."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("drafts.id"))
    draft_version: Mapped[int]
    method: Mapped[str] = mapped_column(sa.String(20))
    audience: Mapped[list] = mapped_column(sa.JSON, default=list)
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date] = mapped_column(index=True)
    shortened_reason: Mapped[str | None] = mapped_column(sa.Text)
    comments_public: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str | None] = mapped_column(sa.String(500))
    published_on: Mapped[dt.date | None]
    public_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    # Set by `tick` when the window has ended and `consultation_closed` is on the record.
    closed_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    # Hearings (听证): the hearing day, its participants published in advance, materials sent
    # at least 7 days before, the record signed by the participants.
    hearing_on: Mapped[dt.date | None]
    participants: Mapped[list] = mapped_column(sa.JSON, default=list)
    participants_published_on: Mapped[dt.date | None]
    materials_sent_on: Mapped[dt.date | None]
    record_signed_on: Mapped[dt.date | None]

    # The consultations whose closing is still to be recorded: what tick and the feed look for.
    __table_args__ = (index_while_pending("consultations", "closes_on", "closed_seq"),)


class SeenByStaff:
    """A comment as the lead unit's staff read it, whole: its schema dumps what the public
    does not see. The comment's fields read through."""

    __slots__ = ("comment",)

    def __init__(self, comment: "Comment"):
        self.comment = comment

    def __getattr__(self, name):
        return getattr(self.comment, name)


class Cluster(Versioned, db.Model):
    """较为集中意见: comments grouped under one summary, disposition and reason."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    disposition: Mapped[str] = mapped_column(sa.String(30))
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)


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


class AdoptionReport(Publishable, db.Model):
    """意见收集采纳情况: how many opinions came in, how they were adopted, and why concentrated
    opinions were not. Its figures are computed from the comments, never typed in."""

    __tablename__ = "adoption_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)
    # Preconditions an admin waived to publish it ({rule, reason, by, on}), published with it.
    exemptions: Mapped[list | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.UniqueConstraint("decision_id", "version"),)


class InquiryState(enum.StrEnum):
    received = "received"  # new: its holding unit's staff only
    published = "published"  # 选登: public, not answered yet
    answered = "answered"  # public with its answer
    declined = "declined"  # not taken up, with a reason; never public


PUBLIC_INQUIRY_STATES = (InquiryState.published, InquiryState.answered)


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

"""Government open activities (政府开放活动, section 三(三)): what a unit plans and publishes, who
registered, the opinions it collected, and its dedicated feedback report (专项反馈)."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.calendar import SHANGHAI
from core.extensions import UTCDateTime, Versioned, db, utcnow


class Field(enum.StrEnum):
    """The fields the district opens its work in (section 三(三))."""

    government_services_online = "government_services_online"  # 一网通办
    city_operations_online = "city_operations_online"  # 一网统管
    livelihood = "livelihood"  # 民生保障
    fair_regulation = "fair_regulation"  # 公正监管
    public_health_safety = "public_health_safety"  # 公共卫生安全
    other = "other"


class Form(enum.StrEnum):
    on_site = "on_site"  # 现场参观
    live_stream = "live_stream"  # 云直播
    vr = "vr"  # VR 全景
    process_demonstration = "process_demonstration"  # 流程演示


# Forms the public joins at a place; the others are followed at a URL.
AT_A_PLACE = (Form.on_site, Form.process_demonstration)
# The open month (政府开放月) is August [district].
OPEN_MONTH = 8


class OpinionChannel(enum.StrEnum):
    questionnaire = "questionnaire"  # 问卷调查
    discussion = "discussion"  # 座谈交流


class RegistrationState(enum.StrEnum):
    confirmed = "confirmed"  # within capacity
    waiting = "waiting"  # on the waiting list


class Activity(Versioned, db.Model):
    """政府开放活动: planned by a unit, public once published, then never changed in place
    (migration 0024's triggers)."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(sa.ForeignKey("units.code"), index=True)
    theme: Mapped[str] = mapped_column(sa.String(300))
    field: Mapped[str] = mapped_column(sa.String(40))
    form: Mapped[str] = mapped_column(sa.String(30))
    description: Mapped[str | None] = mapped_column(sa.Text)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    stream_url: Mapped[str | None] = mapped_column(sa.String(500))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # None: no limit (a live stream, say), and so no waiting list.
    capacity: Mapped[int | None]
    open_month: Mapped[bool] = mapped_column(default=False)
    published_on: Mapped[dt.date | None]
    public_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))

    @property
    def starts_on(self) -> dt.date:
        """The activity's first day in Asia/Shanghai."""
        return self.starts_at.astimezone(SHANGHAI).date()

    @property
    def ends_on(self) -> dt.date:
        """The activity's last day in Asia/Shanghai: its feedback is counted from it."""
        return self.ends_at.astimezone(SHANGHAI).date()


class Registration(db.Model):
    """公众参与活动咨询报名: one person's place, in the order they came. Its name and contact
    reach the unit only."""

    __tablename__ = "activity_registrations"
    # The log keeps that someone registered, not who: name and contact stay with the unit.
    __audit_exclude__ = {"name", "contact", "contact_key", "receipt"}

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"))
    # 1, 2, … in the order registrations were taken: within capacity a seat, beyond it a place
    # on the waiting list. Unique, so two registrations can never take one place.
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str] = mapped_column(sa.String(200))
    # A keyed hash of the contact (core.privacy): one registration per person and activity,
    # found without reading anyone's contact, and no guessable digest in a copy of the database.
    contact_key: Mapped[str] = mapped_column(sa.String(64))
    receipt: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # The real day it was taken: today for the public's; staff enter one taken by phone or at a
    # counter with its own day, before the activity's.
    registered_on: Mapped[dt.date]
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    entered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    # Its state reads the activity's capacity: loaded with it, in the same query.
    activity: Mapped[Activity] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        sa.UniqueConstraint("activity_id", "position"),
        sa.UniqueConstraint("activity_id", "contact_key"),
    )


class Opinion(Versioned, db.Model):
    """An opinion collected at an activity, by questionnaire or in discussion, and what became
    of it."""

    __tablename__ = "activity_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(30))
    content: Mapped[str] = mapped_column(sa.Text)
    # What the public reads of `content` (core.redaction); None when that is `content` itself.
    public_content: Mapped[str | None] = mapped_column(sa.Text)
    received_on: Mapped[dt.date]
    entered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    disposition: Mapped[str | None] = mapped_column(sa.String(30))
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    disposed_on: Mapped[dt.date | None]
    activity: Mapped[Activity] = relationship(lazy="joined", innerjoin=True)


class FeedbackReport(Versioned, db.Model):
    """专项反馈: what the unit took up of the opinions collected; one per activity, never
    changed once published (migration 0024's triggers)."""

    __tablename__ = "activity_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(500))
    published_on: Mapped[dt.date | None]
    public_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    activity: Mapped[Activity] = relationship(lazy="joined", innerjoin=True)


# What a list of activities shows of each without a query per activity: how many registered,
# and when its feedback was published (None: not yet), read in the list's own SELECT.
Activity.registered = column_property(
    sa.select(sa.func.count(Registration.id))
    .where(Registration.activity_id == Activity.id)
    .correlate_except(Registration)
    .scalar_subquery(),
    deferred=False,
)
Activity.feedback_published_on = column_property(
    sa.select(FeedbackReport.published_on)
    .where(FeedbackReport.activity_id == Activity.id)
    .correlate_except(FeedbackReport)
    .scalar_subquery()
)

"""Meetings (会议审议): executive or plenary meetings that deliberate decisions, with their
invited attendees (列席)."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import Versioned, db


class BodyType(enum.StrEnum):
    executive = "executive"  # 常务会议
    plenary = "plenary"  # 全体会议


class Outcome(enum.StrEnum):
    approved = "approved"
    approved_with_changes = "approved_with_changes"
    returned = "returned"
    deferred = "deferred"
    rejected = "rejected"


APPROVING = (Outcome.approved, Outcome.approved_with_changes)


class AttendeeCategory(enum.StrEnum):
    enterprise = "enterprise"
    industry_association = "industry_association"
    citizen = "citizen"
    expert = "expert"
    media = "media"
    deputy = "deputy"  # 人大代表
    cppcc_member = "cppcc_member"  # 政协委员
    other = "other"


# Who counts as an invited stakeholder for the district's "at least 3 a year" rule:
# representatives of those the decision affects, not the experts or press also invited.
STAKEHOLDERS = (
    AttendeeCategory.enterprise,
    AttendeeCategory.industry_association,
    AttendeeCategory.citizen,
    AttendeeCategory.deputy,
    AttendeeCategory.cppcc_member,
    AttendeeCategory.other,
)

INVITED_MEETINGS_PER_YEAR = 3  # [district]


Adoption = enum.StrEnum("Adoption", ["adopted", "partially_adopted", "not_adopted"])


class Meeting(Versioned, db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_type: Mapped[str] = mapped_column(sa.String(20))
    session_no: Mapped[int]
    held_on: Mapped[dt.date] = mapped_column(index=True)
    published_on: Mapped[dt.date | None]

    agenda: Mapped[list["AgendaItem"]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", lazy="selectin"
    )
    attendees: Mapped[list["Attendee"]] = relationship(
        order_by="Attendee.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (sa.UniqueConstraint("body_type", "held_on", "session_no"),)

    @property
    def title(self) -> str:
        body = "常务会议" if self.body_type == BodyType.executive else "全体会议"
        return f"区政府第{self.session_no}次{body}"


class AgendaItem(db.Model):
    """A decision deliberated at the meeting, with its outcome."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    position: Mapped[int]
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(30))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    dissent: Mapped[str | None] = mapped_column(sa.Text)
    # Art. 30: when the head decides against the majority, the reason is recorded.
    against_majority: Mapped[bool] = mapped_column(default=False)
    head_reason: Mapped[str | None] = mapped_column(sa.Text)
    public_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("public_record.seq"))
    # Agenda preconditions an admin waived ({rule, reason, by, on}), published with the meeting.
    exemptions: Mapped[list | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "decision_id"),)


class Attendee(db.Model):
    """An invited attendee (列席): shown by category and organisation; by name only with consent."""

    __tablename__ = "meeting_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    position: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(30))
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    name_consent: Mapped[bool] = mapped_column(default=False)
    # The agenda item the attendee spoke to, if one.
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    opinion: Mapped[str | None] = mapped_column(sa.Text)
    adoption: Mapped[str | None] = mapped_column(sa.String(30))
    adoption_note: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def public_name(self) -> str | None:
        return self.name if self.name_consent else None

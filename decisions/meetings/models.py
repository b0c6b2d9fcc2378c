"""Meetings (会议审议): executive or plenary meetings that deliberate decisions, with their
invited attendees (列席)."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import Versioned, db
from decisions.models import Unit


class BodyType(enum.StrEnum):
    # The district government's [Art. 30]
    executive = "executive"  # 常务会议
    plenary = "plenary"  # 全体会议
    # A unit's own decision meetings [district]: a department's, a town's or a street's.
    bureau_director_meeting = "bureau_director_meeting"  # 局长办公会
    bureau_affairs_meeting = "bureau_affairs_meeting"  # 局务会议
    joint_party_government_meeting = "joint_party_government_meeting"  # 党政联席会议
    director_office_meeting = "director_office_meeting"  # 主任办公会议


# Its name in the meeting's title, and whose body it is: the district government's bodies sit
# without a holding unit, a unit's bodies only with one (decisions.meetings.services).
BODY_NAMES = {
    BodyType.executive: "常务会议",
    BodyType.plenary: "全体会议",
    BodyType.bureau_director_meeting: "局长办公会",
    BodyType.bureau_affairs_meeting: "局务会议",
    BodyType.joint_party_government_meeting: "党政联席会议",
    BodyType.director_office_meeting: "主任办公会议",
}
DISTRICT_BODIES = (BodyType.executive, BodyType.plenary)
UNIT_BODIES = tuple(b for b in BodyType if b not in DISTRICT_BODIES)


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
    body_type: Mapped[str] = mapped_column(sa.String(30))
    # The unit holding a unit body's meeting; null for the district government's own.
    unit: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"), index=True)
    session_no: Mapped[int]
    held_on: Mapped[dt.date] = mapped_column(index=True)
    published_on: Mapped[dt.date | None]

    # For the title; read in the meeting's own query (a list stays one query).
    holder: Mapped[Unit | None] = relationship(lazy="joined", viewonly=True)

    agenda: Mapped[list["AgendaItem"]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", lazy="selectin"
    )
    attendees: Mapped[list["Attendee"]] = relationship(
        order_by="Attendee.position", cascade="all, delete-orphan", lazy="selectin"
    )

    # One session of a body a day: the district's bodies among themselves, each unit's among
    # its own (a null unit would never clash in one constraint, hence two partial indexes).
    __table_args__ = (
        sa.Index(
            "ix_meetings_district_session",
            "body_type",
            "held_on",
            "session_no",
            unique=True,
            sqlite_where=sa.text("unit IS NULL"),
            postgresql_where=sa.text("unit IS NULL"),
        ),
        sa.Index(
            "ix_meetings_unit_session",
            "unit",
            "body_type",
            "held_on",
            "session_no",
            unique=True,
            sqlite_where=sa.text("unit IS NOT NULL"),
            postgresql_where=sa.text("unit IS NOT NULL"),
        ),
    )

    @property
    def title(self) -> str:
        body = BODY_NAMES[BodyType(self.body_type)]
        held_by = "区政府" if self.unit is None else (self.holder.name if self.holder else self.unit)
        return f"{held_by}第{self.session_no}次{body}"


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

"""Consultations on a draft: how, to whom, when, and a hearing's procedure."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import Versioned, db, index_while_pending


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


MIN_WINDOW_DAYS = 30  # [national, Art. 15]
HEARING_MATERIALS_DAYS = 7  # [national, Art. 16]


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

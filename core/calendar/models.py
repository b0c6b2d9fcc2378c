"""The loaded years of the working-day calendar: what the State Council's notice gave."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, Versioned, db, utcnow

OFFICIAL = "official"
PROVISIONAL = "provisional"


class CalendarYear(Versioned, db.Model):
    """A year's holidays and make-up working days loaded from the State Council's notice."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(sa.JSON, default=list)  # ISO dates
    workdays: Mapped[list] = mapped_column(sa.JSON, default=list)  # ISO dates of 调休上班
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

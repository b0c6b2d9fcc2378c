"""The security log's events: one refused attempt each."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, db, utcnow

REFUSALS = frozenset({401, 403, 429})


class SecurityEvent(db.Model):
    __tablename__ = "security_events"
    __audited__ = False  # a log of its own, written outside the session

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[int]
    method: Mapped[str] = mapped_column(sa.String(10))
    route: Mapped[str] = mapped_column(sa.String(300))
    address: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

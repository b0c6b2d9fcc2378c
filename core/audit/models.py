"""The audit log's entries: who changed what, when, each a link of the log's hash chain."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, db, index_where_set, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    account_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(20))
    record_type: Mapped[str] = mapped_column(sa.String(60))
    record_id: Mapped[str] = mapped_column(sa.String(60))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The hash chain (core.chain). Empty only in a row that migration 0016 had yet to chain.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.Index("ix_audit_log_record", "record_type", "record_id"),
        index_where_set("audit_log", "account_id"),  # the public's many writes have no account
    )

"""The yearly assessment, one row per version: its rule set, its scored figures, its publication
(its public-record entry is found by its path).

A published version is never changed or deleted: the database refuses it (triggers of
migration 0023), and a correction is a new version that names the one it corrects and why."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, db, utcnow


class Assessment(db.Model):
    """年度政务公开工作考核评估: one version of a year's assessment."""

    __tablename__ = "assessments"
    # The figures are the compliance report itself, hundreds of links: the audit log keeps who
    # took and published which version, not a second copy of what the row holds.
    __audit_exclude__ = {"figures"}

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    version: Mapped[int]
    # The rule set it was scored by: {"weights": {duty: points}, "performance_weight": points}.
    rules: Mapped[dict] = mapped_column(sa.JSON)
    # {"units": [...], "district": {...}}: each unit's duties measured and scored, with the
    # records behind every figure as API paths (rules.score).
    figures: Mapped[dict] = mapped_column(sa.JSON)
    # The day its compliance was read: what was pending or overdue is as it stood then.
    taken_on: Mapped[dt.date]
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_on: Mapped[dt.date | None]
    # A correction: the published version it corrects, and why.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id"))
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("year", "version"),
        sa.CheckConstraint("(corrects_id IS NULL) = (correction_reason IS NULL)", name="correction_has_reason"),
    )

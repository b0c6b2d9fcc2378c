"""Concentrated opinions (较为集中意见)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import Versioned, db


class Cluster(Versioned, db.Model):
    """较为集中意见: comments grouped under one summary, disposition and reason."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    disposition: Mapped[str] = mapped_column(sa.String(30))
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)

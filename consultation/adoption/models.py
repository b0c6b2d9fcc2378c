"""The adoption report (意见收集采纳情况)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from decisions.records.models import Publishable


class AdoptionReport(Publishable, db.Model):
    """意见收集采纳情况: how many opinions came in, how they were adopted, and why concentrated
    opinions were not. Its figures are computed from the comments, never typed in."""

    __tablename__ = "adoption_reports"
    content = ("summary",)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)
    # Preconditions an admin waived to publish it ({rule, reason, by, on}), published with it.
    exemptions: Mapped[list | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.UniqueConstraint("decision_id", "version"),)

    def entry_title(self, decision) -> str:
        return f"意见收集采纳情况：{decision.title}"

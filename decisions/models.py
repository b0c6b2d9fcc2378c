"""Units, the yearly catalogue, its adjustments, and the decisions it lists."""

import calendar
import datetime as dt
import enum
import re

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import UTCDateTime, Versioned, db, utcnow


class UnitKind(enum.StrEnum):
    government = "government"
    department = "department"
    town = "town"
    street = "street"
    other = "other"


class Category(enum.StrEnum):
    public_policy = "public_policy"  # 重大公共政策和措施
    plan = "plan"  # 重要规划
    resource_policy = "resource_policy"  # 重大资源政策
    public_project = "public_project"  # 重大公共建设项目
    other = "other"  # 其他


class Procedure(enum.StrEnum):
    """The procedures a catalogue item says the decision must go through."""

    public_participation = "public_participation"  # 公众参与
    expert_review = "expert_review"  # 专家论证
    risk_assessment = "risk_assessment"  # 风险评估
    legality_review = "legality_review"  # 合法性审查
    fair_competition_review = "fair_competition_review"  # 公平竞争审查
    collective_deliberation = "collective_deliberation"  # 集体讨论决定


class DecisionState(enum.StrEnum):
    """Where the decision stands in its procedure (domain.md); moved only by the procedure."""

    initiated = "initiated"  # 决策启动: in the catalogue, lead unit named
    drafting = "drafting"
    consulting = "consulting"
    reviewing = "reviewing"
    deliberated = "deliberated"  # approved at a meeting, result not yet published
    rejected = "rejected"
    decided = "decided"
    implementing = "implementing"
    evaluated = "evaluated"
    suspended = "suspended"
    withdrawn = "withdrawn"


class AdjustmentType(enum.StrEnum):
    add = "add"
    modify = "modify"
    postpone = "postpone"
    withdraw = "withdraw"
    carry_over = "carry_over"


# The adjustment a decision last had, as the catalogue's "adjustment status" column shows it.
ADJUSTED = {
    AdjustmentType.add: "added",
    AdjustmentType.modify: "modified",
    AdjustmentType.postpone: "postponed",
    AdjustmentType.withdraw: "withdrawn",
    AdjustmentType.carry_over: "carried_over",
}

CATALOGUE_DUE_MONTH_DAY = (3, 31)  # published by 31 March of its year [district]

# The `unit` of the district government's own catalogue. Every other unit keeps its own
# (确定并发布本单位重大行政决策事项目录) under its code; a key column cannot be null, so the
# district's is the empty code, which no unit has.
DISTRICT = ""


def catalogue_path(unit: str, year: int) -> str:
    """Where a catalogue is read: the district's at /catalogues/YEAR, a unit's under the unit."""
    return f"/units/{unit}/catalogues/{year}" if unit else f"/catalogues/{year}"


class Unit(Versioned, db.Model):
    """A unit of the district: the government office, a department, a town or street."""

    __tablename__ = "units"

    # The code is how every other record names a unit, and it never changes. It is stored as
    # given and names the unit whatever the case (core.units).
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))


# One unit per code in lower case: `JD-FGW` is `jd-fgw`. It also serves core.units' lookups.
sa.Index("ix_units_lower_code", sa.func.lower(Unit.code), unique=True)


class Catalogue(Versioned, db.Model):
    """A catalogue of major decisions for one year: the district government's (`unit` is
    DISTRICT), or a department's, town's or street's own."""

    __tablename__ = "catalogues"

    unit: Mapped[str] = mapped_column(sa.String(40), primary_key=True, default=DISTRICT, server_default="")
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(300))
    issuer_unit: Mapped[str] = mapped_column(sa.ForeignKey("units.code"))
    party_consent_on: Mapped[dt.date | None]
    published_on: Mapped[dt.date | None]
    doc_number: Mapped[str | None] = mapped_column(sa.String(100))
    url: Mapped[str | None] = mapped_column(sa.String(1000))

    @property
    def status(self) -> str:
        return "published" if self.published_on else "draft"

    @property
    def path(self) -> str:
        return catalogue_path(self.unit, self.year)

    @property
    def due_on(self) -> dt.date:
        return dt.date(self.year, *CATALOGUE_DUE_MONTH_DAY)

    def on_time(self, today: dt.date) -> bool | None:
        """Published by its due date; None while it still may be."""
        if self.published_on:
            return self.published_on <= self.due_on
        return False if today > self.due_on else None


class Decision(Versioned, db.Model):
    """One item of a catalogue: a major administrative decision and where its procedure stands."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The catalogue it is an item of: (catalogue_unit, catalogue_year), DISTRICT's by default.
    catalogue_unit: Mapped[str] = mapped_column(sa.String(40), default=DISTRICT, server_default="")
    catalogue_year: Mapped[int]
    seq_no: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(30))
    lead_unit: Mapped[str] = mapped_column(sa.ForeignKey("units.code"))
    # Unit codes. A JSON list keeps a list page to one query; codes are checked on write and
    # never change.
    co_units: Mapped[list] = mapped_column(sa.JSON, default=list)
    legal_basis: Mapped[list] = mapped_column(sa.JSON, default=list)
    planned_completion: Mapped[str] = mapped_column(sa.String(10))
    # The last day of the planned period, for sorting and for deadlines.
    planned_completion_by: Mapped[dt.date]
    enterprise_related: Mapped[bool] = mapped_column(default=False)
    hearing_required: Mapped[bool] = mapped_column(default=False)
    procedures: Mapped[list] = mapped_column(sa.JSON, default=list)
    state: Mapped[str] = mapped_column(sa.String(20), default=DecisionState.initiated)
    # The last adjustment's status (added, modified, postponed, withdrawn, carried_over).
    adjustment: Mapped[str | None] = mapped_column(sa.String(20))
    # The day the public first saw the item: its catalogue's publication, or the `add`
    # adjustment that brought it in. Null means unpublished, i.e. 404 to the public.
    catalogued_on: Mapped[dt.date | None]

    __table_args__ = (
        sa.ForeignKeyConstraint(["catalogue_unit", "catalogue_year"], ["catalogues.unit", "catalogues.year"]),
        sa.UniqueConstraint("catalogue_unit", "catalogue_year", "seq_no"),
        sa.Index("ix_decisions_year_unit_seq", "catalogue_year", "lead_unit", "seq_no"),
        sa.Index("ix_decisions_lead_unit", "lead_unit"),
        sa.Index("ix_decisions_updated_at", "updated_at"),  # `updated_since`, to sync
    )

    @property
    def planned_completion_precision(self) -> str:
        return completion_precision(self.planned_completion)


class Adjustment(db.Model):
    """A change to a published catalogue: each with its reason and approval date, published."""

    __tablename__ = "catalogue_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_unit: Mapped[str] = mapped_column(sa.String(40), default=DISTRICT, server_default="")
    catalogue_year: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(20))
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    approved_on: Mapped[dt.date]
    published_on: Mapped[dt.date]
    # What a `modify` or `postpone` changed: {field: [before, after]}.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.ForeignKeyConstraint(["catalogue_unit", "catalogue_year"], ["catalogues.unit", "catalogues.year"]),
        sa.Index("ix_catalogue_adjustments_catalogue", "catalogue_unit", "catalogue_year"),
    )

    @property
    def path(self) -> str:
        return f"{catalogue_path(self.catalogue_unit, self.catalogue_year)}/adjustments/{self.id}"


_COMPLETION = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{2})(?:-(\d{2}))?)?$")


def completion_precision(value: str) -> str:
    """year, quarter, month or day: how precisely the catalogue gives the planned completion."""
    match = _COMPLETION.match(value)
    if not match:
        raise ValueError(value)
    _, quarter, month, day = match.groups()
    return "quarter" if quarter else "day" if day else "month" if month else "year"


def completion_precision_of(column):
    """`completion_precision` of a column as SQL, for values the catalogue validated (the
    decisions export writes its CSV lines in the database: opendata/exports/lines.py)."""
    return sa.case(
        (column.like("%Q%"), "quarter"),
        (sa.func.length(column) == 10, "day"),
        (sa.func.length(column) == 7, "month"),
        else_="year",
    )


def completion_last_day(value: str) -> dt.date:
    """The last day of the period 'YYYY', 'YYYY-Qn', 'YYYY-MM' or 'YYYY-MM-DD'.

    Raises ValueError for anything else, or for a day that does not exist.
    """
    match = _COMPLETION.match(value)
    if not match:
        raise ValueError(f"{value!r} is not YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD")
    year, quarter, month, day = match.groups()
    year = int(year)
    if quarter:
        month = int(quarter) * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if day:
        return dt.date(year, int(month), int(day))
    if month:
        month = int(month)
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, 12, 31)

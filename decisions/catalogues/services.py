"""The use cases of the yearly catalogue and its adjustments. Each public function is one
transaction; the catalogue's rules live here and nowhere else."""

import datetime as dt
import functools
from types import SimpleNamespace

import sqlalchemy as sa

from core import calendar, publication
from core.auth import Account, ensure_may_edit, owner_of
from core.errors import (
    AdjustmentNotApplicable,
    CatalogueAlreadyPublished,
    CatalogueIssuerNotUnit,
    CatalogueNotPublished,
    Conflict,
    DecisionWithdrawn,
    GovernmentUnitCatalogue,
    Invalid,
    NotFound,
    PartyConsentMissing,
)
from core.extensions import db, stored
from core.pagination import Listing
from core.publication import EntryType, Fact, PublicRecordEntry
from decisions import procedure, visibility
from decisions.models import (
    ADJUSTED,
    DISTRICT,
    Adjustment,
    AdjustmentType,
    Catalogue,
    Decision,
    DecisionState,
    UnitKind,
    completion_last_day,
)
from decisions.rules import apply_changes, check_catalogue_unit, check_references
from decisions.units.services import ensure_units_exist, get_unit, stored_codes

# --- Catalogues ------------------------------------------------------------------------------


@owner_of("code")
def _unit_itself(code: str, viewer: Account) -> str:
    # A unit's own records under /units/{code}/… are led by that unit: its editors write them.
    return get_unit(code).code


def unit_of(code: str) -> str:
    """The stored code of the unit `code` names (404 for none): whose catalogues a path reads."""
    return get_unit(code).code


def list_catalogues(*, viewer: Account | None, status=None, unit: str = DISTRICT) -> Listing:
    """`unit`'s catalogues (the district's by default), newest year first, each as `viewer`
    may see it; drafts only for staff."""
    condition = sa.and_(visibility.catalogues_shown(viewer), Catalogue.unit == unit)
    if status == "published":
        condition = sa.and_(condition, Catalogue.published_on.is_not(None))
    elif status == "draft":
        condition = sa.and_(condition, Catalogue.published_on.is_(None))
    return Listing(
        sa.select(Catalogue).where(condition).order_by(Catalogue.year.desc()),
        shape=functools.partial(catalogue_view, viewer=viewer),
    )


def get_catalogue(year: int, *, viewer: Account | None, unit: str = DISTRICT) -> Catalogue:
    """`unit`'s catalogue of `year` (the district's by default); a draft is 404 to the public."""
    catalogue = db.session.get(Catalogue, (unit, year))
    if catalogue is None or not visibility.catalogue_shown(viewer, published_on=catalogue.published_on):
        raise NotFound(
            f"{unit} has no published catalogue of its own for {year}."
            if unit
            else f"No catalogue for {year} is published."
        )
    return catalogue


def catalogue_view(catalogue: Catalogue, *, viewer: Account | None, stages: bool = False) -> SimpleNamespace:
    """The catalogue with its items and adjustments as `viewer` may see them (three queries);
    with `stages`, each item with its public record, the links to every stage of its procedure
    (超链接展示), in one query more."""
    items = db.session.execute(
        sa.select(
            Decision.id,
            Decision.seq_no,
            Decision.title,
            Decision.category,
            Decision.lead_unit,
            Decision.planned_completion,
            Decision.hearing_required,
            Decision.state,
            Decision.adjustment,
        )
        .where(
            Decision.catalogue_unit == catalogue.unit,
            Decision.catalogue_year == catalogue.year,
            visibility.decisions_shown(viewer),
        )
        .order_by(Decision.seq_no)
    ).all()
    timelines = publication.timelines_of([item.id for item in items]) if stages else None
    items = [
        SimpleNamespace(**item._mapping, stages=None if timelines is None else timelines.get(item.id, []))
        for item in items
    ]
    adjustments = db.session.scalars(
        sa.select(Adjustment)
        .where(Adjustment.catalogue_unit == catalogue.unit, Adjustment.catalogue_year == catalogue.year)
        .order_by(Adjustment.id)
    ).all()
    return SimpleNamespace(
        unit=catalogue.unit,
        path=catalogue.path,
        year=catalogue.year,
        title=catalogue.title,
        issuer_unit=catalogue.issuer_unit,
        status=catalogue.status,
        party_consent_on=catalogue.party_consent_on,
        published_on=catalogue.published_on,
        doc_number=catalogue.doc_number,
        url=catalogue.url,
        due_on=catalogue.due_on,
        on_time=catalogue.on_time(calendar.today()),
        items=items,
        adjustments=adjustments,
    )


def create_catalogue(
    year: int,
    *,
    title: str,
    issuer_unit: str | None = None,
    party_consent_on=None,
    unit: str = DISTRICT,
    by: Account | None = None,
) -> Catalogue:
    """Open the catalogue of a year, as a draft: the district's, or `unit`'s own (issued by
    that unit, which `by` must be staff of)."""
    if unit:
        ensure_may_edit(by, unit)
        if get_unit(unit).kind == UnitKind.government:
            raise GovernmentUnitCatalogue(
                "code",
                f"{unit} is the district government's office: its catalogue is the district's, at /catalogues.",
                location="path",
            )
        issuer_unit = issuer_unit or unit
    if db.session.get(Catalogue, (unit, year)) is not None:
        raise Conflict(
            f"{unit}'s own catalogue for {year} exists already."
            if unit
            else f"The catalogue for {year} exists already."
        )
    issuer_unit = stored_codes({"issuer_unit": issuer_unit})["issuer_unit"]
    ensure_units_exist([issuer_unit], "issuer_unit")
    _check_issuer(unit, issuer_unit)
    catalogue = Catalogue(unit=unit, year=year, title=title, issuer_unit=issuer_unit, party_consent_on=party_consent_on)
    db.session.add(catalogue)
    db.session.commit()
    return catalogue


def _check_issuer(unit: str, issuer_unit: str) -> None:
    """A unit's catalogue is issued by that unit (确定并发布本单位…目录); the district's by the
    unit it names (the government office)."""
    if unit and issuer_unit != unit:
        raise CatalogueIssuerNotUnit("issuer_unit", f"{unit}'s own catalogue is issued by {unit}, not {issuer_unit}.")


def update_catalogue(catalogue: Catalogue, *, by: Account | None = None, **changes) -> Catalogue:
    """Change a draft catalogue; a published one changes only through adjustments."""
    if catalogue.unit:
        ensure_may_edit(by, catalogue.unit)
    if catalogue.published_on is not None:
        raise CatalogueAlreadyPublished(
            f"The {catalogue.year} catalogue was published on {catalogue.published_on}; record an adjustment instead."
        )
    if "issuer_unit" in changes:
        changes = stored_codes(changes)
        ensure_units_exist([changes["issuer_unit"]], "issuer_unit")
        _check_issuer(catalogue.unit, changes["issuer_unit"])
    for key, value in changes.items():
        setattr(catalogue, key, value)
    db.session.commit()
    return catalogue


def publish_catalogue(
    catalogue: Catalogue,
    *,
    party_consent_on=None,
    published_on=None,
    doc_number=None,
    url=None,
    by: Account | None = None,
) -> Catalogue:
    """Publish the catalogue; needs the Party committee's consent first [national, Art. 3]
    (for a unit's own, its Party organisation's)."""
    if catalogue.unit:
        ensure_may_edit(by, catalogue.unit)
    if catalogue.published_on is not None:
        raise CatalogueAlreadyPublished(f"The {catalogue.year} catalogue was published on {catalogue.published_on}.")
    published_on = publication.publication_day(published_on)
    consent = party_consent_on or catalogue.party_consent_on
    if consent is None:
        raise PartyConsentMissing(
            "The Party committee's consent is not on record: give `party_consent_on`, the day "
            "it consented, before the catalogue can be published."
        )
    if consent > published_on:
        raise PartyConsentMissing(
            f"The Party committee consented on {consent}, after the publication day "
            f"{published_on}: a catalogue is published only after consent."
        )
    items = db.session.scalars(
        sa.select(Decision)
        .where(
            Decision.catalogue_unit == catalogue.unit,
            Decision.catalogue_year == catalogue.year,
            Decision.catalogued_on.is_(None),
        )
        .order_by(Decision.seq_no)
    ).all()
    # Set after the read, so that the publication is one change of the catalogue (one audit entry).
    catalogue.party_consent_on = consent
    catalogue.doc_number = doc_number or catalogue.doc_number
    catalogue.url = url or catalogue.url
    for decision in items:
        decision.catalogued_on = published_on
    publication.publish(
        catalogue,
        *(
            Fact(
                decision.id,
                EntryType.catalogued,
                f"列入《{catalogue.title}》（第{decision.seq_no}项）",
                catalogue.path,
            )
            for decision in items
        ),
        published_on=published_on,
    )
    db.session.commit()
    return catalogue


# --- Adjustments -----------------------------------------------------------------------------


def list_adjustments(catalogue: Catalogue) -> Listing:
    """The catalogue's adjustments, oldest first."""
    return Listing(
        sa.select(Adjustment)
        .where(Adjustment.catalogue_unit == catalogue.unit, Adjustment.catalogue_year == catalogue.year)
        .order_by(Adjustment.id)
    )


def get_adjustment(catalogue: Catalogue, adjustment_id: int) -> Adjustment:
    adjustment = db.session.get(Adjustment, adjustment_id)
    if adjustment is None or (adjustment.catalogue_unit, adjustment.catalogue_year) != (catalogue.unit, catalogue.year):
        raise NotFound(f"The {catalogue.year} catalogue has no adjustment {adjustment_id}.")
    return adjustment


def adjust(
    catalogue: Catalogue,
    *,
    type: str,
    decision_id: int,
    reason: str,
    approved_on: dt.date,
    published_on: dt.date | None = None,
    planned_completion: str | None = None,
    changes: dict | None = None,
    by: Account | None = None,
) -> Adjustment:
    """Add, modify, postpone, withdraw or carry over an item of the published catalogue."""
    if catalogue.unit:
        ensure_may_edit(by, catalogue.unit)
    if catalogue.published_on is None:
        raise CatalogueNotPublished(
            f"The {catalogue.year} catalogue is still a draft: change its items directly; "
            "adjustments are for a published catalogue."
        )
    published_on = publication.publication_day(published_on)
    if approved_on > published_on:
        raise Invalid("approved_on", "An adjustment is approved before it is published.")
    decision = db.session.get(Decision, decision_id)
    if decision is None or (decision.catalogue_unit, decision.catalogue_year) != (catalogue.unit, catalogue.year):
        raise Invalid("decision_id", f"The {catalogue.year} catalogue has no decision {decision_id}.")
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn; it takes no further adjustment.")
    kind = AdjustmentType(type)
    if kind == AdjustmentType.add:
        if decision.catalogued_on is not None:
            raise AdjustmentNotApplicable(f"Decision {decision.id} is in the catalogue already.")
    elif decision.catalogued_on is None:
        raise AdjustmentNotApplicable(
            f"Decision {decision.id} is not in the published catalogue: add it first (type `add`)."
        )
    recorded = {}
    if kind == AdjustmentType.modify:
        changes = {k: v for k, v in stored_codes(changes or {}).items() if getattr(decision, k) != v}
        if not changes:
            raise Invalid("changes", "A modification names at least one catalogue column that it changes.")
        # Check the item as it will stand, so that a new lead unit cannot already be a co-unit.
        check_references({"lead_unit": decision.lead_unit, "co_units": decision.co_units, **changes})
        check_catalogue_unit(catalogue.unit, changes.get("lead_unit", decision.lead_unit), "changes")
        recorded = apply_changes(decision, changes)
    elif kind == AdjustmentType.postpone:
        if not planned_completion:
            raise Invalid("planned_completion", "A postponement gives the new planned completion.")
        if completion_last_day(planned_completion) <= decision.planned_completion_by:
            raise Invalid(
                "planned_completion",
                f"{planned_completion} is not later than the current {decision.planned_completion}.",
            )
        recorded = apply_changes(decision, {"planned_completion": planned_completion})
    elif kind == AdjustmentType.add:
        decision.catalogued_on = published_on
    decision.adjustment = ADJUSTED[kind]
    adjustment = stored(
        Adjustment(
            catalogue_unit=catalogue.unit,
            catalogue_year=catalogue.year,
            type=kind,
            decision_id=decision.id,
            reason=reason,
            approved_on=approved_on,
            published_on=published_on,
            changes=recorded,
        )
    )
    _record_adjustment(catalogue, decision, adjustment)
    procedure.refresh_state(decision)
    db.session.commit()
    return adjustment


_ADJUSTMENT_TITLES = {
    AdjustmentType.add: "调整：增列入《{catalogue}》",
    AdjustmentType.modify: "调整：修改目录事项",
    AdjustmentType.postpone: "调整：延期至{planned}",
    AdjustmentType.withdraw: "调整：撤回目录事项",
    AdjustmentType.carry_over: "调整：结转至{next_year}年度",
}


def _record_adjustment(catalogue: Catalogue, decision: Decision, adjustment: Adjustment) -> None:
    """Append the adjustment to the decision's public record."""
    kind = AdjustmentType(adjustment.type)
    title = _ADJUSTMENT_TITLES[kind].format(
        catalogue=catalogue.title, planned=decision.planned_completion, next_year=catalogue.year + 1
    )
    entry_type = {
        AdjustmentType.add: EntryType.catalogued,
        AdjustmentType.withdraw: EntryType.withdrawn,
    }.get(kind, EntryType.adjusted)
    amends = None
    if kind == AdjustmentType.withdraw:
        amends = db.session.scalar(
            sa.select(PublicRecordEntry.seq)
            .where(PublicRecordEntry.decision_id == decision.id, PublicRecordEntry.type == EntryType.catalogued)
            .order_by(PublicRecordEntry.seq.desc())
            .limit(1)
        )
    publication.record_fact(
        Fact(
            decision.id,
            entry_type,
            title,
            adjustment.path,
            amends_seq=amends,
            reason=adjustment.reason,
        ),
        on=adjustment.published_on,
    )

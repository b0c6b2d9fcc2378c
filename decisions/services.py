"""The use cases of units, catalogues, adjustments and decisions. Each public function is one
transaction; the catalogue's rules live here and nowhere else."""

import datetime as dt
import functools
from types import SimpleNamespace

import orjson
import sqlalchemy as sa

from core import calendar, publication
from core.auth import Account, Role, ensure_may_edit, is_staff, owner_of
from core.errors import (
    AdjustmentNotApplicable,
    CatalogueAlreadyPublished,
    CatalogueNotPublished,
    Conflict,
    DecisionCatalogued,
    DecisionWithdrawn,
    Invalid,
    NotFound,
    PartyConsentMissing,
)
from core.extensions import commit_or_conflict, db, read_connection, shown
from core.pagination import Listing
from core.publication import EntryType, Fact, PublicRecordEntry
from core.units import folded, names, stored_code, unit_code, with_stored_codes
from decisions import procedure
from decisions.models import (
    ADJUSTED,
    Adjustment,
    AdjustmentType,
    Catalogue,
    Decision,
    DecisionState,
    Unit,
    completion_last_day,
)

# Columns the published catalogue shows: once public they change only through an adjustment.
CATALOGUE_COLUMNS = (
    "title",
    "category",
    "lead_unit",
    "co_units",
    "planned_completion",
    "enterprise_related",
    "hearing_required",
    "procedures",
    "seq_no",
)

# --- Units -----------------------------------------------------------------------------------


def list_units(*, kind=None) -> Listing:
    """The units by code (whatever its case)."""
    condition = Unit.kind == kind if kind else sa.true()
    return Listing(sa.select(Unit).where(condition).order_by(sa.func.lower(Unit.code)))


def get_unit(code: str) -> Unit:
    """The unit `code` names, in whatever case."""
    unit = db.session.scalar(sa.select(Unit).where(names(Unit.code, code)))
    if unit is None:
        raise NotFound(f"No unit has the code {code!r}.")
    return unit


def create_unit(code: str, *, name: str, kind: str) -> Unit:
    """Add a unit of the district, its code stored as given."""
    clash = unit_code(code)
    if clash is not None:
        raise Conflict(f"A unit with the code {clash!r} exists already (codes are the same whatever the case).")
    _ensure_unit_name_free(name)
    unit = Unit(code=code, name=name, kind=kind)
    db.session.add(unit)
    # Two admins adding `JD-X` and `jd-x` at once meet at the unique index on lower(code).
    commit_or_conflict(f"A unit with the code {code!r} or the name {name!r} exists already.")
    return unit


def update_unit(unit: Unit, **changes) -> Unit:
    """Rename a unit or change its kind; its code never changes."""
    if "name" in changes and changes["name"] != unit.name:
        _ensure_unit_name_free(changes["name"])
    for key, value in changes.items():
        setattr(unit, key, value)
    db.session.commit()
    return unit


def _ensure_unit_name_free(name: str) -> None:
    if db.session.scalar(sa.select(Unit.code).where(Unit.name == name)) is not None:
        raise Conflict(f"A unit named {name!r} exists already.")


def _with_stored_codes(fields: dict) -> dict:
    # An unknown code stays as given: _ensure_units_exist refuses it, after permission checks.
    return with_stored_codes(fields, "lead_unit", "issuer_unit", "co_units")


def _ensure_units_exist(codes, field: str) -> None:
    codes = set(codes)
    if not codes:
        return
    found = set(db.session.scalars(sa.select(Unit.code).where(Unit.code.in_(codes))))
    missing = sorted(codes - found)
    if missing:
        raise Invalid(field, f"No unit has the code {', '.join(missing)}.")


# --- Catalogues ------------------------------------------------------------------------------


def _catalogue_visible(viewer: Account | None):
    return sa.true() if is_staff(viewer) else Catalogue.published_on.is_not(None)


def list_catalogues(*, viewer: Account | None, status=None) -> Listing:
    """The catalogues, newest year first, each as `viewer` may see it; drafts only for staff."""
    condition = _catalogue_visible(viewer)
    if status == "published":
        condition = sa.and_(condition, Catalogue.published_on.is_not(None))
    elif status == "draft":
        condition = sa.and_(condition, Catalogue.published_on.is_(None))
    return Listing(
        sa.select(Catalogue).where(condition).order_by(Catalogue.year.desc()),
        shape=functools.partial(catalogue_view, viewer=viewer),
    )


def get_catalogue(year: int, *, viewer: Account | None) -> Catalogue:
    """The catalogue of `year`; a draft is 404 to the public."""
    catalogue = db.session.get(Catalogue, year)
    if catalogue is None or (catalogue.published_on is None and not is_staff(viewer)):
        raise NotFound(f"No catalogue for {year} is published.")
    return catalogue


def catalogue_view(catalogue: Catalogue, *, viewer: Account | None) -> SimpleNamespace:
    """The catalogue with its items and adjustments as `viewer` may see them (three queries)."""
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
        .where(Decision.catalogue_year == catalogue.year, _decision_visible(viewer))
        .order_by(Decision.seq_no)
    ).all()
    adjustments = db.session.scalars(
        sa.select(Adjustment).where(Adjustment.catalogue_year == catalogue.year).order_by(Adjustment.id)
    ).all()
    return SimpleNamespace(
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


def create_catalogue(year: int, *, title: str, issuer_unit: str, party_consent_on=None) -> Catalogue:
    """Open the catalogue of a year, as a draft."""
    if db.session.get(Catalogue, year) is not None:
        raise Conflict(f"The catalogue for {year} exists already.")
    issuer_unit = _with_stored_codes({"issuer_unit": issuer_unit})["issuer_unit"]
    _ensure_units_exist([issuer_unit], "issuer_unit")
    catalogue = Catalogue(year=year, title=title, issuer_unit=issuer_unit, party_consent_on=party_consent_on)
    db.session.add(catalogue)
    db.session.commit()
    return catalogue


def update_catalogue(catalogue: Catalogue, **changes) -> Catalogue:
    """Change a draft catalogue; a published one changes only through adjustments."""
    if catalogue.published_on is not None:
        raise CatalogueAlreadyPublished(
            f"The {catalogue.year} catalogue was published on {catalogue.published_on}; record an adjustment instead."
        )
    if "issuer_unit" in changes:
        changes = _with_stored_codes(changes)
        _ensure_units_exist([changes["issuer_unit"]], "issuer_unit")
    for key, value in changes.items():
        setattr(catalogue, key, value)
    db.session.commit()
    return catalogue


def publish_catalogue(
    catalogue: Catalogue, *, party_consent_on=None, published_on=None, doc_number=None, url=None
) -> Catalogue:
    """Publish the catalogue; needs the Party committee's consent first [national, Art. 3]."""
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
        .where(Decision.catalogue_year == catalogue.year, Decision.catalogued_on.is_(None))
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
                f"/catalogues/{catalogue.year}",
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
    return Listing(sa.select(Adjustment).where(Adjustment.catalogue_year == catalogue.year).order_by(Adjustment.id))


def get_adjustment(catalogue: Catalogue, adjustment_id: int) -> Adjustment:
    adjustment = db.session.get(Adjustment, adjustment_id)
    if adjustment is None or adjustment.catalogue_year != catalogue.year:
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
) -> Adjustment:
    """Add, modify, postpone, withdraw or carry over an item of the published catalogue."""
    if catalogue.published_on is None:
        raise CatalogueNotPublished(
            f"The {catalogue.year} catalogue is still a draft: change its items directly; "
            "adjustments are for a published catalogue."
        )
    published_on = publication.publication_day(published_on)
    if approved_on > published_on:
        raise Invalid("approved_on", "An adjustment is approved before it is published.")
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.catalogue_year != catalogue.year:
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
        changes = {k: v for k, v in _with_stored_codes(changes or {}).items() if getattr(decision, k) != v}
        if not changes:
            raise Invalid("changes", "A modification names at least one catalogue column that it changes.")
        # Check the item as it will stand, so that a new lead unit cannot already be a co-unit.
        _check_decision_references({"lead_unit": decision.lead_unit, "co_units": decision.co_units, **changes})
        recorded = _apply(decision, changes)
    elif kind == AdjustmentType.postpone:
        if not planned_completion:
            raise Invalid("planned_completion", "A postponement gives the new planned completion.")
        if completion_last_day(planned_completion) <= decision.planned_completion_by:
            raise Invalid(
                "planned_completion",
                f"{planned_completion} is not later than the current {decision.planned_completion}.",
            )
        recorded = _apply(decision, {"planned_completion": planned_completion})
    elif kind == AdjustmentType.add:
        decision.catalogued_on = published_on
    decision.adjustment = ADJUSTED[kind]
    adjustment = Adjustment(
        catalogue_year=catalogue.year,
        type=kind,
        decision_id=decision.id,
        reason=reason,
        approved_on=approved_on,
        published_on=published_on,
        changes=recorded,
    )
    db.session.add(adjustment)
    db.session.flush()
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
            f"/catalogues/{catalogue.year}/adjustments/{adjustment.id}",
            amends_seq=amends,
            reason=adjustment.reason,
        ),
        on=adjustment.published_on,
    )


def _apply(decision: Decision, changes: dict) -> dict:
    """Set fields on a decision; returns {field: [before, after]}."""
    recorded = {}
    for key, value in changes.items():
        before = getattr(decision, key)
        if before != value:
            recorded[key] = [before, value]
            setattr(decision, key, value)
            if key == "planned_completion":
                decision.planned_completion_by = completion_last_day(value)
    return recorded


# --- Decisions -------------------------------------------------------------------------------


class _JSONRead(sa.types.TypeDecorator):
    """A JSON column as the list pages read it: parsed by orjson, not by the standard library.

    SQLite hands the column over as text, and the standard library's `json.loads` of three
    columns on every row took about 6 % of a list page's time; psycopg hands it over parsed.
    """

    impl = sa.Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        return orjson.loads(value) if isinstance(value, str | bytes) else value


# A decision's columns as the list and the item read them, only to be written out as JSON.
DECISION_COLUMNS = tuple(
    sa.type_coerce(column, _JSONRead).label(column.key) if isinstance(column.type, sa.JSON) else shown(column)
    for column in Decision.__table__.c
)

_SORTS = {
    "-catalogue_year,seq_no": (Decision.catalogue_year.desc(), Decision.seq_no),
    "seq_no": (Decision.seq_no, Decision.id),
    "-seq_no": (Decision.seq_no.desc(), Decision.id.desc()),
    "updated_at": (Decision.updated_at, Decision.id),
    "-updated_at": (Decision.updated_at.desc(), Decision.id.desc()),
    "planned_completion_by": (Decision.planned_completion_by, Decision.id),
    "-planned_completion_by": (Decision.planned_completion_by.desc(), Decision.id.desc()),
}

# The list's equality filters: query argument -> column.
_FILTERS = {
    "year": Decision.catalogue_year,
    "unit": Decision.lead_unit,
    "state": Decision.state,
    "category": Decision.category,
}


def _decision_visible(viewer: Account | None):
    """What `viewer` may see: the public only catalogued items; an editor also its unit's."""
    if viewer is not None and viewer.role == Role.admin:
        return sa.true()
    public = Decision.catalogued_on.is_not(None)
    if viewer is not None and viewer.role == Role.editor:
        return sa.or_(public, Decision.lead_unit == viewer.unit)
    return public


def _audience(viewer: Account | None) -> str:
    if viewer is not None and viewer.role in (Role.admin, Role.editor):
        return viewer.role
    return "public"


@functools.cache
def _visible_to(audience: str):
    """_decision_visible with the editor's unit as a parameter, for statements built once."""
    public = Decision.catalogued_on.is_not(None)
    if audience == Role.admin:
        return sa.true()
    if audience == Role.editor:
        return sa.or_(public, Decision.lead_unit == sa.bindparam("viewer_unit"))
    return public


@functools.lru_cache(maxsize=1024)
def _list_statements(audience: str, filters: tuple, enterprise_related, updated_since: bool, terms: int, sort: str):
    """The count and the page of a list, built once per shape of query and then reused.

    Values travel as bound parameters. Building a SELECT and computing its cache key cost more
    than SQLite takes to run it, so a list page built them anew on every request; the shapes
    are few (which filters, whose view, which order), so each is built only once.
    """
    conditions = [_visible_to(audience)]
    conditions += [_FILTERS[name] == _filter_value(name) for name in filters]
    if enterprise_related is not None:
        conditions.append(Decision.enterprise_related.is_(enterprise_related))
    if updated_since:
        conditions.append(Decision.updated_at >= sa.bindparam("updated_since"))
    for i in range(terms):
        term = sa.bindparam(f"q{i}")
        conditions.append(
            sa.or_(Decision.title.icontains(term, escape="/"), Decision.summary.icontains(term, escape="/"))
        )
    # Count over the index with the same filters, never over a subquery of the page's SELECT.
    count = sa.select(sa.func.count()).select_from(Decision).where(*conditions)
    return count, sa.select(*DECISION_COLUMNS).where(*conditions).order_by(*_SORTS[sort])


def _filter_value(name: str):
    if name == "unit":
        # A code in whatever case, given folded: the stored one is found in the same statement.
        return stored_code(sa.bindparam(name))
    return sa.bindparam(name)


def _like_escaped(term: str) -> str:
    """A word to look for as itself: what `icontains(term, autoescape=True)` sends."""
    return term.replace("/", "//").replace("%", "/%").replace("_", "/_")


def list_decisions(
    *,
    viewer: Account | None,
    sort: str = "-catalogue_year,seq_no",
    year=None,
    unit=None,
    state=None,
    category=None,
    enterprise_related=None,
    q=None,
    updated_since=None,
):
    """The decisions `viewer` may see, as rows: counted and paged by two indexed queries."""
    audience = _audience(viewer)
    values = {"year": year, "unit": unit and folded(unit), "state": state, "category": category}
    params = {name: value for name, value in values.items() if value is not None}
    terms = (q or "").split()
    params.update((f"q{i}", _like_escaped(term)) for i, term in enumerate(terms))
    if audience == Role.editor:
        params["viewer_unit"] = viewer.unit
    if updated_since is not None:
        params["updated_since"] = updated_since
    filters = tuple(name for name in _FILTERS if name in params)
    count, rows = _list_statements(audience, filters, enterprise_related, updated_since is not None, len(terms), sort)
    return Listing(rows, count=count, params=params)


@functools.cache
def _row_statement(audience: str):
    return sa.select(*DECISION_COLUMNS).where(Decision.id == sa.bindparam("id"), _visible_to(audience))


def get_decision_row(decision_id: int, *, viewer: Account | None):
    """One decision as a row, as `viewer` may see it."""
    audience = _audience(viewer)
    params = {"id": decision_id}
    if audience == Role.editor:
        params["viewer_unit"] = viewer.unit
    row = read_connection().execute(_row_statement(audience), params).first()
    if row is None:
        raise NotFound(f"No decision {decision_id} is published.")
    return row


def get_decision(decision_id: int, *, viewer: Account | None) -> Decision:
    """One decision as a record to change, as `viewer` may see it."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not _may_see(decision, viewer):
        raise NotFound(f"No decision {decision_id} is published.")
    return decision


@owner_of("decision_id")
def _lead_unit(decision_id: int, viewer: Account) -> str:
    return get_decision(decision_id, viewer=viewer).lead_unit


def _may_see(decision: Decision, viewer: Account | None) -> bool:
    if decision.catalogued_on is not None or (viewer is not None and viewer.role == Role.admin):
        return True
    return viewer is not None and viewer.role == Role.editor and viewer.unit == decision.lead_unit


def _check_decision_references(fields: dict) -> None:
    if "lead_unit" in fields:
        _ensure_units_exist([fields["lead_unit"]], "lead_unit")
    if "co_units" in fields:
        _ensure_units_exist(fields["co_units"], "co_units")
        if fields.get("lead_unit") in fields["co_units"]:
            raise Invalid("co_units", "The lead unit is not also a co-unit.")


def create_decision(catalogue_year: int, *, by: Account, **fields) -> Decision:
    """Enter a decision into a year's catalogue; it is public once the catalogue (or an
    `add` adjustment) is."""
    fields = _with_stored_codes(fields)
    ensure_may_edit(by, fields["lead_unit"])
    catalogue = db.session.get(Catalogue, catalogue_year)
    if catalogue is None:
        raise Invalid("catalogue_year", f"There is no catalogue for {catalogue_year}; create it first.")
    _check_decision_references(fields)
    if fields.get("seq_no") is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Decision.seq_no)).where(Decision.catalogue_year == catalogue_year)
        )
        fields["seq_no"] = (last or 0) + 1
    decision = Decision(
        catalogue_year=catalogue_year,
        planned_completion_by=completion_last_day(fields["planned_completion"]),
        state=DecisionState.initiated,
        **fields,
    )
    db.session.add(decision)
    commit_or_conflict(f"Sequence number {fields['seq_no']} is taken in the {catalogue_year} catalogue.")
    return decision


def update_decision(decision: Decision, *, by: Account, **changes) -> Decision:
    """Change a decision's fields; once catalogued, its catalogue columns change only through
    an adjustment."""
    ensure_may_edit(by, decision.lead_unit)
    # As stored, so that the lead unit in another case is no change (nor a frozen column's).
    changes = _with_stored_codes(changes)
    if "lead_unit" in changes:
        ensure_may_edit(by, changes["lead_unit"])
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn; it is no longer changed.")
    changed = {k: v for k, v in changes.items() if getattr(decision, k) != v}
    frozen = sorted(set(changed) & set(CATALOGUE_COLUMNS))
    if decision.catalogued_on is not None and frozen:
        raise DecisionCatalogued(
            f"Decision {decision.id} is in the published catalogue: {', '.join(frozen)} "
            "change only through a `modify` or `postpone` adjustment with its reason."
        )
    _check_decision_references({"lead_unit": decision.lead_unit, "co_units": decision.co_units, **changed})
    _apply(decision, changed)
    commit_or_conflict(f"Sequence number {changes.get('seq_no')} is taken in the {decision.catalogue_year} catalogue.")
    return decision


def delete_decision(decision: Decision, *, by: Account) -> None:
    """Remove a decision entered by mistake; only while the public has never seen it."""
    ensure_may_edit(by, decision.lead_unit)
    if decision.catalogued_on is not None:
        raise DecisionCatalogued(
            f"Decision {decision.id} is in the published catalogue: withdraw it through an adjustment."
        )
    db.session.delete(decision)
    db.session.commit()

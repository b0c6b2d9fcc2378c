"""The use cases of decisions, the catalogue's items. Each public function is one transaction.

The units' and the catalogue's use cases have their own modules (decisions.units.services,
decisions.catalogues.services).
"""

import functools

import sqlalchemy as sa

from core.auth import Account, ensure_may_edit, owner_of
from core.errors import DecisionCatalogued, DecisionWithdrawn, Invalid, NotFound
from core.extensions import commit_or_conflict, db, read_connection, shown
from core.pagination import Listing
from core.units import folded, stored_code
from decisions import visibility
from decisions.models import DISTRICT, Catalogue, Decision, DecisionState, completion_last_day
from decisions.rules import CATALOGUE_COLUMNS, apply_changes, check_catalogue_unit, check_references
from decisions.units.services import stored_codes

# A decision's columns as the list and the item read them, only to be written out as JSON.
DECISION_COLUMNS = tuple(shown(column) for column in Decision.__table__.c)

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


@functools.lru_cache(maxsize=1024)
def _list_statements(audience: str, filters: tuple, enterprise_related, updated_since: bool, terms: int, sort: str):
    """The count and the page of a list, built once per shape of query and then reused.

    Values travel as bound parameters. Building a SELECT and computing its cache key cost more
    than SQLite takes to run it, so a list page built them anew on every request; the shapes
    are few (which filters, whose view, which order), so each is built only once.
    """
    conditions = [visibility.decisions_shown_to(audience)]
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
    audience = visibility.audience(viewer)
    values = {"year": year, "unit": unit and folded(unit), "state": state, "category": category}
    params = {name: value for name, value in values.items() if value is not None}
    terms = (q or "").split()
    params.update((f"q{i}", _like_escaped(term)) for i, term in enumerate(terms))
    params.update(visibility.audience_params(viewer))
    if updated_since is not None:
        params["updated_since"] = updated_since
    filters = tuple(name for name in _FILTERS if name in params)
    count, rows = _list_statements(audience, filters, enterprise_related, updated_since is not None, len(terms), sort)
    return Listing(rows, count=count, params=params)


@functools.cache
def _row_statement(audience: str):
    shown = visibility.decisions_shown_to(audience)
    return sa.select(*DECISION_COLUMNS).where(Decision.id == sa.bindparam("id"), shown)


def get_decision_row(decision_id: int, *, viewer: Account | None):
    """One decision as a row, as `viewer` may see it."""
    params = {"id": decision_id, **visibility.audience_params(viewer)}
    row = read_connection().execute(_row_statement(visibility.audience(viewer)), params).first()
    if row is None:
        raise NotFound(f"No decision {decision_id} is published.")
    return row


def get_decision(decision_id: int, *, viewer: Account | None) -> Decision:
    """One decision as a record to change, as `viewer` may see it."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not visibility.decision_shown(
        viewer, catalogued_on=decision.catalogued_on, lead_unit=decision.lead_unit
    ):
        raise NotFound(f"No decision {decision_id} is published.")
    return decision


@owner_of("decision_id")
def _lead_unit(decision_id: int, viewer: Account) -> str:
    return get_decision(decision_id, viewer=viewer).lead_unit


def create_decision(catalogue_year: int, *, by: Account, catalogue_unit: str | None = None, **fields) -> Decision:
    """Enter a decision into a year's catalogue, the district's or `catalogue_unit`'s own; it
    is public once the catalogue (or an `add` adjustment) is."""
    fields = stored_codes({**fields, "catalogue_unit": catalogue_unit or DISTRICT})
    catalogue_unit = fields.pop("catalogue_unit")
    ensure_may_edit(by, fields["lead_unit"])
    catalogue = db.session.get(Catalogue, (catalogue_unit, catalogue_year))
    if catalogue is None:
        whose = f"{catalogue_unit}'s own catalogue" if catalogue_unit else "catalogue"
        raise Invalid("catalogue_year", f"There is no {whose} for {catalogue_year}; create it first.")
    check_references(fields)
    check_catalogue_unit(catalogue_unit, fields["lead_unit"])
    if fields.get("seq_no") is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Decision.seq_no)).where(
                Decision.catalogue_unit == catalogue_unit, Decision.catalogue_year == catalogue_year
            )
        )
        fields["seq_no"] = (last or 0) + 1
    decision = Decision(
        catalogue_unit=catalogue_unit,
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
    changes = stored_codes(changes)
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
    check_references({"lead_unit": decision.lead_unit, "co_units": decision.co_units, **changed})
    check_catalogue_unit(decision.catalogue_unit, changed.get("lead_unit", decision.lead_unit))
    apply_changes(decision, changed)
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

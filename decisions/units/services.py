"""The use cases of the district's units, and the check that a code names one."""

import sqlalchemy as sa

from core.errors import Conflict, Invalid, NotFound
from core.extensions import commit_or_conflict, db
from core.pagination import Listing
from core.units import names, unit_code, with_stored_codes
from decisions.models import Unit


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


def stored_codes(fields: dict) -> dict:
    """`fields` with each unit code (lead, issuer, co-units, catalogue, meeting holder) as stored, whatever its case."""
    # An unknown code stays as given: ensure_units_exist refuses it, after permission checks.
    return with_stored_codes(fields, "lead_unit", "issuer_unit", "co_units", "catalogue_unit", "unit")


def ensure_units_exist(codes, field: str) -> None:
    """Refuse (422 on `field`) a code that names no unit."""
    codes = set(codes)
    if not codes:
        return
    found = set(db.session.scalars(sa.select(Unit.code).where(Unit.code.in_(codes))))
    missing = sorted(codes - found)
    if missing:
        raise Invalid(field, f"No unit has the code {', '.join(missing)}.")

"""How a client names a unit: by its code, whatever the case.

A code is stored as it was given: a short code in lower case (`jd-fgw`), or a unit's
统一社会信用代码, 18 digits and capitals (`11310114MB2F00000X`). Two codes that differ only in
case name the same unit: the unique index on `lower(units.code)` (decisions.models) refuses the
second. Every code a client gives, in a body, a path or a query, is resolved here to the stored
one before it is written or compared; the foreign keys then hold stored codes only, so the
comparisons elsewhere (an editor's unit against a decision's lead unit) stay exact.

It lives in core because accounts name units too, and core never imports a domain; the table
is named here as a bare table clause, as core.auth does.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from core.extensions import db

_units = sa.table("units", sa.column("code"))
_code = sa.func.lower(_units.c.code)


def folded(code: str) -> str:
    """The code as the unique index compares it: in lower case.

    Stored codes are ASCII; a code with any other letter names no unit, and is not folded,
    lest Python's lower() make ASCII of it (the Kelvin sign folds to `k`)."""
    return code.lower() if code.isascii() else code


def names(code_column, given: str) -> sa.ColumnElement[bool]:
    """The condition that `code_column` (units.code) is the code `given`, in whatever case."""
    return sa.func.lower(code_column) == folded(given)


def unit_code(given: str) -> str | None:
    """The stored code of the unit `given` names, in whatever case; None when there is none."""
    return db.session.scalar(sa.select(_units.c.code).where(names(_units.c.code, given)))


def unit_codes(given: Iterable[str]) -> dict[str, str]:
    """{code as given: stored code} for each given code that names a unit, in one query."""
    given = set(given)
    if not given:
        return {}
    query = sa.select(_units.c.code).where(_code.in_({folded(code) for code in given}))
    stored = {folded(code): code for code in db.session.scalars(query)}
    return {code: stored[folded(code)] for code in given if folded(code) in stored}


def stored_code(folded_code: sa.ColumnElement) -> sa.ScalarSelect:
    """The stored code for a folded one, inside a statement (a list's `?unit=`): no extra query."""
    return sa.select(_units.c.code).where(_code == folded_code).scalar_subquery()


def with_stored_codes(fields: dict, *keys: str) -> dict:
    """`fields` with the unit codes under `keys` (a code, or a list of codes), given in whatever
    case, as stored; one query for all. A code that names no unit stays as given, for the
    caller to refuse; a list names each unit once."""
    given = [fields[key] for key in keys if isinstance(fields.get(key), str)]
    given += [code for key in keys if isinstance(fields.get(key), list) for code in fields[key]]
    if not given:
        return fields
    stored = unit_codes(given)
    fields = dict(fields)
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str):
            fields[key] = stored.get(value, value)
        elif isinstance(value, list):
            fields[key] = list(dict.fromkeys(stored.get(code, code) for code in value))
    return fields

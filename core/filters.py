"""A list's query filters as SQL conditions: one rule for every list that filters its rows."""

import sqlalchemy as sa


def conditions(model, args: dict, *, columns: dict[str, str] | None = None) -> list[sa.ColumnElement]:
    """The WHERE conditions of a list's filter arguments: `since` (at or after) and `until`
    (before) bound the model's `at`; any other argument is its column's value (`columns` maps
    an argument to a column of another name)."""
    columns = columns or {}
    found = []
    for name, value in args.items():
        if name == "since":
            found.append(model.at >= value)
        elif name == "until":
            found.append(model.at < value)
        else:
            found.append(getattr(model, columns.get(name, name)) == value)
    return found

"""CSV lines written by the database: each cell as `formats.cell` and Python's csv writer
would write it, built in SQL, so that a large export's rows never pass cell by cell through
Python (ADR 0027).

Python writes a row by dumping it with its schema and quoting every cell: at 100,000
decisions that took six times what the database's own client takes to write the same rows.
Here the database returns each row as its CSV line. The rules are `formats.cell`'s and
QUOTE_MINIMAL's, repeated once in SQL for SQLite and PostgreSQL; a test writes every dataset
that has lines both ways and compares the bytes (tests/opendata/test_export_lines.py), so
the two cannot drift apart unnoticed.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from opendata.exports import formats

# What makes a cell quoted (csv.QUOTE_MINIMAL with the delimiter ',', the quote '"' and the
# line terminator "\r\n").
_QUOTED_WHEN = (",", '"', "\n", "\r")


# What a JSON list of strings written compactly without escapes never holds (string_list).
_NOT_COMPACT = ("\\", *(f'"{blank}' for blank in " \t\n\r"), *(f'{blank}"' for blank in " \t\n\r"))


def _text(expression):
    return sa.type_coerce(expression, sa.Text)


def _literal(text: str):
    return sa.literal(text, sa.Text)


class Cells:
    """The SQL of each kind of cell, for one dialect ("sqlite" or "postgresql").

    Each cell names its column a few times and nothing heavier: SQLite evaluates an expression
    as often as it is written, so a value that is computed (a list's elements, a link) is built
    once, already quoted, rather than tested and then quoted."""

    def __init__(self, dialect: str):
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"CSV lines are written by SQLite or PostgreSQL, not by {dialect}")
        self.dialect = dialect

    def _holds(self, text, part: str):
        find = sa.func.instr(text, part) if self.dialect == "sqlite" else sa.func.strpos(text, part)
        return find > 0

    def _formula_mark(self, text):
        """`'` before a text a spreadsheet would read as a formula (formats.cell), else ''."""
        first = sa.func.substr(text, 1, 1)
        return sa.case((first.in_([_literal(start) for start in formats.FORMULA_STARTS]), "'"), else_="")

    def text(self, column):
        """A text cell: empty for null; neutralised; within quotes, its quotes doubled, when it
        holds a delimiter, a quote or a line break (csv.QUOTE_MINIMAL)."""
        value = _text(column)
        mark = self._formula_mark(value)
        return sa.case(
            (value.is_(None), ""),
            (
                sa.or_(*(self._holds(value, part) for part in _QUOTED_WHEN)),
                joined([_literal('"'), mark, sa.func.replace(value, '"', '""'), _literal('"')]),
            ),
            else_=joined([mark, value]),
        )

    def integer(self, column):
        """An integer cell: its digits (a negative one neutralised, as formats.cell does)."""
        digits = _text(sa.cast(column, sa.Text))
        return sa.case((column.is_(None), ""), else_=joined([self._formula_mark(digits), digits]))

    def boolean(self, column):
        return sa.case((column.is_(None), ""), (column, "true"), else_="false")

    def day(self, column):
        """A day as ISO 8601 (SQLite keeps it as that text)."""
        if self.dialect == "sqlite":
            return sa.func.coalesce(_text(column), "")
        return sa.func.coalesce(sa.func.to_char(column, "YYYY-MM-DD"), "")

    def instant(self, column):
        """An instant as the API writes it: '2026-03-10T01:30:00+00:00', the fraction only when
        it is not zero (core.extensions' _ShownInstant for SQLite's stored text)."""
        if self.dialect == "sqlite":
            stored = _text(column)
            fraction = sa.func.substr(stored, 20)
            shown = joined(
                [
                    sa.func.substr(stored, 1, 10),
                    _literal("T"),
                    sa.func.substr(stored, 12, 8),
                    sa.case((fraction == ".000000", ""), else_=fraction),
                    _literal("+00:00"),
                ]
            )
        else:
            utc = sa.func.timezone("UTC", column)
            micro = sa.func.to_char(utc, "US")
            shown = joined(
                [
                    sa.func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS'),
                    sa.case((micro == "000000", ""), else_=joined([_literal("."), micro])),
                    _literal("+00:00"),
                ]
            )
        return sa.case((column.is_(None), ""), else_=shown)

    def json_string(self, text):
        """`text` as a JSON string, escaped as orjson escapes it (quotes, backslashes and
        control characters; the rest of Unicode as it is)."""
        if self.dialect == "sqlite":
            return _text(sa.func.json_quote(text))
        return _text(sa.cast(sa.func.to_json(_text(text)), sa.Text))

    def code(self, column):
        """A cell of a value from a closed set the schemas validate on write (an enum's value,
        a unit's code, a catalogue period): letters, digits, `-` and `_` only, which neither
        quoting nor the formula mark concerns; empty for null."""
        return sa.func.coalesce(_text(column), "")

    def string_list(self, column):
        """A JSON list of strings as orjson writes it (no spaces, Unicode unescaped), whatever
        the stored text's form, as a cell: '[]' when empty, else within quotes (its quotes
        doubled); empty for null.

        Stored by `json.dumps` (SQLAlchemy's default), a list without a backslash differs from
        orjson's only by the space after each `,` between elements (`", "`, which no element's
        text can hold unescaped). Once those are gone, the text is orjson's when it begins
        `["`, ends `"]` and no quote has a blank beside it: without escapes its quotes open and
        close the elements, and a blank between elements or brackets always stands beside one.
        Any other text (an escape: non-ASCII text or a quote; other spacing) is taken apart and
        written again element by element, which costs several times as much."""
        stored = sa.cast(column, sa.Text)
        plain = sa.func.replace(stored, '", "', '","')
        if self.dialect == "sqlite":
            each = sa.func.json_each(column).table_valued("value")
            element = sa.func.replace(self.json_string(each.c.value), '"', '""')
            elements = sa.select(sa.func.group_concat(element, ",")).scalar_subquery()
        else:
            each = sa.func.json_array_elements_text(column).table_valued("value", with_ordinality="n").render_derived()
            element = sa.func.replace(self.json_string(each.c.value), '"', '""')
            elements = sa.select(
                sa.func.string_agg(element, postgresql.aggregate_order_by(",", each.c.n))
            ).scalar_subquery()
        return sa.case(
            (column.is_(None), ""),
            (stored == "[]", "[]"),
            (
                sa.and_(
                    stored.like('["%"]'),
                    *(sa.not_(self._holds(plain, mark)) for mark in _NOT_COMPACT),
                ),
                joined([_literal('"'), sa.func.replace(plain, '"', '""'), _literal('"')]),
            ),
            # No element: the aggregate is null, and so is the quoted list.
            else_=sa.func.coalesce(joined([_literal('"['), elements, _literal(']"')]), "[]"),
        )

    def json_object(self, pairs: list[tuple[str, object]]):
        """A JSON object of `pairs` (a key, the SQL of its JSON value's text), written as orjson
        writes a dict: in that order, without spaces."""
        parts = []
        for i, (key, value) in enumerate(pairs):
            parts += [_literal(("{" if i == 0 else ",") + formats.json_text(key) + ":"), value]
        parts.append(_literal("}" if pairs else "{}"))
        return joined(parts)

    def json_object_cell(self, pairs: list[tuple[str, object]]):
        """`json_object(pairs)` as a cell: within quotes, which a key always holds."""
        if not pairs:
            return _literal("{}")
        return joined([_literal('"'), sa.func.replace(self.json_object(pairs), '"', '""'), _literal('"')])

    def line(self, cells: list):
        """The cells joined by the delimiter: one CSV line, without its terminator. One call
        (SQLite's printf, PostgreSQL's concat; both write a null as nothing) rather than a
        chain of `||`, whose every link is a level of SQLite's parse tree."""
        if self.dialect == "sqlite":
            return _text(sa.func.printf(",".join(["%s"] * len(cells)), *cells))
        parts = [part for i, each in enumerate(cells) for part in ((_literal(","), each) if i else (each,))]
        return _text(sa.func.concat(*parts))


def joined(parts: list):
    """`parts` concatenated (`||`): each taken as text, so that SQLAlchemy never reads a `+`
    between them as an addition."""
    joined = _text(parts[0])
    for part in parts[1:]:
        joined = joined + _text(part)
    return joined

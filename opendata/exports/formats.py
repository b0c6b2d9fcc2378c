"""How an export's rows are written: CSV for spreadsheets, JSON Lines for programs.

Rows come as dicts in the dataset's column order, a batch at a time; each batch is written to
one chunk of bytes, so the response streams in constant memory whatever the table's size.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator

import orjson

# Excel reads a CSV as the system's code page unless it starts with a byte order mark; with it,
# Chinese opens as written.
BOM = "\ufeff"

# A cell a spreadsheet would read as a formula (CSV injection, OWASP): what starts with one of
# these is written after a `'`, which spreadsheets show as text and hide.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def json_text(value) -> str:
    """`value` as JSON text, as every export and the API write it (orjson)."""
    return orjson.dumps(value).decode()


MIMETYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


def cell(value) -> str:
    """One CSV cell: empty for null, true/false, ISO 8601 for days and instants, JSON text for
    lists and objects, and text that looks like a formula neutralised."""
    # Text first, by its exact type: most cells are, and the checks below cost a third of an
    # export's time when every cell goes through them.
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        # As the JSON writes it (orjson: RFC 3339), so both formats agree to the character.
        return json_text(value)[1:-1]
    if isinstance(value, list | dict):
        return json_text(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _header(columns: list[str]) -> bytes:
    """The BOM and the header row."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    return (BOM + out.getvalue()).encode()


def csv_chunks(columns: list[str], batches: Iterable[list[dict]]) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks: the BOM and the header row, then one chunk per batch."""
    yield _header(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for batch in batches:
        out.seek(0)
        out.truncate()
        writer.writerows([cell(row[name]) for name in columns] for row in batch)
        yield out.getvalue().encode()


def csv_line_chunks(columns: list[str], chunks: Iterable[str]) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks, its lines written already (a dataset's `csv_lines`)."""
    yield _header(columns)
    for chunk in chunks:
        yield chunk.encode()


def quoted(text: str) -> str:
    """One cell's text as the csv writer writes it in a row (QUOTE_MINIMAL)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text, ""])
    return out.getvalue()[:-1]


def jsonl_chunks(columns: list[str], batches: Iterable[list[dict]]) -> Iterator[bytes]:
    """JSON Lines: one object per line, its keys in the dataset's column order."""
    for batch in batches:
        yield b"".join(orjson.dumps({name: row[name] for name in columns}) + b"\n" for row in batch)


WRITERS = {"csv": csv_chunks, "jsonl": jsonl_chunks}

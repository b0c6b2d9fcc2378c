"""The exports' use cases: the data card, an export's validators, and the export itself as a
stream of bytes.

The validators come from the change feed's head, read before any row: every change to what
the public may read appends to the public record (core.publication), so while the head stands
still an export's bytes are the same, and a mirror asking `If-None-Match` is answered 304
without a row being read.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator

import orjson
import sqlalchemy as sa
from flask import current_app

from core import publication
from core.errors import NotFound, UnknownCursor
from core.extensions import db, read_connection
from core.links import api_url, base_url
from opendata.exports import formats
from opendata.exports.clusters import CLUSTERS
from opendata.exports.datasets import COMMENTS, DECISIONS, ENTRIES, Dataset, Filters
from opendata.exports.deadlines import DEADLINES
from opendata.exports.inquiries import INQUIRIES
from opendata.exports.meetings import ATTENDEES, MEETINGS
from opendata.exports.records import DISPOSITIONS, RECORDS

# Every dataset, in the data card's order.
_ALL = (DECISIONS, RECORDS, COMMENTS, DISPOSITIONS, CLUSTERS, MEETINGS, ATTENDEES, INQUIRIES, DEADLINES)
DATASETS = {found.name: found for found in _ALL}


def dataset(name: str) -> Dataset:
    """The dataset of that name (404 otherwise)."""
    found = DATASETS.get(name)
    if found is None:
        raise NotFound(f"No dataset {name!r}: the exports are {', '.join(DATASETS)} (GET /exports).")
    return found


def filters(*, year=None, unit=None, since=None) -> Filters:
    """The filters of a request; `since` is a change-feed cursor (digits) or an instant, as
    the query schema read it. A cursor never handed out is refused, as the change feed does."""
    if isinstance(since, int):
        last = publication.last_seq()
        if since > last:
            raise UnknownCursor(f"Cursor {since} was never handed out: the newest is {last}.")
        return Filters(year=year, unit=unit, since_cursor=since)
    return Filters(year=year, unit=unit, since_instant=since)


def card() -> dict:
    """The data card: each dataset, its columns and what they mean, its rows, its last change,
    the licence and a link to each format."""
    connection = read_connection()
    head = publication.head()
    return {
        "licence": current_app.config["OPEN_DATA_LICENCE"],
        "licence_url": current_app.config["OPEN_DATA_LICENCE_URL"] or None,
        "publisher": "嘉定区人民政府",
        "head": {"cursor": str(head.position), "hash": head.hash},
        "datasets": [_described(d, connection) for d in DATASETS.values()],
    }


def _described(found: Dataset, connection: sa.Connection) -> dict:
    last = found.last_change(connection)
    return {
        "name": found.name,
        "title_zh": found.title_zh,
        "title_en": found.title_en,
        "rows": found.count(connection, Filters()),
        "last_change": None if last is None else {"cursor": str(last.seq), "recorded_at": last.recorded_at},
        "columns": [{"name": c.name, "type": c.type, "meaning_zh": c.zh, "meaning_en": c.en} for c in found.columns],
        "formats": {fmt: api_url(f"/exports/{found.name}.{fmt}") for fmt in formats.WRITERS},
    }


def validators(found: Dataset, fmt: str, query: dict) -> tuple[str, dt.datetime | None]:
    """The export's ETag and Last-Modified: the change feed's head, with what was asked (the
    dataset, the format, the filters, the links' base), read in two indexed lookups."""
    head = publication.head()
    asked = orjson.dumps([found.name, fmt, sorted(query.items()), base_url(), head.hash], default=str)
    etag = f"{found.name}-{head.position}-{hashlib.sha1(asked).hexdigest()[:16]}"
    recorded_at = read_connection().scalar(sa.select(ENTRIES.recorded_at).where(ENTRIES.seq == head.position))
    return etag, recorded_at


def filename(found: Dataset, fmt: str, chosen: Filters) -> str:
    """`juece-decisions-2026.csv`: ASCII, the year when one was asked."""
    year = f"-{chosen.year}" if chosen.year is not None else ""
    return f"juece-{found.name}{year}.{fmt}"


def stream(found: Dataset, fmt: str, chosen: Filters) -> Iterator[bytes]:
    """The export's bytes, read over a connection of its own from server-side cursors, closed
    when the stream ends or the client goes away."""
    with db.engine.connect() as connection:
        if fmt == "csv" and found.csv_lines is not None:
            yield from formats.csv_line_chunks(found.column_names, found.csv_lines(connection, chosen))
        else:
            yield from formats.WRITERS[fmt](found.column_names, found.batches(connection, chosen))

"""The canonical form of an entry, and its hash after the one before it."""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

from core.chain.models import LINKS


def _plain(value):
    if isinstance(value, dt.datetime):
        # Stored instants are UTC; one read without its offset (a raw SQLite text) is UTC too.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _item(key: str, value) -> str:
    return (
        json.dumps(key, ensure_ascii=False)
        + ":"
        + json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    )


def _items(content: Mapping) -> list[tuple[str, str]]:
    return sorted((key, _item(key, value)) for key, value in content.items() if value is not None and key not in LINKS)


def canonical(content: Mapping) -> str:
    """The entry's canonical JSON: what its hash covers with the previous hash."""
    # One call of the encoder (what `_items` joins, item by item, for `canonical_around`).
    kept = {key: _plain(value) for key, value in content.items() if value is not None and key not in LINKS}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def canonical_around(content: Mapping, key: str) -> tuple[str, str]:
    """(before, after): `canonical` of `content` with `key` set to an integer n is before + str(n)
    + after. For a statement that learns n only as it appends (core.audit on PostgreSQL)."""
    items = _items({k: v for k, v in content.items() if k != key})
    before = [item for name, item in items if name < key]
    after = [item for name, item in items if name > key]
    return (
        "{" + "".join(f"{item}," for item in before) + json.dumps(key) + ":",
        "".join(f",{item}" for item in after) + "}",
    )


def _utf8(text: str) -> bytes:
    # A lone surrogate cannot be stored on PostgreSQL, and is refused at the door (issue 15);
    # SQLite could hold one, and its hash must still be computable.
    return text.encode("utf-8", "surrogatepass")


def link(prev_hash: str, content: Mapping) -> str:
    """The hash of an entry with `content` after the entry whose hash is `prev_hash`."""
    return hashlib.sha256(_utf8(prev_hash + canonical(content))).hexdigest()

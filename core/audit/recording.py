"""Recording every change of an audited model from the session's flush, chained at commit."""

import datetime as dt
import decimal

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core import chain
from core.audit.models import AuditEntry
from core.extensions import utcnow

# Stands for the value of a field excluded from the log (`__audit_exclude__`).
REDACTED = "[redacted]"


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _who() -> dict:
    """Who acts, and in which request: the audit entry's account_id, actor and request_id."""
    request_id = g.get("request_id") if has_request_context() else None
    account = g.get("account") if has_app_context() else None
    if account is not None:
        return {"account_id": account.id, "actor": f"{account.role}:{account.name}", "request_id": request_id}
    if has_request_context():
        # The public, writing without a token (a comment, a question).
        return {"account_id": None, "actor": "anonymous", "request_id": request_id}
    return {
        "account_id": None,
        "actor": g.get("actor", "system") if has_app_context() else "system",
        "request_id": None,
    }


# Bookkeeping columns that every change touches: not worth a line in the log.
_UNLOGGED = frozenset({"created_at", "updated_at", "version"})


def _excluded(model, values) -> set:
    """The fields never logged for this row: `__audit_exclude__` always, and each field of
    `__audit_exclude_when__` ({field: (other field, value)}) when the row's other field has
    that value (an individual's organisation identifies them; an enterprise's does not)."""
    excluded = getattr(model, "__audit_exclude__", set())
    when = getattr(model, "__audit_exclude_when__", None)
    if when:
        excluded = excluded | {field for field, (other, value) in when.items() if values.get(other) == value}
    return excluded


def _created(model, values) -> dict:
    """A new row's logged fields: every value it was given but the bookkeeping and the excluded."""
    excluded = _excluded(model, values)
    return {
        key: _plain(value)
        for key, value in values.items()
        if value is not None and key not in _UNLOGGED and key not in excluded
    }


def _entry(obj, action: str) -> dict:
    state = inspect(obj)
    when = getattr(obj, "__audit_exclude_when__", {})
    excluded = _excluded(type(obj), {other: getattr(obj, other) for other, _ in when.values()})
    changes = {}
    if action == "create":
        changes = _created(type(obj), {attr.key: getattr(obj, attr.key) for attr in state.mapper.column_attrs})
    elif action == "update":
        for attr in state.mapper.column_attrs:
            if attr.key in _UNLOGGED:
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            if attr.key in excluded:
                # Never the secret's value, but that it changed (a token rotated) is worth recording.
                changes[attr.key] = [REDACTED, REDACTED]
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [_plain(old), _plain(new)]
    return {
        **_who(),
        "action": action,
        "record_type": obj.__tablename__,
        # Not state.identity: a new row gets its identity only after after_flush has run.
        # A key's empty part is left out: the district's catalogue (unit '') stays `2026`, as it
        # was before units kept their own (`jd-anting/2026`).
        "record_id": "/".join(str(part) for part in state.mapper.primary_key_from_instance(obj) if part != ""),
        "changes": changes,
    }


_ENTRY = AuditEntry.__table__
_INSERT_ENTRY = sa.insert(_ENTRY)


def _append(connection: sa.Connection, entries: list[dict]) -> None:
    """Chain `entries` after the log's head and insert them: each its id, its hashes, and the
    instant of its commit unless it has one. What is hashed is what is stored: a column an
    entry does not give is stored empty (null), never filled in by a default."""
    now = utcnow()
    for entry in entries:
        entry.setdefault("at", now)
        for name in _ENTRY.c.keys():
            entry.setdefault(name, None)
    connection.execute(_INSERT_ENTRY, chain.append(connection, chain.AUDIT_LOG, entries))


def _created_entry(model, record_id: int, values: dict) -> dict:
    """The entry of a row that a hot path inserted without the session's unit of work (which
    would log it at its flush): the same entry."""
    return {
        **_who(),
        "at": utcnow(),
        "action": "create",
        "record_type": model.__tablename__,
        "record_id": str(record_id),
        "changes": _created(model, {**values, "id": record_id}),
    }


def record_created(connection: sa.Connection, model, record_id: int, values: dict) -> None:
    """Log a row that a hot path inserted: its entry, chained, in the same transaction."""
    _append(connection, [_created_entry(model, record_id, values)])


# Every column of an entry but those the chain fills in: a column added to the log is written,
# and hashed, by the hot path too.
_ENTRY_FIELDS = tuple(name for name in _ENTRY.c.keys() if name not in {"id", *chain.LINKS})


def insert_logged(table: sa.Table, fields: tuple[str, ...]) -> sa.Insert:
    """One statement that inserts a row of `table` (its `fields`, the id among them) and its
    chained audit entry, for PostgreSQL (data-modifying WITHs): the writes in one round trip,
    atomic as any statement is, and in autocommit committed by it. The entry's id and hash are
    only known once the statement holds the log's head (core.chain.moved_head_cte), so its hash
    is computed there, from the canonical form split around the id. Its parameters:
    `logged_values`."""
    row = sa.insert(table).values({name: sa.bindparam(f"row_{name}", type_=table.c[name].type) for name in fields})
    head = chain.moved_head_cte(chain.AUDIT_LOG)
    entry = {name: sa.bindparam(f"entry_{name}", type_=_ENTRY.c[name].type) for name in _ENTRY_FIELDS}
    entry |= {
        "id": sa.select(head.c.position).scalar_subquery(),
        "prev_hash": sa.select(head.c.prev_hash).scalar_subquery(),
        "hash": sa.select(head.c.hash).scalar_subquery(),
    }
    return sa.insert(_ENTRY).values(entry).add_cte(row.cte("logged")).add_cte(head)


def logged_values(model, record_id: int, values: dict) -> dict:
    """The parameters of `insert_logged` for a row of `model` with `values` and `record_id`."""
    entry = _created_entry(model, record_id, values)
    before, after = chain.canonical_around(entry, "id")
    row = {f"row_{name}": value for name, value in values.items()}
    return {
        **row,
        "row_id": record_id,
        **{f"entry_{name}": entry.get(name) for name in _ENTRY_FIELDS},
        "chain_before": before,
        "chain_after": after,
    }


@event.listens_for(Session, "after_flush")
def _record_changes(session, _flush_context):
    # After the flush new rows know their keys, while the session's new/dirty/deleted sets
    # and attribute histories still describe what the flush wrote. The entries are kept until
    # the commit (below) and appended then, so the log's lock is held from there to the commit
    # only; a flush that comes after that point (of another before_commit listener, or the
    # commit's own) appends its entries at once.
    # An audit entry is never changed or deleted: the database refuses both (migration 0008).
    entries = []
    for obj in session.new:
        if not isinstance(obj, AuditEntry):
            entries.append(_entry(obj, "create"))
    for obj in session.dirty:
        if not isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
            entry = _entry(obj, "update")
            if entry["changes"]:
                entries.append(entry)
    for obj in session.deleted:
        if not isinstance(obj, AuditEntry):
            entries.append(_entry(obj, "delete"))
    if not entries:
        return
    if session.info.get("audit_appending"):
        _append(session.connection(), entries)
    else:
        session.info.setdefault("audit_entries", []).extend(entries)


@event.listens_for(Session, "before_commit")
def _append_at_commit(session):
    session.flush()  # what is still pending logs its entries now, behind those kept
    session.info["audit_appending"] = True  # and every later flush appends its own at once
    entries = session.info.pop("audit_entries", None)
    if entries:
        _append(session.connection(), entries)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    # However the session's transaction ends: committed, rolled back, or closed with the
    # session (a request's teardown) — what a flush logged never outlives it.
    if transaction.parent is None:
        session.info.pop("audit_entries", None)
        session.info.pop("audit_appending", None)

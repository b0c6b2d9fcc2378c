"""Who changed what, when: an append-only log written in the same transaction as the change.

Every insert, update and delete of an audited model is recorded from the session's flush, so
no service can forget it; the actor comes from the request (or the command line). The log is a
hash chain (core.chain): its entries are appended at commit, under the chain's lock.
"""

import datetime as dt
import decimal

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import chain
from core.extensions import UTCDateTime, db, index_where_set, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    account_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(20))
    record_type: Mapped[str] = mapped_column(sa.String(60))
    record_id: Mapped[str] = mapped_column(sa.String(60))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The hash chain (core.chain). Empty only in a row that migration 0016 had yet to chain.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.Index("ix_audit_log_record", "record_type", "record_id"),
        index_where_set("audit_log", "account_id"),  # the public's many writes have no account
    )


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
        "record_id": "/".join(str(part) for part in state.mapper.primary_key_from_instance(obj)),
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


# --- API (admin) -----------------------------------------------------------------------------

import marshmallow as ma  # noqa: E402
from flask.views import MethodView  # noqa: E402

from core.auth import requires  # noqa: E402
from core.http import MAX_ID, Blueprint, render_many  # noqa: E402

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Who changed what, when (admin).")


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "The entry's id"})
    at = ma.fields.DateTime(metadata={"description": "When the change was committed"})
    account_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The account that made it; null for the command line"}
    )
    actor = ma.fields.String(
        metadata={"description": "Role and name of who made it", "examples": ["admin:区政府办公室"]}
    )
    action = ma.fields.String(
        metadata={"description": "create, update or delete", "enum": ["create", "update", "delete"]}
    )
    record_type = ma.fields.String(metadata={"description": "The table", "examples": ["decisions"]})
    record_id = ma.fields.String(metadata={"description": "The record's key", "examples": ["12"]})
    changes = ma.fields.Dict(metadata={"description": "Fields set (create) or {field: [before, after]} (update)"})
    request_id = ma.fields.String(allow_none=True, metadata={"description": "The request that made it"})
    hash = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "SHA-256 (hex) over `prev_hash` and the entry's canonical form (README: Verify the record)"
        },
    )
    prev_hash = ma.fields.String(
        allow_none=True, metadata={"description": "The previous entry's hash; 64 zeros before the first"}
    )


class AuditQueryArgsSchema(ma.Schema):
    account = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "Only this account's changes", "examples": [3]}
    )
    record_type = ma.fields.String(metadata={"description": "Only this table's records", "examples": ["decisions"]})
    record_id = ma.fields.String(metadata={"description": "Only this record (with record_type)", "examples": ["12"]})
    since = ma.fields.AwareDateTime(metadata={"description": "At or after this instant"})
    until = ma.fields.AwareDateTime(metadata={"description": "Before this instant"})


def list_entries(*, account=None, record_type=None, record_id=None, since=None, until=None, page: int, page_size: int):
    """A page of the audit log, newest first."""
    conditions = []
    if account is not None:
        conditions.append(AuditEntry.account_id == account)
    if record_type is not None:
        conditions.append(AuditEntry.record_type == record_type)
    if record_id is not None:
        conditions.append(AuditEntry.record_id == record_id)
    if since is not None:
        conditions.append(AuditEntry.at >= since)
    if until is not None:
        conditions.append(AuditEntry.at < until)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(*conditions))
    rows = db.session.scalars(
        sa.select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return rows, total


@blp.route("")
class AuditLog(MethodView):
    @requires("admin")
    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Read the audit log, newest first (admin)

        Filter by `account`, record (`record_type`, `record_id`) and time (`since`, `until`)."""
        rows, total = list_entries(**args, page=pagination_parameters.page, page_size=pagination_parameters.page_size)
        pagination_parameters.item_count = total
        return render_many(AuditEntrySchema, rows)

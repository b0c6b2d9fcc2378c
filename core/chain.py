"""The hash chains of the public record and the audit log: each entry carries a SHA-256 over its
content and the hash of the entry before it, so a copy that kept one hash proves any rewrite of
what came before it (ADR 0015).

An entry's hash, the whole definition (README: Verify the record):

    hash = hex(SHA-256(UTF-8(prev_hash + canonical(entry))))

- `prev_hash` is the previous entry's `hash` (64 lowercase hex digits); before the first entry
  of a chain it is `GENESIS`, 64 zeros.
- `canonical(entry)` is one JSON object of the entry's columns but `hash` and `prev_hash`,
  without the columns that are null: keys sorted (by code point), no whitespace (separators
  `,` and `:`), text as itself (not `\\u` escapes) — Python's `json.dumps(content,
  sort_keys=True, separators=(",", ":"), ensure_ascii=False)`. Numbers are integers; a day is
  `YYYY-MM-DD`; an instant is UTC in ISO 8601 as the API writes it
  (`2026-03-10T01:30:00.123456+00:00`, without the fraction when it is zero); a JSON column
  (the audit log's `changes`) is its value, its keys sorted likewise at every depth.

A public record entry's columns are what `/changes` shows of it: `seq`, `decision_id`, `type`,
`occurred_on`, `recorded_at`, `title`, `target`, `amends_seq` (the feed's `amends`) and
`reason`. An audit entry's are its row's, whatever they are: the definition names no column,
so a column added later (null in older rows) leaves every older hash as it was.

The order of a chain is the order of its key (`seq`, `id`), which is the order of commits:
appending takes the chain's head row (`chain_heads`) with a lock held until commit — a row lock
on PostgreSQL, SQLite's single writer elsewhere — so no entry becomes visible behind one that
came after it, and a mirror reading `/changes` with its cursor verifies the chain as it reads.
Each chain's head row repeats its last entry's key and hashes: it is what the next append
reads and moves, and what `verify` compares the last entry with (a truncated tail shows).
"""

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

GENESIS = "0" * 64
# The columns that hold the chain itself, which the content leaves out.
LINKS = frozenset({"hash", "prev_hash"})


class ChainHead(db.Model):
    """The last entry of a chain: its key and hashes. Moved by every append, under its lock."""

    __tablename__ = "chain_heads"

    chain: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int]  # the last entry's key (seq, id); 0 for an empty chain
    hash: Mapped[str] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))


@dataclasses.dataclass(frozen=True)
class Chain:
    """A chained table and its key, which orders it."""

    table: str
    key: str


PUBLIC_RECORD = Chain("public_record", "seq")
AUDIT_LOG = Chain("audit_log", "id")
CHAINS = (PUBLIC_RECORD, AUDIT_LOG)


@dataclasses.dataclass(frozen=True)
class Head:
    """Where a chain stands: its last entry's key (0 when empty) and hash (GENESIS when empty)."""

    position: int
    hash: str


# --- The canonical form ---------------------------------------------------------------------


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


# --- Appending ------------------------------------------------------------------------------

_HEADS = ChainHead.__table__


def _insert_head(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(_HEADS)


# Statements built once per database: building one (and its cache key) on every append cost
# more than SQLite takes to run it, on the comment's hot path.
@functools.cache
def _take_statement(dialect: str):
    """The chain's head, to be locked until the transaction ends.

    PostgreSQL: the row is written (made if missing, else set to itself), which waits for a
    concurrent append to commit and then reads the row as that one committed it — a SELECT
    would read its own snapshot, taken before the wait, and two appends would fork the chain.
    SQLite: read. A write transaction holds the single writer's lock already (ADR 0005); a
    deferred one that read an older head fails at its first write (SQLITE_BUSY), never forks."""
    if dialect != "postgresql":
        return sa.select(_HEADS.c.position, _HEADS.c.hash).where(_HEADS.c.chain == sa.bindparam("head_chain"))
    insert = postgresql.insert(_HEADS)
    return (
        insert.values(chain=sa.bindparam("head_chain"), position=0, hash=GENESIS, prev_hash=GENESIS)
        .on_conflict_do_update(index_elements=[_HEADS.c.chain], set_={"chain": insert.excluded.chain})
        .returning(_HEADS.c.position, _HEADS.c.hash)
    )


@functools.cache
def _move_statement(dialect: str):
    """The head set to the chain's new last entry; made when it is missing."""
    insert = _insert_head(dialect)
    return insert.values(
        chain=sa.bindparam("head_chain"),
        position=sa.bindparam("head_position"),
        hash=sa.bindparam("head_hash"),
        prev_hash=sa.bindparam("head_prev_hash"),
    ).on_conflict_do_update(
        index_elements=[_HEADS.c.chain],
        set_={name: insert.excluded[name] for name in ("position", "hash", "prev_hash")},
    )


# On SQLite the head is read and moved through the driver, in SQLAlchemy's transaction: two
# statements on the comment's hot path, where SQLAlchemy's execution of each cost several
# times what SQLite takes to run it (bench/README.md).
_SQLITE_TAKE = "SELECT position, hash FROM chain_heads WHERE chain = ?"
_SQLITE_MOVE = (
    "INSERT INTO chain_heads (chain, position, hash, prev_hash) VALUES (?, ?, ?, ?) ON CONFLICT (chain) "
    "DO UPDATE SET position = excluded.position, hash = excluded.hash, prev_hash = excluded.prev_hash"
)


def _taken(connection: sa.Connection, chain: Chain) -> Head:
    if connection.dialect.name == "sqlite":
        if not connection.in_transaction():
            # The driver's statement would run alone, outside the transaction that appends.
            raise RuntimeError("An append to a chain runs in the transaction that inserts its rows.")
        row = connection.connection.driver_connection.execute(_SQLITE_TAKE, (chain.table,)).fetchone()
    else:
        row = connection.execute(_take_statement(connection.dialect.name), {"head_chain": chain.table}).one_or_none()
    return Head(0, GENESIS) if row is None else Head(*row)


def _move(connection: sa.Connection, chain: Chain, position: int, hash_: str, prev_hash: str) -> None:
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute(_SQLITE_MOVE, (chain.table, position, hash_, prev_hash))
        return
    connection.execute(
        _move_statement(connection.dialect.name),
        {"head_chain": chain.table, "head_position": position, "head_hash": hash_, "head_prev_hash": prev_hash},
    )


def append(connection: sa.Connection, chain: Chain, rows: list[dict]) -> list[dict]:
    """Chain `rows` (each a new entry's column values, in order) after the chain's head, in the
    caller's transaction: each gets `prev_hash` and `hash`, and its key when it has none (the
    head's key + 1, + 2, …); the head moves to the last. The caller inserts the rows, in this
    transaction, which holds the head until it ends."""
    head = _taken(connection, chain)
    position, previous = head.position, head.hash
    prev_of_last = previous
    for row in rows:
        if row.get(chain.key) is None:
            row[chain.key] = position + 1
        position = row[chain.key]
        row["prev_hash"] = prev_of_last = previous
        row["hash"] = previous = link(previous, row)
    if rows:
        _move(connection, chain, position, previous, prev_of_last)
    return rows


def sql_link(prev_hash, position):
    """`link` in PostgreSQL's SQL, for an entry whose key is only known in the statement: the hash
    after `prev_hash` of the content that `canonical_around` split into the parameters
    `chain_before` and `chain_after`, with `position` as its key."""
    text = (
        sa.cast(prev_hash, sa.Text)
        + sa.bindparam("chain_before", type_=sa.Text)
        + sa.cast(position, sa.Text)
        + sa.bindparam("chain_after", type_=sa.Text)
    )
    return sa.func.encode(sa.func.sha256(sa.func.convert_to(text, "UTF8")), "hex")


def moved_head_cte(chain: Chain, name: str = "head"):
    """A PostgreSQL CTE that appends one entry to `chain`'s head in the statement it is part of:
    it takes the head row (ON CONFLICT DO UPDATE waits for a concurrent append and then updates
    the row as that one committed it), moves it by one and returns (position, prev_hash, hash)
    of the new entry. Its parameters: `chain_before`, `chain_after` (`canonical_around`)."""
    insert = postgresql.insert(_HEADS)
    return (
        insert.values(
            chain=chain.table, position=1, prev_hash=GENESIS, hash=sql_link(sa.literal(GENESIS), sa.literal(1))
        )
        .on_conflict_do_update(
            index_elements=[_HEADS.c.chain],
            set_={
                "position": _HEADS.c.position + 1,
                "prev_hash": _HEADS.c.hash,
                "hash": sql_link(_HEADS.c.hash, _HEADS.c.position + 1),
            },
        )
        .returning(_HEADS.c.position, _HEADS.c.prev_hash, _HEADS.c.hash)
        .cte(name)
    )


# --- Reading --------------------------------------------------------------------------------


def head(connection: sa.Connection, chain: Chain) -> Head:
    """Where `chain` stands now, as its head row says (`verify` checks it against the entries)."""
    row = connection.execute(
        sa.select(_HEADS.c.position, _HEADS.c.hash).where(_HEADS.c.chain == chain.table)
    ).one_or_none()
    return Head(0, GENESIS) if row is None else Head(*row)


@dataclasses.dataclass(frozen=True)
class Broken:
    """The first link of a chain that does not hold."""

    chain: Chain
    position: int | None  # the entry's key; None when the head row disagrees with the entries
    what: str
    expected: str
    found: str

    def __str__(self):
        where = (
            f"{self.chain.table} {self.chain.key} {self.position}"
            if self.position is not None
            else (f"{self.chain.table} head (chain_heads)")
        )
        return f"{where}: {self.what}: expected {self.expected}, found {self.found}"


@dataclasses.dataclass(frozen=True)
class Verified:
    chain: Chain
    entries: int
    head: Head
    broken: Broken | None

    def __str__(self):
        if self.broken is not None:
            return f"broken: {self.broken}"
        return f"ok: {self.chain.table}, {self.entries} entries, head {self.head.position} {self.head.hash}"


# Rows fetched at a time: the walk holds one batch, whatever the chain's length.
BATCH = 1000


def verify(connection: sa.Connection, chain: Chain, *, progress: Callable[[int], None] | None = None) -> Verified:
    """Walk `chain` in its order, recomputing every hash; the first link that does not hold, if
    any. Rows are streamed (a server-side cursor on PostgreSQL), so memory stays constant;
    `progress(n)` is called every BATCH entries."""
    # The model's columns: values read as the application wrote them (instants in UTC with
    # their offset, JSON as its value). A copy is verified once its schema is at head.
    table = db.metadata.tables[chain.table]
    statement = sa.select(table).order_by(table.c[chain.key])
    previous, position, count = GENESIS, 0, 0
    broken = None
    result = connection.execution_options(yield_per=BATCH).execute(statement)
    try:
        for row in result.mappings():
            count += 1
            position = row[chain.key]
            if row["prev_hash"] != previous:
                what = "its prev_hash is not the hash of the entry before it (an entry removed or put in?)"
                if count == 1:
                    what = "the first entry's prev_hash is not the genesis hash (entries removed before it?)"
                broken = Broken(chain, position, what, previous, str(row["prev_hash"]))
                break
            expected = link(previous, row)
            if row["hash"] != expected:
                broken = Broken(
                    chain, position, "its content does not give its hash (rewritten?)", expected, str(row["hash"])
                )
                break
            previous = row["hash"]
            if progress is not None and count % BATCH == 0:
                progress(count)
    finally:
        result.close()
    last = Head(position, previous)
    if broken is None:
        stated = head(connection, chain) if sa.inspect(connection).has_table(_HEADS.name) else last
        if stated != last:
            broken = Broken(
                chain,
                None,
                "the head row is not the last entry (entries removed from the end?)",
                f"{last.position} {last.hash}",
                f"{stated.position} {stated.hash}",
            )
    return Verified(chain, count, last, broken)


def verify_all(connection: sa.Connection, *, progress: Callable[[Chain, int], None] | None = None) -> list[Verified]:
    """`verify` of every chain, in one snapshot where the database gives one (a transaction)."""
    return [
        verify(connection, chain, progress=(lambda n, chain=chain: progress(chain, n)) if progress else None)
        for chain in CHAINS
    ]


def rechain(connection: sa.Connection, chain: Chain, rows: Iterable[Mapping], write: Callable[[list[dict]], None]):
    """Compute the links of existing `rows` (in the chain's order) and hand them to `write` in
    batches of {key, prev_hash, hash}; then set the head. For migrations: 0016 chains the rows
    that were there before, and a migration that must rewrite entries (issue 15's privacy
    point) chains them again. The append-only triggers must stand aside meanwhile."""
    previous, position, batch = GENESIS, 0, []
    prev_of_last = GENESIS
    for row in rows:
        position = row[chain.key]
        prev_of_last = previous
        previous = link(previous, row)
        batch.append({"key": position, "prev_hash": prev_of_last, "hash": previous})
        if len(batch) >= BATCH:
            write(batch)
            batch = []
    if batch:
        write(batch)
    connection.execute(_HEADS.delete().where(_HEADS.c.chain == chain.table))
    connection.execute(
        _HEADS.insert().values(chain=chain.table, position=position, hash=previous, prev_hash=prev_of_last)
    )


# --- Command line ---------------------------------------------------------------------------

import click  # noqa: E402
from flask import Blueprint  # noqa: E402

cli = Blueprint("chain_cli", __name__, cli_group=None)

# Entries between two progress lines of `flask verify`.
PROGRESS_EVERY = 100_000


@cli.cli.command("verify")
def verify_command():
    """Walk the public record's and the audit log's hash chains, recomputing every hash.

    Prints "ok: …" with each chain's length and head and exits 0; or the first broken link of
    each chain that has one (which table, which entry, expected and found) and exits 1."""

    def progress(chain: Chain, n: int):
        if n % PROGRESS_EVERY == 0:
            click.echo(f"{chain.table}: {n} entries verified…", err=True)

    with db.engine.connect() as connection:
        # One transaction for both walks: on SQLite one snapshot, while the service writes on.
        with connection.begin():
            results = verify_all(connection, progress=progress)
    for result in results:
        click.echo(str(result), err=result.broken is not None)
    if any(result.broken for result in results):
        raise SystemExit(1)
    total = sum(result.entries for result in results)
    heads = ", ".join(f"{r.chain.table} {r.head.position} {r.head.hash}" for r in results)
    click.echo(f"ok: {total} entries, head {heads}")

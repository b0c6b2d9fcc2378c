"""Appending to a chain under its head's lock, in Python or in one PostgreSQL statement."""

import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.chain.canonical import link
from core.chain.models import GENESIS, Chain, ChainHead, Head

# The chains' head rows, which appending moves and verifying compares.
HEADS = ChainHead.__table__


def _insert_head(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(HEADS)


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
        return sa.select(HEADS.c.position, HEADS.c.hash).where(HEADS.c.chain == sa.bindparam("head_chain"))
    insert = postgresql.insert(HEADS)
    return (
        insert.values(chain=sa.bindparam("head_chain"), position=0, hash=GENESIS, prev_hash=GENESIS)
        .on_conflict_do_update(index_elements=[HEADS.c.chain], set_={"chain": insert.excluded.chain})
        .returning(HEADS.c.position, HEADS.c.hash)
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
        index_elements=[HEADS.c.chain],
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
    insert = postgresql.insert(HEADS)
    return (
        insert.values(
            chain=chain.table, position=1, prev_hash=GENESIS, hash=sql_link(sa.literal(GENESIS), sa.literal(1))
        )
        .on_conflict_do_update(
            index_elements=[HEADS.c.chain],
            set_={
                "position": HEADS.c.position + 1,
                "prev_hash": HEADS.c.hash,
                "hash": sql_link(HEADS.c.hash, HEADS.c.position + 1),
            },
        )
        .returning(HEADS.c.position, HEADS.c.prev_hash, HEADS.c.hash)
        .cte(name)
    )

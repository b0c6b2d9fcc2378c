"""Walking a chain to verify it, and chaining existing rows again (migrations)."""

import dataclasses
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa

from core.chain.appending import HEADS
from core.chain.canonical import link
from core.chain.models import CHAINS, GENESIS, Chain, Head
from core.extensions import db


def head(connection: sa.Connection, chain: Chain) -> Head:
    """Where `chain` stands now, as its head row says (`verify` checks it against the entries)."""
    row = connection.execute(
        sa.select(HEADS.c.position, HEADS.c.hash).where(HEADS.c.chain == chain.table)
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
        stated = head(connection, chain) if sa.inspect(connection).has_table(HEADS.name) else last
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
    connection.execute(HEADS.delete().where(HEADS.c.chain == chain.table))
    connection.execute(
        HEADS.insert().values(chain=chain.table, position=position, hash=previous, prev_hash=prev_of_last)
    )

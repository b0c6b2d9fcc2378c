"""the public record and the audit log are hash chains: prev_hash and hash on every entry, a head per chain

- `public_record` and `audit_log` get `prev_hash` and `hash` (SHA-256, hex): each entry's hash
  covers its content and the previous entry's hash, in the order of its key (core.chain, ADR
  0015). The rows already there are chained here, oldest first, as the application chains new
  ones, so `flask verify` holds on an upgraded database.
- `chain_heads`: one row per chain with its last entry's key and hashes, which every append
  takes under its lock and moves.

The columns stay nullable: SQLite adds a NOT NULL column only by rebuilding the table, which
for these two would drop their append-only triggers and copy the largest table of the
database; `flask verify` refuses an entry without a hash instead. The triggers that refuse
UPDATE (migration 0008) stand aside while the existing rows get their hashes, in this
transaction only: disabled and enabled again on PostgreSQL, dropped and made again from their
own definitions on SQLite.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.chain import AUDIT_LOG, PUBLIC_RECORD, rechain
from core.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CHAINED = (PUBLIC_RECORD, AUDIT_LOG)

# The tables as they are at this revision, their values read as the application writes them.
TABLES = {
    "public_record": sa.table(
        "public_record",
        sa.column("seq", sa.Integer),
        sa.column("decision_id", sa.Integer),
        sa.column("type", sa.String),
        sa.column("occurred_on", sa.Date),
        sa.column("recorded_at", UTCDateTime),
        sa.column("title", sa.String),
        sa.column("target", sa.String),
        sa.column("amends_seq", sa.Integer),
        sa.column("reason", sa.Text),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    ),
    "audit_log": sa.table(
        "audit_log",
        sa.column("id", sa.Integer),
        sa.column("at", UTCDateTime),
        sa.column("account_id", sa.Integer),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("record_type", sa.String),
        sa.column("record_id", sa.String),
        sa.column("changes", sa.JSON),
        sa.column("request_id", sa.String),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    ),
}

BATCH = 1000


def _rows(connection, chain):
    """The chain's rows in its order, a batch at a time (by key, no cursor left open while the
    rows are updated)."""
    table = TABLES[chain.table]
    key = table.c[chain.key]
    content = [c for c in table.c if c.name not in ("prev_hash", "hash")]
    last = None
    while True:
        statement = sa.select(*content).order_by(key).limit(BATCH)
        if last is not None:
            statement = statement.where(key > last)
        rows = connection.execute(statement).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1][chain.key]


def _writer(connection, update):
    return lambda batch: connection.execute(update, batch)


def _chain_existing_rows(connection):
    for chain in CHAINED:
        table = TABLES[chain.table]
        update = (
            table.update()
            .where(table.c[chain.key] == sa.bindparam("key"))
            .values(prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash"))
        )
        rechain(connection, chain, _rows(connection, chain), _writer(connection, update))


def upgrade():
    op.create_table(
        'chain_heads',
        sa.Column('chain', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('chain', name=op.f('pk_chain_heads')),
    )
    for chain in CHAINED:
        op.add_column(chain.table, sa.Column('prev_hash', sa.String(length=64), nullable=True))
        op.add_column(chain.table, sa.Column('hash', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for chain in CHAINED:
            op.execute(f"ALTER TABLE {chain.table} DISABLE TRIGGER {chain.table}_append_only")
        _chain_existing_rows(connection)
        for chain in CHAINED:
            op.execute(f"ALTER TABLE {chain.table} ENABLE TRIGGER {chain.table}_append_only")
    else:
        names = [f"{chain.table}_no_update" for chain in CHAINED]
        triggers = connection.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names").bindparams(
                sa.bindparam("names", expanding=True)
            ),
            {"names": names},
        ).all()
        for name, _ in triggers:
            op.execute(f"DROP TRIGGER {name}")
        _chain_existing_rows(connection)
        for _, definition in triggers:
            op.execute(definition)


def downgrade():
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35 and later): no batch rebuild,
    # so the append-only triggers stay as they are.
    for chain in reversed(CHAINED):
        op.execute(f"ALTER TABLE {chain.table} DROP COLUMN hash")
        op.execute(f"ALTER TABLE {chain.table} DROP COLUMN prev_hash")
    op.drop_table('chain_heads')

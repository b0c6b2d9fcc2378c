"""the public record and the audit log refuse UPDATE and DELETE; published documents frozen

- `published_documents`: the document each publication showed the public, stored at commit
  (core.publication); a read of a published version answers it, whatever changed since.
- `public_record`, `published_documents` and `audit_log` are append-only in the database
  itself: triggers refuse UPDATE and DELETE on SQLite and PostgreSQL (and TRUNCATE on
  PostgreSQL), so no code path, script or hand-typed statement rewrites what was published.
  A later batch migration that rebuilds one of these tables on SQLite drops its triggers with
  the old table, and must create them again.
- `public_record.decision_id` may be empty: a general question to the government concerns no
  decision.
- Partial indexes over the consultations whose closing, and the obligations whose lateness,
  is still to be recorded: the change feed asks for them on every read.

Records published before this revision have no frozen document; they read as they are.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

APPEND_ONLY = ("public_record", "published_documents", "audit_log")

PENDING = (
    ("consultations", "closes_on", ("closed_seq",)),
    ("obligations", "due_on", ("fulfilled_on", "overdue_since")),
)


def _sqlite_triggers(table):
    for operation in ("UPDATE", "DELETE"):
        yield (
            f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
        )


POSTGRESQL_FUNCTION = """
CREATE FUNCTION refuse_change_of_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'A correction or withdrawal appends a row of its own.';
END
$$
"""


def _postgresql_triggers(table):
    yield (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only()"
    )
    yield (
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only()"
    )


def upgrade():
    op.create_table(
        'published_documents',
        sa.Column('target', sa.String(length=300), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['seq'], ['public_record.seq'], name=op.f('fk_published_documents_seq_public_record')),
        sa.PrimaryKeyConstraint('target', name=op.f('pk_published_documents')),
    )
    with op.batch_alter_table('public_record') as batch:
        batch.alter_column('decision_id', existing_type=sa.Integer(), nullable=True)
    for table, column, pending in PENDING:
        where = sa.text(" AND ".join(f"{p} IS NULL" for p in pending))
        op.create_index(f"ix_{table}_{column}_pending", table, [column], sqlite_where=where, postgresql_where=where)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        statements = [s for table in APPEND_ONLY for s in _postgresql_triggers(table)]
    else:
        statements = [s for table in APPEND_ONLY for s in _sqlite_triggers(table)]
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION refuse_change_of_append_only()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    for table, column, _ in PENDING:
        op.drop_index(f"ix_{table}_{column}_pending", table_name=table)
    # Rows about no decision cannot go back into a column that needs one.
    with op.batch_alter_table('public_record') as batch:
        batch.alter_column('decision_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('published_documents')

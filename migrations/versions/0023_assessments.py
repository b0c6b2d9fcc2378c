"""the yearly assessment: versions of a scored snapshot, frozen once published

- `assessments`: one row per version of a year's assessment (unique year and version): the
  rule set it was scored by, its figures (each unit's duties measured and scored, with the
  records behind them), the day they were read, its publication day (its public-record
  entry names it by its path), and for a correction the version it corrects and why (both or neither).
- A published version is append-only in the database itself: triggers refuse UPDATE and
  DELETE of a row whose `published_on` is set, on SQLite and PostgreSQL (the function of
  0008), and TRUNCATE on PostgreSQL. A draft is taken again in place until it is published.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:45:00

"""
from alembic import op
import sqlalchemy as sa

from core.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER assessments_published_no_{operation.lower()} BEFORE {operation} ON assessments "
    "WHEN OLD.published_on IS NOT NULL "
    f"BEGIN SELECT RAISE(ABORT, 'assessments: a published version is append-only: {operation} refused'); END"
    for operation in ("UPDATE", "DELETE")
]

POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER assessments_published_frozen BEFORE UPDATE OR DELETE ON assessments "
    "FOR EACH ROW WHEN (OLD.published_on IS NOT NULL) EXECUTE FUNCTION refuse_change_of_append_only()",
    "CREATE TRIGGER assessments_no_truncate BEFORE TRUNCATE ON assessments "
    "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only()",
]


def upgrade():
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('taken_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(corrects_id IS NULL) = (correction_reason IS NULL)', name=op.f('ck_assessments_correction_has_reason')),
    sa.ForeignKeyConstraint(['corrects_id'], ['assessments.id'], name=op.f('fk_assessments_corrects_id_assessments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_assessments_year_version'))
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    # The triggers go with their table.
    op.drop_table('assessments')

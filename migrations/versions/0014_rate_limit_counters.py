"""rate-limit counters in the application's own database

`RATELIMIT_STORAGE_URI=database://` (core.ratelimit_storage): one row per caller and limit,
its count and its window's end, so that every worker and host sharing the database share the
limits. On PostgreSQL the table is UNLOGGED: a counter's write then waits for no WAL flush, and
a crash (or a failover, since standbys do not get it) only restarts the windows in progress.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    unlogged = ['UNLOGGED'] if op.get_bind().dialect.name == 'postgresql' else []
    op.create_table(
        'rate_limit_counter',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter')),
        prefixes=unlogged,
    )


def downgrade():
    op.drop_table('rate_limit_counter')

"""index comments' clusters and audit entries' accounts only where there is one

Most comments are in no cluster, and the public's writes (comments, questions) are audited
with no account: their rows no longer write an index entry that no query reads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PARTIAL = (("comments", "cluster_id"), ("audit_log", "account_id"))


def upgrade():
    for table, column in PARTIAL:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_{table}_{column}", table, [column], sqlite_where=where, postgresql_where=where)


def downgrade():
    for table, column in PARTIAL:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column])

"""a comment's Idempotency-Key is unique per consultation with the key first

A submission looks up a repeat by its key. With the consultation first, PostgreSQL could
serve that lookup from either of two indexes led by the consultation, and a plan cached while
the table was small kept the one that reads all of a consultation's comments (bench/README.md).
With the key first, only this index can serve it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments') as batch:
        batch.drop_constraint('uq_comments_consultation_id_idempotency_key', type_='unique')
        batch.create_unique_constraint('uq_comments_idempotency_key_consultation_id', ['idempotency_key', 'consultation_id'])


def downgrade():
    with op.batch_alter_table('comments') as batch:
        batch.drop_constraint('uq_comments_idempotency_key_consultation_id', type_='unique')
        batch.create_unique_constraint('uq_comments_consultation_id_idempotency_key', ['consultation_id', 'idempotency_key'])

"""the interpretation duty: which documents owe an interpretation, text alternatives, follow-ups

- `results.interpretation_required` (true for every result on record: a major decision's
  result is a policy document for enterprises and citizens) and
  `drafts.interpretation_required` (false: a unit marks the drafts published as policy
  documents).
- `interpretations.text_alternative`: the content in words of a picture, a video or an event
  (section 六(一)). Interpretations on record keep none: a published record is not changed in
  place, and the rule that asks for one applies to what is written from now on.
- `interpretations.follows_id`: the interpretation a follow-up (二次解读/跟踪解读) follows.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 13:30:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


@contextmanager
def _batch(table):
    # Batch mode on SQLite reflects the tables referred to, units among them, whose expression
    # index (lower(code), 0013) SQLAlchemy cannot reflect, and need not: units is not rebuilt.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    with _batch('results') as batch_op:
        batch_op.add_column(sa.Column('interpretation_required', sa.Boolean(), server_default=sa.true(), nullable=False))
    with _batch('drafts') as batch_op:
        batch_op.add_column(sa.Column('interpretation_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    with _batch('interpretations') as batch_op:
        batch_op.add_column(sa.Column('text_alternative', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('follows_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_interpretations_follows_id_interpretations'), 'interpretations', ['follows_id'], ['id']
        )


def downgrade():
    with _batch('interpretations') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_interpretations_follows_id_interpretations'), type_='foreignkey')
        batch_op.drop_column('follows_id')
        batch_op.drop_column('text_alternative')
    with _batch('drafts') as batch_op:
        batch_op.drop_column('interpretation_required')
    with _batch('results') as batch_op:
        batch_op.drop_column('interpretation_required')

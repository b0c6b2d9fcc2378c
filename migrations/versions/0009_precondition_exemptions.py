"""exemptions from publication preconditions, on adoption reports and agenda items

An admin may override a precondition (result-not-issued, comments-undisposed, hearing-missing,
procedure-missing) only with a written reason, stored and published with the record: a JSON
list of {rule, reason, by, on}, null when none was needed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('adoption_reports') as batch:
        batch.add_column(sa.Column('exemptions', sa.JSON(), nullable=True))
    with op.batch_alter_table('agenda_items') as batch:
        batch.add_column(sa.Column('exemptions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('agenda_items') as batch:
        batch.drop_column('exemptions')
    with op.batch_alter_table('adoption_reports') as batch:
        batch.drop_column('exemptions')

"""drop the updated_at indexes that nothing reads (decisions keep theirs)

Every table had an index on updated_at from the Timestamped mixin; only decisions are
queried by it (`updated_since`, the sort). Each was written on every insert and update.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ['units', 'accounts', 'catalogues', 'meetings', 'backgrounds', 'drafts', 'follow_ups', 'interpretations', 'results', 'reviews', 'consultations', 'clusters', 'comments', 'calendar_years', 'inquiries', 'obligations', 'adoption_reports']


def upgrade():
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_updated_at"), table_name=table)


def downgrade():
    for table in TABLES:
        op.create_index(op.f(f"ix_{table}_updated_at"), table, ["updated_at"], unique=False)

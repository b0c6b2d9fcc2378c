"""unit codes are unique whatever their case: a unique index on lower(code)

Codes are stored as given (a 统一社会信用代码 is in capitals) and name a unit in any case
(core.units), so `JD-FGW` may not be added beside `jd-fgw`. An index, not a constraint: SQLite
creates it in place, where a constraint would rebuild the units table that every other
table's foreign keys refer to. Codes so far were lower case only, so none clash.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units') as batch:
        batch.create_index('ix_units_lower_code', [sa.text('lower(code)')], unique=True)


def downgrade():
    with op.batch_alter_table('units') as batch:
        batch.drop_index('ix_units_lower_code')

"""the evaluator role: the third-party assessor of 社会评议, who reads and never writes

- `accounts.role`: its CHECK constraint admits `evaluator` besides admin, editor and partner.
  An evaluator belongs to no unit, as `ck_accounts_editor_has_unit` already requires.

Downgrading fails while an evaluator account exists (the old constraint refuses it): delete or
change those accounts first.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 13:30:00

"""
import warnings

from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def _allow_roles(roles):
    # On SQLite the batch copies `accounts`, reflecting the `units` its unit refers to, whose
    # index on lower(code) SQLite cannot reflect (SQLAlchemy warns; the copy does not need it).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('accounts', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_accounts_role'), type_='check')
            batch_op.create_check_constraint(
                op.f('ck_accounts_role'), "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"
            )


def upgrade():
    _allow_roles(('admin', 'editor', 'partner', 'evaluator'))


def downgrade():
    _allow_roles(('admin', 'editor', 'partner'))

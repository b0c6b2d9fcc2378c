"""index the questions that may still turn overdue

The change feed asks on every read whether a question turned overdue (core.tick.catch_up);
among many settled questions, only those still open are indexed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WHERE = sa.text("answered_on IS NULL AND declined_on IS NULL AND overdue_since IS NULL")


def upgrade():
    op.create_index(
        "ix_inquiries_reply_due_on_pending", "inquiries", ["reply_due_on"], sqlite_where=WHERE, postgresql_where=WHERE
    )


def downgrade():
    op.drop_index("ix_inquiries_reply_due_on_pending", table_name="inquiries")

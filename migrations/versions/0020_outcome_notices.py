"""outcome notices: a commenter asks to be told what became of their comment, and is told once

- `comments.notify_outcome`: asked for at submission (false for every comment before).
- `outcome_notices`: the outbox, one row per comment at most (unique `comment_id`), written in
  the transaction that publishes its disposition; its channel (email, sms), state (pending,
  sent, failed), attempts, last error, next attempt, when sent, and a worker's lease. No
  address: the worker reads it from the comment when it sends (ADR 0020).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 13:30:00

"""
import warnings

from alembic import op
import sqlalchemy as sa

from core.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN in place on both databases (a constant default): no copy of the comments table.
    op.add_column('comments', sa.Column('notify_outcome', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('outcome_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=32), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name=op.f('ck_outcome_notices_state')),
    sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f('ck_outcome_notices_channel')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_outcome_notices_comment_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_notices')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_outcome_notices_comment_id'))
    )
    with op.batch_alter_table('outcome_notices', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_notices_due', ['state', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outcome_notices', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_notices_due')

    op.drop_table('outcome_notices')
    with warnings.catch_warnings():
        # SQLite's batch copy reflects the related tables; units' lower(code) index cannot be.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('comments', schema=None) as batch_op:
            batch_op.drop_column('notify_outcome')

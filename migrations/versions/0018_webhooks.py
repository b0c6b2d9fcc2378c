"""webhooks for partners: subscriptions, each with its cursor over the public record, and the attempts to deliver

- `webhook_subscriptions`: a partner's URL, its signing secret, the entry types it asks for
  (of a unit, a decision), its state (active, failing), its last error, and its cursor over
  `public_record.seq` with the retry state of the entry after it and a worker's lease.
- `webhook_deliveries`: one row per attempt (status code, error, when, the next retry).

No outbox table: the public record is the outbox (ADR 0018), so publishing writes nothing more.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 17:40:00

"""
from alembic import op
import sqlalchemy as sa

from core.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failing_since', UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('active', 'failing')", name=op.f('ck_webhook_subscriptions_state')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_webhook_subscriptions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['owner_id'], ['accounts.id'], name=op.f('fk_webhook_subscriptions_owner_id_accounts')),
    sa.ForeignKeyConstraint(['unit'], ['units.code'], name=op.f('fk_webhook_subscriptions_unit_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions'))
    )
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_subscriptions_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_subscriptions_owner_id'), ['owner_id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('attempted_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.Column('next_retry_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], name=op.f('fk_webhook_deliveries_subscription_id_webhook_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_subscription', ['subscription_id', 'attempted_at'], unique=False)



def downgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_subscription')

    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_subscriptions_owner_id'))
        batch_op.drop_index('ix_webhook_subscriptions_due')

    op.drop_table('webhook_subscriptions')

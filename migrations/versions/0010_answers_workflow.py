"""the answers workflow: an inquiry's state, holding unit, receipt and transfers (转办)

Inquiries that exist already were public from the moment they were asked, so none of them
is taken back from the public: one with an answer becomes `answered`, one without becomes
`published` (选登) on the day it was received; nothing published is hidden afterwards. Each
is held by its decision's lead unit, and gets a receipt (its asker never had one, but the
column is required and unique, and staff may pass it on when the asker calls).

Going down, general questions (no decision) and the transfer history have no place in the
older schema and are deleted; declined or received questions become visible again there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inquiry_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('from_unit', sa.String(length=40), nullable=True),
    sa.Column('held_since', sa.Date(), nullable=False),
    sa.Column('to_unit', sa.String(length=40), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=False),
    sa.Column('transferred_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_unit'], ['units.code'], name=op.f('fk_inquiry_transfers_from_unit_units')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiries.id'], name=op.f('fk_inquiry_transfers_inquiry_id_inquiries')),
    sa.ForeignKeyConstraint(['to_unit'], ['units.code'], name=op.f('fk_inquiry_transfers_to_unit_units')),
    sa.ForeignKeyConstraint(['transferred_by'], ['accounts.id'], name=op.f('fk_inquiry_transfers_transferred_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_transfers'))
    )
    with op.batch_alter_table('inquiry_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_transfers_inquiry_id'), ['inquiry_id'], unique=False)

    # Nullable first, filled in for the existing rows, then required.
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('receipt', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('declined_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('declined_by', sa.Integer(), nullable=True))

    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE inquiries SET state = CASE WHEN answered_on IS NULL THEN 'published' ELSE 'answered' END,"
        " published_on = COALESCE(answered_on, received_on),"
        " unit = (SELECT lead_unit FROM decisions WHERE decisions.id = inquiries.decision_id)"
    ))
    ids = connection.execute(sa.text("SELECT id FROM inquiries")).scalars().all()
    for inquiry_id in ids:
        connection.execute(
            sa.text("UPDATE inquiries SET receipt = :receipt WHERE id = :id"),
            {"receipt": "Q." + secrets.token_urlsafe(18), "id": inquiry_id},
        )

    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('receipt', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('decision_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_inquiries_unit'), ['unit'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_inquiries_receipt'), ['receipt'])
        batch_op.create_foreign_key(batch_op.f('fk_inquiries_unit_units'), 'units', ['unit'], ['code'])
        batch_op.create_foreign_key(batch_op.f('fk_inquiries_declined_by_accounts'), 'accounts', ['declined_by'], ['id'])


def downgrade():
    with op.batch_alter_table('inquiry_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_transfers_inquiry_id'))
    op.drop_table('inquiry_transfers')
    op.execute("DELETE FROM inquiries WHERE decision_id IS NULL")

    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inquiries_declined_by_accounts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_inquiries_unit_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_inquiries_receipt'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_inquiries_unit'))
        batch_op.alter_column('decision_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('declined_by')
        batch_op.drop_column('declined_on')
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('published_on')
        batch_op.drop_column('receipt')
        batch_op.drop_column('unit')
        batch_op.drop_column('state')

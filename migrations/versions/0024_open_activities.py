"""government open activities (政府开放活动): activities, registrations, opinions, feedback

- `activities`: what a unit plans and publishes (theme, field, form, place or stream URL, time,
  capacity, whether it is part of the August open month).
- `activity_registrations`: 公众参与活动咨询报名, each with its `position` in the order taken
  (unique per activity: two registrations never share a place), a keyed hash of its contact
  (one registration per person), and its receipt. Name and contact stay with the unit.
- `activity_opinions`: opinions collected by questionnaire or in discussion, their public text
  and their disposition with a reason.
- `activity_feedback`: the dedicated feedback report (专项反馈), one per activity.

A published activity and a published feedback report are append-only in the database itself:
triggers refuse UPDATE and DELETE of their rows once `public_seq` is set (on SQLite and
PostgreSQL), so no code path or hand-typed statement rewrites what the public read. Publishing
sets `published_on`, then `public_seq` (its row in the public record), in one transaction: that
is the last change their rows take.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 18:23:09

"""
from alembic import op
import sqlalchemy as sa

from core.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


# The tables whose rows are frozen once published.
FROZEN_ONCE_PUBLISHED = ("activities", "activity_feedback")

POSTGRESQL_FUNCTION = """
CREATE FUNCTION refuse_change_once_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.public_seq IS NOT NULL THEN
        RAISE EXCEPTION '% row % is published: % refused', TG_TABLE_NAME, OLD.id, TG_OP
            USING HINT = 'A published record is never changed in place.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""


def _sqlite_triggers(table):
    for operation in ("UPDATE", "DELETE"):
        yield (
            f"CREATE TRIGGER {table}_published_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"WHEN OLD.public_seq IS NOT NULL "
            f"BEGIN SELECT RAISE(ABORT, '{table} row is published: {operation} refused'); END"
        )


def _postgresql_triggers(table):
    yield (
        f"CREATE TRIGGER {table}_frozen_once_published BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_once_published()"
    )


def upgrade():
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('theme', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('form', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('stream_url', sa.String(length=500), nullable=True),
    sa.Column('starts_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('open_month', sa.Boolean(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('public_seq', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['public_seq'], ['public_record.seq'], name=op.f('fk_activities_public_seq_public_record')),
    sa.ForeignKeyConstraint(['unit'], ['units.code'], name=op.f('fk_activities_unit_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_unit'), ['unit'], unique=False)

    op.create_table('activity_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('public_seq', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_feedback_activity_id_activities')),
    sa.ForeignKeyConstraint(['public_seq'], ['public_record.seq'], name=op.f('fk_activity_feedback_public_seq_public_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_feedback')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_activity_feedback_activity_id'))
    )
    op.create_table('activity_opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('public_content', sa.Text(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('disposition', sa.String(length=30), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_opinions_activity_id_activities')),
    sa.ForeignKeyConstraint(['entered_by'], ['accounts.id'], name=op.f('fk_activity_opinions_entered_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_opinions'))
    )
    with op.batch_alter_table('activity_opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_opinions_activity_id'), ['activity_id'], unique=False)

    op.create_table('activity_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('contact_key', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.String(length=40), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('registered_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_registrations_activity_id_activities')),
    sa.ForeignKeyConstraint(['entered_by'], ['accounts.id'], name=op.f('fk_activity_registrations_entered_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_registrations')),
    sa.UniqueConstraint('activity_id', 'contact_key', name=op.f('uq_activity_registrations_activity_id_contact_key')),
    sa.UniqueConstraint('activity_id', 'position', name=op.f('uq_activity_registrations_activity_id_position')),
    sa.UniqueConstraint('receipt', name=op.f('uq_activity_registrations_receipt'))
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        statements = [s for table in FROZEN_ONCE_PUBLISHED for s in _postgresql_triggers(table)]
    else:
        statements = [s for table in FROZEN_ONCE_PUBLISHED for s in _sqlite_triggers(table)]
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in FROZEN_ONCE_PUBLISHED:
            op.execute(f"DROP TRIGGER {table}_frozen_once_published ON {table}")
        op.execute("DROP FUNCTION refuse_change_once_published()")
    else:
        for table in FROZEN_ONCE_PUBLISHED:
            op.execute(f"DROP TRIGGER {table}_published_no_update")
            op.execute(f"DROP TRIGGER {table}_published_no_delete")
    op.drop_table('activity_registrations')
    with op.batch_alter_table('activity_opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_opinions_activity_id'))

    op.drop_table('activity_opinions')
    op.drop_table('activity_feedback')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_unit'))

    op.drop_table('activities')

"""personal data out of what is kept for other purposes: keyed fingerprints, no individual's organisation in the audit log; a security log


A comment's fingerprint was an unsalted SHA-256 of its fields; with content, channel and day
public, a phone number could be guessed offline. It becomes HMAC-SHA256, under the
personal-data key (core.privacy), of that same SHA-256: each stored fingerprint is keyed
in place, and a retry under an Idempotency-Key still matches. The audit log kept an
individual commenter's organisation in clear: those values are removed from create entries
and replaced by the redaction marker in update entries, with the append-only trigger stood
aside for this one rewrite. Refused attempts (401, 403, 429) get a table of their own,
security_events (core.security_log).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00

"""
import hashlib
import hmac
import json

from alembic import op
import sqlalchemy as sa

from core import privacy


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

REDACTED = "[redacted]"


def _stand_aside_audit_triggers(connection, postgresql: bool):
    if postgresql:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")


def _restore_audit_triggers(connection, postgresql: bool):
    if postgresql:
        connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        connection.exec_driver_sql(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END"
        )


def upgrade():
    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('route', sa.String(length=300), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('request_id', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_security_events_account_id_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events')),
    )
    with op.batch_alter_table('security_events') as batch:
        batch.create_index(batch.f('ix_security_events_at'), ['at'], unique=False)
        batch.create_index(batch.f('ix_security_events_address'), ['address'], unique=False)

    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    key = privacy.key()
    comments = sa.table("comments", sa.column("id"), sa.column("fingerprint"), sa.column("submitter_type"))
    for id_, print_ in connection.execute(sa.select(comments.c.id, comments.c.fingerprint).where(comments.c.fingerprint.is_not(None))).all():
        keyed = hmac.new(key, bytes.fromhex(print_), hashlib.sha256).hexdigest()
        connection.execute(comments.update().where(comments.c.id == id_).values(fingerprint=keyed))

    individuals = {
        str(id_) for (id_,) in connection.execute(sa.select(comments.c.id).where(comments.c.submitter_type == "individual"))
    }
    audit = sa.table("audit_log", sa.column("id"), sa.column("record_type"), sa.column("record_id"), sa.column("changes", sa.JSON))
    rewritten = []
    rows = connection.execute(
        sa.select(audit.c.id, audit.c.record_id, audit.c.changes).where(audit.c.record_type == "comments")
    ).all()
    for id_, record_id, changes in rows:
        if isinstance(changes, str):
            changes = json.loads(changes)
        if not changes or "organisation" not in changes:
            continue
        individual = record_id in individuals or changes.get("submitter_type") == "individual"
        if not individual:
            continue
        if isinstance(changes["organisation"], list):
            changes["organisation"] = [REDACTED, REDACTED]
        else:
            del changes["organisation"]
        rewritten.append((id_, changes))
    if rewritten:
        _stand_aside_audit_triggers(connection, postgresql)
        for id_, changes in rewritten:
            connection.execute(audit.update().where(audit.c.id == id_).values(changes=changes))
        _restore_audit_triggers(connection, postgresql)


def downgrade():
    # The keyed fingerprints cannot be unkeyed, nor the organisations brought back: what was
    # removed is gone, as intended. Only the security log's table goes. Upgrading again keys
    # the fingerprints a second time: retries of comments made before would then be taken as
    # new keys (409), so go below 0015 only to rebuild a database, never to roll back a release.
    op.drop_table('security_events')

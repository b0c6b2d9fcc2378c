"""comments keep the text the public reads, personal data replaced by markers, and editors' overrides

`public_content` is NULL where nothing is hidden (most comments). The comments already stored
get theirs here, by the rules of core.redaction as they are today: otherwise a phone number
written into an opinion before this revision would still be shown.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.redaction import public_text


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('public_content', sa.Text(), nullable=True))
        batch.add_column(sa.Column('redaction_overrides', sa.JSON(), nullable=True))
    comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('content', sa.Text),
                        sa.column('public_content', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(comments.c.id, comments.c.content)).all()
    redacted = [{'key': id_, 'shown': shown} for id_, content in rows if (shown := public_text(content)) is not None]
    if redacted:
        connection.execute(
            comments.update().where(comments.c.id == sa.bindparam('key')).values(public_content=sa.bindparam('shown')),
            redacted,
        )
    # Questions too: what the public reads of them.
    with op.batch_alter_table('inquiries') as batch:
        batch.add_column(sa.Column('public_question', sa.Text(), nullable=True))
        batch.add_column(sa.Column('redaction_overrides', sa.JSON(), nullable=True))
    inquiries = sa.table('inquiries', sa.column('id', sa.Integer), sa.column('question', sa.Text),
                         sa.column('public_question', sa.Text))
    rows = connection.execute(sa.select(inquiries.c.id, inquiries.c.question)).all()
    redacted = [{'key': id_, 'shown': shown} for id_, question in rows if (shown := public_text(question)) is not None]
    if redacted:
        connection.execute(
            inquiries.update().where(inquiries.c.id == sa.bindparam('key')).values(public_question=sa.bindparam('shown')),
            redacted,
        )


def downgrade():
    with op.batch_alter_table('inquiries') as batch:
        batch.drop_column('redaction_overrides')
        batch.drop_column('public_question')
    with op.batch_alter_table('comments') as batch:
        batch.drop_column('redaction_overrides')
        batch.drop_column('public_content')

"""the search index: search_documents, with FTS5 (trigram) on SQLite and pg_trgm on PostgreSQL

- `search_documents`: one row per document the public may read (a decision, the current
  version of each of its published records), derived from the records and kept in step with
  the public record by opendata.search.indexing.
- SQLite: `search_fts`, an FTS5 table over its title and body with the trigram tokenizer (any
  three characters in a row are a token: Chinese words are found inside sentences), its
  content read from `search_documents` and kept in step by triggers.
- PostgreSQL: the pg_trgm extension and a GIN trigram index on the title and on the body,
  which serve ILIKE '%word%'.

A database upgraded here with decisions in it has an empty index until `flask --app wsgi
search reindex` derives it (the README says so); from then on it keeps in step by itself.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, content='search_documents', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_fts_update AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
# The operator class named in the schema the extension lives in: a database whose pg_trgm was
# made before, in another schema than this search_path's, has it there.
_TRGM_SCHEMA = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
)
_TRGM_INDEX = "CREATE INDEX ix_search_documents_{column}_trgm ON search_documents USING gin ({column} {schema}.gin_trgm_ops)"


def upgrade():
    op.create_table(
        'search_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('target', sa.String(length=300), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=64), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('stage', sa.String(length=30), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_search_documents_decision_id_decisions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
        sa.UniqueConstraint('target', name=op.f('uq_search_documents_target')),
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_decision_id'), ['decision_id'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = bind.exec_driver_sql(_TRGM_SCHEMA).scalar()
    for column in ("title", "body"):
        op.execute(_TRGM_INDEX.format(column=column, schema=schema))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")  # its triggers go with search_documents
    else:
        op.execute("DROP INDEX ix_search_documents_body_trgm")
        op.execute("DROP INDEX ix_search_documents_title_trgm")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_decision_id'))
    op.drop_table('search_documents')

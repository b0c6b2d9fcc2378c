"""The search index: one row per document the public may read, kept in step with the public
record (opendata.search.indexing), and on SQLite its FTS5 table (migration 0017)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

# What the migration makes beside the table, which no model describes: on SQLite the FTS5
# table (and the shadow tables FTS5 keeps), on PostgreSQL the trigram indexes. Autogenerate
# leaves them alone (migrations/env.py, tests/test_migrations.py).
UNMODELLED = (
    "search_fts",
    "search_grams",
    "ix_search_documents_title_trgm",
    "ix_search_documents_body_trgm",
    "ix_search_documents_grams",
)


def modelled(name, type_, _parent_names) -> bool:
    """Alembic's `include_name`: false for what the search index keeps outside the models."""
    return not (name or "").startswith(UNMODELLED)


class SearchDocument(db.Model):
    """A document as the public reads it: a decision, the current version of one of its
    published records, one of its published comments or public questions (with the answer).
    Derived, never edited: reindexing a decision replaces its rows and its records', reindexing
    a comment or a question its row."""

    __tablename__ = "search_documents"
    __audited__ = False  # derived from records whose every change is audited and in the record

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))  # decision, background, draft, ..., comment, question
    target: Mapped[str] = mapped_column(sa.String(300), unique=True)  # its API path
    year: Mapped[int]
    unit: Mapped[str] = mapped_column(sa.String(64))
    category: Mapped[str] = mapped_column(sa.String(30))
    stage: Mapped[str] = mapped_column(sa.String(30))  # the decision's state
    published_on: Mapped[dt.date | None]
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Every character and every two characters in a row of the title and body, lower-cased,
    # space-separated (opendata.search.indexing.grams): the index that finds words of one
    # or two characters, which no trigram holds.
    grams: Mapped[str] = mapped_column(sa.Text, default="")

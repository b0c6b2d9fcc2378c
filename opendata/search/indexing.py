"""Keeping the search index in step with the public record.

Every change the public can see appends to the public record (core.publication): a decision
catalogued or adjusted, a record published, corrected or withdrawn. So whenever a transaction
appends an entry about a decision, that decision's documents are derived again from its
records just before the commit, in the same transaction: the index never shows what did not
commit, and never misses what did. A decision's documents are itself (title and summary) and the
current version of each of its published records, withdrawn and superseded ones left out.
"""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from consultation.adoption.services import ADOPTION_REPORT
from core.extensions import db
from core.publication import PublicRecordEntry
from decisions import visibility
from decisions.models import Decision
from decisions.records import services as records
from opendata.search.models import SearchDocument

# The kinds of record searched, each with the fields its text is made of.
SEARCHED = (
    (records.BACKGROUND, ("necessity", "problem", "legal_and_policy_basis", "main_content")),
    (records.DRAFT, ("title", "text", "explanation")),
    (records.RESULT, ("title", "doc_number", "text")),
    (records.INTERPRETATION, ("title", "text")),
    (records.FOLLOW_UP, ("title", "reason")),
    (ADOPTION_REPORT, ("summary",)),
)
KINDS = ("decision", *(kind.name.replace(" ", "_").replace("-", "_") for kind, _ in SEARCHED))


def _text(record, fields) -> str:
    return "\n".join(value for value in (getattr(record, field) for field in fields) if value)


def documents_of(decisions: list[Decision]) -> list[dict]:
    """The rows of the index for `decisions` (public ones): one query per kind of record."""
    by_id = {d.id: d for d in decisions}
    rows = []

    def row(decision, kind, target, title, body, published_on):
        rows.append(
            {
                "decision_id": decision.id,
                "kind": kind,
                "target": target,
                "year": decision.catalogue_year,
                "unit": decision.lead_unit,
                "category": decision.category,
                "stage": decision.state,
                "published_on": published_on,
                "title": title[:300],
                "body": body,
            }
        )

    for decision in decisions:
        target = f"/decisions/{decision.id}"
        row(decision, "decision", target, decision.title, decision.summary or "", decision.catalogued_on)
    for (kind, fields), name in zip(SEARCHED, KINDS[1:], strict=True):
        model = kind.model
        current = db.session.scalars(
            sa.select(model).where(
                model.decision_id.in_(by_id),
                model.published_on.is_not(None),
                model.withdrawn_on.is_(None),
                model.superseded_by_id.is_(None),
            )
        )
        for record in current:
            decision = by_id[record.decision_id]
            title, text = record.entry_title(decision), _text(record, fields)
            row(decision, name, kind.target(record), title, text, record.published_on)
    return rows


def reindex(decision_ids) -> int:
    """Derive the documents of `decision_ids` again, in the session's transaction; how many."""
    ids = sorted(set(decision_ids))
    if not ids:
        return 0
    db.session.execute(sa.delete(SearchDocument).where(SearchDocument.decision_id.in_(ids)))
    public = db.session.scalars(sa.select(Decision).where(Decision.id.in_(ids), visibility.decisions_shown(None))).all()
    rows = documents_of(list(public))
    if rows:
        db.session.execute(sa.insert(SearchDocument), rows)
    return len(rows)


def reindex_all(batch: int = 500, progress=None) -> int:
    """Derive the whole index again (after an upgrade, or to check it): in batches of decisions,
    `progress(done, total)` after each."""
    db.session.execute(sa.delete(SearchDocument))
    ids = db.session.scalars(sa.select(Decision.id).order_by(Decision.id)).all()
    written = 0
    for start in range(0, len(ids), batch):
        written += reindex(ids[start : start + batch])
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return written


@event.listens_for(Session, "after_flush")
def _note_decisions(session, _flush_context):
    # After the flush the new entries are still in `session.new`: note whose record moved.
    moved = {obj.decision_id for obj in session.new if isinstance(obj, PublicRecordEntry) and obj.decision_id}
    if moved:
        session.info.setdefault("search_moved", set()).update(moved)


@event.listens_for(Session, "before_commit")
def _reindex_before_commit(session):
    moved = session.info.pop("search_moved", None)
    if moved:
        session.flush()
        moved |= session.info.pop("search_moved", set())  # what that flush appended
        reindex(moved)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("search_moved", None)

"""Keeping the search index in step with the public record.

Every change the public can see appends to the public record (core.publication): a decision
catalogued or adjusted, a record published, corrected or withdrawn. So whenever a transaction
appends an entry about a decision, that decision's documents are derived again from its
records just before the commit, in the same transaction: the index never shows what did not
commit, and never misses what did. A decision's documents are itself (title and summary) and the
current version of each of its published records, withdrawn and superseded ones left out.
"""

import re

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from consultation.adoption.services import ADOPTION_REPORT
from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from consultation.inquiries.models import Inquiry, InquiryState
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
RECORD_KINDS = ("decision", *(kind.name.replace(" ", "_").replace("-", "_") for kind, _ in SEARCHED))
# What the public says on a decision, each derived alone when it changes.
COMMENT, QUESTION = "comment", "question"
KINDS = (*RECORD_KINDS, COMMENT, QUESTION)


_RUN = re.compile(r"\w+")


def grams(text: str) -> str:
    """Each character and each pair of characters in a row of `text`'s words, once each,
    space-separated: "停车场" gives "停 车 场 停车 车场". Searching a word of one or two
    characters is then looking up one token, as a CJK bigram analyser does."""
    found = dict.fromkeys(
        gram for run in _RUN.findall(text.lower()) for gram in (*run, *(run[i : i + 2] for i in range(len(run) - 1)))
    )
    return " ".join(found)


def _text(record, fields) -> str:
    return "\n".join(value for value in (getattr(record, field) for field in fields) if value)


def _row(decision, kind, target, title, body, published_on) -> dict:
    return {
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
        "grams": grams(f"{title}\n{body}"),
    }


def documents_of(decisions: list[Decision]) -> list[dict]:
    """The rows of the index for `decisions` (public ones) and their records: one query per
    kind of record. Their comments and questions are `said_on`'s."""
    by_id = {d.id: d for d in decisions}
    rows = [_row(d, "decision", f"/decisions/{d.id}", d.title, d.summary or "", d.catalogued_on) for d in decisions]
    for (kind, fields), name in zip(SEARCHED, RECORD_KINDS[1:], strict=True):
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
            rows.append(_row(decision, name, kind.target(record), title, text, record.published_on))
    return rows


def said_on(*, decisions=None, comments=None, questions=None) -> list[dict]:
    """The rows of the index for what the public said that it may read: the published comments
    and public questions of `decisions`, or those of `comments` and `questions` (ids)."""
    rows = []
    public_comments = (
        sa.select(Comment, Decision)
        .join(Consultation, Comment.consultation_id == Consultation.id)
        .join(Decision, Consultation.decision_id == Decision.id)
    ).where(
        visibility.comments_public(Comment.moderation, Consultation.comments_public),
        visibility.consultations_public(Consultation.published_on),
        visibility.decisions_shown(None),
    )
    public_questions = (
        sa.select(Inquiry, Decision)
        .join(Decision, Inquiry.decision_id == Decision.id)
        .where(visibility.questions_shown(None, Inquiry.state, Inquiry.unit), visibility.decisions_shown(None))
    )
    if decisions is not None:
        public_comments = public_comments.where(Decision.id.in_(decisions))
        public_questions = public_questions.where(Decision.id.in_(decisions))
    else:
        public_comments = public_comments.where(Comment.id.in_(comments or ()))
        public_questions = public_questions.where(Inquiry.id.in_(questions or ()))
    for comment, decision in db.session.execute(public_comments):
        text = comment.content if comment.public_content is None else comment.public_content
        # Titled as the public record names it; a comment's day is the day it came in.
        title = f"公开意见 #{comment.id}"
        rows.append(_row(decision, COMMENT, f"/comments/{comment.id}", title, text, comment.received_on))
    for question, decision in db.session.execute(public_questions):
        text = question.question if question.public_question is None else question.public_question
        answered = question.state == InquiryState.answered
        if answered:
            text = f"{text}\n答复：{question.answer}"
        title = f"{'答复留言' if answered else '公开留言'} #{question.id}"
        rows.append(_row(decision, QUESTION, f"/inquiries/{question.id}", title, text, question.published_on))
    return rows


_SAID = (COMMENT, QUESTION)
D = SearchDocument


def _follow_their_decisions(ids) -> None:
    """The comments' and questions' facets (year, unit, category, stage) as their decisions'
    now: one UPDATE, which rewrites only the rows that differ; their text stays as it was."""
    facets = {"year": Decision.catalogue_year, "unit": Decision.lead_unit, "category": Decision.category}
    facets["stage"] = Decision.state
    db.session.execute(
        sa.update(D)
        .where(D.decision_id == Decision.id, D.decision_id.in_(ids), D.kind.in_(_SAID))
        .where(sa.or_(*(getattr(D, name) != column for name, column in facets.items())))
        .values(facets),
        execution_options={"synchronize_session": False},
    )


def reindex(decision_ids) -> int:
    """Derive the documents of `decision_ids` and their records again, in the session's
    transaction, their comments' and questions' following; how many were written."""
    ids = sorted(set(decision_ids))
    if not ids:
        return 0
    public = db.session.scalars(sa.select(Decision).where(Decision.id.in_(ids), visibility.decisions_shown(None))).all()
    hidden = set(ids) - {d.id for d in public}
    # A decision not in the index until now (new, or shown again) brings what was said on it:
    # the comments and questions of one hidden were taken out with it.
    shown = set(db.session.scalars(sa.select(D.decision_id).where(D.decision_id.in_(ids), D.kind == "decision")))
    revealed = [d.id for d in public if d.id not in shown]
    db.session.execute(
        sa.delete(D).where(
            D.decision_id.in_(ids), sa.or_(D.kind.not_in(_SAID), D.decision_id.in_(hidden.union(revealed)))
        )
    )
    rows = documents_of(list(public)) + (said_on(decisions=revealed) if revealed else [])
    if rows:
        db.session.execute(sa.insert(D), rows)
    _follow_their_decisions([d.id for d in public])
    return len(rows)


def reindex_said(*, comments=(), questions=()) -> int:
    """Derive the documents of these comments and questions (ids) again; how many were written."""
    targets = [f"/comments/{i}" for i in comments] + [f"/inquiries/{i}" for i in questions]
    if not targets:
        return 0
    db.session.execute(sa.delete(D).where(D.target.in_(targets)))
    rows = said_on(comments=comments, questions=questions)
    if rows:
        db.session.execute(sa.insert(D), rows)
    return len(rows)


def reindex_all(batch: int = 500, progress=None) -> int:
    """Derive the whole index again (after an upgrade, or to check it): in batches of decisions,
    `progress(done, total)` after each."""
    db.session.execute(sa.delete(D))
    ids = db.session.scalars(sa.select(Decision.id).order_by(Decision.id)).all()
    written = 0
    for start in range(0, len(ids), batch):
        some = ids[start : start + batch]
        public = db.session.scalars(sa.select(Decision).where(Decision.id.in_(some), visibility.decisions_shown(None)))
        rows = documents_of(list(public)) + said_on(decisions=some)
        if rows:
            db.session.execute(sa.insert(D), rows)
        written += len(rows)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return written


# What moved in a transaction, noted after each flush in `session.info` under these keys.
_MOVED = {"decisions": "search_moved", Comment: "search_comments", Inquiry: "search_questions"}
_CONSULTATIONS = "search_consultations"
# What the public reads of each, and whether it may: a change to another column (a comment's
# disposition, a question's transfer) leaves its document as it is.
_READ = {
    Comment: ("consultation_id", "content", "public_content", "moderation"),
    Inquiry: ("decision_id", "question", "public_question", "answer", "state"),
    Consultation: ("comments_public", "published_on"),
}
_PUBLIC_WHEN_NEW = {
    Comment: lambda c: c.moderation == visibility.COMMENT_PUBLISHED,
    Inquiry: lambda i: i.state in visibility.PUBLIC_QUESTION_STATES,
}


def _changed(obj, names) -> bool:
    # In after_flush the attributes' history still holds what the flush wrote.
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _note_what_moved(session, _flush_context):
    # After the flush the new entries are still in `session.new`: note whose record moved.
    moved = {obj.decision_id for obj in session.new if isinstance(obj, PublicRecordEntry) and obj.decision_id}
    if moved:
        session.info.setdefault(_MOVED["decisions"], set()).update(moved)
    # A comment or a question is noted when what the public reads of it changes, entry or not:
    # its redaction changes it without one. One submitted for moderation is not public yet.
    noted = [obj for obj in session.new if type(obj) in _PUBLIC_WHEN_NEW and _PUBLIC_WHEN_NEW[type(obj)](obj)]
    noted += [obj for obj in session.dirty if type(obj) in _READ and _changed(obj, _READ[type(obj)])]
    noted += [obj for obj in session.deleted if type(obj) in _MOVED]
    for obj in noted:
        session.info.setdefault(_MOVED.get(type(obj), _CONSULTATIONS), set()).add(obj.id)


def _take(session) -> dict:
    return {key: session.info.pop(key, set()) for key in (*_MOVED.values(), _CONSULTATIONS)}


@event.listens_for(Session, "before_commit")
def _reindex_before_commit(session):
    if not any(key in session.info for key in (*_MOVED.values(), _CONSULTATIONS)):
        return
    session.flush()
    moved = _take(session)
    if moved[_CONSULTATIONS]:
        in_them = sa.select(Comment.id).where(Comment.consultation_id.in_(moved[_CONSULTATIONS]))
        moved["search_comments"] |= set(session.scalars(in_them))
    reindex(moved["search_moved"])
    reindex_said(comments=sorted(moved["search_comments"]), questions=sorted(moved["search_questions"]))


@event.listens_for(Session, "after_rollback")
def _forget(session):
    _take(session)

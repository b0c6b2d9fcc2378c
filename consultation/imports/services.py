"""Offline comments entered from a file: every row stored, or none."""

import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consultation.comments.models import Comment
from consultation.comments.services import fingerprint, prepare
from consultation.consultations.models import Consultation
from core import calendar
from core.auth import Account, ensure_may_edit
from core.errors import (
    Invalid,
)
from core.extensions import db
from decisions.models import Decision


def import_comments(consultation: Consultation, *, by: Account, rows: list, bad_rows: dict | None = None, digest: str):
    """Enter offline comments in bulk: every row or none; each bad row reported by number.
    Returns (comments, replayed): the same file (by `digest`, its SHA-256) imported again into
    the consultation stores nothing new and returns the first import's comments, also when
    both uploads arrive at once — a double click must not double the letters in the counts.

    `rows` are (row number, values) that passed the schema; `bad_rows` those that did not."""
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    # Each row is stored under the key `file:DIGEST#ROW`, unique per consultation.
    prefix = f"file:{digest}#"
    imported = _imported(consultation.id, prefix)
    if imported:
        return imported, True
    today = calendar.today()
    errors, comments = dict(bad_rows or {}), []
    for number, values in rows:
        try:
            values = prepare(consultation, decision, by, dict(values), today)
        except Invalid as error:
            errors[f"row {number}"] = error.extra["errors"]["json"]
            continue
        comments.append(
            Comment(
                consultation_id=consultation.id,
                receipt=secrets.token_urlsafe(18),
                idempotency_key=f"{prefix}{number}",
                fingerprint=fingerprint(values),
                **values,
            )
        )
    if errors:
        raise _rows_invalid(dict(sorted(errors.items(), key=lambda item: int(item[0].split()[1]))))
    db.session.add_all(comments)
    try:
        db.session.commit()
    except IntegrityError:
        # The same file, uploaded at the same moment, was stored first by the other request.
        db.session.rollback()
        return _imported(consultation.id, prefix), True
    return comments, False


def _imported(consultation_id: int, prefix: str) -> list:
    return db.session.scalars(
        sa.select(Comment)
        .where(Comment.consultation_id == consultation_id, Comment.idempotency_key.startswith(prefix, autoescape=True))
        .order_by(Comment.id)
    ).all()


def _rows_invalid(errors: dict) -> Invalid:
    error = Invalid("file", "Nothing was imported.")
    error.detail = f"Nothing was imported: {len(errors)} rows are not valid; correct them and send the file again."
    error.extra = {"errors": {"files": {"file": errors}}}
    return error

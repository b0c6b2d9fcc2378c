"""Comments from every channel: take them (idempotently), list, moderate and redact them."""

import datetime as dt
import hashlib
import secrets
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consultation import facts
from consultation.comments.models import OFFLINE_CHANNELS, Channel, Comment, ModerationState, SeenByStaff
from consultation.consultations.models import Consultation
from consultation.consultations.services import get_consultation, is_staff_of, status_of
from consultation.notices.services import address_in
from core import audit, calendar, redaction
from core.auth import Account, Role, ensure_may_edit, entering_for, owner_of, staff_of
from core.errors import (
    ConsultationNotOpen,
    DecisionWithdrawn,
    IdempotencyKeyReused,
    Invalid,
    NotFound,
)
from core.extensions import db, lean_write, now_writing, utcnow
from core.pagination import Listing
from core.privacy import keyed_hash
from decisions import visibility
from decisions.models import Decision, DecisionState

# --- Comments --------------------------------------------------------------------------------


@owner_of("comment_id")
def _comment_lead_unit(comment_id: int, viewer: Account) -> str:
    consultation = db.session.get(Consultation, get_comment(comment_id, viewer=viewer).consultation_id)
    return db.session.get(Decision, consultation.decision_id).lead_unit


def fingerprint(values: dict) -> str:
    """What identifies a submission, to tell a true repeat from a reused key: a keyed HMAC
    (core.privacy) of the SHA-256 of its fields, so that content, channel and day, which are
    public, do not let anyone test guesses of the name or phone offline. (Of the SHA-256, so
    that migration 0014 could key the fingerprints stored before.)"""
    keys = ("content", "submitter_type", "name", "contact", "organisation", "channel", "received_on")
    text = "\x1f".join(str(values.get(k) or "") for k in keys)
    if values.get("notify_outcome"):  # appended only when asked: fingerprints stored before still match
        text += "\x1fnotify_outcome"
    return keyed_hash(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())


class Submitted(NamedTuple):
    """What a submission answers: the comment's id and receipt, where and how it came in."""

    id: int
    receipt: str
    consultation_id: int
    channel: str
    received_on: dt.date


class _Decision(NamedTuple):
    id: int
    state: str
    lead_unit: str


_consultations, _decisions, _comments = Consultation.__table__, Decision.__table__, Comment.__table__

# A comment is the one write the public makes in numbers, so its path is lean (bench/README.md):
# everything a submission needs comes in this one statement, built once — the consultation, its
# decision, and the comments already stored under the Idempotency-Key, if any. They are found by
# the key alone, which only the unique index led by the key can serve: given the consultation
# too, PostgreSQL may pick the index of a consultation's comments, and a plan cached while the
# table was small then reads all of them on every submission (migration 0007). A client may use
# one key in several consultations: `_submission` keeps the comment of this one.
_SUBMISSION = (
    sa.select(
        _consultations.c.id,
        _consultations.c.opens_on,
        _consultations.c.closes_on,
        _consultations.c.published_on,
        _decisions.c.id.label("decision_id"),
        _decisions.c.state,
        _decisions.c.lead_unit,
        _decisions.c.catalogued_on,
        _comments.c.id.label("stored_id"),
        _comments.c.consultation_id.label("stored_in"),
        _comments.c.receipt,
        _comments.c.channel,
        _comments.c.received_on,
        _comments.c.fingerprint,
    )
    .select_from(_consultations)
    .join(_decisions, _decisions.c.id == _consultations.c.decision_id)
    .outerjoin(_comments, _comments.c.idempotency_key == sa.bindparam("key"))
    .where(_consultations.c.id == sa.bindparam("consultation_id"))
)
# On PostgreSQL the read also draws the new comment's id, so that the comment and its audit
# entry go in one statement (core.audit.insert_logged); a repeat or a refusal leaves a gap in
# the ids, as a rolled-back insert does.
_SUBMISSION_DRAWING_ID = _SUBMISSION.add_columns(
    sa.func.nextval(sa.func.pg_get_serial_sequence(_comments.name, "id")).label("new_id")
)
# Every column a submission may set, so that the INSERT has one shape and is compiled once.
_SUBMITTED_FIELDS = (
    "consultation_id", "content", "submitter_type", "name", "contact", "organisation", "channel",
    "received_on", "submitted_at", "receipt", "idempotency_key", "fingerprint", "entered_by", "moderation",
    "public_content", "notify_outcome",
)  # fmt: skip
_INSERT_COMMENT = sa.insert(_comments)
_INSERT_LOGGED_COMMENT = audit.insert_logged(_comments, ("id", *_SUBMITTED_FIELDS))


def _submission(connection: sa.Connection, consultation_id: int, idempotency_key: str | None):
    """(the consultation and its decision, the comment stored under the key in it or None);
    (None, None) if there is no such consultation."""
    statement = _SUBMISSION if connection.dialect.name == "sqlite" else _SUBMISSION_DRAWING_ID
    rows = connection.execute(statement, {"consultation_id": consultation_id, "key": idempotency_key}).all()
    stored = next((row for row in rows if row.stored_in == consultation_id), None)
    return (rows[0] if rows else None), stored


def _store(connection: sa.Connection, fields: dict, new_id: int | None) -> int:
    """Insert the comment and its audit entry; returns the comment's id."""
    if connection.dialect.name == "sqlite":
        comment_id = connection.execute(_INSERT_COMMENT, fields).inserted_primary_key[0]
        audit.record_created(connection, Comment, comment_id, fields)
        return comment_id
    connection.execute(_INSERT_LOGGED_COMMENT, audit.logged_values(Comment, new_id, fields))
    return new_id


def _stored(row, print_: str) -> Submitted:
    """The comment stored under the key (a `_submission` row): a repeat of it, or a reused key."""
    if row.fingerprint != print_:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different comment: use a new key for a new comment."
        )
    return Submitted(row.stored_id, row.receipt, row.id, row.channel, row.received_on)


def prepare(consultation, decision, by: Account | None, values: dict, today: dt.date) -> dict:
    """Check who may submit what, when; fill in channel and day, and the text the public reads."""
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it takes no more comments.")
    values["notify_outcome"] = bool(values.get("notify_outcome"))
    if values["notify_outcome"] and address_in(values.get("contact")) is None:
        raise Invalid(
            "notify_outcome",
            "To be told what became of the comment, leave an e-mail address or a phone number in `contact`.",
        )
    # Once, at the write: every public read then shows it as stored.
    values["public_content"] = redaction.public_text(values["content"])
    staff = entering_for(by, decision.lead_unit, "comments")
    if staff:
        # Offline comments are entered after the fact, with their real day and channel.
        if not values.get("channel"):
            raise Invalid("channel", "Staff enter a comment with the channel it came by.")
        received = values.get("received_on") or today
        if not consultation.opens_on <= received <= consultation.closes_on or received > today:
            raise Invalid(
                "received_on",
                f"A comment is received within the window {consultation.opens_on} to {consultation.closes_on}, "
                "and not in the future.",
            )
        if consultation.published_on is None:
            raise ConsultationNotOpen(f"Consultation {consultation.id} is not published.")
        values["received_on"] = received
        values["entered_by"] = by.id
        return values
    if values.get("received_on") is not None:
        raise Invalid("received_on", "Only staff entering an offline comment give the day it was received.")
    status = status_of(consultation, today)
    if status != "open":
        raise ConsultationNotOpen(
            f"Consultation {consultation.id} is {status}: it takes comments from {consultation.opens_on} to "
            f"{consultation.closes_on} inclusive (Asia/Shanghai)."
        )
    values["channel"] = public_channel(by, values.get("channel"))
    values["received_on"] = today
    return values


def public_channel(by: Account | None, channel: str | None) -> str:
    """The channel of what the public (or a partner app) sends: a partner's own channel always,
    else the one given or the portal; letters, meetings and 12345 come only through staff."""
    if by is not None and by.role == Role.partner and by.channel:
        channel = by.channel
    channel = channel or Channel.portal
    if channel in OFFLINE_CHANNELS:
        raise Invalid("channel", "Letters, meetings and the 12345 hotline are entered by staff.")
    return channel


def submit_comment(
    consultation_id: int, *, by: Account | None, idempotency_key: str | None = None, **values
) -> tuple[Submitted, bool]:
    """Take one comment; returns (what was stored, replayed). A repeat under the same
    Idempotency-Key returns the first comment and stores nothing new, also when both arrive at
    once. The comment and its audit entry are written in one transaction."""
    # Read before the writes: a comment stored meanwhile under the same key meets the unique
    # index at the INSERT, and is answered as a replay (below).
    try:
        with lean_write() as connection:
            row, stored = _submission(connection, consultation_id, idempotency_key)
            if row is None or not visibility.consultation_shown(
                by, published_on=row.published_on, catalogued_on=row.catalogued_on, lead_unit=row.lead_unit
            ):
                raise NotFound(f"No consultation {consultation_id} is published.")
            # A repeat is known by what was sent, before today's rules fill anything in: a retry
            # after midnight, or after the close, of a comment the first attempt stored returns it.
            print_ = fingerprint(values)
            if stored is not None:
                return _stored(stored, print_), True
            decision = _Decision(row.decision_id, row.state, row.lead_unit)
            values = prepare(row, decision, by, values, calendar.today())
            fields = dict.fromkeys(_SUBMITTED_FIELDS)
            fields.update(
                values,
                consultation_id=consultation_id,
                receipt=secrets.token_urlsafe(18),
                idempotency_key=idempotency_key,
                fingerprint=print_,
                submitted_at=utcnow(),
                moderation=ModerationState.pending,
            )
            now_writing(connection)
            comment_id = _store(connection, fields, getattr(row, "new_id", None))
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same key arrived at the same moment on another worker, which stored it first.
        with lean_write() as connection:
            _, stored = _submission(connection, consultation_id, idempotency_key)
        if stored is None:
            raise  # another constraint than the key's: not a repeat
        return _stored(stored, print_), True
    return Submitted(comment_id, fields["receipt"], consultation_id, fields["channel"], fields["received_on"]), False


def _comments_shown(consultation: Consultation, viewer: Account | None):
    """The condition on the consultation's comments that `viewer` may read (visibility), and
    whether `viewer` reads them whole, as its lead unit's staff."""
    lead_unit = db.session.get(Decision, consultation.decision_id).lead_unit
    condition = visibility.comments_shown(
        viewer, Comment.moderation, comments_public=consultation.comments_public, lead_unit=lead_unit
    )
    return condition, staff_of(viewer, lead_unit)


def list_comments(consultation: Consultation, *, viewer: Account | None, **filters) -> Listing:
    """The consultation's comments the viewer may read, by id; staff read each whole (SeenByStaff)."""
    condition, staff = _comments_shown(consultation, viewer)
    conditions = [Comment.consultation_id == consultation.id, condition]
    for key, value in filters.items():
        if value is not None:
            conditions.append(getattr(Comment, key) == value)
    return Listing(
        sa.select(Comment).where(*conditions).order_by(Comment.id),
        shape=SeenByStaff if staff else None,
    )


def read_comment(comment_id: int, *, viewer: Account | None) -> Comment | SeenByStaff:
    """One comment as the viewer may read it: whole (SeenByStaff) for the lead unit's staff."""
    comment = get_comment(comment_id, viewer=viewer)
    consultation = get_consultation(comment.consultation_id, viewer=viewer)
    return SeenByStaff(comment) if is_staff_of(viewer, consultation) else comment


def get_comment(comment_id: int, *, viewer: Account | None) -> Comment:
    """One comment, as the viewer may see it (NotFound otherwise)."""
    comment = db.session.get(Comment, comment_id)
    if comment is not None:
        consultation = db.session.get(Consultation, comment.consultation_id)
        condition, _ = _comments_shown(consultation, viewer)
        if db.session.scalar(sa.select(Comment.id).where(Comment.id == comment_id, condition)) is not None:
            return comment
    raise NotFound(f"No comment {comment_id} is published.")


def by_receipt(receipt: str) -> Comment:
    """The comment a receipt was given for (NotFound otherwise)."""
    comment = db.session.scalar(sa.select(Comment).where(Comment.receipt == receipt))
    if comment is None:
        raise NotFound("No comment has that receipt.")
    return comment


def editable(comment: Comment, by: Account) -> Consultation:
    """The comment's consultation, once `by` is known to be allowed to change the comment."""
    consultation = db.session.get(Consultation, comment.consultation_id)
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    return consultation


def moderate(comment: Comment, *, by: Account, action: str, reason: str | None = None) -> Comment:
    """Publish a comment for all to read, or reject it with a reason."""
    consultation = editable(comment, by)
    if action == "reject" and not reason:
        raise Invalid("reason", "A rejected comment needs a reason on record.")
    was_shown = facts.shown_publicly(comment, consultation)
    comment.moderation = ModerationState.published if action == "publish" else ModerationState.rejected
    comment.moderation_reason = reason
    facts.record_moderation(comment, consultation, was_shown)
    db.session.commit()
    return comment


def override_redaction(comment: Comment, *, by: Account, action: str, text: str, reason: str) -> Comment:
    """Restore a part of a comment that was hidden from the public by mistake, or hide more of
    it; the override is kept with who, when and why."""
    editable(comment, by)
    comment.redaction_overrides = redaction.overridden(
        comment.content, comment.redaction_overrides, action=action, text=text, reason=reason, by=by.id, at=utcnow()
    )
    comment.public_content = redaction.public_text(comment.content, comment.redaction_overrides)
    db.session.commit()
    return comment

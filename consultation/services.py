"""Use cases of public participation: consult on a draft, take comments from every channel,
moderate and dispose of them, group them into clusters, close consultations when due.
The rules of public participation live here, each raising a named exception."""

import datetime as dt
import hashlib
import secrets
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consultation import facts
from consultation.models import (
    HEARING_MATERIALS_DAYS,
    MIN_WINDOW_DAYS,
    OFFLINE_CHANNELS,
    Audience,
    Channel,
    Cluster,
    Comment,
    Consultation,
    Disposition,
    Method,
    ModerationState,
    SeenByStaff,
    SubmitterType,
)
from core import audit, calendar, preconditions, publication, redaction, tick
from core.auth import Account, Role, ensure_may_edit, is_staff, owner_of
from core.errors import (
    ConsultationNotOpen,
    DecisionWithdrawn,
    DraftNotPublished,
    EnterpriseOpinionsMissing,
    Forbidden,
    HearingRuleBroken,
    IdempotencyKeyReused,
    Invalid,
    NotFound,
    ReasonMissing,
    WindowTooShort,
)
from core.extensions import db, lean_write, now_writing, read_connection, utcnow
from core.pagination import Listing
from core.privacy import keyed_hash
from core.publication import EntryType, Fact
from decisions import procedure
from decisions.models import Decision, DecisionState
from decisions.records.models import Draft

# --- Consultations ---------------------------------------------------------------------------


def status_of(consultation: Consultation, today: dt.date | None = None) -> str:
    """draft, scheduled, open or closed: from the dates alone, whatever `tick` has done."""
    if consultation.published_on is None:
        return "draft"
    today = today or calendar.today()
    if today < consultation.opens_on:
        return "scheduled"
    return "open" if today <= consultation.closes_on else "closed"


def window_days(consultation) -> int:
    return (consultation.closes_on - consultation.opens_on).days + 1


def _visible(viewer: Account | None, decision: Decision):
    if viewer is not None and viewer.may_edit_unit(decision.lead_unit):
        return sa.true()
    return Consultation.published_on.is_not(None)


def _shown(viewer: Account | None, published_on, catalogued_on, lead_unit) -> bool:
    """The public sees a published consultation of a catalogued decision; its unit's staff see
    it before that too."""
    if published_on is not None and catalogued_on is not None:
        return True
    return viewer is not None and viewer.may_edit_unit(lead_unit)


@owner_of("consultation_id")
def _consultation_lead_unit(consultation_id: int, viewer: Account) -> str:
    consultation = get_consultation(consultation_id, viewer=viewer)
    return db.session.get(Decision, consultation.decision_id).lead_unit


@owner_of("comment_id")
def _comment_lead_unit(comment_id: int, viewer: Account) -> str:
    consultation = db.session.get(Consultation, get_comment(comment_id, viewer=viewer).consultation_id)
    return db.session.get(Decision, consultation.decision_id).lead_unit


def get_consultation(consultation_id: int, *, viewer: Account | None) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is not None:
        decision = db.session.get(Decision, consultation.decision_id)
        if _shown(viewer, consultation.published_on, decision.catalogued_on, decision.lead_unit):
            return consultation
    raise NotFound(f"No consultation {consultation_id} is published.")


def list_consultations(decision: Decision, *, viewer: Account | None):
    return db.session.scalars(
        sa.select(Consultation)
        .where(Consultation.decision_id == decision.id, _visible(viewer, decision))
        .order_by(Consultation.opens_on, Consultation.id)
    ).all()


def list_consultation_views(decision: Decision, *, viewer: Account | None) -> list[SimpleNamespace]:
    """The decision's consultations the viewer may see, each with its status, window and counts."""
    return [consultation_view(c) for c in list_consultations(decision, viewer=viewer)]


def _check_consultation(decision: Decision, values: dict) -> None:
    # A symposium or hearing may be one day; an online consultation runs for a window.
    one_day_allowed = values["method"] != Method.online
    if values["closes_on"] < values["opens_on"] or (values["closes_on"] == values["opens_on"] and not one_day_allowed):
        raise Invalid(
            "closes_on", "A consultation closes after the day it opens (a symposium or hearing may be one day)."
        )
    days = (values["closes_on"] - values["opens_on"]).days + 1
    if values["method"] == Method.online and days < MIN_WINDOW_DAYS and not values.get("shortened_reason"):
        raise WindowTooShort(
            f"The window from {values['opens_on']} to {values['closes_on']} is {days} calendar days; an online "
            f"consultation lasts at least {MIN_WINDOW_DAYS} unless a `shortened_reason` is given and published "
            "with it (Art. 15)."
        )
    draft = db.session.scalar(
        sa.select(Draft).where(Draft.decision_id == decision.id, Draft.version == values["draft_version"])
    )
    if draft is None:
        raise Invalid("draft_version", f"Decision {decision.id} has no draft version {values['draft_version']}.")
    _ensure_draft_published(draft)
    values["draft_id"] = draft.id


def _ensure_draft_published(draft: Draft) -> None:
    if draft.published_on is None or draft.withdrawn_on is not None:
        raise DraftNotPublished(
            f"Draft version {draft.version} is not published"
            + (f" (it was withdrawn on {draft.withdrawn_on})" if draft.withdrawn_on else "")
            + ": the public is consulted on a draft it can read."
        )


def create_consultation(decision: Decision, *, by: Account, **values) -> Consultation:
    """Prepare a consultation on a published draft, unpublished."""
    _ensure_may_write(decision, by)
    _check_consultation(decision, values)
    consultation = Consultation(decision_id=decision.id, **values)
    db.session.add(consultation)
    db.session.commit()
    return consultation


def update_consultation(consultation: Consultation, *, by: Account, **changes) -> Consultation:
    """Change a consultation before it is published."""
    decision = db.session.get(Decision, consultation.decision_id)
    _ensure_may_write(decision, by)
    publication.ensure_unpublished(consultation, "consultation")
    values = {
        k: getattr(consultation, k)
        for k in ("draft_version", "method", "audience", "channels", "opens_on", "closes_on", "shortened_reason")
    } | changes
    _check_consultation(decision, values)
    for key, value in values.items():
        setattr(consultation, key, value)
    db.session.commit()
    return consultation


def publish_consultation(consultation: Consultation, *, by: Account, published_on=None) -> Consultation:
    """Announce the consultation: it opens to comments on `opens_on`, on the decision's timeline."""
    decision = db.session.get(Decision, consultation.decision_id)
    _ensure_may_write(decision, by)
    if decision.catalogued_on is None:
        from core.errors import DecisionNotCatalogued

        raise DecisionNotCatalogued(f"Decision {decision.id} is not in the published catalogue yet.")
    # The draft may have been withdrawn since the consultation was prepared.
    _ensure_draft_published(db.session.get(Draft, consultation.draft_id))
    day = publication.publication_day(published_on)
    if day > consultation.closes_on:
        raise Invalid("published_on", "A consultation is published before its window ends.")
    method = {
        "online": "网上征求意见",
        "symposium": "座谈会",
        "hearing": "听证会",
        "written": "书面征求意见",
        "questionnaire": "问卷调查",
        "field_visit": "实地走访",
    }[consultation.method]
    publication.publish(
        consultation,
        Fact(
            decision.id,
            EntryType.consultation_opened,
            f"{method}：{decision.title}（{consultation.opens_on}至{consultation.closes_on}）",
            f"/consultations/{consultation.id}",
            occurred_on=consultation.opens_on,
        ),
        published_on=day,
    )
    procedure.refresh_state(decision)
    db.session.commit()
    return consultation


def _closing_due(today: dt.date) -> bool:
    return (
        read_connection().scalar(
            sa.select(Consultation.id)
            .where(
                Consultation.closed_seq.is_(None),
                Consultation.closes_on < today,
                Consultation.published_on.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


@tick.task("consultations closed", due=_closing_due)
def close_due(today: dt.date) -> int:
    """Record `consultation_closed` for every consultation whose window has ended; once each."""
    query = (
        sa.select(Consultation)
        .where(
            Consultation.published_on.is_not(None),
            Consultation.closed_seq.is_(None),
            Consultation.closes_on < today,
        )
        .order_by(Consultation.closes_on, Consultation.id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Concurrent ticks each take the rows no other holds; none closes one twice.
        query = query.with_for_update(skip_locked=True)
    closed = 0
    for consultation in db.session.scalars(query).all():
        decision = db.session.get(Decision, consultation.decision_id)
        entry = publication.record_fact(
            Fact(
                decision.id,
                EntryType.consultation_closed,
                f"意见征集结束：{decision.title}",
                f"/consultations/{consultation.id}",
                occurred_on=consultation.closes_on,
            ),
            on=today,
        )
        consultation.closed_seq = entry.seq
        procedure.refresh_state(decision)
        closed += 1
    db.session.commit()
    return closed


@tick.task("decisions moved into consultation")
def open_due(today: dt.date) -> int:
    """A consultation announced in advance opens on its day: its decision's state follows."""
    decisions = db.session.scalars(
        sa.select(Decision).where(
            Decision.state != DecisionState.consulting,
            Decision.id.in_(
                sa.select(Consultation.decision_id).where(
                    Consultation.published_on.is_not(None),
                    Consultation.opens_on <= today,
                    Consultation.closes_on >= today,
                )
            ),
        )
    ).all()
    moved = 0
    for decision in decisions:
        before = decision.state
        procedure.refresh_state(decision)
        moved += decision.state != before
    db.session.commit()
    return moved


@preconditions.stage_provider
def _consulting(decision) -> str | None:
    today = calendar.today()
    open_now = db.session.scalar(
        sa.select(Consultation.id)
        .where(
            Consultation.decision_id == decision.id,
            Consultation.published_on.is_not(None),
            Consultation.opens_on <= today,
            Consultation.closes_on >= today,
        )
        .limit(1)
    )
    return DecisionState.consulting if open_now is not None else None


def record_hearing(consultation: Consultation, *, by: Account, **values) -> Consultation:
    """Record a hearing's procedure: participants published before it, materials sent at least
    7 days before it, and its record signed by the participants [Arts. 16–17]."""
    decision = db.session.get(Decision, consultation.decision_id)
    _ensure_may_write(decision, by)
    if consultation.method != Method.hearing:
        raise Invalid("method", "Only a hearing records a hearing's procedure.")
    held = values["hearing_on"]
    problems = []
    if values.get("participants_published_on") is None or values["participants_published_on"] >= held:
        problems.append("its participant list is published before the hearing")
    if values.get("materials_sent_on") is None or (held - values["materials_sent_on"]).days < HEARING_MATERIALS_DAYS:
        problems.append(f"materials reach the participants at least {HEARING_MATERIALS_DAYS} days before it")
    if values.get("record_signed_on") is not None and values["record_signed_on"] < held:
        problems.append("its record is signed on or after the hearing")
    if problems:
        raise HearingRuleBroken("A hearing needs: " + "; ".join(problems) + ".")
    for key, value in values.items():
        setattr(consultation, key, value)
    db.session.commit()
    return consultation


# --- Comments --------------------------------------------------------------------------------


def _ensure_may_write(decision: Decision, by: Account | None) -> None:
    ensure_may_edit(by, decision.lead_unit)
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it takes no new records.")


def fingerprint(values: dict) -> str:
    """What identifies a submission, to tell a true repeat from a reused key: a keyed HMAC
    (core.privacy) of the SHA-256 of its fields, so that content, channel and day, which are
    public, do not let anyone test guesses of the name or phone offline. (Of the SHA-256, so
    that migration 0014 could key the fingerprints stored before.)"""
    keys = ("content", "submitter_type", "name", "contact", "organisation", "channel", "received_on")
    text = "\x1f".join(str(values.get(k) or "") for k in keys)
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
    "public_content",
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


def _prepare(consultation, decision, by: Account | None, values: dict, today: dt.date) -> dict:
    """Check who may submit what, when; fill in channel and day, and the text the public reads."""
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it takes no more comments.")
    # Once, at the write: every public read then shows it as stored.
    values["public_content"] = redaction.public_text(values["content"])
    staff = by is not None and by.may_edit_unit(decision.lead_unit)
    if by is not None and by.role == Role.editor and not staff:
        raise Forbidden(f"Your account may enter comments only for unit {by.unit!r}.")
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
            if row is None or not _shown(by, row.published_on, row.catalogued_on, row.lead_unit):
                raise NotFound(f"No consultation {consultation_id} is published.")
            # A repeat is known by what was sent, before today's rules fill anything in: a retry
            # after midnight, or after the close, of a comment the first attempt stored returns it.
            print_ = fingerprint(values)
            if stored is not None:
                return _stored(stored, print_), True
            decision = _Decision(row.decision_id, row.state, row.lead_unit)
            values = _prepare(row, decision, by, values, calendar.today())
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
            values = _prepare(consultation, decision, by, dict(values), today)
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


def comments_visible(consultation: Consultation, viewer: Account | None):
    """Staff of the lead unit see every comment; the public only published ones of a
    consultation whose comments are public."""
    decision = db.session.get(Decision, consultation.decision_id)
    if viewer is not None and viewer.may_edit_unit(decision.lead_unit):
        return sa.true(), True
    if not consultation.comments_public:
        return sa.false(), False
    return Comment.moderation == ModerationState.published, False


def list_comments(consultation: Consultation, *, viewer: Account | None, **filters) -> Listing:
    """The consultation's comments the viewer may read, by id; staff read each whole (SeenByStaff)."""
    condition, staff = comments_visible(consultation, viewer)
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
    comment = db.session.get(Comment, comment_id)
    if comment is not None:
        consultation = db.session.get(Consultation, comment.consultation_id)
        condition, _ = comments_visible(consultation, viewer)
        if db.session.scalar(sa.select(Comment.id).where(Comment.id == comment_id, condition)) is not None:
            return comment
    raise NotFound(f"No comment {comment_id} is published.")


def by_receipt(receipt: str) -> Comment:
    comment = db.session.scalar(sa.select(Comment).where(Comment.receipt == receipt))
    if comment is None:
        raise NotFound("No comment has that receipt.")
    return comment


def _editable(comment: Comment, by: Account) -> Consultation:
    consultation = db.session.get(Consultation, comment.consultation_id)
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    return consultation


def moderate(comment: Comment, *, by: Account, action: str, reason: str | None = None) -> Comment:
    """Publish a comment for all to read, or reject it with a reason."""
    consultation = _editable(comment, by)
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
    _editable(comment, by)
    comment.redaction_overrides = redaction.overridden(
        comment.content, comment.redaction_overrides, action=action, text=text, reason=reason, by=by.id, at=utcnow()
    )
    comment.public_content = redaction.public_text(comment.content, comment.redaction_overrides)
    db.session.commit()
    return comment


def _check_disposition(disposition: str, reason_code, reason) -> None:
    if disposition != Disposition.adopted and not (reason_code and reason):
        raise ReasonMissing(
            f"An opinion {disposition.replace('_', ' ')} needs a reason code and a reason in words on record: "
            "every opinion not adopted carries its reason."
        )


def _decided_on(comment: Comment, disposed_on: dt.date | None) -> dt.date:
    """The real day of a disposition: given (entered after the fact) or today."""
    today = calendar.today()
    day = disposed_on or today
    if day > today or day < comment.received_on:
        raise Invalid("disposed_on", "A disposition is decided after the comment came in, and not in the future.")
    return day


def dispose(
    comment: Comment, *, by: Account, disposition: str, reason_code=None, reason=None, cluster_id=None, disposed_on=None
):
    """Record what became of an opinion, and why."""
    consultation = _editable(comment, by)
    _check_disposition(disposition, reason_code, reason)
    if cluster_id is not None:
        cluster = db.session.get(Cluster, cluster_id)
        if cluster is None or cluster.consultation_id != consultation.id:
            raise Invalid("cluster_id", f"Consultation {consultation.id} has no cluster {cluster_id}.")
        if cluster.disposition != disposition:
            # One concentrated opinion, one outcome: its comments share the cluster's.
            raise Invalid(
                "disposition", f"Cluster {cluster.id} was {cluster.disposition}; its comments share that disposition."
            )
    before = (comment.disposition, comment.reason_code, comment.reason)
    comment.disposition, comment.reason_code, comment.reason = disposition, reason_code, reason
    comment.cluster_id = cluster_id
    comment.disposed_on = _decided_on(comment, disposed_on)
    if (comment.disposition, comment.reason_code, comment.reason) != before:
        facts.record_disposition(comment, consultation, before[0])
    db.session.commit()
    return comment


def create_cluster(
    consultation: Consultation,
    *,
    by: Account,
    summary,
    comment_ids,
    disposition,
    reason_code=None,
    reason=None,
    disposed_on=None,
):
    """Group comments as one concentrated opinion with one disposition and reason.

    Its reason may follow later (PATCH): the adoption report is not published while a
    concentrated opinion not adopted lacks one."""
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.id.in_(comment_ids), Comment.consultation_id == consultation.id)
    ).all()
    missing = sorted(set(comment_ids) - {c.id for c in comments})
    if missing:
        raise Invalid("comment_ids", f"Consultation {consultation.id} has no comment {', '.join(map(str, missing))}.")
    cluster = Cluster(
        consultation_id=consultation.id,
        summary=summary,
        disposition=disposition,
        reason_code=reason_code,
        reason=reason,
    )
    db.session.add(cluster)
    db.session.flush()
    facts.record_cluster(cluster, consultation, created=True)
    _apply_cluster(cluster, comments, consultation, disposed_on)
    count = sum(c.moderation != ModerationState.rejected for c in comments)
    db.session.commit()
    cluster.comment_count = count  # not a column: commit leaves it be
    return cluster


def update_cluster(cluster: Cluster, *, by: Account, disposed_on=None, **changes) -> Cluster:
    """Change a concentrated opinion's summary, disposition or reason; its comments follow."""
    consultation = db.session.get(Consultation, cluster.consultation_id)
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    before = {key: getattr(cluster, key) for key in changes}
    for key, value in changes.items():
        setattr(cluster, key, value)
    if before != changes:
        facts.record_cluster(cluster, consultation, created=False)
    comments = db.session.scalars(sa.select(Comment).where(Comment.cluster_id == cluster.id)).all()
    _apply_cluster(cluster, comments, consultation, disposed_on)
    count = sum(c.moderation != ModerationState.rejected for c in comments)
    db.session.commit()
    cluster.comment_count = count
    return cluster


def _apply_cluster(cluster: Cluster, comments, consultation: Consultation, disposed_on=None) -> None:
    """The cluster's disposition and reason become each of its comments', once it has them:
    a comment is never told "not adopted" without the reason why."""
    settled = cluster.disposition == Disposition.adopted or bool(cluster.reason and cluster.reason_code)
    for comment in comments:
        comment.cluster_id = cluster.id
        before = (comment.disposition, comment.reason_code, comment.reason)
        if settled:
            comment.disposition, comment.reason_code, comment.reason = (
                cluster.disposition,
                cluster.reason_code,
                cluster.reason,
            )
            comment.disposed_on = _decided_on(comment, disposed_on)
        else:
            comment.disposition = comment.reason_code = comment.reason = comment.disposed_on = None
        if (comment.disposition, comment.reason_code, comment.reason) != before:
            facts.record_disposition(comment, consultation, before[0])


def get_cluster(consultation: Consultation, cluster_id: int) -> Cluster:
    for cluster in list_clusters(consultation):
        if cluster.id == cluster_id:
            return cluster
    raise NotFound(f"Consultation {consultation.id} has no cluster {cluster_id}.")


def list_clusters(consultation: Consultation):
    """The consultation's clusters, each with its `comment_count` (rejected ones excluded): one query."""
    counted = (
        sa.select(Comment.cluster_id, sa.func.count().label("n"))
        .where(
            Comment.consultation_id == consultation.id,
            Comment.cluster_id.is_not(None),
            Comment.moderation != ModerationState.rejected,
        )
        .group_by(Comment.cluster_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Cluster, sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.cluster_id == Cluster.id)
        .where(Cluster.consultation_id == consultation.id)
        .order_by(Cluster.id)
    ).all()
    for cluster, n in rows:
        cluster.comment_count = n
    return [cluster for cluster, _ in rows]


def counts(consultation_ids) -> dict:
    """Comments received, by channel, by submitter type and by disposition: one GROUP BY."""
    rows = db.session.execute(
        sa.select(Comment.channel, Comment.submitter_type, Comment.disposition, sa.func.count())
        .where(Comment.consultation_id.in_(consultation_ids), Comment.moderation != ModerationState.rejected)
        .group_by(Comment.channel, Comment.submitter_type, Comment.disposition)
    ).all()
    result = {"received": 0, "by_channel": {}, "by_submitter_type": {}, "by_disposition": {}}
    for channel, submitter_type, disposition, n in rows:
        result["received"] += n
        result["by_channel"][channel] = result["by_channel"].get(channel, 0) + n
        result["by_submitter_type"][submitter_type] = result["by_submitter_type"].get(submitter_type, 0) + n
        key = disposition or "undisposed"
        result["by_disposition"][key] = result["by_disposition"].get(key, 0) + n
    return result


# --- The seam: what the procedure asks of public participation --------------------------------


@preconditions.agenda_check(EnterpriseOpinionsMissing.slug)
def enterprises_heard(decision, held_on: dt.date) -> list[str]:
    """An enterprise-related decision goes on the agenda only after enterprises AND industry
    associations were heard, and their opinions have dispositions [district]."""
    if not decision.enterprise_related:
        return []
    heard_by = (
        sa.select(Comment.consultation_id)
        .where(Comment.moderation != ModerationState.rejected)
        .group_by(Comment.consultation_id)
        .having(
            sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.enterprise, 1), else_=0)) > 0,
            sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.industry_association, 1), else_=0)) > 0,
        )
    )
    candidates = db.session.scalars(
        sa.select(Consultation).where(
            Consultation.decision_id == decision.id,
            Consultation.published_on.is_not(None),
            Consultation.closes_on < held_on,
            Consultation.id.in_(heard_by),
        )
    ).all()
    heard = [
        c
        for c in candidates
        if c.method in (Method.symposium, Method.hearing)
        or {Audience.enterprises, Audience.industry_associations} <= set(c.audience)
    ]
    missing = []
    if not heard:
        missing.append(
            "enterprises and industry associations have not both been heard: no consultation addressed to them "
            "closed before the meeting with opinions from both, nor a symposium or hearing with both"
        )
    undisposed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Comment)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(
            Consultation.decision_id == decision.id,
            Comment.submitter_type.in_((SubmitterType.enterprise, SubmitterType.industry_association)),
            Comment.moderation != ModerationState.rejected,
            # Disposed of by the meeting day: the dossier is what the meeting had before it.
            sa.or_(Comment.disposition.is_(None), Comment.disposed_on > held_on),
        )
    )
    if undisposed:
        missing.append(
            f"{undisposed} opinions of enterprises or industry associations had no disposition by the meeting day"
        )
    return missing


def enterprises_heard_at(pairs) -> set[tuple[int, dt.date]]:
    """The (decision id, meeting day) pairs, of enterprise-related decisions, for which
    `enterprises_heard` finds nothing missing: the same rule for many decisions at once, in
    three queries whatever their number. Compliance asks it of a whole year; one call of
    `enterprises_heard` per decision took about 70 ms on a district of 200,000 comments, as
    its subquery counted the opinions of every consultation there is."""
    pairs = list(pairs)
    decision_ids = sorted({decision_id for decision_id, _ in pairs})
    consultations, opinions, heard_by = {}, {}, set()
    for chunk in (decision_ids[i : i + 500] for i in range(0, len(decision_ids), 500)):
        rows = db.session.execute(
            sa.select(
                Consultation.id,
                Consultation.decision_id,
                Consultation.closes_on,
                Consultation.method,
                Consultation.audience,
            ).where(Consultation.decision_id.in_(chunk), Consultation.published_on.is_not(None))
        ).all()
        for row in rows:
            consultations.setdefault(row.decision_id, []).append(row)
        if rows:
            # Consultations with opinions from both enterprises and industry associations.
            heard_by.update(
                db.session.scalars(
                    sa.select(Comment.consultation_id)
                    .where(
                        Comment.consultation_id.in_([row.id for row in rows]),
                        Comment.moderation != ModerationState.rejected,
                    )
                    .group_by(Comment.consultation_id)
                    .having(
                        sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.enterprise, 1), else_=0)) > 0,
                        sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.industry_association, 1), else_=0))
                        > 0,
                    )
                )
            )
        # Their opinions, published consultations or not (as `enterprises_heard` counts them).
        for decision_id, disposition, disposed_on in db.session.execute(
            sa.select(Consultation.decision_id, Comment.disposition, Comment.disposed_on)
            .join(Consultation, Consultation.id == Comment.consultation_id)
            .where(
                Consultation.decision_id.in_(chunk),
                Comment.submitter_type.in_((SubmitterType.enterprise, SubmitterType.industry_association)),
                Comment.moderation != ModerationState.rejected,
            )
        ):
            opinions.setdefault(decision_id, []).append((disposition, disposed_on))

    def heard(decision_id, held_on) -> bool:
        addressed = any(
            c.closes_on < held_on
            and c.id in heard_by
            and (
                c.method in (Method.symposium, Method.hearing)
                or {Audience.enterprises, Audience.industry_associations} <= set(c.audience)
            )
            for c in consultations.get(decision_id, ())
        )
        # SQL's `disposed_on > held_on` is not true when disposed_on is NULL.
        undisposed = any(
            disposition is None or (disposed_on is not None and disposed_on > held_on)
            for disposition, disposed_on in opinions.get(decision_id, ())
        )
        return addressed and not undisposed

    return {(decision_id, held_on) for decision_id, held_on in pairs if heard(decision_id, held_on)}


def consultation_view(consultation: Consultation) -> SimpleNamespace:
    """The consultation with its status, window and counts."""
    view = SimpleNamespace(**{c.key: getattr(consultation, c.key) for c in Consultation.__table__.c})
    view.status = status_of(consultation)
    view.window_days = window_days(consultation)
    view.counts = SimpleNamespace(**counts([consultation.id]))
    return view


def is_staff_of(viewer, consultation) -> bool:
    decision = db.session.get(Decision, consultation.decision_id)
    return is_staff(viewer) and viewer.may_edit_unit(decision.lead_unit)

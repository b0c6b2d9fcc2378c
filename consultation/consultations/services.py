"""Consultations on a draft: prepare, publish, open and close them when due, record a hearing."""

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa

from consultation.comments.models import Comment, ModerationState
from consultation.consultations.models import HEARING_MATERIALS_DAYS, MIN_WINDOW_DAYS, Consultation, Method
from core import calendar, preconditions, publication, tick
from core.auth import Account, ensure_may_edit, owner_of, staff_of
from core.errors import (
    DecisionWithdrawn,
    DraftNotPublished,
    HearingRuleBroken,
    Invalid,
    NotFound,
    WindowTooShort,
)
from core.extensions import db, read_connection
from core.publication import EntryType, Fact
from decisions import procedure, visibility
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
    """The consultation's length in calendar days, both ends included."""
    return (consultation.closes_on - consultation.opens_on).days + 1


@owner_of("consultation_id")
def _consultation_lead_unit(consultation_id: int, viewer: Account) -> str:
    consultation = get_consultation(consultation_id, viewer=viewer)
    return db.session.get(Decision, consultation.decision_id).lead_unit


def ensure_may_write(decision: Decision, by: Account | None) -> None:
    """The lead unit's staff write a decision's records while it is not withdrawn."""
    ensure_may_edit(by, decision.lead_unit)
    if decision.state == DecisionState.withdrawn:
        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it takes no new records.")


def get_consultation(consultation_id: int, *, viewer: Account | None) -> Consultation:
    """One consultation, as the viewer may see it (NotFound otherwise)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is not None:
        decision = db.session.get(Decision, consultation.decision_id)
        if visibility.consultation_shown(
            viewer,
            published_on=consultation.published_on,
            catalogued_on=decision.catalogued_on,
            lead_unit=decision.lead_unit,
        ):
            return consultation
    raise NotFound(f"No consultation {consultation_id} is published.")


def list_consultations(decision: Decision, *, viewer: Account | None):
    """The decision's consultations the viewer may see, in the order they open."""
    return db.session.scalars(
        sa.select(Consultation)
        .where(
            Consultation.decision_id == decision.id,
            visibility.records_shown(viewer, Consultation.published_on, lead_unit=decision.lead_unit),
        )
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
    ensure_may_write(decision, by)
    _check_consultation(decision, values)
    consultation = Consultation(decision_id=decision.id, **values)
    db.session.add(consultation)
    db.session.commit()
    return consultation


def update_consultation(consultation: Consultation, *, by: Account, **changes) -> Consultation:
    """Change a consultation before it is published."""
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_write(decision, by)
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


def _fact(consultation: Consultation, entry_type: str, title: str, occurred_on: dt.date) -> Fact:
    # What the public record says of a consultation itself points the reader to it.
    return Fact(consultation.decision_id, entry_type, title, f"/consultations/{consultation.id}", occurred_on)


def publish_consultation(consultation: Consultation, *, by: Account, published_on=None) -> Consultation:
    """Announce the consultation: it opens to comments on `opens_on`, on the decision's timeline."""
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_write(decision, by)
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
    title = f"{method}：{decision.title}（{consultation.opens_on}至{consultation.closes_on}）"
    opened = _fact(consultation, EntryType.consultation_opened, title, consultation.opens_on)
    publication.publish(consultation, opened, published_on=day)
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
        title = f"意见征集结束：{decision.title}"
        closed_fact = _fact(consultation, EntryType.consultation_closed, title, consultation.closes_on)
        entry = publication.record_fact(closed_fact, on=today)
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
    ensure_may_write(decision, by)
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


def consultation_view(consultation: Consultation) -> SimpleNamespace:
    """The consultation with its status, window and counts."""
    view = SimpleNamespace(**{c.key: getattr(consultation, c.key) for c in Consultation.__table__.c})
    view.status = status_of(consultation)
    view.window_days = window_days(consultation)
    view.counts = SimpleNamespace(**counts([consultation.id]))
    return view


def is_staff_of(viewer, consultation) -> bool:
    """Whether the viewer is staff of the consultation's lead unit."""
    return staff_of(viewer, db.session.get(Decision, consultation.decision_id).lead_unit)

"""Use cases of meetings: record, replace, publish; and the yearly count of meetings with
invited stakeholder attendees. The agenda's preconditions live here."""

import datetime as dt

import sqlalchemy as sa

from core import preconditions, publication
from core.auth import Account, ensure_may_edit, owner_of
from core.errors import (
    DecisionWithdrawn,
    Invalid,
    LegalityReviewMissing,
    MeetingAgendaOtherUnit,
    MeetingUnitMissing,
    MeetingUnitUnexpected,
    NotFound,
)
from core.extensions import commit_or_conflict, db
from core.pagination import Listing
from core.publication import EntryType, Fact
from decisions import procedure, visibility
from decisions.meetings.models import (
    BODY_NAMES,
    DISTRICT_BODIES,
    INVITED_MEETINGS_PER_YEAR,
    STAKEHOLDERS,
    AgendaItem,
    Attendee,
    BodyType,
    Meeting,
)
from decisions.models import Decision, DecisionState
from decisions.units.services import ensure_units_exist, stored_codes


def list_meetings(*, viewer: Account | None, year=None, decision_id=None) -> Listing:
    """The meetings `viewer` may see, latest first."""
    conditions = [visibility.meetings_shown(viewer)]
    if year is not None:
        conditions.append(Meeting.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if decision_id is not None:
        conditions.append(Meeting.id.in_(sa.select(AgendaItem.meeting_id).where(AgendaItem.decision_id == decision_id)))
    return Listing(sa.select(Meeting).where(*conditions).order_by(Meeting.held_on.desc(), Meeting.id.desc()))


def get_meeting(meeting_id: int, *, viewer: Account | None) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not visibility.meeting_shown(viewer, published_on=meeting.published_on):
        raise NotFound(f"No meeting {meeting_id} is published.")
    return meeting


@owner_of("meeting_id")
def _holder(meeting_id: int, viewer: Account) -> str | None:
    # A unit's meeting is its editors' to write; the district's (no unit) the admins' only.
    return get_meeting(meeting_id, viewer=viewer).unit


def _check_holder(values: dict, by: Account | None) -> dict:
    """Who holds the meeting: a unit body's meeting names its unit, the district government's
    bodies none [district]; `by` writes for that unit (the district's: admins). Returns the
    values with the unit's code as stored."""
    values = stored_codes(values)
    unit, body = values.get("unit"), BodyType(values["body_type"])
    if body in DISTRICT_BODIES and unit:
        raise MeetingUnitUnexpected(
            "unit", f"A {BODY_NAMES[body]} ({body}) is the district government's meeting: it names no unit."
        )
    if body not in DISTRICT_BODIES and not unit:
        raise MeetingUnitMissing(
            "unit", f"A {BODY_NAMES[body]} ({body}) is a unit's own meeting: name the unit that holds it."
        )
    if by is not None:  # the API's caller; the demo and the shell record as the office
        ensure_may_edit(by, unit)
    if unit:
        ensure_units_exist([unit], "unit")
    return {**values, "unit": unit or None}


def _check_agenda(agenda: list[dict], held_on: dt.date, by: Account | None = None, unit: str | None = None) -> None:
    """Every decision on the agenda may be there: the procedure's preconditions.

    An admin may exempt an item from those that allow it; each item's `exemptions` become the
    ones granted, as stored."""
    from decisions.records.services import legality_passed

    ids = [item["decision_id"] for item in agenda]
    if len(set(ids)) != len(ids):
        raise Invalid("agenda", "A decision appears once on a meeting's agenda.")
    decisions = {d.id: d for d in db.session.scalars(sa.select(Decision).where(Decision.id.in_(ids)))}
    unknown = sorted(set(ids) - set(decisions))
    if unknown:
        raise Invalid("agenda", f"No decision {', '.join(map(str, unknown))}.")
    for decision in decisions.values():
        if decision.state == DecisionState.withdrawn:
            raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it is not deliberated.")
    # A unit's own meeting decides the unit's own matters: topics from its catalogue, or the
    # district's items it leads.
    others = [d for d in decisions.values() if unit and d.lead_unit != unit]
    if others:
        names = "; ".join(f"{d.id} {d.title} ({d.lead_unit})" for d in others)
        raise MeetingAgendaOtherUnit(
            "agenda", f"A meeting of {unit} deliberates the decisions {unit} leads, not: {names}."
        )
    unreviewed = [d for d in decisions.values() if not legality_passed(d.id, by=held_on)]
    if unreviewed:
        names = "; ".join(f"{d.id} {d.title}" for d in unreviewed)
        raise LegalityReviewMissing(
            "A draft goes to the meeting only after its legality review found it lawful (or lawful with "
            f"changes) on or before the meeting day {held_on}; none is on record for: {names}."
        )
    missing = []
    for number, item in enumerate(agenda):
        decision = decisions[item["decision_id"]]
        problems, granted = preconditions.exempt(
            preconditions.agenda_problems(decision, held_on),
            item.get("exemptions"),
            by=by,
            at=("agenda", number, "exemptions"),
        )
        item["exemptions"] = granted or None
        missing += [(decision, problem) for problem in problems]
    if missing:
        # The first rule names the problem; its detail says everything missing, item by item.
        first = missing[0][1]
        error = type(first)("; ".join(f"decision {d.id}: {problem.detail}" for d, problem in missing))
        error.slug = first.slug
        raise error


def _check_record(agenda: list[dict], attendees: list[dict]) -> None:
    """What a meeting's record must say [Art. 30; district]."""
    for number, item in enumerate(agenda):
        if item.get("against_majority") and not item.get("head_reason"):
            message = "When the head decides against the majority, the reason is recorded (Art. 30)."
            raise Invalid.at(("agenda", number, "head_reason"), message)
    for number, attendee in enumerate(attendees):
        # A name we may not publish is a name we do not keep.
        if attendee.get("name") and not attendee.get("name_consent"):
            message = "Give an attendee's name only with their consent to publish it."
            raise Invalid.at(("attendees", number, "name"), message)
        if attendee.get("adoption") and not attendee.get("opinion"):
            raise Invalid.at(("attendees", number, "opinion"), "An adoption answers an opinion: give the opinion.")


def _fill(meeting: Meeting, *, body_type, session_no, held_on, agenda, attendees, unit=None) -> None:
    meeting.body_type, meeting.session_no, meeting.held_on = body_type, session_no, held_on
    meeting.unit = unit
    meeting.agenda = [AgendaItem(position=i, **item) for i, item in enumerate(agenda, 1)]
    on_agenda = {item["decision_id"] for item in agenda}
    for attendee in attendees:
        if attendee.get("decision_id") is not None and attendee["decision_id"] not in on_agenda:
            raise Invalid(
                "attendees", f"Attendee speaks to decision {attendee['decision_id']}, which is not on the agenda."
            )
    meeting.attendees = [Attendee(position=i, **a) for i, a in enumerate(attendees, 1)]


def record_meeting(
    *, body_type, session_no, held_on, agenda, attendees, unit=None, by: Account | None = None
) -> Meeting:
    """Record a meeting's deliberation, unpublished: the district government's, or a unit's
    own (`unit`); `by` grants the agenda's exemptions."""
    unit = _check_holder({"body_type": body_type, "unit": unit}, by)["unit"]
    _check_record(agenda, attendees)
    _check_agenda(agenda, held_on, by, unit)
    meeting = Meeting()
    _fill(
        meeting,
        body_type=body_type,
        session_no=session_no,
        held_on=held_on,
        agenda=agenda,
        attendees=attendees,
        unit=unit,
    )
    db.session.add(meeting)
    held_by = f" of {unit}" if unit else ""
    commit_or_conflict(f"A {body_type} meeting{held_by} no. {session_no} on {held_on} is on record already.")
    return meeting


def replace_meeting(meeting: Meeting, *, by: Account | None = None, **values) -> Meeting:
    """Replace an unpublished meeting's record; `by` grants the agenda's exemptions."""
    publication.ensure_unpublished(meeting, "meeting")
    values = _check_holder({**values, "unit": values.get("unit")}, by)
    _check_record(values["agenda"], values["attendees"])
    _check_agenda(values["agenda"], values["held_on"], by, values["unit"])
    # The old agenda goes before the new one comes: a decision is on a meeting's agenda once,
    # and a flush would insert the new items before deleting the old.
    meeting.agenda.clear()
    meeting.attendees.clear()
    db.session.flush()
    _fill(meeting, **values)
    commit_or_conflict("Another meeting has that body, session number and day.")
    return meeting


def publish_meeting(meeting: Meeting, *, published_on=None) -> Meeting:
    """Publish the deliberation: each decision's timeline shows it, and its state follows."""
    publication.ensure_unpublished(meeting, "meeting")
    day = publication.publication_day(published_on)
    if day < meeting.held_on:
        raise Invalid("published_on", "A meeting's deliberation is published on or after the day it is held.")
    decisions = [db.session.get(Decision, item.decision_id) for item in meeting.agenda]
    for decision in decisions:
        if decision.catalogued_on is None:
            from core.errors import DecisionNotCatalogued

            raise DecisionNotCatalogued(f"Decision {decision.id} is not in the published catalogue yet.")
    entries = publication.publish(
        meeting,
        *(
            Fact(
                decision.id,
                EntryType.meeting_deliberated,
                f"{meeting.title}审议：{decision.title}",
                f"/meetings/{meeting.id}",
                occurred_on=meeting.held_on,
            )
            for decision in decisions
        ),
        published_on=day,
    )
    for item, entry, decision in zip(meeting.agenda, entries, decisions, strict=True):
        item.public_seq = entry.seq
        procedure.refresh_state(decision)
    db.session.commit()
    return meeting


def invited_attendance(unit: str, *, year: int):
    """The published meetings of `year` with invited stakeholder attendees that count for the
    unit (the district asks for at least 3 a year): its own meetings (局长办公会, 党政联席会议,
    …), and the district government's that deliberated its decisions; of its own, how many
    topics were deliberated and how many came from its own catalogue. One query."""
    from types import SimpleNamespace

    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.held_on, Meeting.unit, Decision.catalogue_unit)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .join(Decision, Decision.id == AgendaItem.decision_id)
        .where(
            Meeting.published_on.is_not(None),
            Meeting.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            # A unit's meeting deliberates only the unit's decisions (_check_agenda).
            Decision.lead_unit == unit,
            Meeting.id.in_(sa.select(Attendee.meeting_id).where(Attendee.category.in_(STAKEHOLDERS))),
        )
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    meetings = list(
        {row.id: SimpleNamespace(id=row.id, held_on=row.held_on, own=row.unit == unit) for row in rows}.values()
    )
    own_topics = [row for row in rows if row.unit == unit]
    return SimpleNamespace(
        unit=unit,
        year=year,
        meetings_with_attendees=len(meetings),
        own_meetings=sum(meeting.own for meeting in meetings),
        own_meetings_topics=len(own_topics),
        topics_from_own_catalogue=sum(row.catalogue_unit == unit for row in own_topics),
        required=INVITED_MEETINGS_PER_YEAR,
        met=len(meetings) >= INVITED_MEETINGS_PER_YEAR,
        meetings=meetings,
    )

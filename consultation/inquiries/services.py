"""Inquiries: 政策留言 on a decision's page and general 网上咨询. A question arrives `received`
and is seen by its holding unit's staff only; the unit publishes it (选登), answers it (which
publishes it too) or declines it with a reason; it may be transferred (转办) to another unit,
keeping its deadline. Answered within 5 working days of receipt, 1 for a simple one
[district], whoever holds it and whatever its state.

Who may act on a question is its holder's editors and admins; a general question starts with
no holder (the district office: admins only) until an admin assigns it by a transfer."""

import datetime as dt
import secrets

import sqlalchemy as sa

from consultation.comments.models import Channel
from consultation.comments.services import public_channel
from consultation.inquiries.models import Inquiry, InquiryState, InquiryTransfer
from core import calendar, deadlines, publication, redaction, tick
from core.auth import Account, Role, ensure_may_edit, entering_for, owner_of, staff_of
from core.errors import (
    InquiryAnswered,
    InquiryDeclined,
    InquiryNotReceived,
    Invalid,
    NotFound,
)
from core.extensions import db, utcnow
from core.pagination import Listing
from core.publication import EntryType, Fact
from decisions import visibility
from decisions.models import Decision, Unit

# A comment's receipt is token_urlsafe (letters, digits, - and _), never a dot: the prefix
# tells the two apart at the one receipt door, GET /receipts/{receipt}.
RECEIPT_PREFIX = "Q."


def is_receipt(code: str) -> bool:
    """Whether `code` is an inquiry's receipt (not a comment's)."""
    return code.startswith(RECEIPT_PREFIX)


def _received(by: Account | None, staff: bool, *, channel, received_on) -> tuple[str, dt.date]:
    """The channel and day of a question: staff enter one from any channel with its real day;
    the public and partner apps ask today, through their own channel."""
    today = calendar.today()
    if staff:
        received_on = received_on or today
        if received_on > today:
            raise Invalid("received_on", "A question is not received in the future.")
        return channel or Channel.portal, received_on
    if received_on is not None:
        raise Invalid("received_on", "Only staff entering a question from another channel give its day.")
    return public_channel(by, channel), today


def _new(**given) -> Inquiry:
    """A question received: `given` names its decision (or none), unit, question, name,
    contact, channel and received_on; its receipt, public text and reply deadline follow."""
    due_on, status = deadlines.reply_due(given["received_on"])
    inquiry = Inquiry(
        **given,
        state=InquiryState.received,
        receipt=RECEIPT_PREFIX + secrets.token_urlsafe(18),
        public_question=redaction.public_text(given["question"]),
        reply_due_on=due_on,
        calendar_status=status,
    )
    db.session.add(inquiry)
    db.session.commit()
    return inquiry


def ask(
    decision: Decision, *, by: Account | None, question: str, name=None, contact=None, channel=None, received_on=None
) -> Inquiry:
    """Take a question on a published decision's page; its lead unit holds it."""
    staff = entering_for(by, decision.lead_unit, "questions")
    channel, received_on = _received(by, staff, channel=channel, received_on=received_on)
    return _new(
        decision_id=decision.id,
        unit=decision.lead_unit,
        question=question,
        name=name,
        contact=contact,
        channel=channel,
        received_on=received_on,
    )


def ask_generally(
    *, by: Account | None, question: str, name=None, contact=None, channel=None, received_on=None
) -> Inquiry:
    """Take a general question (网上咨询), about no one decision. The public's wait for the
    district office to assign them; one a unit's editor enters (a call it took) is its own."""
    staff = by is not None and by.role in (Role.admin, Role.editor)
    channel, received_on = _received(by, staff, channel=channel, received_on=received_on)
    return _new(
        decision_id=None,
        unit=by.unit if staff else None,
        question=question,
        name=name,
        contact=contact,
        channel=channel,
        received_on=received_on,
    )


def _refuse_closed(inquiry: Inquiry) -> None:
    """An answered or declined question is settled: nothing more is done with it."""
    if inquiry.state == InquiryState.answered:
        # The answer is public, and its day is what the yearly assessment counts.
        raise InquiryAnswered(f"Inquiry {inquiry.id} was answered on {inquiry.answered_on}.")
    if inquiry.state == InquiryState.declined:
        raise InquiryDeclined(f"Inquiry {inquiry.id} was declined on {inquiry.declined_on}.")


def _held_since(inquiry: Inquiry) -> dt.date:
    return inquiry.transfers[-1].transferred_on if inquiry.transfers else inquiry.received_on


def _done_on(day: dt.date | None, inquiry: Inquiry, field: str) -> dt.date:
    """The day something was done with a question, when entered after the fact: not before it
    reached its holder, not in the future."""
    day = day or calendar.today()
    if day < _held_since(inquiry) or day > calendar.today():
        raise Invalid(field, "A question is handled on or after the day it came to its holder, and not in the future.")
    return day


def publish(inquiry: Inquiry, *, by: Account) -> Inquiry:
    """Publish a received question (选登) before it is answered; it stays public."""
    ensure_may_edit(by, inquiry.unit)
    _refuse_closed(inquiry)
    if inquiry.state != InquiryState.received:
        raise InquiryNotReceived(f"Inquiry {inquiry.id} was published on {inquiry.published_on}.")
    inquiry.state, inquiry.published_on = InquiryState.published, calendar.today()
    publication.record_fact(
        Fact(inquiry.decision_id, EntryType.inquiry_published, f"公开留言 #{inquiry.id}", f"/inquiries/{inquiry.id}")
    )
    db.session.commit()
    return inquiry


def decline(inquiry: Inquiry, *, by: Account, reason: str, declined_on: dt.date | None = None) -> Inquiry:
    """Decline a received question with a reason: never public; its asker learns why from the
    receipt. The decline settles the question, so its day meets (or misses) the deadline."""
    ensure_may_edit(by, inquiry.unit)
    _refuse_closed(inquiry)
    if inquiry.state != InquiryState.received:
        # What the public has read is not taken back from it; a published question is answered.
        raise InquiryNotReceived(f"Inquiry {inquiry.id} is public since {inquiry.published_on}; answer it.")
    inquiry.declined_on = _done_on(declined_on, inquiry, "declined_on")
    inquiry.state, inquiry.decline_reason, inquiry.declined_by = InquiryState.declined, reason, by.id
    db.session.commit()
    return inquiry


def transfer(
    inquiry: Inquiry, *, by: Account, to_unit: str, reason: str, transferred_on: dt.date | None = None
) -> Inquiry:
    """Transfer a question (转办) to another unit, or assign a general one; the reply stays due
    on the day it was due, and who held it from when to when is kept."""
    ensure_may_edit(by, inquiry.unit)
    _refuse_closed(inquiry)
    if to_unit == inquiry.unit:
        raise Invalid("to_unit", f"Inquiry {inquiry.id} is held by {to_unit!r} already.")
    if db.session.get(Unit, to_unit) is None:
        raise Invalid("to_unit", f"No unit has the code {to_unit!r}.")
    held_since = _held_since(inquiry)
    transferred_on = _done_on(transferred_on, inquiry, "transferred_on")
    inquiry.transfers.append(
        InquiryTransfer(
            from_unit=inquiry.unit,
            held_since=held_since,
            to_unit=to_unit,
            transferred_on=transferred_on,
            transferred_by=by.id,
            reason=reason,
        )
    )
    inquiry.unit = to_unit
    db.session.commit()
    return inquiry


def reply(inquiry: Inquiry, *, by: Account, answer: str, simple: bool = False, answered_on: dt.date | None = None):
    """Answer a question, which publishes it; a simple one was due within 1 working day, others
    within 5."""
    ensure_may_edit(by, inquiry.unit)
    _refuse_closed(inquiry)
    answered_on = _done_on(answered_on, inquiry, "answered_on")
    inquiry.answer, inquiry.simple, inquiry.answered_on, inquiry.answered_by = answer, simple, answered_on, by.id
    inquiry.state = InquiryState.answered
    inquiry.published_on = inquiry.published_on or answered_on
    inquiry.reply_due_on, inquiry.calendar_status = deadlines.reply_due(inquiry.received_on, simple=simple)
    publication.record_fact(
        Fact(
            inquiry.decision_id,
            EntryType.inquiry_answered,
            f"答复留言 #{inquiry.id}",
            f"/inquiries/{inquiry.id}",
            occurred_on=answered_on,
        )
    )
    db.session.commit()
    return inquiry


def override_redaction(inquiry: Inquiry, *, by: Account, action: str, text: str, reason: str) -> Inquiry:
    """Restore a part of a question hidden from the public by mistake, or hide more of it (a
    name, say); kept with who, when and why, as for a comment."""
    ensure_may_edit(by, inquiry.unit)
    inquiry.redaction_overrides = redaction.overridden(
        inquiry.question, inquiry.redaction_overrides, action=action, text=text, reason=reason, by=by.id, at=utcnow()
    )
    inquiry.public_question = redaction.public_text(inquiry.question, inquiry.redaction_overrides)
    db.session.commit()
    return inquiry


def settled_on(inquiry: Inquiry) -> dt.date | None:
    """The day the question was answered or declined."""
    return inquiry.answered_on or inquiry.declined_on


def status_of(inquiry: Inquiry) -> str:
    """pending, on_time, late (answered or declined after reply_due_on) or overdue (neither, after it)."""
    return deadlines.status(inquiry.reply_due_on, settled_on(inquiry))


def may_handle(viewer: Account | None, inquiry: Inquiry) -> bool:
    """Whether `viewer` is staff of the question's holder (an admin always)."""
    return staff_of(viewer, inquiry.unit)


def list_inquiries(*, viewer: Account | None, decision: Decision | None = None, state=None, unit=None) -> Listing:
    """The questions `viewer` may read, newest first."""
    conditions = [visibility.questions_shown(viewer, Inquiry.state, Inquiry.unit)]
    if decision is not None:
        conditions.append(Inquiry.decision_id == decision.id)
    if state is not None:
        conditions.append(Inquiry.state == state)
    if unit is not None:
        conditions.append(Inquiry.unit == unit)
    return Listing(sa.select(Inquiry).where(*conditions).order_by(Inquiry.received_on.desc(), Inquiry.id.desc()))


def _on_a_public_board(inquiry: Inquiry | None) -> bool:
    # A question asked on a decision's page exists, even for staff, once the decision is public.
    return inquiry is not None and (
        inquiry.decision_id is None
        or visibility.decision_public(db.session.get(Decision, inquiry.decision_id).catalogued_on)
    )


def get_inquiry(inquiry_id: int, *, viewer: Account | None) -> Inquiry:
    """One question `viewer` may read: 404 for one that is not public, unless viewer holds it."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    if _on_a_public_board(inquiry) and visibility.question_shown(viewer, state=inquiry.state, unit=inquiry.unit):
        return inquiry
    raise NotFound(f"No inquiry {inquiry_id} is published.")


@owner_of("inquiry_id")
def _holding_unit(inquiry_id: int, viewer: Account) -> str | None:
    return get_to_handle(inquiry_id).unit


def get_to_handle(inquiry_id: int) -> Inquiry:
    """A question to act on; whether the account may is the use case's to say (403, not 404:
    staff of other units know questions exist)."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    if not _on_a_public_board(inquiry):
        raise NotFound(f"No inquiry {inquiry_id}.")
    return inquiry


def by_receipt(receipt: str) -> Inquiry:
    """The question its asker follows with the receipt they were given."""
    inquiry = db.session.scalar(sa.select(Inquiry).where(Inquiry.receipt == receipt))
    if inquiry is None:
        raise NotFound("No question has that receipt.")
    return inquiry


deadlines.counted_again_when_a_year_loads(
    Inquiry,
    counted_from=Inquiry.received_on,
    due=Inquiry.reply_due_on,
    count=lambda inquiry: deadlines.reply_due(inquiry.received_on, simple=inquiry.simple),
)


def _settled():
    # A declined question is settled as an answered one is: it does not become overdue.
    return sa.func.coalesce(Inquiry.answered_on, Inquiry.declined_on)


def _turned_overdue(inquiry: Inquiry) -> Fact | None:
    """A public question left unanswered past its day is a public fact; one the public has
    not seen is counted in compliance only."""
    if inquiry.state != InquiryState.published:
        return None
    return Fact(
        inquiry.decision_id,
        EntryType.deadline_overdue,
        f"留言 #{inquiry.id} 逾期未答复（应于{inquiry.reply_due_on}前答复）",
        f"/inquiries/{inquiry.id}",
        occurred_on=inquiry.reply_due_on + dt.timedelta(days=1),
    )


def _overdue_due(today: dt.date) -> bool:
    return deadlines.overdue_unmarked(Inquiry, due=Inquiry.reply_due_on, done=_settled(), today=today)


@tick.task("inquiries marked overdue", due=_overdue_due)
def mark_overdue(today: dt.date) -> int:
    return deadlines.mark_overdue(Inquiry, due=Inquiry.reply_due_on, done=_settled(), today=today, fact=_turned_overdue)

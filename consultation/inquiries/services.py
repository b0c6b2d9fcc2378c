"""Inquiries (政策留言): questions on a decision's page, answered within 5 working days (1 for
a simple one) [district]."""

import datetime as dt

import sqlalchemy as sa

from consultation.models import Channel, Inquiry
from consultation.services import public_channel
from core import calendar, deadlines, tick
from core.auth import Account, Role, ensure_may_edit
from core.errors import (
    Forbidden,
    InquiryAnswered,
    Invalid,
    NotFound,
)
from core.extensions import db
from decisions.models import Decision


def ask(
    decision: Decision, *, by: Account | None, question: str, name=None, contact=None, channel=None, received_on=None
):
    """Take a question on a published decision's page."""
    today = calendar.today()
    staff = by is not None and by.may_edit_unit(decision.lead_unit)
    if by is not None and by.role == Role.editor and not staff:
        raise Forbidden(f"Your account may enter questions only for unit {by.unit!r}.")
    if staff:
        received_on = received_on or today
        if received_on > today:
            raise Invalid("received_on", "A question is not received in the future.")
        channel = channel or Channel.portal
    else:
        if received_on is not None:
            raise Invalid("received_on", "Only staff entering a question from another channel give its day.")
        channel = public_channel(by, channel)
        received_on = today
    due_on, status = deadlines.reply_due(received_on)
    inquiry = Inquiry(
        decision_id=decision.id,
        question=question,
        name=name,
        contact=contact,
        channel=channel,
        received_on=received_on,
        reply_due_on=due_on,
        calendar_status=status,
    )
    db.session.add(inquiry)
    db.session.commit()
    return inquiry


def reply(inquiry: Inquiry, *, by: Account, answer: str, simple: bool = False, answered_on: dt.date | None = None):
    """Answer a question; a simple one was due within 1 working day, others within 5."""
    decision = db.session.get(Decision, inquiry.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    if inquiry.answered_on is not None:
        # The answer is public, and its day is what the yearly assessment counts.
        raise InquiryAnswered(f"Inquiry {inquiry.id} was answered on {inquiry.answered_on}; an answer is not replaced.")
    answered_on = answered_on or calendar.today()
    if answered_on < inquiry.received_on or answered_on > calendar.today():
        raise Invalid("answered_on", "A question is answered on or after the day it came, and not in the future.")
    inquiry.answer, inquiry.simple, inquiry.answered_on, inquiry.answered_by = answer, simple, answered_on, by.id
    inquiry.reply_due_on, inquiry.calendar_status = deadlines.reply_due(inquiry.received_on, simple=simple)
    db.session.commit()
    return inquiry


def status_of(inquiry: Inquiry) -> str:
    """pending, on_time, late (answered after reply_due_on) or overdue (unanswered after it)."""
    return deadlines.status(inquiry.reply_due_on, inquiry.answered_on)


def list_inquiries(decision: Decision, *, page: int, page_size: int):
    condition = Inquiry.decision_id == decision.id
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry).where(condition))
    rows = db.session.scalars(
        sa.select(Inquiry)
        .where(condition)
        .order_by(Inquiry.received_on.desc(), Inquiry.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return rows, total


def get_inquiry(inquiry_id: int) -> Inquiry:
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None or db.session.get(Decision, inquiry.decision_id).catalogued_on is None:
        raise NotFound(f"No inquiry {inquiry_id}.")
    return inquiry


@calendar.recomputes_deadlines
def _recompute(year: int) -> int:
    return deadlines.count_year_again(
        Inquiry,
        year,
        counted_from=Inquiry.received_on,
        due=Inquiry.reply_due_on,
        count=lambda inquiry: deadlines.reply_due(inquiry.received_on, simple=inquiry.simple),
    )


@tick.task("inquiries marked overdue")
def mark_overdue(today: dt.date) -> int:
    return deadlines.mark_overdue(Inquiry, due=Inquiry.reply_due_on, done=Inquiry.answered_on, today=today)

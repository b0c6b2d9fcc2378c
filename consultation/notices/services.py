"""Owing a commenter the outcome of their opinion: asked for at submission, written once when
the comment's disposition is published, in that same transaction."""

import re

import sqlalchemy as sa

from consultation.comments.models import Comment
from consultation.notices.models import EMAIL, SMS, OutcomeNotice
from core.extensions import db, utcnow

# Loose on purpose: the commenter typed it into one free field ("Phone or e-mail").
_EMAIL = re.compile(r"[^@\s,;，；<>()（）]+@[^@\s,;，；<>()（）]+\.[^@\s,;，；<>()（）.]+")
_PHONE = re.compile(r"\+?\d[\d\s\-()（）]{5,22}\d")


def address_in(contact: str | None) -> tuple[str, str] | None:
    """(channel, address) that `contact` gives: an e-mail address if it holds one, else a phone
    number (7 to 15 digits, an SMS); None if it holds neither."""
    if not contact:
        return None
    if found := _EMAIL.search(contact):
        return EMAIL, found.group(0)
    for found in _PHONE.finditer(contact):
        digits = re.sub(r"\D", "", found.group(0))
        if 7 <= len(digits) <= 15:
            return SMS, ("+" if found.group(0).startswith("+") else "") + digits
    return None


def owe_outcome(comment: Comment) -> None:
    """In the transaction that publishes the comment's disposition: owe its commenter the one
    notice they asked for, unless one is owed already (a later change tells them nothing more)."""
    if not comment.notify_outcome:
        return
    reachable = address_in(comment.contact)
    if reachable is None:  # refused at submission; a contact erased since has nobody to tell
        return
    # After the public record's append (the caller's), whose lock is held until commit: two
    # dispositions of one comment at once see each other's notice here, in turn.
    owed = db.session.scalar(sa.select(OutcomeNotice.id).where(OutcomeNotice.comment_id == comment.id))
    if owed is None:
        now = utcnow()  # due as soon as it is written
        db.session.add(OutcomeNotice(comment_id=comment.id, channel=reachable[0], created_at=now, next_attempt_at=now))

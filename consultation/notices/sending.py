"""Sending the outcome notices owed: one pass of the worker (`flask deliver` runs it beside the
webhooks, ADR 0020).

A notice is claimed under a lease by a conditional UPDATE (several workers may run: the one
whose UPDATE took the row sends it), sent outside any transaction, and its outcome recorded in
a transaction guarded by the lease. What is sent is read from the comment at that moment: its
contact (no copy of it is kept) and its disposition as it stands. A failure is tried again
after 1 minute, doubling up to an hour; still failing a day after it was written, the notice is
failed and left. A notice of a channel that no configured notifier reaches stays pending.
"""

import datetime as dt
import logging
import secrets

import sqlalchemy as sa
from flask import current_app, g

from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from consultation.facts import DISPOSITION_WORDS
from consultation.notices.models import CHANNELS, FAILED, PENDING, SENT, OutcomeNotice
from consultation.notices.notifiers import Notice, configured, masked
from consultation.notices.services import address_in
from core.backoff import GIVE_UP_AFTER, retry_wait
from core.extensions import db, utcnow
from core.links import API_PREFIX
from decisions import visibility
from decisions.models import Decision

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
BATCH = 100

notices, comments = OutcomeNotice.__table__, Comment.__table__
consultations, decisions = Consultation.__table__, Decision.__table__

_DUE = (
    sa.select(
        notices.c.id,
        notices.c.comment_id,
        notices.c.channel,
        notices.c.attempts,
        notices.c.created_at,
        comments.c.contact,
        comments.c.receipt,
        comments.c.received_on,
        comments.c.disposition,
        comments.c.reason,
        comments.c.moderation,
        consultations.c.comments_public,
        decisions.c.title,
    )
    .join(comments, comments.c.id == notices.c.comment_id)
    .join(consultations, consultations.c.id == comments.c.consultation_id)
    .join(decisions, decisions.c.id == consultations.c.decision_id)
    .where(
        notices.c.state == PENDING,
        notices.c.next_attempt_at <= sa.bindparam("now"),
        sa.or_(notices.c.claimed_until.is_(None), notices.c.claimed_until < sa.bindparam("now")),
        # Taken back meanwhile (its cluster waits for a reason): told once it stands again.
        comments.c.disposition.is_not(None),
    )
    .order_by(notices.c.next_attempt_at, notices.c.id)
    .limit(BATCH)
)


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def message(row) -> tuple[str, str]:
    """(subject, body) of the notice: the decision's title, the comment's number and receipt,
    its disposition with the reason, and where to read it."""
    config = current_app.config
    api = config["PUBLIC_BASE_URL"].rstrip("/")
    portal = config["PORTAL_BASE_URL"].rstrip("/") or api
    words = DISPOSITION_WORDS.get(row.disposition, row.disposition)
    lines = [
        "您好：",
        "",
        f"您于{_day(row.received_on)}对《{row.title}》提出的意见（编号 #{row.comment_id}）已有处理结果：{words}。",
    ]
    if row.reason:
        lines.append(f"理由：{row.reason}")
    lines.append("")
    if visibility.comment_public(comments_public=row.comments_public, moderation=row.moderation):
        lines.append(f"意见页面：{portal}/comments/{row.comment_id}")
    lines += [
        f"凭回执查询：{api}{API_PREFIX}/receipts/{row.receipt}",
        f"回执：{row.receipt}",
        "",
        "本消息由系统自动发送，请勿回复。",
    ]
    return f"您对《{row.title}》的意见处理结果：{words}", "\n".join(lines)


def _claim(worker: str, notice_id: int, now: dt.datetime) -> bool:
    with db.engine.begin() as connection:
        taken = connection.execute(
            sa.update(notices)
            .where(
                notices.c.id == notice_id,
                notices.c.state == PENDING,
                sa.or_(notices.c.claimed_until.is_(None), notices.c.claimed_until < now),
            )
            .values(claimed_until=now + LEASE, claimed_by=worker)
        )
    return taken.rowcount == 1


def _record(worker: str, notice_id: int, changes: dict) -> None:
    """Store how the attempt went and let the notice go; nothing if the lease was lost."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(notices)
            .where(notices.c.id == notice_id, notices.c.claimed_by == worker)
            .values(claimed_until=None, claimed_by=None, **changes)
        )


def _failure(row, now: dt.datetime, error: str) -> dict:
    attempts = row.attempts + 1
    changes = {"attempts": attempts, "last_error": error[:2000]}
    if now - row.created_at >= GIVE_UP_AFTER:
        return changes | {"state": FAILED}
    return changes | {"next_attempt_at": now + retry_wait(attempts)}


def send_due(clock=utcnow) -> int:
    """One pass over the notices that are due (at most BATCH); returns how many were sent.
    `clock` gives now (tests move it)."""
    notifiers = configured(current_app.config)
    reach = {channel: next((n for n in notifiers if channel in n.channels), None) for channel in CHANNELS}
    worker = secrets.token_hex(8)
    writes = g.get("writes", False)
    g.writes = True  # on SQLite each transaction takes the write lock up front (BEGIN IMMEDIATE)
    try:
        with db.engine.connect() as connection:
            due = connection.execute(_DUE, {"now": clock()}).all()
        sent = 0
        for row in due:
            notifier = reach.get(row.channel)
            if notifier is None or not _claim(worker, row.id, clock()):
                continue  # none reaches it (it waits), or another worker took it
            sent += _send(worker, notifier, row, clock)
        return sent
    finally:
        g.writes = writes


def _send(worker: str, notifier, row, clock) -> int:
    reachable = address_in(row.contact)
    if reachable is None:  # the contact was erased since: nobody to tell
        _record(worker, row.id, {"state": FAILED, "last_error": "The comment no longer has a contact."})
        return 0
    subject, body = message(row)
    notice = Notice(row.id, row.comment_id, row.channel, reachable[1], subject, body)
    try:
        notifier.send(notice)
    except Exception as error:  # any notifier's, the SMTP server's, a custom one's: recorded, retried
        # A refusal may quote the address (smtplib's SMTPRecipientsRefused does): neither the
        # log nor the outbox keeps it.
        reported = f"{type(error).__name__}: {error}".replace(notice.address, masked(notice.address))
        log.info("Outcome notice %s failed: %s", row.id, reported)
        _record(worker, row.id, _failure(row, clock(), reported))
        return 0
    _record(worker, row.id, {"state": SENT, "sent_at": clock(), "last_error": None})
    return 1

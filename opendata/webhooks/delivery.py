"""The delivery worker: `flask deliver` POSTs each subscription the entries after its cursor.

Work is claimed a subscription at a time, under a lease (`claimed_until`), so several workers
may run at once and each subscription is told of its entries in order by one of them. The
claim is a short transaction: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (a worker passes
over the row another is claiming), BEGIN IMMEDIATE on SQLite (one claim at a time). The POSTs
happen outside any transaction; each attempt is recorded, and the cursor moved, in one of its
own, guarded by the lease, so a worker that lost its lease moves nothing.

A failed attempt holds the subscription at that entry (the next ones wait behind it, so a
receiver never sees them out of order) and is tried again after 1 minute, then 2, 4, … up to
an hour between attempts; still failing 24 hours after its first failure, the subscription is
marked failing and left until the partner sets it active or replays (ADR 0018).
"""

import datetime as dt
import hashlib
import hmac
import http.client
import logging
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import click
import orjson
import sqlalchemy as sa
from flask import Blueprint, current_app, g

from consultation.notices import sending
from consultation.notices.notifiers import configured
from core import tick
from core.backoff import GIVE_UP_AFTER, retry_wait
from core.changes import ChangeSchema
from core.extensions import db, utcnow
from core.links import links_on
from core.publication import PublicRecordEntry
from decisions.models import Decision
from opendata.webhooks.addresses import refusal
from opendata.webhooks.models import ACTIVE, FAILING, Delivery, Subscription

log = logging.getLogger(__name__)

# A worker holds a subscription this long at most; it stops taking entries at half of it.
LEASE = dt.timedelta(minutes=5)
BATCH = 100
# How long the attempts are listed (`tick` deletes older ones).
DELIVERIES_KEPT = dt.timedelta(days=30)
TIMEOUT = 10  # seconds for one POST
USER_AGENT = "Juece-Webhooks/1"

subscriptions = Subscription.__table__
deliveries = Delivery.__table__
_change = ChangeSchema()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`X-Juece-Signature`: HMAC-SHA256 with the secret over `{timestamp}.{body}`, in hex."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(subscription_id: int, entry) -> dict:
    """The body: the change-feed entry as `/changes` shows it, which subscription it is for,
    and the event's id (the entry's seq: the same in each retry and replay)."""
    with links_on(current_app.config["PUBLIC_BASE_URL"]):
        shown = orjson.loads(orjson.dumps(_change.dump(entry)))
    return {"event_id": str(entry.seq), "event": entry.type, "subscription_id": subscription_id, "entry": shown}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer, not a 2xx: followed, it could lead past the SSRF check.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict) -> tuple[int | None, str | None]:
    """POST `body` on a connection of its own; returns the status code (None if none came) and
    an error (None on a 2xx)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"


class Sender:
    """POSTs to one subscription's URL, a batch of entries one after another, over one
    kept-alive connection while the receiver keeps it open: a new connection for each POST
    was two thirds of a delivery's time on the loopback (bench/webhooks.py). A redirect is an
    answer like any other (never followed, as `post`); through a proxy the environment names
    (http_proxy, https_proxy) each POST is `post`'s, as urllib sends it."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.url, self.scheme, self.host, self.port = url, parts.scheme, parts.hostname, parts.port
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        proxies = urllib.request.getproxies()
        self.proxied = parts.scheme in proxies and not urllib.request.proxy_bypass(parts.hostname or "")
        self.connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        connection.connect()
        # http.client writes the headers and the body in two sends; on a kept connection Nagle's
        # algorithm held the body back until the receiver acknowledged the headers.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def _send(self, body: bytes, headers: dict) -> http.client.HTTPResponse:
        if self.connection is None:
            self.connection = self._connect()
        self.connection.request("POST", self.target, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()  # drained, so that the connection can carry the next POST
        if response.will_close:
            self.close()
        return response

    def post(self, body: bytes, headers: dict) -> tuple[int | None, str | None]:
        """As `post`: the status code (None if none came) and an error (None on a 2xx)."""
        if self.proxied:
            return post(self.url, body, headers)
        reused = self.connection is not None
        try:
            try:
                response = self._send(body, headers)
            except (http.client.RemoteDisconnected, ConnectionError):
                if not reused:
                    raise
                # The receiver closed the idle connection it had kept (its keep-alive ran out):
                # once more on a new one. Had it read the POST, it sees the event id again, as
                # after any retry.
                self.close()
                response = self._send(body, headers)
        except (http.client.HTTPException, OSError, ValueError) as error:
            self.close()
            return None, f"{type(error).__name__}: {error}"
        if 200 <= response.status < 300:
            return response.status, None
        return response.status, f"HTTP {response.status} {response.reason}"

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _claim(worker: str, now: dt.datetime, after_id: int):
    """Take the next due subscription after `after_id` that no other worker holds, or None."""
    with db.engine.begin() as connection:
        row = connection.execute(
            sa.select(subscriptions)
            .where(
                subscriptions.c.id > after_id,
                subscriptions.c.state == ACTIVE,
                subscriptions.c.next_attempt_at <= now,
                # Only one that has entries to look at: an idle pass costs a query, not one per
                # subscription (a caught-up cursor stands at the record's last seq).
                subscriptions.c.cursor < sa.select(sa.func.max(PublicRecordEntry.seq)).scalar_subquery(),
                sa.or_(subscriptions.c.claimed_until.is_(None), subscriptions.c.claimed_until < now),
            )
            .order_by(subscriptions.c.id)
            .limit(1)
            # PostgreSQL only; SQLite renders no FOR UPDATE and its BEGIN IMMEDIATE serialises.
            .with_for_update(skip_locked=True)
        ).first()
        if row is not None:
            connection.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.id == row.id)
                .values(claimed_until=now + LEASE, claimed_by=worker)
            )
    return row


def _pending(connection, subscription) -> tuple[list, int]:
    """The entries of its kinds after its cursor (at most BATCH), and the record's last seq
    read before them: every entry up to it has committed (seqs become visible in order)."""
    head = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(PublicRecordEntry.seq), 0)))
    entry = PublicRecordEntry
    statement = sa.select(entry).where(
        entry.seq > subscription.cursor, entry.seq <= head, entry.type.in_(subscription.events)
    )
    if subscription.decision_id is not None:
        statement = statement.where(entry.decision_id == subscription.decision_id)
    if subscription.unit is not None:
        statement = statement.where(
            entry.decision_id.in_(sa.select(Decision.id).where(Decision.lead_unit == subscription.unit))
        )
    rows = connection.execute(statement.order_by(entry.seq).limit(BATCH)).all()
    return rows, head


def _record(worker: str, subscription_id: int, attempt: dict, changes: dict) -> bool:
    """Store one attempt and what it changes of the subscription; False, storing nothing, if
    the lease was lost meanwhile (a replay or a change took the subscription back, or it was
    deleted): what the worker did under it no longer counts."""
    with db.engine.begin() as connection:
        moved = connection.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == subscription_id, subscriptions.c.claimed_by == worker)
            .values(**changes)
        )
        if moved.rowcount != 1:
            return False
        connection.execute(sa.insert(deliveries).values(subscription_id=subscription_id, **attempt))
    return True


def _failed(worker: str, subscription, attempt: dict, now: dt.datetime, error: str) -> None:
    """Record a failed attempt: a retry later, or the subscription failing a day after its
    first failure in a row."""
    attempts, since = subscription.attempts + 1, subscription.failing_since or now
    changes = {"attempts": attempts, "failing_since": since, "last_error": error}
    if now - since >= GIVE_UP_AFTER:
        retry, changes["state"] = None, FAILING
    else:
        retry = changes["next_attempt_at"] = now + retry_wait(attempts)
    _record(worker, subscription.id, attempt | {"error": error, "next_retry_at": retry}, changes)


def _deliver(worker: str, subscription, now: dt.datetime, clock) -> int:
    """POST the subscription's pending entries in order until one fails; returns how many
    were delivered."""
    with db.engine.connect() as connection:
        entries, head = _pending(connection, subscription)
    reason = refusal(subscription.url) if entries else None
    if reason:  # its host resolves to an address refused since it was accepted
        first = entries[0]
        _failed(worker, subscription, _attempt(first.seq, first.type, subscription, now), now, reason)
        return 0
    sender = Sender(subscription.url)
    try:
        return _post_each(worker, subscription, entries, head, now, clock, sender)
    finally:
        sender.close()


def _post_each(worker: str, subscription, entries: list, head: int, now: dt.datetime, clock, sender: Sender) -> int:
    started, delivered = time.monotonic(), 0
    for entry in entries:
        if time.monotonic() - started > LEASE.total_seconds() / 2:
            return delivered
        attempt = _attempt(entry.seq, entry.type, subscription, now)
        body = orjson.dumps(payload(subscription.id, entry))
        timestamp = str(int(now.timestamp()))
        status, error = sender.post(
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Juece-Event": entry.type,
                "X-Juece-Delivery": attempt["id"],
                "X-Juece-Timestamp": timestamp,
                "X-Juece-Signature": signature(subscription.secret, timestamp, body),
            },
        )
        attempt |= {"status_code": status, "error": error}
        if error is None:
            changes = {"cursor": entry.seq, "attempts": 0, "failing_since": None}
            if not _record(worker, subscription.id, attempt | {"delivered": True}, changes):
                return delivered
            delivered += 1
            subscription.cursor, subscription.attempts, subscription.failing_since = entry.seq, 0, None
            now = clock()
            continue
        log.info("Webhook %s to subscription %s failed: %s", entry.seq, subscription.id, error)
        _failed(worker, subscription, attempt, now, error)
        return delivered
    if len(entries) < BATCH:  # caught up: what lies between is of no kind it asked for
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.id == subscription.id, subscriptions.c.claimed_by == worker)
                .values(cursor=head)
            )
    return delivered


def _attempt(seq: int, type_: str, subscription, now: dt.datetime) -> dict:
    """A delivery's row, before it is made: its id goes out as X-Juece-Delivery."""
    attempt = subscription.attempts + 1
    return {"id": secrets.token_hex(16), "seq": seq, "type": type_, "attempt": attempt, "attempted_at": now}


def _release(worker: str, subscription_id: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == subscription_id, subscriptions.c.claimed_by == worker)
            .values(claimed_until=None, claimed_by=None)
        )


@tick.task("webhook deliveries past their retention")
def forget_old_deliveries(today: dt.date) -> int:
    """Delete the record of attempts older than DELIVERIES_KEPT: the cursor, not this log, says
    what was delivered."""
    gone = db.session.execute(sa.delete(deliveries).where(deliveries.c.attempted_at < utcnow() - DELIVERIES_KEPT))
    db.session.commit()
    return gone.rowcount


def deliver_once(clock=utcnow) -> int:
    """One pass over the due subscriptions, each taken once; returns how many entries were
    delivered. `clock` gives now (tests move it)."""
    worker = secrets.token_hex(8)
    writes = g.get("writes", False)
    g.writes = True  # on SQLite each transaction takes the write lock up front (BEGIN IMMEDIATE)
    try:
        delivered, after_id = 0, 0
        while (row := _claim(worker, clock(), after_id)) is not None:
            after_id = row.id
            subscription = SimpleNamespace(**row._mapping)
            try:
                delivered += _deliver(worker, subscription, clock(), clock)
            finally:
                _release(worker, subscription.id)
        return delivered
    finally:
        g.writes = writes


# --- Command line ----------------------------------------------------------------------------

cli = Blueprint("deliver_cli", __name__, cli_group=None)


@cli.cli.command("deliver")
@click.option("--once", is_flag=True, help="One pass over what is due, then exit (cron, tests).")
@click.option("--interval", default=0.5, show_default=True, help="Seconds to wait when nothing was due.")
def deliver_command(once: bool, interval: float):
    """Deliver the webhooks: POST each subscription what the public record gained since its
    cursor, retrying failures; and send the outcome notices owed to commenters. Run as many as
    you like side by side."""
    g.actor = "deliver"
    configured(current_app.config)  # a notifier set up wrong stops the worker now, not each pass
    if once:
        click.echo(f"delivered: {deliver_once()}")
        click.echo(f"notices sent: {sending.send_due()}")
        return
    while True:
        try:
            delivered = deliver_once() + sending.send_due()
        except sa.exc.SQLAlchemyError:
            # The database away for a moment (a restart, a failover): the leases run out, and
            # the work is taken up again from the cursors once it is back.
            log.exception("The delivery worker could not reach the database; trying again.")
            db.session.remove()
            delivered = 0
            time.sleep(5)
        if not delivered:
            time.sleep(interval)

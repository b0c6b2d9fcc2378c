"""Writing the security log after each refusal, within a budget; forgetting it; reading it."""

import datetime as dt
import logging
import threading
import time

import sqlalchemy as sa
from flask import Flask, current_app, g, request

from core import tick
from core.extensions import db, utcnow
from core.filters import conditions
from core.pagination import Listing
from core.security_log.models import REFUSALS, SecurityEvent

# The logger the service has always written these lines to, which log filters may name.
log = logging.getLogger("core.security_log")


class _Budget:
    """How many events each address may still log this minute, in this process."""

    def __init__(self):
        self.minute = None
        self.counts = {}
        self.lock = threading.Lock()

    def take(self, address: str, per_minute: int) -> tuple[bool, int]:
        """(whether to log, how many of this address were left out before)."""
        minute = int(time.time() // 60)
        with self.lock:
            if minute != self.minute:
                self.minute, self.counts = minute, {}
            kept, dropped = self.counts.get(address, (0, 0))
            if kept >= per_minute:
                self.counts[address] = (kept, dropped + 1)
                return False, 0
            self.counts[address] = (kept + 1, 0)
            return True, dropped


def init_app(app: Flask) -> None:
    """Log every refusal `app` answers, within each address's budget."""
    app.extensions["security_log_budget"] = _Budget()
    app.after_request(_log_refusal)


def _log_refusal(response):
    if response.status_code not in REFUSALS or not request.path.startswith("/api/"):
        return response
    address = request.remote_addr or "-"
    keep, dropped = current_app.extensions["security_log_budget"].take(
        address, current_app.config["SECURITY_LOG_PER_MINUTE"]
    )
    if not keep:
        return response
    account = g.get("account")
    event = {
        "at": utcnow(),
        "status": response.status_code,
        "method": request.method,
        "route": request.path[:300],
        "address": address[:64],
        "account_id": account.id if account is not None else None,
        "request_id": g.get("request_id"),
    }
    # A refusal changes nothing: end the request's own transaction first, which on SQLite may
    # hold the write lock this connection needs.
    db.session.rollback()
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(SecurityEvent.__table__), event)
    except sa.exc.SQLAlchemyError:
        # The refusal stands whether or not it could be logged; the log line keeps it.
        log.exception("could not record a security event")
    log.warning(
        "refused %s %s %s from %s (account %s)%s",
        response.status_code,
        request.method,
        request.path,
        address,
        event["account_id"],
        f"; {dropped} more from this address not recorded" if dropped else "",
    )
    return response


@tick.task("security events past their retention")
def forget_old_events(_today) -> int:
    """Events older than SECURITY_LOG_DAYS go: an address is personal data, kept only as long
    as an attempt may still need looking into."""
    cutoff = utcnow() - dt.timedelta(days=current_app.config["SECURITY_LOG_DAYS"])
    with db.engine.begin() as connection:
        return connection.execute(sa.delete(SecurityEvent.__table__).where(SecurityEvent.at < cutoff)).rowcount


def list_events(**filters) -> Listing:
    """The refused attempts, newest first: of a `status`, from an `address`, `since` an instant."""
    where = conditions(SecurityEvent, filters)
    return Listing(sa.select(SecurityEvent).where(*where).order_by(SecurityEvent.id.desc()))

"""The security log: every refused attempt (401, 403, 429) with address, account and route,
readable by admins at /api/v1/security-events, kept SECURITY_LOG_DAYS days (tick).

Written after the answer is decided, in a transaction of its own (the request's own may have
been rolled back), and itself limited: at most SECURITY_LOG_PER_MINUTE events per client
address per minute in each process, so that a flood of refusals cannot fill the database;
what is left out is counted in the log line of the next one kept.
"""

import datetime as dt
import logging
import threading
import time

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask.views import MethodView
from sqlalchemy.orm import Mapped, mapped_column

from core import tick
from core.extensions import UTCDateTime, db, utcnow

log = logging.getLogger(__name__)

REFUSALS = frozenset({401, 403, 429})


class SecurityEvent(db.Model):
    __tablename__ = "security_events"
    __audited__ = False  # a log of its own, written outside the session

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[int]
    method: Mapped[str] = mapped_column(sa.String(10))
    route: Mapped[str] = mapped_column(sa.String(300))
    address: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))


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


# --- Reading it ------------------------------------------------------------------------------

from core.auth import requires  # noqa: E402
from core.http import Blueprint, render_many  # noqa: E402

blp = Blueprint(
    "security_events",
    __name__,
    url_prefix="/api/v1/security-events",
    description="Refused attempts: 401, 403 and 429 (admin).",
)


class SecurityEventSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "The event's id"})
    at = ma.fields.DateTime(metadata={"description": "When it was refused"})
    status = ma.fields.Integer(metadata={"description": "401, 403 or 429", "enum": sorted(REFUSALS)})
    method = ma.fields.String(metadata={"description": "The request's method", "examples": ["PATCH"]})
    route = ma.fields.String(metadata={"description": "The path asked for", "examples": ["/api/v1/decisions/12"]})
    address = ma.fields.String(allow_none=True, metadata={"description": "The client's address"})
    account_id = ma.fields.Integer(allow_none=True, metadata={"description": "The account, when a valid token came"})
    request_id = ma.fields.String(allow_none=True, metadata={"description": "The request, as in the service's logs"})


class SecurityEventQueryArgsSchema(ma.Schema):
    status = ma.fields.Integer(validate=ma.validate.OneOf(sorted(REFUSALS)), metadata={"description": "Only these"})
    address = ma.fields.String(validate=ma.validate.Length(1, 64), metadata={"description": "Only this address"})
    since = ma.fields.AwareDateTime(metadata={"description": "At or after this instant"})


@blp.route("")
class SecurityEvents(MethodView):
    @requires("admin")
    @blp.arguments(SecurityEventQueryArgsSchema, location="query")
    @blp.response(200, SecurityEventSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Read the refused attempts, newest first (admin)

        Filter by `status`, `address` and time (`since`). At most `SECURITY_LOG_PER_MINUTE`
        events per address and minute are kept in each process; the service's log says how
        many more there were."""
        conditions = []
        if "status" in args:
            conditions.append(SecurityEvent.status == args["status"])
        if "address" in args:
            conditions.append(SecurityEvent.address == args["address"])
        if "since" in args:
            conditions.append(SecurityEvent.at >= args["since"])
        pagination_parameters.item_count = db.session.scalar(
            sa.select(sa.func.count()).select_from(SecurityEvent).where(*conditions)
        )
        rows = db.session.scalars(
            sa.select(SecurityEvent)
            .where(*conditions)
            .order_by(SecurityEvent.id.desc())
            .limit(pagination_parameters.page_size)
            .offset((pagination_parameters.page - 1) * pagination_parameters.page_size)
        ).all()
        return render_many(SecurityEventSchema, rows)

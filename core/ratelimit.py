"""Rate limits on the writes of the public and of partner apps, on the `limits` library.

One rule: every write (not GET, HEAD or OPTIONS) by an anonymous caller counts against its
client address, and every write by a partner app against its account, in one budget shared by
all write endpoints, so that a flood cannot move from one endpoint to the next. Staff are never
limited, nor is any read. Beyond the budget: 429 with `Retry-After` (core.errors).

Built on `limits` (the library under Flask-Limiter: its limit syntax, its Redis storage and
fixed-window counting for counters that processes share) without Flask-Limiter itself, whose
per-request work to find which of its many kinds of limits apply cost a quarter of a comment's
CPU (bench/README.md, ADR 0011); for this one rule a key, a limit and a hit are all there is to
do. Where the counters live is RATELIMIT_STORAGE_URI: `database://` (the default) in the app's
own database (core.ratelimit_storage), shared by every worker of a host on SQLite and by every
host on PostgreSQL; `redis://` for high traffic; `memory://` in this process only, a dict
(`_InProcess`), for tests and a single process.
"""

import math
import threading
import time
from functools import lru_cache

from flask import Flask, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from core.auth import current_account, is_staff
from core.extensions import READS, db
from core.ratelimit_storage import DatabaseStorage

_SCOPE = "writes"  # the one budget's name in the counters' keys


@lru_cache(maxsize=16)
def _limits(text: str) -> tuple[RateLimitItem, ...]:
    """'30/minute' (or '30/minute;500/day'), parsed once per setting."""
    return tuple(parse_many(text))


class _Shared:
    """Counts kept in the storage the settings name (Redis: shared by every process and host),
    by `limits`' fixed windows."""

    def __init__(self, uri: str):
        self.windows = FixedWindowRateLimiter(storage_from_string(uri))

    def hit(self, limit: RateLimitItem, caller: str) -> tuple[bool, int, float]:
        """Count one write: (allowed, remaining, when the window ends)."""
        allowed = self.windows.hit(limit, _SCOPE, caller)
        stats = self.windows.get_window_stats(limit, _SCOPE, caller)
        return allowed, stats.remaining, stats.reset_time

    def reset(self) -> None:
        self.windows.storage.reset()


class _InDatabase:
    """Counts kept in the app's database (database://), by the same fixed windows and keys as
    `limits`' FixedWindowRateLimiter.hit, but one statement a write: the storage's upsert
    returns the count and the window's end, which `get_window_stats` would read again in two
    more transactions."""

    def __init__(self, app: Flask, uri: str):
        with app.app_context():
            self.storage = storage_from_string(uri, engine=db.engine)
        if not isinstance(self.storage, DatabaseStorage):
            raise TypeError(f"{uri} is not the database storage")

    def hit(self, limit: RateLimitItem, caller: str) -> tuple[bool, int, float]:
        count, end = self.storage.hit(limit.key_for(_SCOPE, caller), limit.get_expiry())
        return count <= limit.amount, max(0, limit.amount - count), end

    def reset(self) -> None:
        self.storage.reset()


class _InProcess:
    """Counts kept in this process (memory://): fixed windows aligned on the clock.

    Not `limits`' memory storage: it starts a thread to expire its counters every 10 ms of
    traffic, which with its bookkeeping cost a tenth of a comment's CPU (ADR 0011). Here a
    count is a dict entry, and ended windows are dropped when the dict grows."""

    _KEPT = 10_000

    def __init__(self):
        self.counts = {}  # (limit, caller) -> (window's end, writes counted in it)
        self.lock = threading.Lock()  # threaded workers count each write once

    def hit(self, limit: RateLimitItem, caller: str) -> tuple[bool, int, float]:
        now = time.time()
        seconds = limit.get_expiry()
        end = now - now % seconds + seconds
        key = (limit, caller)
        with self.lock:
            counted_end, count = self.counts.get(key, (end, 0))
            if counted_end != end:
                count = 0
            if count >= limit.amount:
                return False, 0, end
            if len(self.counts) >= self._KEPT and key not in self.counts:
                self.counts = {k: v for k, v in self.counts.items() if v[0] > now}
            self.counts[key] = (end, count + 1)
        return True, limit.amount - count - 1, end

    def reset(self) -> None:
        self.counts.clear()


class WriteLimiter:
    """Counts each limited write; refuses one beyond its caller's budget. One per process,
    serving each app it is initialised on with that app's own counters and settings."""

    def init_app(self, app: Flask) -> None:
        app.config.setdefault("RATELIMIT_ENABLED", True)
        uri = app.config["RATELIMIT_STORAGE_URI"]
        # Counted where the settings say, even when disabled, so that reset() always works.
        if uri == "memory://":
            counter = _InProcess()
        elif uri.startswith("database:"):
            counter = _InDatabase(app, uri)
        else:
            counter = _Shared(uri)
        app.extensions["write_limiter"] = counter
        if app.config["RATELIMIT_ENABLED"]:
            app.before_request(_count_write)
            app.after_request(_add_headers)

    def reset(self) -> None:
        """Forget every count of the current app (tests)."""
        current_app.extensions["write_limiter"].reset()


def _count_write() -> None:
    if request.method in READS:
        return
    account = current_account()
    if is_staff(account):
        return
    setting = "RATELIMIT_PARTNER_WRITES" if account else "RATELIMIT_ANONYMOUS_WRITES"
    caller = f"account:{account.id}" if account else f"ip:{request.remote_addr}"
    counter = current_app.extensions["write_limiter"]
    closest = None  # the limit nearest its end, which the headers describe
    for limit in _limits(current_app.config[setting]):
        allowed, remaining, reset_time = counter.hit(limit, caller)
        if not allowed:
            g.rate_limit = (limit, 0, reset_time)
            raise TooManyRequests(str(limit), retry_after=max(1, math.ceil(reset_time - time.time())))
        if closest is None or remaining < closest[1]:
            closest = (limit, remaining, reset_time)
    g.rate_limit = closest


def _add_headers(response):
    """A limited write's answer says its budget: X-RateLimit-Limit, -Remaining, -Reset."""
    counted = g.get("rate_limit")
    if counted is not None:
        limit, remaining, reset_time = counted
        response.headers.extend(
            (
                ("X-RateLimit-Limit", str(limit.amount)),
                ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", str(math.ceil(reset_time))),
            )
        )
    return response


limiter = WriteLimiter()

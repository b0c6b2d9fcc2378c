"""Rate-limit counters in the application's own database: `RATELIMIT_STORAGE_URI=database://`.

A storage for the `limits` library (its public `Storage` interface, registered for the
`database` scheme), so that every worker and every host that share the database share the
counters, with no server beside it: on SQLite every worker of the host, on PostgreSQL every
host. Redis stays the choice for high traffic (bench/README.md has what each costs).

One row per caller and limit (`rate_limit_counter`): the count in its window and the window's
end. A hit is one statement, an upsert that starts a new window when the stored one has ended
and otherwise adds to it, and returns the count and the end: atomic on SQLite (3.35+, for
RETURNING) and on PostgreSQL alike, so that concurrent workers never count one hit twice or
lose one. The window's end is on the database's clock, as Redis' TTLs are on Redis', so hosts
whose clocks drift still agree on when a window ends.

Each statement runs in a short transaction of its own on the app's engine, never in the
request's session: a request that is rolled back still counted, and a counter never waits on,
or holds, the request's writes longer than its one statement.
"""

import time
from urllib.parse import urlparse

import sqlalchemy as sa
from flask import has_app_context
from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy.orm import Mapped, mapped_column

from core import tick
from core.extensions import db


class RateLimitCounter(db.Model):
    """On PostgreSQL an UNLOGGED table (migration 0014): a counter's write waits for no WAL
    flush, and a crash forgets the windows in progress, which only restarts them."""

    __tablename__ = "rate_limit_counter"
    # limits' key: 'LIMITER/writes/ip:203.0.113.7/30/1/minute'
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    count: Mapped[int]
    # Seconds since the epoch, on the database's clock. Not indexed: only `tick` looks rows up
    # by it, and an index would be written again at every window's start.
    expires_at: Mapped[float] = mapped_column(sa.Double)


# The database's clock in seconds since the epoch: PostgreSQL's now() is its transaction's start
# (here the one statement's); SQLite's 'now' holds for the whole statement.
_NOW = {
    "postgresql": "extract(epoch from now())::double precision",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}

_HIT = """
INSERT INTO rate_limit_counter AS c (key, count, expires_at) VALUES (:key, :amount, {now} + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN c.expires_at <= {now} THEN excluded.count ELSE c.count + excluded.count END,
    expires_at = CASE WHEN c.expires_at <= {now} THEN excluded.expires_at ELSE c.expires_at END
RETURNING count, expires_at
"""
_COUNT = "SELECT count FROM rate_limit_counter WHERE key = :key AND expires_at > {now}"
_EXPIRY = "SELECT expires_at FROM rate_limit_counter WHERE key = :key AND expires_at > {now}"
_ENDED = "DELETE FROM rate_limit_counter WHERE expires_at <= {now}"


def _statement(sql: str, dialect: str) -> sa.TextClause:
    if dialect not in _NOW:
        raise ConfigurationError(f"database:// counts on SQLite or PostgreSQL, not on {dialect}")
    return sa.text(sql.format(now=_NOW[dialect]))


class DatabaseStorage(Storage):
    """`limits`' counters in the app's database (fixed windows, as its Redis storage keeps them).

    `database://` names the app's own DATABASE_URL: core.ratelimit passes the app's engine
    (`engine=`); without one, the current app's."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, engine: sa.Engine | None = None, **_):
        address = urlparse(uri or "")
        if address.netloc or address.path or address.query:
            raise ConfigurationError(f"database:// takes no address: it counts in DATABASE_URL ({uri})")
        if engine is None:
            if not has_app_context():
                raise ConfigurationError("database:// needs the app's engine, or an application context")
            engine = db.engine
        self.engine = engine
        dialect = engine.dialect.name
        self.on_sqlite = dialect == "sqlite"
        self._hit = _statement(_HIT, dialect)
        self._count = _statement(_COUNT, dialect)
        self._expiry = _statement(_EXPIRY, dialect)
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _connection(self) -> sa.Connection:
        """A connection of the engine's own, for one statement.

        On PostgreSQL in autocommit: the statement commits by itself, with no BEGIN or COMMIT
        to wait for (as core.extensions.lean_write). On SQLite in a transaction the engine
        begins as it is configured (core.extensions.configure_engine): in a write request, the
        only place a hit is counted, with BEGIN IMMEDIATE, which waits for the write lock
        (busy_timeout) rather than fail; elsewhere a deferred BEGIN, whose first statement is
        here the write and so waits for the lock the same way."""
        connection = self.engine.connect()
        if not self.on_sqlite:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection

    def hit(self, key: str, expiry: float, amount: int = 1) -> tuple[int, float]:
        """Count `amount` for `key`, in its window or in a new one of `expiry` seconds when the
        stored one has ended: (the count in the window, the window's end), in one statement."""
        with self._connection() as connection:
            count, expires_at = connection.execute(
                self._hit, {"key": key, "amount": amount, "expiry": float(expiry)}
            ).one()
            connection.commit()
        return count, expires_at

    # --- limits' Storage interface ---------------------------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        return self.hit(key, expiry, amount)[0]

    def get(self, key: str) -> int:
        with self._connection() as connection:
            return connection.execute(self._count, {"key": key}).scalar() or 0

    def get_expiry(self, key: str) -> float:
        with self._connection() as connection:
            expires_at = connection.execute(self._expiry, {"key": key}).scalar()
        return time.time() if expires_at is None else expires_at

    def check(self) -> bool:
        try:
            with self._connection() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int:
        with self._connection() as connection:
            deleted = connection.execute(sa.delete(RateLimitCounter)).rowcount
            connection.commit()
        return deleted

    def clear(self, key: str) -> None:
        with self._connection() as connection:
            connection.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.key == key))
            connection.commit()


# Ended windows are cleaned by `tick` rather than on a share of the hits: a stored window that
# has ended counts for nothing (the next hit of its caller starts a new one in its row), so its
# row only takes room, one per caller and limit, until the next tick (every few minutes, README);
# a write never pays for the cleaning, and no index on expires_at is written at every window's
# start. Safe to run repeatedly and concurrently: what one tick deletes, another finds gone.
@tick.task("rate-limit windows ended")
def forget_ended_windows(_today) -> int:
    with db.engine.begin() as connection:
        return connection.execute(_statement(_ENDED, connection.dialect.name)).rowcount

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

Each hit is one statement that commits by itself (autocommit), on a connection of an engine of
the counters' own: never the request's session, so a request that is rolled back still counted,
and a hit never waits on, or holds, the request's writes.

- On SQLite the counters live in a file of their own beside the database
  (`juece.sqlite3-ratelimit`), so that a hit never waits for the data's write lock, nor the
  data for a hit: in the data's file a comment under load paid two write transactions in turn
  for one lock (bench/README.md, 2026-12-03: 574 comments a second, against 737 with the file
  apart and 816 counted in memory). The file is written without waiting for the disk
  (synchronous=OFF): a crash forgets windows in progress, which only restarts them, as
  PostgreSQL's UNLOGGED table does. The data's file keeps an empty `rate_limit_counter` from
  migration 0014.
- On PostgreSQL the engine has no pre-ping: a hit is one round trip, not two. A connection
  the server dropped fails its statement, which is run once more on a new one (SQLAlchemy's
  optimistic disconnect handling).
"""

import os
import threading
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


# One engine per database, however many apps (and storages) count in it.
_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def counters_engine(engine: sa.Engine) -> sa.Engine:
    """The engine the counters of `engine`'s database are kept on (see above)."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ConfigurationError(
                "database:// counts beside a SQLite file; a database in memory counts in memory://"
            )
        url = url.set(drivername="sqlite", database=os.path.abspath(url.database) + "-ratelimit")
    key = url.render_as_string(hide_password=False)
    with _engines_lock:
        if key not in _engines:
            _engines[key] = _beside_file(url) if engine.dialect.name == "sqlite" else _autocommitting(url)
        return _engines[key]


def _beside_file(url: sa.URL) -> sa.Engine:
    beside = sa.create_engine(url)

    @sa.event.listens_for(beside, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # each statement commits by itself
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=OFF"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    RateLimitCounter.__table__.create(beside, checkfirst=True)
    return beside


def _autocommitting(url: sa.URL) -> sa.Engine:
    # A sync worker counts on one connection at a time; threads of a threaded one on a few.
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8)


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
        self.engine = counters_engine(engine)
        dialect = self.engine.dialect.name
        self.on_sqlite = dialect == "sqlite"
        # Its connections are closed when the app's engine is disposed (SQLAlchemy's documented
        # `engine_disposed` event), as the app's own are.
        sa.event.listen(engine, "engine_disposed", lambda _engine: self.engine.dispose())
        self._hit = _statement(_HIT, dialect)
        self._count = _statement(_COUNT, dialect)
        self._expiry = _statement(_EXPIRY, dialect)
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _run(self, statement, parameters=None) -> list | int:
        """One statement in autocommit: its rows, or how many it changed. On a connection the
        server dropped, once more on a new one (the pool is invalidated by the first failure)."""
        for attempt in (1, 2):
            try:
                with self.engine.connect() as connection:
                    result = connection.execute(statement, parameters)
                    answer = result.all() if result.returns_rows else result.rowcount
                    connection.commit()  # in autocommit, only ends SQLAlchemy's own transaction
                return answer
            except sa.exc.DBAPIError as error:
                if not error.connection_invalidated or attempt == 2:
                    raise

    def hit(self, key: str, expiry: float, amount: int = 1) -> tuple[int, float]:
        """Count `amount` for `key`, in its window or in a new one of `expiry` seconds when the
        stored one has ended: (the count in the window, the window's end), in one statement."""
        ((count, expires_at),) = self._run(self._hit, {"key": key, "amount": amount, "expiry": float(expiry)})
        return count, expires_at

    # --- limits' Storage interface ---------------------------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        return self.hit(key, expiry, amount)[0]

    def get(self, key: str) -> int:
        rows = self._run(self._count, {"key": key})
        return rows[0][0] if rows else 0

    def get_expiry(self, key: str) -> float:
        rows = self._run(self._expiry, {"key": key})
        return rows[0][0] if rows else time.time()

    def check(self) -> bool:
        try:
            self._run(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int:
        return self._run(sa.delete(RateLimitCounter))

    def clear(self, key: str) -> None:
        self._run(sa.delete(RateLimitCounter).where(RateLimitCounter.key == key))


# Ended windows are cleaned by `tick` rather than on a share of the hits: a stored window that
# has ended counts for nothing (the next hit of its caller starts a new one in its row), so its
# row only takes room, one per caller and limit, until the next tick (every few minutes, README);
# a write never pays for the cleaning, and no index on expires_at is written at every window's
# start. Safe to run repeatedly and concurrently: what one tick deletes, another finds gone.
@tick.task("rate-limit windows ended")
def forget_ended_windows(_today) -> int:
    with counters_engine(db.engine).begin() as connection:
        return connection.execute(_statement(_ENDED, connection.dialect.name)).rowcount

"""The extensions every package shares: the database, the API, CORS (migrations: core.migrations)."""

import datetime as dt
import re
from contextlib import contextmanager

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context, request
from flask_cors import CORS
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from core.errors import Conflict
from core.http import OperationDefaults
from core.openapi import Api

# Stable constraint names, so that Alembic revisions name and find the same constraints on
# SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current instant, in UTC, with its offset."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """An instant stored in UTC and always returned with its offset, on every database.

    SQLite keeps no offset, so without this the same column would come back naive there and
    aware on PostgreSQL, and the API would print two formats.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: instants must carry their offset")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return _as_utc(value)


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# How SQLAlchemy stores an instant (in UTC) and a day in SQLite's text; it writes no other form.
_STORED_INSTANT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
_STORED_DAY = re.compile(r"\d{4}-\d\d-\d\d")


class _ShownInstant(sa.types.TypeDecorator):
    """An instant read only to be written out as JSON: SQLite's stored text turned straight
    into the text orjson writes for the datetime UTCDateTime would give ('2026-03-10T01:30:00
    +00:00', the fraction only when not zero). Any other value goes the UTCDateTime way."""

    impl = sa.Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        if isinstance(value, str):
            if not _STORED_INSTANT.fullmatch(value):
                return _as_utc(dt.datetime.fromisoformat(value))
            fraction = value[19:]
            return f"{value[:10]}T{value[11:19]}{'' if fraction == '.000000' else fraction}+00:00"
        return _as_utc(value)


class _ShownDay(sa.types.TypeDecorator):
    """A day read only to be written out as JSON: SQLite's stored 'YYYY-MM-DD' is already the
    text orjson writes for the date. Any other value is read as a date, as sa.Date does."""

    impl = sa.Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        if isinstance(value, str) and not _STORED_DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
        return value


def shown(column):
    """`column` as a read that is only written out as JSON selects it: instants and days come
    as the text the API shows, not as datetimes that orjson turns back into the same text.

    Parsing them was the largest cost of a timeline past SQLite itself (100 values, ~65 µs);
    code that computes with them (deadlines, comparisons) must select the column itself.
    On PostgreSQL, whose driver hands over datetimes and dates, nothing changes.
    """
    if isinstance(column.type, UTCDateTime):
        return sa.type_coerce(column, _ShownInstant).label(column.key)
    if isinstance(column.type, sa.Date):
        return sa.type_coerce(column, _ShownDay).label(column.key)
    return column


class Model(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def index_where_set(table: str, column: str) -> sa.Index:
    """`ix_<table>_<column>` over only the rows that have a value there: for a column most rows
    leave empty, whose rows then write no index entry that no query reads."""
    where = sa.text(f"{column} IS NOT NULL")
    return sa.Index(f"ix_{table}_{column}", column, sqlite_where=where, postgresql_where=where)


def index_while_pending(table: str, column: str, *pending: str) -> sa.Index:
    """`ix_<table>_<column>_pending` over only the rows whose `pending` columns are all still
    empty: the few that due work (`tick`, the change feed's catch-up) looks for, among many
    that are done with."""
    where = sa.text(" AND ".join(f"{p} IS NULL" for p in pending))
    return sa.Index(f"ix_{table}_{column}_pending", column, sqlite_where=where, postgresql_where=where)


class Timestamped:
    """created_at / updated_at."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Not indexed here: only decisions are listed by it (`updated_since`); an index nobody
    # reads is written on every insert and update of every table.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Versioned(Timestamped):
    """Timestamps, and a version counter that backs lost-update checks."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        # SQLAlchemy bumps `version` on every UPDATE and fails a concurrent stale one.
        return {"version_id_col": cls.__table__.c.version}


db = SQLAlchemy(model_class=Model)


def stored(obj):
    """`obj` added to the session and flushed, so that it has its id (and the database has
    checked its constraints) before the transaction goes on; returned, for `x = stored(X(...))`."""
    db.session.add(obj)
    db.session.flush()
    return obj


@contextmanager
def conflict_on_clash(message: str):
    """A write that breaks a unique constraint answers 409 with `message`, whether the database
    refuses it at a flush or at the commit; the transaction is rolled back."""
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(message) from error


def commit_or_conflict(message: str) -> None:
    """Commit; a unique constraint the commit breaks is a 409 with `message`."""
    with conflict_on_clash(message):
        db.session.commit()


api = Api(spec_kwargs={"extra_plugins": [OperationDefaults()]})


class RememberingCORS(CORS):
    """Flask-CORS, its answer remembered per route and CORS request headers.

    Flask-CORS works out the same headers anew for every response: it matches the path
    against its resources and reads its options, a tenth of a small read's time
    (bench/README.md). What it adds depends only on the route (all of a route's paths fall in
    the same resource), the method, and the request's Origin and Access-Control-Request-*
    headers; so the first answer for each such key is kept and replayed.
    """

    _KEPT = 1024  # Origin comes from the client: bound what is kept

    def init_app(self, app, **kwargs):
        # Flask-CORS registers one after-request hook; the one it adds is wrapped.
        hooks = app.after_request_funcs.setdefault(None, [])
        before = list(hooks)
        super().init_app(app, **kwargs)
        hooks[:] = [hook if hook in before else _remembered(hook, self._KEPT) for hook in hooks]


_CORS_REQUEST_HEADERS = (
    "HTTP_ORIGIN",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
    "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
)


def _remembered(cors_after_request, kept: int):
    answers = {}

    def after(response):
        rule = request.url_rule
        if rule is None or "Access-Control-Allow-Origin" in response.headers:
            return cors_after_request(response)  # unrouted (404s), or set by the view
        environ = request.environ
        key = (rule.rule, request.method, *(environ.get(name) for name in _CORS_REQUEST_HEADERS))
        added = answers.get(key)
        if added is None:
            had = len(response.headers)
            response = cors_after_request(response)
            added = list(response.headers)[had:]  # Flask-CORS only adds headers
            if len(answers) >= kept:
                answers.clear()
            answers[key] = added
        else:
            response.headers.extend(added)
        return response

    after.__wrapped__ = cors_after_request  # functools' convention: what bench/overrides.py compares against
    return after


cors = RememberingCORS()


# Requests that change nothing: never rate-limited (core.ratelimit), and on SQLite a deferred
# transaction.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_read() -> bool:
    """Whether the current request only reads."""
    return request.method in READS


def read_connection() -> sa.Connection:
    """The connection a read request's row queries run on: the engine's, outside the session.

    Queries that return rows rather than ORM objects need no session, and a session's
    creation, its transaction's beginning and its closing cost a tenth of reading one
    decision (bench/README.md). Kept for the request (one transaction: one snapshot for all
    its statements) and closed at its end. In a write request, or outside a request, it is
    the session's: a write then reads what it writes, and SQLite's write lock is taken once."""
    if not has_request_context() or not is_read():
        return db.session.connection()
    connection = g.get("read_connection")
    if connection is None:
        connection = g.read_connection = db.engine.connect()
    return connection


def close_read_connection(_error=None) -> None:
    connection = g.pop("read_connection", None)
    if connection is not None:
        connection.close()


@contextmanager
def lean_write():
    """A connection for a hot write path that first reads what decides its writes (a comment:
    ADR 0010); committed when the block ends, rolled back if it raises.

    Outside the session, unless something of the request already began the session's
    transaction (a token's lookup): a session's creation, its beginning and its commit cost a
    tenth of a comment. On SQLite the reads run in a deferred transaction, and `now_writing`
    waits for the write lock when the writes begin; a worker then waits for another only while
    that one writes (SQLite's busy handler sleeps a millisecond or more on each wait). On
    PostgreSQL each statement commits by itself, with no BEGIN or COMMIT (two round trips
    fewer), so the writes must be one statement. Either way what was read may change before
    the writes: use it only where a unique constraint (or the writing statement) still decides."""
    joined = db.session.registry.has() and db.session().in_transaction()
    connection = db.session.connection() if joined else _lean_connection()
    ends = db.session if joined else connection  # what commits or rolls back
    try:
        try:
            yield connection
        except BaseException:
            ends.rollback()
            raise
        ends.commit()
    finally:
        if not joined:
            connection.close()


def _lean_connection() -> sa.Connection:
    """An engine connection: on SQLite in a deferred (reading) transaction, on PostgreSQL in
    autocommit."""
    connection = db.engine.connect()
    if connection.dialect.name != "sqlite":
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    g.reading_first = True
    try:
        connection.begin()
    finally:
        g.reading_first = False
    return connection


def now_writing(connection: sa.Connection) -> None:
    """In `lean_write`, once the reads are done: on SQLite, end the reading transaction and wait
    for the write lock, within SQLAlchemy's same transaction (its commit or rollback ends the
    new one)."""
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        driver.execute("COMMIT")
        driver.execute("BEGIN IMMEDIATE")


def configure_engine(engine: sa.Engine) -> None:
    """Database settings that must hold on every connection."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let us issue BEGIN ourselves (SQLiteDialect.do_begin); pysqlite's own handling defers
        # it to the first write, so each statement of a read would see its own snapshot.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class SQLiteDialect(SQLiteDialect_pysqlite):
    """SQLAlchemy's pysqlite dialect, beginning each transaction itself: `BEGIN IMMEDIATE` in a
    write, `BEGIN` in a read (the connection's isolation_level is None: configure_engine).

    `do_begin` is the documented Dialect method SQLAlchemy begins every transaction through
    (pysqlite's does nothing). SQLAlchemy's recipe sends BEGIN from a "begin" event instead,
    but one connection event listener makes SQLAlchemy dispatch events around every
    statement, BEGIN and ROLLBACK of every connection: in the same run a read of one decision
    took 2-5 % longer that way (bench/README.md). Registered as `sqlite+juece`
    (sqlite_beginning), SQLAlchemy's documented registry of dialects.
    """

    supports_statement_cache = True  # it compiles as its parent does (SQLAlchemy asks it to say so)

    def do_begin(self, dbapi_connection):
        # A write request takes the write lock up front. A deferred transaction that reads and
        # then writes can fail at once with SQLITE_BUSY when another worker wrote meanwhile,
        # which busy_timeout does not retry; BEGIN IMMEDIATE waits for the lock instead.
        if has_request_context():
            writing = not is_read() and not g.get("reading_first", False)
        else:
            writing = has_app_context() and g.get("writes", False)
        dbapi_connection.execute("BEGIN IMMEDIATE" if writing else "BEGIN")


registry.register("sqlite.juece", __name__, "SQLiteDialect")


def sqlite_beginning(url: str) -> str:
    """`url` with SQLiteDialect as its driver when it names a SQLite database (pysqlite, the
    default driver); any other URL as it is."""
    scheme, sep, rest = url.partition("://")
    return f"sqlite+juece://{rest}" if sep and scheme in ("sqlite", "sqlite+pysqlite") else url

"""Fixtures: one app per test session over a migrated database, emptied before each test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import contextvars
import datetime as dt
import os
import tempfile
import threading

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from core import calendar
from core.extensions import db
from core.migrations import use_flask_migrate
from core.ratelimit_storage import RateLimitCounter, counters_engine
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


class IsolatedClient(FlaskClient):
    """Runs each request in an application context of its own, as a server does.

    Tests hold an app context for factories; without this, requests would share its `g`
    and its database session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        def request_alone():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        context = contextvars.copy_context()
        response = context.run(request_alone)
        if response.is_streamed:
            # A streamed body (stream_with_context) is read in the request's context, as a
            # server reads it on the request's own thread.
            response.response = _ReadIn(context, response.response)
        return response


class _ReadIn:
    """An iterable of a response's chunks, each read inside `context`."""

    def __init__(self, context, chunks):
        self.context, self.chunks = context, iter(chunks)

    def __iter__(self):
        return self

    def __next__(self):
        return self.context.run(next, self.chunks)

    def close(self):
        close = getattr(self.chunks, "close", None)
        if close is not None:
            self.context.run(close)


@pytest.fixture(scope="session")
def _app():
    with tempfile.TemporaryDirectory() as tmp:
        url = TEST_DATABASE_URL or f"sqlite:///{tmp}/test.sqlite3"
        app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
        app.test_client_class = IsolatedClient
        use_flask_migrate(app)
        with app.app_context():
            if TEST_DATABASE_URL:
                _drop_everything()
            upgrade()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _drop_everything():
    """Leave a PostgreSQL test database empty, whatever an earlier run left in it."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def _empty_tables():
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        # The append-only tables refuse DELETE (migration 0008); between tests, and only here,
        # their triggers stand aside: on PostgreSQL for this transaction (as a replica applies
        # changes), on SQLite dropped and made again from their own definitions.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            triggers = []
        else:
            triggers = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
            for name, _ in triggers:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        for table in tables:
            connection.exec_driver_sql(f"DELETE FROM {table}")
        for _, definition in triggers:
            connection.exec_driver_sql(definition)
        if triggers:  # the search index's FTS5 table, whose rows went without its triggers
            for index in ("search_fts", "search_grams"):
                connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('delete-all')")
        if connection.dialect.name == "postgresql":
            # DELETE and setval rather than TRUNCATE ... RESTART IDENTITY: on a few rows they
            # take a millisecond where TRUNCATE takes twenty, in every test.
            connection.exec_driver_sql(
                "SELECT setval(oid, 1, false) FROM pg_class "
                "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
            )
        elif _has_sqlite_sequence(connection):
            connection.exec_driver_sql("DELETE FROM sqlite_sequence")
    if db.engine.dialect.name == "sqlite":  # its rate-limit counters are kept in a file beside it
        with counters_engine(db.engine).begin() as connection:
            connection.execute(sa.delete(RateLimitCounter))


def _has_sqlite_sequence(connection):
    return connection.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()


@pytest.fixture
def app(_app):
    """The app, over an empty database."""
    with _app.app_context():
        _empty_tables()
        yield _app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def units(app):
    """The units most tests use: the government office and two departments."""
    return factories.district_units()


@pytest.fixture
def tokens(app, units):
    """A token for each kind of caller: admin, editor of jd-fgw, editor of jd-jyj, partner."""
    return factories.tokens()


@pytest.fixture
def evaluator(app, units):
    """A token of the evaluator: the third-party assessor, who reads and never writes."""
    return factories.evaluator_token()


@pytest.fixture
def today(monkeypatch):
    """Fix the service's today (Asia/Shanghai) at 2026-03-20; `today(date)` moves it."""

    def set_today(day: dt.date):
        monkeypatch.setattr(calendar, "today", lambda: day)

    set_today(dt.date(2026, 3, 20))
    return set_today


def auth(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


def sent_twice_at_once(app, monkeypatch, send, *, module, lookup: str, found):
    """Two clients send `send(client)` at the same moment; returns both answers, after checking
    that both got the one stored answer, one of them as a replay.

    On PostgreSQL both requests are made to run `module.lookup` (the search for what an
    earlier request stored) before either stores, so that the second meets the first at the
    unique index; `found(result)` tells whether the lookup found something. SQLite's write
    lock serialises them instead."""
    if db.engine.dialect.name == "postgresql":
        looked, local = threading.Barrier(2, timeout=10), threading.local()
        original = getattr(module, lookup)

        def both_look_first(*args):
            result = original(*args)
            if not found(result) and not getattr(local, "waited", False):
                local.waited = True
                looked.wait()
            return result

        monkeypatch.setattr(module, lookup, both_look_first)
    db.session.rollback()
    start, answers = threading.Barrier(2, timeout=10), []

    def one():
        client = app.test_client()
        start.wait()
        answers.append(send(client))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [201, 201], [a.get_json() for a in answers]
    assert answers[0].get_json() == answers[1].get_json()
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    return answers

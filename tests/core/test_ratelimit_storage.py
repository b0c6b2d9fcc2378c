"""Rate-limit counters in the app's own database (database://): counted once each, however
many workers count at once, forgotten when their window ends, and one budget for every worker
of a gunicorn."""

import collections
import json
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from limits import parse
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app import create_app
from consultation.comments.models import Comment
from core import tick
from core.extensions import db
from core.ratelimit_storage import DatabaseStorage, RateLimitCounter, counters_engine
from tests import factories
from tests.conftest import IsolatedClient, auth
from tests.serving import serve


@pytest.fixture
def storage(app):
    return storage_from_string("database://", engine=db.engine)


def _rows() -> dict:
    """The counters as stored, read apart from the storage (on SQLite in their own file)."""
    with counters_engine(db.engine).connect() as connection:
        return dict(connection.execute(sa.select(RateLimitCounter.key, RateLimitCounter.count)).all())


def test_the_database_scheme_is_registered_with_limits(storage):
    assert isinstance(storage, DatabaseStorage)
    assert storage.check()
    # Without an engine it counts in the current app's database; it takes no address of its own.
    assert storage_from_string("database://").engine is counters_engine(db.engine)
    with pytest.raises(ConfigurationError):
        storage_from_string("database://elsewhere:5432/db", engine=db.engine)


def test_a_hit_counts_in_its_window_and_says_when_the_window_ends(storage):
    before = time.time()
    assert storage.hit("k", 60) == (1, pytest.approx(before + 60, abs=2))
    count, end = storage.hit("k", 60)
    assert count == 2 and end == pytest.approx(before + 60, abs=2)
    assert storage.incr("k", 60, amount=3) == 5
    assert storage.get("k") == 5
    assert storage.get_expiry("k") == end
    assert storage.get("other") == 0
    assert _rows() == {"k": 5}


def test_limits_fixed_windows_run_on_it(storage):
    windows, limit = FixedWindowRateLimiter(storage), parse("2/minute")
    assert [windows.hit(limit, "writes", "ip:a") for _ in range(3)] == [True, True, False]
    assert windows.hit(limit, "writes", "ip:b")
    stats = windows.get_window_stats(limit, "writes", "ip:a")
    assert stats.remaining == 0 and time.time() < stats.reset_time <= time.time() + 61
    assert not windows.test(limit, "writes", "ip:a")
    windows.clear(limit, "writes", "ip:a")
    assert windows.test(limit, "writes", "ip:a")


def test_an_ended_window_starts_again_at_the_next_hit(storage):
    assert storage.hit("k", 1)[0] == 1
    assert storage.hit("k", 1)[0] == 2
    time.sleep(1.1)
    assert storage.get("k") == 0
    assert storage.get_expiry("k") <= time.time()
    count, end = storage.hit("k", 1)
    assert count == 1 and time.time() < end <= time.time() + 1.1


def test_clear_and_reset_forget_counts(storage):
    storage.hit("a", 60)
    storage.hit("b", 60)
    storage.clear("a")
    assert _rows() == {"b": 1}
    storage.hit("c", 60)
    assert storage.reset() == 2
    assert _rows() == {}


def test_tick_deletes_the_windows_that_have_ended_and_only_those(storage):
    storage.hit("ended", 1)
    storage.hit("running", 60)
    time.sleep(1.1)
    assert tick.run()["rate-limit windows ended"] == 1
    assert _rows() == {"running": 1}
    assert tick.run()["rate-limit windows ended"] == 0


def test_hits_from_many_threads_at_once_are_each_counted_once(storage):
    # Each thread counts through connections of its own, as workers do; on SQLite they wait
    # for the write lock in turn, on PostgreSQL the upserts meet at the row's lock.
    start, counts, errors = threading.Barrier(8, timeout=10), [], []

    def count():
        try:
            start.wait()
            counts.extend(storage.incr("k", 60) for _ in range(25))
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(counts) == list(range(1, 201))


def test_on_sqlite_a_hit_never_waits_for_the_datas_write_lock(storage):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL a hit meets only its own row's lock")
    counted = []
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a write of the data in progress, as a comment's is
    try:
        hitting = threading.Thread(target=lambda: counted.append(storage.hit("k", 60)[0]))
        hitting.start()
        hitting.join(5)  # in the data's file it would wait out busy_timeout (30 s)
    finally:
        holder.rollback()
        holder.close()
    assert counted == [1]


def test_a_database_in_memory_counts_in_memory_not_here(app):
    with pytest.raises(ConfigurationError, match="memory://"):
        storage_from_string("database://", engine=sa.create_engine("sqlite://"))


def test_a_connection_the_server_dropped_costs_one_retry_not_a_refused_write(storage):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    assert storage.hit("k", 60)[0] == 1  # the counters' pool now holds a connection
    with db.engine.connect() as connection:
        dropped = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
            )
        ).scalar()
        connection.commit()
    assert dropped >= 1
    assert storage.hit("k", 60)[0] == 2


@pytest.fixture
def limited(app):
    """A second app over the test's database, counting its writes there, 2 a minute."""
    limited = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "database://",
            "RATELIMIT_ANONYMOUS_WRITES": "2/minute",
            "RATELIMIT_PARTNER_WRITES": "2/minute",
        }
    )
    limited.test_client_class = IsolatedClient
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_refused_and_failed_writes_count_too(limited, tokens):
    # The count is committed before the request is answered, whatever the answer: a 401 or a
    # 403 rolls back the request's session, not the counter.
    client = limited.test_client()
    assert [client.post("/api/v1/units", json={}).status_code for _ in range(3)] == [401, 401, 429]
    # A partner's token lookup began the request's transaction (on SQLite with the write lock)
    # before the counter counts on a connection of its own: it neither waits for it nor is
    # rolled back with it.
    partner = auth(tokens["partner"])
    answers = [client.post("/api/v1/units", json={}, headers=partner).status_code for _ in range(3)]
    assert answers == [403, 403, 429]
    assert sorted(_rows().values()) == [3, 3]


# --- Two gunicorn workers, one budget ------------------------------------------------------------


def _comment(url: str, n: int) -> int:
    body = json.dumps(
        {"content": f"建议进一步加大对小微企业的贷款贴息支持。第{n}条", "submitter_type": "individual"}
    ).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def test_two_gunicorn_workers_share_one_exact_budget(app, tokens):
    consultation_id = factories.consultation_open_today()
    env = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "RATELIMIT_STORAGE_URI": "database://",
        # An hour's window, so that no window ends while the test sends.
        "RATELIMIT_ANONYMOUS_WRITES": "30/hour",
    }
    with serve(env, workers=2) as base_url:
        url = f"{base_url}/api/v1/consultations/{consultation_id}/comments"
        with ThreadPoolExecutor(8) as callers:
            statuses = collections.Counter(callers.map(lambda n: _comment(url, n), range(120)))
        log = base_url.log()
    assert statuses == {201: 30, 429: 90}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 30
    # Both workers took comments: the budget held across them, not in one of them alone.
    pids = set(re.findall(r"<(\d+)> POST \S+/comments (?:201|429)", log))
    assert len(pids) == 2, log

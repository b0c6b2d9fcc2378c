"""Writes by the public and partner apps are rate limited; reads and staff work are not."""

import time

import pytest
import redis
from flask_migrate import upgrade

from app import create_app
from core.migrations import use_flask_migrate
from core.ratelimit import limiter
from tests import factories
from tests.conftest import auth


def _limited_app(tmp_path, name="limits", **config):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/{name}.sqlite3",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ANONYMOUS_WRITES": "2/minute",
            **config,
        }
    )
    use_flask_migrate(app)
    with app.app_context():
        upgrade()
        limiter.reset()
    return app


@pytest.fixture
def limited(tmp_path):
    return _limited_app(tmp_path)


def test_anonymous_writes_beyond_the_limit_get_429_with_retry_after(limited):
    client = limited.test_client()
    answers = [client.post("/api/v1/units", json={}).status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    response = client.post("/api/v1/units", json={})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    problem = response.get_json()
    assert problem["type"] == "https://juece.example/problems/rate-limited"
    assert "2 per 1 minute" in problem["detail"]


def test_a_limited_write_says_its_budget_in_its_headers(limited):
    client = limited.test_client()
    first, second, third = (client.post("/api/v1/units", json={}) for _ in range(3))
    assert [r.headers["X-RateLimit-Limit"] for r in (first, second, third)] == ["2", "2", "2"]
    assert [r.headers["X-RateLimit-Remaining"] for r in (first, second, third)] == ["1", "0", "0"]
    reset = int(third.headers["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 61
    # A read is never counted, and says nothing of a budget.
    read = client.get("/api/v1/units")
    assert read.status_code == 200 and "X-RateLimit-Limit" not in read.headers


def test_each_client_address_has_its_own_budget(limited):
    client = limited.test_client()
    for _ in range(2):
        client.post("/api/v1/units", json={}, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert client.post("/api/v1/units", json={}, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 429
    assert client.post("/api/v1/units", json={}, environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code == 401


def test_a_partner_app_counts_against_its_account_and_its_own_limit(tmp_path):
    app = _limited_app(tmp_path, RATELIMIT_PARTNER_WRITES="3/minute")
    with app.app_context():
        factories.district_units()
        tokens = factories.tokens()
    client = app.test_client()
    # From three addresses, one account: one budget of 3. Partners may not add units (403).
    answers = [
        client.post(
            "/api/v1/units", json={}, headers=auth(tokens["partner"]), environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}
        )
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [403, 403, 403, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    # The anonymous budget of the same address is untouched, and staff are never limited.
    assert client.post("/api/v1/units", json={}, environ_base={"REMOTE_ADDR": "203.0.113.0"}).status_code == 401
    staff = [client.post("/api/v1/units", json={}, headers=auth(tokens["admin"])) for _ in range(4)]
    assert {r.status_code for r in staff} == {422}
    assert "X-RateLimit-Limit" not in staff[0].headers


def test_the_strictest_of_several_limits_decides(tmp_path):
    app = _limited_app(tmp_path, RATELIMIT_ANONYMOUS_WRITES="5/minute;2/hour")
    client = app.test_client()
    answers = [client.post("/api/v1/units", json={}) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert answers[1].headers["X-RateLimit-Limit"] == "2"
    assert 60 < int(answers[2].headers["Retry-After"]) <= 3600


def test_reads_are_not_limited(limited):
    client = limited.test_client()
    assert {client.get("/api/v1/units").status_code for _ in range(5)} == {200}


def test_disabled_limits_count_nothing(tmp_path):
    app = _limited_app(tmp_path, RATELIMIT_ENABLED=False)
    client = app.test_client()
    answers = [client.post("/api/v1/units", json={}) for _ in range(4)]
    assert {a.status_code for a in answers} == {401}
    assert "X-RateLimit-Limit" not in answers[0].headers


REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_processes_sharing_redis_share_one_budget(tmp_path):
    # Two apps stand for two gunicorn workers (or hosts): in Redis they count one budget.
    one = _limited_app(tmp_path, "one", RATELIMIT_STORAGE_URI=REDIS)
    other = _limited_app(tmp_path, "other", RATELIMIT_STORAGE_URI=REDIS)
    address = {"REMOTE_ADDR": f"192.0.2.{int(time.time() * 1000) % 250}"}
    try:
        assert one.test_client().post("/api/v1/units", json={}, environ_base=address).status_code == 401
        assert other.test_client().post("/api/v1/units", json={}, environ_base=address).status_code == 401
        assert one.test_client().post("/api/v1/units", json={}, environ_base=address).status_code == 429
    finally:
        with one.app_context():
            limiter.reset()


def test_a_window_in_process_ends_on_the_clock_and_forgets_ended_windows(monkeypatch):
    from limits import parse

    from core import ratelimit

    now = [1_000_000.5]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    counts = ratelimit._InProcess()
    limit = parse("2/minute")
    # Windows are aligned on the minute: this one ends at 1,000,020.
    assert counts.hit(limit, "ip:a") == (True, 1, 1_000_020)
    assert counts.hit(limit, "ip:a") == (True, 0, 1_000_020)
    assert counts.hit(limit, "ip:a") == (False, 0, 1_000_020)
    assert counts.hit(limit, "ip:b") == (True, 1, 1_000_020)
    now[0] = 1_000_020.0
    assert counts.hit(limit, "ip:a") == (True, 1, 1_000_080)
    # Past its bound, what is kept loses the windows that have ended, and only those.
    monkeypatch.setattr(counts, "_KEPT", 2)
    assert counts.hit(limit, "ip:c") == (True, 1, 1_000_080)
    assert set(counts.counts) == {(limit, "ip:a"), (limit, "ip:c")}


def test_writes_counted_in_process_from_many_threads_are_each_counted_once():
    import sys
    import threading

    from limits import parse

    from core import ratelimit

    counts, limit = ratelimit._InProcess(), parse("3000/hour")
    allowed = []

    def write():
        allowed.extend(counts.hit(limit, "ip:a")[0] for _ in range(300))

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two steps of a count
    threads = [threading.Thread(target=write) for _ in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    assert allowed.count(True) == 3000 and allowed.count(False) == 1800

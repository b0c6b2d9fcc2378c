"""Refused attempts (401, 403, 429) are recorded with address, account and route, for admins."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.ratelimit import limiter
from core.security_log import SecurityEvent
from tests.conftest import auth

NEW_UNIT = {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"}


@pytest.fixture(autouse=True)
def _fresh_budget(app):
    """Each test starts with a whole minute's budget for its client address."""
    app.extensions["security_log_budget"].counts.clear()


def _events():
    db.session.rollback()
    return db.session.scalars(sa.select(SecurityEvent).order_by(SecurityEvent.id)).all()


def test_refusals_are_recorded_and_admins_read_them(client, tokens):
    assert client.post("/api/v1/units", json=NEW_UNIT).status_code == 401
    assert client.get("/api/v1/decisions", headers=auth("jc_not-a-token")).status_code == 401
    assert client.post("/api/v1/units", json=NEW_UNIT, headers=auth(tokens["editor"])).status_code == 403
    assert client.get("/api/v1/decisions").status_code == 200  # an answer, not a refusal
    events = _events()
    assert [(e.status, e.method, e.route) for e in events] == [
        (401, "POST", "/api/v1/units"),
        (401, "GET", "/api/v1/decisions"),
        (403, "POST", "/api/v1/units"),
    ]
    assert all(e.address == "127.0.0.1" and e.request_id for e in events)
    assert events[0].account_id is None and events[2].account_id is not None
    read = client.get("/api/v1/security-events?status=403", headers=auth(tokens["admin"]))
    assert read.status_code == 200
    assert [e["route"] for e in read.get_json()] == ["/api/v1/units"]
    assert client.get("/api/v1/security-events", headers=auth(tokens["editor"])).status_code == 403
    assert client.get("/api/v1/security-events").status_code == 401


def test_a_flood_of_refusals_is_recorded_only_up_to_the_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SECURITY_LOG_PER_MINUTE", 5)
    for _ in range(30):
        assert client.post("/api/v1/units", json=NEW_UNIT).status_code == 401
    assert len(_events()) == 5


@pytest.fixture
def limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ANONYMOUS_WRITES", "2/minute")
    from core import ratelimit

    app.before_request_funcs[None].append(ratelimit._count_write)
    yield
    app.before_request_funcs[None].remove(ratelimit._count_write)
    limiter.reset()


def test_a_rate_limited_write_is_recorded(client, tokens, limited):
    for _ in range(3):
        client.post("/api/v1/comments", json={})
    assert [e.status for e in _events()][-1] == 429


def test_tick_forgets_events_past_their_retention_and_only_those(app, client):
    import datetime as dt

    from core import tick
    from core.extensions import utcnow

    assert client.post("/api/v1/units", json=NEW_UNIT).status_code == 401
    with db.engine.begin() as connection:
        old = {"status": 403, "method": "POST", "route": "/api/v1/units", "address": "10.0.0.9"}
        connection.execute(sa.insert(SecurityEvent.__table__), {**old, "at": utcnow() - dt.timedelta(days=181)})
    assert len(_events()) == 2
    db.session.remove()  # the tick's transactions take SQLite's write lock up front
    assert tick.run()["security events past their retention"] == 1
    assert [e.address for e in _events()] == ["127.0.0.1"]

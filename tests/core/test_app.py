"""The application shell: health, readiness, settings, CORS, proxies, the database's settings."""

import datetime as dt
import sqlite3

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from core import calendar, settings
from core.extensions import close_read_connection, db, lean_write, now_writing, read_connection
from core.migrations import use_flask_migrate
from decisions.models import Unit
from decisions.units import services as unit_services
from tests import factories
from tests.conftest import auth


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_readyz_is_503_when_the_schema_is_behind(app, client):
    with db.engine.begin() as connection:
        head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "flask db upgrade" in response.get_json()["detail"]
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :h"), {"h": head})


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_settings_come_from_the_environment_then_the_test_mapping(monkeypatch, tmp_path):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    loaded = settings.load(str(tmp_path), {"LOG_LEVEL": "DEBUG"})
    assert loaded["MAX_CONTENT_LENGTH"] == 2048
    assert loaded["LOG_LEVEL"] == "DEBUG"
    assert loaded["DATABASE_URL"] == f"sqlite:///{tmp_path}/juece.sqlite3"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_reads_see_one_snapshot_and_writes_take_the_lock_up_front(app, units):
    """core.extensions.configure_engine: a read's transaction begins at once (deferred: it
    takes no lock), so its statements share one snapshot; a write's begins IMMEDIATE."""
    if db.engine.dialect.name != "sqlite":
        return
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        with app.test_request_context("/api/v1/units", method="GET"):
            reading = db.session.connection()
            assert reading.connection.dbapi_connection.in_transaction
            before = reading.exec_driver_sql("SELECT count(*) FROM units").scalar()
            other.execute(
                "INSERT INTO units (code, name, kind, created_at, updated_at, version)"
                " VALUES ('jd-new', '新单位', 'town', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', 1)"
            )
            assert reading.exec_driver_sql("SELECT count(*) FROM units").scalar() == before
            db.session.remove()
        with app.test_request_context("/api/v1/units", method="POST"):
            db.session.connection()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            db.session.remove()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_json_is_utf8_as_is(client, units):
    body = client.get("/api/v1/units/jd-fgw").data
    assert "嘉定区发展和改革委员会".encode() in body
    assert b"\\u" not in body


def test_cors_lets_any_origin_read_and_exposes_paging_headers(client, units):
    response = client.get("/api/v1/units", headers={"Origin": "https://portal.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "X-Pagination" in exposed and "ETag" in exposed
    # A partner's web app can pace its writes by its budget, and quote a request id.
    assert {"Retry-After", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID"} <= set(exposed.split(", "))


def _migrated_app(tmp_path, **config):
    """An app of its own with `config`, over a fresh migrated SQLite database."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/own.sqlite3", **config})
    use_flask_migrate(app)
    with app.app_context():
        upgrade()
    return app


def test_cors_answers_are_remembered_per_route_method_and_origin(tmp_path):
    # core.extensions.RememberingCORS replays Flask-CORS's first answer for each key: the
    # replay must be what Flask-CORS answers, whichever order the requests come in.
    app = _migrated_app(tmp_path, CORS_ORIGINS="https://portal.example,https://app.example")
    client = app.test_client()

    def cors_of(method, path, **headers):
        response = client.open(path, method=method, headers=headers)
        return [(k, v) for k, v in response.headers if k.startswith("Access-Control") or k == "Vary"]

    portal, other, stranger = "https://portal.example", "https://app.example", "https://evil.example"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Idempotency-Key"}
    cases = [
        (("GET", "/api/v1/units"), {"Origin": portal}, [portal]),
        (("GET", "/api/v1/units"), {"Origin": other}, [other]),
        (("GET", "/api/v1/units"), {"Origin": stranger}, []),
        (("GET", "/api/v1/units"), {}, [other]),  # Flask-CORS (always_send) names the first allowed one
        (("GET", "/api/v1/units/jd-x"), {"Origin": portal}, [portal]),  # a 404 of a route
        (("GET", "/api/v1/nowhere"), {"Origin": portal}, [portal]),  # no route at all
        (("OPTIONS", "/api/v1/consultations/1/comments"), {"Origin": portal, **preflight}, [portal]),
        (
            ("OPTIONS", "/api/v1/consultations/1/comments"),
            {"Origin": portal, "Access-Control-Request-Method": "PURGE"},
            [portal],
        ),
    ]
    answers = {}
    for _ in range(2):  # first computed by Flask-CORS, then replayed
        for (method, path), headers, origin in cases:
            answer = cors_of(method, path, **headers)
            assert [v for k, v in answer if k == "Access-Control-Allow-Origin"] == origin, (method, path, answer)
            assert answers.setdefault((method, path, tuple(headers.items())), answer) == answer
    allowed = dict(
        answers[("OPTIONS", "/api/v1/consultations/1/comments", tuple({"Origin": portal, **preflight}.items()))]
    )
    assert (
        "POST" in allowed["Access-Control-Allow-Methods"]
        and "Idempotency-Key" in allowed["Access-Control-Allow-Headers"]
    )
    refused = answers[
        (
            "OPTIONS",
            "/api/v1/consultations/1/comments",
            (("Origin", portal), ("Access-Control-Request-Method", "PURGE")),
        )
    ]
    assert "Access-Control-Allow-Methods" not in refused
    assert ("Vary", "Origin") in answers[("GET", "/api/v1/units", (("Origin", portal),))]


def test_links_honour_forwarded_headers_behind_a_trusted_proxy(tmp_path):
    app = _migrated_app(tmp_path, PROXY_COUNT=1)
    with app.app_context():
        unit_services.create_unit("jd-gov", name="嘉定区人民政府办公室", kind="government")
    response = app.test_client().get(
        "/api/v1/units/jd-gov", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "open.jiading.gov.cn"}
    )
    assert response.get_json()["_links"]["self"]["href"] == "https://open.jiading.gov.cn/api/v1/units/jd-gov"


PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "open.jiading.gov.cn", "X-Forwarded-Prefix": "/juece"}


def test_every_link_keeps_the_forwarded_prefix_behind_a_trusted_proxy(tmp_path, monkeypatch):
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 7, 1))
    app = _migrated_app(tmp_path, PROXY_COUNT=1)
    with app.app_context():
        factories.district_units()
        admin = auth(factories.tokens()["admin"])
        decision = factories.catalogued_decision()
        factories.background(decision)
        decision_id = decision.id
    client = app.test_client()
    base = "https://open.jiading.gov.cn/juece/api/v1"
    unit = client.get("/api/v1/units/jd-gov", headers=PROXIED).get_json()
    assert unit["_links"]["self"]["href"] == f"{base}/units/jd-gov"
    [listed] = client.get("/api/v1/decisions", headers=PROXIED).get_json()
    assert {link["href"] for link in listed["_links"].values()} == {
        f"{base}/decisions/{decision_id}",
        f"{base}/catalogues/2026",
        f"{base}/units/jd-fgw",
    }
    timeline = client.get(f"/api/v1/decisions/{decision_id}/timeline", headers=PROXIED).get_json()
    assert len(timeline["entries"]) == 2
    assert all(entry["href"].startswith(f"{base}/") for entry in timeline["entries"])
    assert timeline["_links"]["self"]["href"] == f"{base}/decisions/{decision_id}/timeline"
    changes = client.get("/api/v1/changes", headers=PROXIED).get_json()["entries"]
    assert len(changes) == 2 and all(entry["href"].startswith(f"{base}/") for entry in changes)
    created = client.post(
        "/api/v1/units",
        json={"code": "jd-sfj", "name": "嘉定区司法局", "kind": "department"},
        headers={**PROXIED, **admin},
    )
    assert created.status_code == 201 and created.headers["Location"] == f"{base}/units/jd-sfj"
    # The same host without a prefix: links without one (the base is remembered per prefix).
    plain = client.get("/api/v1/units/jd-gov", headers={k: v for k, v in PROXIED.items() if "Prefix" not in k})
    assert plain.get_json()["_links"]["self"]["href"] == "https://open.jiading.gov.cn/api/v1/units/jd-gov"


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client, units):
    response = client.get("/api/v1/units/jd-gov", headers={"X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in response.get_json()["_links"]["self"]["href"]
    response = client.get("/api/v1/units/jd-gov", headers=PROXIED)
    assert response.get_json()["_links"]["self"]["href"] == "http://localhost/api/v1/units/jd-gov"


def test_public_base_url_overrides_the_request_host(tmp_path):
    app = _migrated_app(tmp_path, PUBLIC_BASE_URL="https://juece.example/", PROXY_COUNT=1)
    with app.app_context():
        unit_services.create_unit("jd-gov", name="嘉定区人民政府办公室", kind="government")
    body = app.test_client().get("/api/v1/units/jd-gov").get_json()
    assert body["_links"]["self"]["href"] == "https://juece.example/api/v1/units/jd-gov"
    # It is the whole base: what a proxy forwards, a prefix included, does not change it.
    body = app.test_client().get("/api/v1/units/jd-gov", headers=PROXIED).get_json()
    assert body["_links"]["self"]["href"] == "https://juece.example/api/v1/units/jd-gov"


def test_a_read_request_reads_outside_the_session_and_gives_its_connection_back(app, client, units):
    db.session.rollback()
    pool, before = db.engine.pool, db.engine.pool.checkedout()
    with app.test_request_context("/api/v1/decisions", method="GET"):
        connection = read_connection()
        assert read_connection() is connection  # one transaction, one snapshot, per request
        assert connection is not db.session.connection()
        close_read_connection()
        assert connection.closed
        db.session.rollback()
    with app.test_request_context("/api/v1/decisions", method="POST"):
        assert read_connection() is db.session.connection()  # a write reads what it writes
        db.session.rollback()
    assert client.get("/api/v1/decisions/1").status_code == 404
    assert client.get("/api/v1/decisions").status_code == 200
    assert pool.checkedout() == before


def test_a_lean_write_commits_or_rolls_back_and_leaves_its_connection_as_it_found_it(app, units):
    db.session.rollback()
    pool, before = db.engine.pool, db.engine.pool.checkedout()
    insert = sa.insert(Unit.__table__).values(kind="department")
    postgresql = db.engine.dialect.name == "postgresql"
    with app.test_request_context("/api/v1/units", method="POST"):
        with lean_write() as connection:
            assert not db.session().in_transaction()  # the session is not needed
            driver = connection.connection.driver_connection
            # On PostgreSQL each statement commits by itself; on SQLite a (deferred) transaction
            # holds the reads and the writes.
            assert driver.autocommit if postgresql else driver.in_transaction
            connection.execute(insert, {"code": "jd-lean", "name": "甲"})
        with pytest.raises(RuntimeError), lean_write() as connection:
            now_writing(connection)
            connection.execute(insert, {"code": "jd-gone", "name": "乙"})
            raise RuntimeError("refused after the write")
        db.session.rollback()
    assert pool.checkedout() == before
    # Back in the pool the connection is transactional again, for whoever takes it next.
    assert driver.autocommit is False if postgresql else not driver.in_transaction
    codes = set(db.session.scalars(sa.text("SELECT code FROM units WHERE code LIKE 'jd-%'")))
    assert "jd-lean" in codes
    assert ("jd-gone" in codes) is postgresql  # there one statement is its own transaction


def test_a_lean_write_joins_the_transaction_a_request_already_began(app, units):
    db.session.rollback()
    with app.test_request_context("/api/v1/units", method="POST"):
        db.session.execute(sa.text("SELECT 1"))  # a token's lookup, say
        with lean_write() as connection:
            assert connection is db.session.connection()
            connection.execute(sa.text("UPDATE units SET name = '发改委' WHERE code = 'jd-fgw'"))
        assert not db.session().in_transaction()  # committed
    assert db.session.scalar(sa.text("SELECT name FROM units WHERE code = 'jd-fgw'")) == "发改委"

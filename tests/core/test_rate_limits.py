"""Writes by the public and partner apps are rate limited; reads and staff work are not."""

import pytest
from flask_migrate import upgrade

from core import create_app
from core.extensions import limiter


@pytest.fixture
def limited(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/limits.sqlite3",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ANONYMOUS_WRITES": "2/minute",
        }
    )
    with app.app_context():
        upgrade()
        limiter.reset()
    return app


def test_anonymous_writes_beyond_the_limit_get_429_with_retry_after(limited):
    client = limited.test_client()
    answers = [client.post("/api/v1/units", json={}).status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    response = client.post("/api/v1/units", json={})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["type"] == "https://juece.example/problems/rate-limited"


def test_reads_are_not_limited(limited):
    client = limited.test_client()
    assert {client.get("/api/v1/units").status_code for _ in range(5)} == {200}

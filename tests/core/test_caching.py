"""The cache policy a CDN in front of us follows, and the security headers (core.caching)."""

import datetime as dt
import re

import pytest

from tests import factories
from tests.conftest import auth

pytestmark = pytest.mark.usefixtures("tokens")


def _published_background(today):
    today(dt.date(2026, 7, 1))
    decision = factories.catalogued_decision(published_on=dt.date(2026, 3, 1))
    background = factories.background(decision)
    return decision, f"/api/v1/decisions/{decision.id}/background/versions/{background.version}"


def test_an_open_read_may_be_kept_by_a_shared_cache_briefly_and_revalidated(client, today):
    decision, _ = _published_background(today)
    for url in (f"/api/v1/decisions/{decision.id}", f"/api/v1/decisions/{decision.id}/timeline", "/api/v1/decisions"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == "public, max-age=60", url
        assert "Authorization" in answer.headers["Vary"], url
        assert answer.headers["ETag"], url


def test_a_published_version_is_kept_longer_and_the_setting_says_how_long(app, client, today, monkeypatch):
    _, url = _published_background(today)
    assert client.get(url).headers["Cache-Control"] == "public, max-age=600"
    monkeypatch.setitem(app.config, "CACHE_MAX_AGE_PUBLISHED", 86400)
    monkeypatch.setitem(app.config, "CACHE_MAX_AGE", 5)
    assert client.get(url).headers["Cache-Control"] == "public, max-age=86400"
    assert client.get("/api/v1/decisions").headers["Cache-Control"] == "public, max-age=5"


def test_an_unpublished_version_is_not_kept_longer(client, tokens, today):
    today(dt.date(2026, 7, 1))
    decision = factories.catalogued_decision(published_on=dt.date(2026, 3, 1))
    draft = factories.draft(decision, published_on=None)
    answer = client.get(f"/api/v1/decisions/{decision.id}/drafts/{draft.version}", headers=auth(tokens["admin"]))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_a_revalidation_keeps_the_policy(client, today):
    _, url = _published_background(today)
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=600"
    assert again.headers["ETag"] == etag


def test_a_list_gets_a_tag_over_its_body_and_answers_304_to_it(client, today):
    _published_background(today)
    first = client.get("/api/v1/decisions")
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag)
    assert client.get("/api/v1/decisions", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/decisions", headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    factories.catalogued_decision(title="嘉定区公共停车设施规划", published_on=dt.date(2026, 3, 1))
    changed = client.get("/api/v1/decisions", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_anything_read_with_a_token_is_private_and_not_stored(client, tokens, today):
    decision, url = _published_background(today)
    for who in ("admin", "partner"):
        for path in (url, "/api/v1/decisions", f"/api/v1/decisions/{decision.id}/timeline"):
            answer = client.get(path, headers=auth(tokens[who]))
            assert answer.status_code == 200, (who, path)
            assert answer.headers["Cache-Control"] == "private, no-store", (who, path)


def test_writes_errors_and_probes_are_not_stored(client, tokens, today):
    _published_background(today)
    created = client.post(
        "/api/v1/catalogues/2027/decisions",
        json={"title": "嘉定区公共停车设施规划", "lead_unit": "jd-fgw"},
        headers=auth(tokens["admin"]),
    )
    assert created.headers["Cache-Control"] == "private, no-store"
    assert client.post("/api/v1/comments", json={}).headers["Cache-Control"] == "no-store"
    missing = client.get("/api/v1/decisions/999999")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    invalid = client.get("/api/v1/decisions?page=0")
    assert invalid.status_code == 422 and invalid.headers["Cache-Control"] == "no-store"
    for probe in ("/healthz", "/readyz"):
        assert client.get(probe).headers["Cache-Control"] == "no-store", probe


def test_security_headers_on_every_response_and_hsts_over_https(client, today):
    _published_background(today)
    for url in ("/api/v1/decisions", "/api/v1/decisions/999999", "/openapi.json", "/healthz"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "no-referrer", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'", url
        assert "Strict-Transport-Security" not in headers, url
    secure = client.get("/api/v1/decisions", base_url="https://juece.example.gov.cn")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"

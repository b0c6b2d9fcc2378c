"""The yearly catalogue: drafting, the Party committee's consent, publication by 31 March."""

import datetime as dt

import pytest

from tests import factories
from tests.conftest import auth

PROBLEM = "application/problem+json"
PROBLEMS = "https://juece.example/problems/"
NEW_CATALOGUE = {"year": 2026, "title": "嘉定区人民政府2026年度重大行政决策事项目录", "issuer_unit": "jd-gov"}


def publish(client, token, year=2026, **body):
    return client.post(f"/api/v1/catalogues/{year}/publication", json=body, headers=auth(token))


def test_admin_opens_a_catalogue_as_a_draft(client, tokens, today):
    response = client.post("/api/v1/catalogues", json=NEW_CATALOGUE, headers=auth(tokens["admin"]))
    assert response.status_code == 201
    assert response.headers["Location"] == "http://localhost/api/v1/catalogues/2026"
    assert response.headers["ETag"]
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["published_on"] is None
    assert body["party_consent_on"] is None
    assert body["due_on"] == "2026-03-31"
    assert body["on_time"] is None
    assert body["items"] == [] and body["adjustments"] == []
    assert body["_links"]["self"] == {"href": "http://localhost/api/v1/catalogues/2026"}
    assert body["_links"]["issuer_unit"] == {"href": "http://localhost/api/v1/units/jd-gov"}


def test_catalogue_year_is_unique(client, tokens):
    factories.catalogue(2026)
    response = client.post("/api/v1/catalogues", json=NEW_CATALOGUE, headers=auth(tokens["admin"]))
    assert response.status_code == 409
    assert response.mimetype == PROBLEM


def test_catalogue_issuer_must_be_a_known_unit(client, tokens):
    response = client.post(
        "/api/v1/catalogues", json={**NEW_CATALOGUE, "issuer_unit": "jd-nowhere"}, headers=auth(tokens["admin"])
    )
    assert response.status_code == 422
    assert "issuer_unit" in response.get_json()["errors"]["json"]


def test_catalogue_needs_year_title_and_issuer(client, tokens):
    response = client.post("/api/v1/catalogues", json={"year": 1999}, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"year", "title", "issuer_unit"}


def test_draft_catalogue_is_invisible_to_the_public(client, tokens):
    factories.catalogue(2026)
    factories.catalogue(2025, published_on=dt.date(2025, 3, 1))
    response = client.get("/api/v1/catalogues/2026")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert [c["year"] for c in client.get("/api/v1/catalogues").get_json()] == [2025]
    assert client.get("/api/v1/catalogues?status=draft").get_json() == []
    assert client.get("/api/v1/catalogues/2026", headers=auth(tokens["partner"])).status_code == 404
    assert client.get("/api/v1/catalogues/2026/adjustments").status_code == 404


def test_draft_catalogue_is_visible_to_staff(client, tokens):
    factories.catalogue(2026)
    factories.catalogue(2025, published_on=dt.date(2025, 3, 1))
    for role in ("admin", "editor", "other_editor"):
        response = client.get("/api/v1/catalogues/2026", headers=auth(tokens[role]))
        assert response.status_code == 200, role
        assert response.get_json()["status"] == "draft"
        listed = client.get("/api/v1/catalogues", headers=auth(tokens[role])).get_json()
        assert [c["year"] for c in listed] == [2026, 2025]
    drafts = client.get("/api/v1/catalogues?status=draft", headers=auth(tokens["admin"])).get_json()
    assert [c["year"] for c in drafts] == [2026]
    published = client.get("/api/v1/catalogues?status=published", headers=auth(tokens["admin"])).get_json()
    assert [c["year"] for c in published] == [2025]


def test_unknown_catalogue_is_404_even_to_admin(client, tokens):
    assert client.get("/api/v1/catalogues/2030", headers=auth(tokens["admin"])).status_code == 404


def test_catalogue_publication_needs_party_consent(client, tokens, today):
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], published_on="2026-03-10")
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == PROBLEMS + "party-consent-missing"
    assert body["status"] == 409
    assert body["title"] and "party_consent_on" in body["detail"]
    assert client.get("/api/v1/catalogues/2026").status_code == 404


def test_catalogue_publication_needs_consent_before_the_publication_day(client, tokens, today):
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], party_consent_on="2026-03-11", published_on="2026-03-10")
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "party-consent-missing"
    assert client.get("/api/v1/catalogues/2026").status_code == 404


def test_catalogue_publication_uses_consent_recorded_on_the_draft(client, tokens, today):
    factories.catalogue(2026)
    etag = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).headers["ETag"]
    patched = client.patch(
        "/api/v1/catalogues/2026",
        json={"party_consent_on": "2026-02-20"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert patched.status_code == 200
    response = publish(client, tokens["admin"], published_on="2026-03-10")
    assert response.status_code == 200
    assert response.get_json()["party_consent_on"] == "2026-02-20"


def test_catalogue_publication_consent_on_the_same_day_is_enough(client, tokens, today):
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], party_consent_on="2026-03-10", published_on="2026-03-10")
    assert response.status_code == 200


def test_published_catalogue_is_public_with_its_items(client, tokens, today):
    factories.catalogue(2026)
    decision = factories.decision(2026)
    response = publish(
        client,
        tokens["admin"],
        party_consent_on="2026-02-20",
        published_on="2026-03-10",
        doc_number="嘉府发〔2026〕5号",
        url="https://www.jiading.gov.cn/zwgk/2026/ml.html",
    )
    assert response.status_code == 200
    body = client.get("/api/v1/catalogues/2026").get_json()
    assert body["status"] == "published"
    assert body["published_on"] == "2026-03-10"
    assert body["party_consent_on"] == "2026-02-20"
    assert body["doc_number"] == "嘉府发〔2026〕5号"
    assert body["url"] == "https://www.jiading.gov.cn/zwgk/2026/ml.html"
    assert [item["id"] for item in body["items"]] == [decision.id]
    assert body["items"][0]["_links"]["self"]["href"] == f"http://localhost/api/v1/decisions/{decision.id}"
    assert client.get(f"/api/v1/decisions/{decision.id}").get_json()["catalogued_on"] == "2026-03-10"


def test_catalogue_publication_defaults_to_today(client, tokens, today):
    today(dt.date(2026, 3, 5))
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], party_consent_on="2026-02-20")
    assert response.status_code == 200
    assert response.get_json()["published_on"] == "2026-03-05"


def test_catalogue_publication_day_cannot_lie_in_the_future(client, tokens, today):
    today(dt.date(2026, 3, 5))
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], party_consent_on="2026-02-20", published_on="2026-03-06")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert "published_on" in response.get_json()["errors"]["json"]


def test_catalogue_is_published_once(client, tokens, today):
    factories.catalogue(2026)
    assert publish(client, tokens["admin"], party_consent_on="2026-02-20", published_on="2026-03-10").status_code == 200
    response = publish(client, tokens["admin"], party_consent_on="2026-02-20", published_on="2026-03-12")
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "catalogue-published"
    assert client.get("/api/v1/catalogues/2026").get_json()["published_on"] == "2026-03-10"


def test_unknown_catalogue_publication_is_404(client, tokens, today):
    response = publish(client, tokens["admin"], year=2030, party_consent_on="2026-02-20")
    assert response.status_code == 404


def test_catalogue_is_due_on_31_march_of_its_year(client, tokens, today):
    factories.catalogue(2026)
    factories.catalogue(2024)
    assert client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).get_json()["due_on"] == "2026-03-31"
    # 2024 is a leap year: still 31 March, not "90 days".
    assert client.get("/api/v1/catalogues/2024", headers=auth(tokens["admin"])).get_json()["due_on"] == "2024-03-31"


@pytest.mark.parametrize(
    ("published_on", "today_is", "on_time"),
    [
        pytest.param(None, dt.date(2026, 3, 31), None, id="draft-on-the-due-day-may-still-be-on-time"),
        pytest.param(None, dt.date(2026, 4, 1), False, id="draft-after-the-due-day-is-late"),
        pytest.param(dt.date(2026, 3, 31), dt.date(2026, 5, 1), True, id="published-on-the-due-day"),
        pytest.param(dt.date(2026, 4, 1), dt.date(2026, 5, 1), False, id="published-the-day-after"),
        pytest.param(dt.date(2026, 1, 15), dt.date(2026, 1, 20), True, id="published-early"),
    ],
)
def test_catalogue_on_time_means_published_by_its_due_day(client, tokens, today, published_on, today_is, on_time):
    today(today_is)
    factories.catalogue(2026, published_on=published_on)
    body = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).get_json()
    assert body["on_time"] is on_time


def test_catalogue_published_late_is_listed_as_not_on_time(client, tokens, today):
    today(dt.date(2026, 4, 20))
    factories.catalogue(2026)
    response = publish(client, tokens["admin"], party_consent_on="2026-04-01", published_on="2026-04-15")
    assert response.status_code == 200
    assert response.get_json()["on_time"] is False
    assert client.get("/api/v1/catalogues").get_json()[0]["on_time"] is False


def test_draft_catalogue_patch_changes_it(client, tokens):
    factories.catalogue(2026)
    etag = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).headers["ETag"]
    response = client.patch(
        "/api/v1/catalogues/2026",
        json={"title": "2026年度目录（修订）"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "2026年度目录（修订）"


def test_catalogue_patch_needs_if_match(client, tokens):
    factories.catalogue(2026)
    response = client.patch("/api/v1/catalogues/2026", json={"title": "x"}, headers=auth(tokens["admin"]))
    assert response.status_code == 428


def test_catalogue_patch_with_a_stale_etag_is_412(client, tokens):
    factories.catalogue(2026)
    etag = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).headers["ETag"]
    headers = {**auth(tokens["admin"]), "If-Match": etag}
    assert client.patch("/api/v1/catalogues/2026", json={"title": "一"}, headers=headers).status_code == 200
    assert client.patch("/api/v1/catalogues/2026", json={"title": "二"}, headers=headers).status_code == 412


def test_catalogue_patch_refuses_an_unknown_issuer(client, tokens):
    factories.catalogue(2026)
    etag = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).headers["ETag"]
    response = client.patch(
        "/api/v1/catalogues/2026",
        json={"issuer_unit": "jd-nowhere"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert response.status_code == 422


def test_published_catalogue_changes_only_through_adjustments(client, tokens, today):
    factories.catalogue(2026, published_on=dt.date(2026, 3, 10))
    etag = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).headers["ETag"]
    response = client.patch(
        "/api/v1/catalogues/2026", json={"title": "改名"}, headers={**auth(tokens["admin"]), "If-Match": etag}
    )
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "catalogue-published"
    assert client.get("/api/v1/catalogues/2026").get_json()["title"] != "改名"


def test_catalogue_get_answers_304_to_a_matching_if_none_match(client, tokens, today):
    factories.catalogue(2026, published_on=dt.date(2026, 3, 10))
    etag = client.get("/api/v1/catalogues/2026").headers["ETag"]
    response = client.get("/api/v1/catalogues/2026", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""

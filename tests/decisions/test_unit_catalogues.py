"""A unit's own catalogue (确定并发布本单位重大行政决策事项目录): the district catalogue's
lifecycle, deadline and adjustments under /units/{code}/catalogues, issued by the unit and
listing the unit's own decisions; the district's catalogue stays where it is."""

import datetime as dt

from core.errors import PROBLEM_BASE
from tests import factories
from tests.conftest import auth

URL = "/api/v1/units/jd-fgw/catalogues"
NEW = {"year": 2026, "title": "嘉定区发展和改革委员会2026年度重大行政决策事项目录"}
ITEM = {
    "catalogue_year": 2026,
    "catalogue_unit": "jd-fgw",
    "title": "嘉定区发改委项目资金管理办法",
    "category": "public_policy",
    "lead_unit": "jd-fgw",
    "planned_completion": "2026-Q4",
}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if slug is not None:
        assert body["type"] == PROBLEM_BASE + slug, body
    return body


def test_a_unit_opens_its_own_catalogue_which_it_issues(client, tokens, today):
    today(dt.date(2026, 2, 1))
    response = client.post(URL, json=NEW, headers=auth(tokens["editor"]))
    body = _ok(response, 201)
    assert response.headers["Location"] == "http://localhost/api/v1/units/jd-fgw/catalogues/2026"
    assert body["unit"] == "jd-fgw" and body["issuer_unit"] == "jd-fgw"
    assert body["status"] == "draft" and body["due_on"] == "2026-03-31" and body["on_time"] is None
    assert body["_links"]["self"] == {"href": "http://localhost/api/v1/units/jd-fgw/catalogues/2026"}
    assert body["_links"]["adjustments"] == {"href": "http://localhost/api/v1/units/jd-fgw/catalogues/2026/adjustments"}
    # The district's catalogue of the same year is another one, and stays where it is.
    district = _ok(
        client.post(
            "/api/v1/catalogues",
            json={**NEW, "title": "嘉定区人民政府2026年度重大行政决策事项目录", "issuer_unit": "jd-gov"},
            headers=auth(tokens["admin"]),
        ),
        201,
    )
    assert district["unit"] is None
    assert district["_links"]["self"] == {"href": "http://localhost/api/v1/catalogues/2026"}
    assert [c["year"] for c in client.get("/api/v1/catalogues", headers=auth(tokens["admin"])).get_json()] == [2026]
    assert [c["unit"] for c in client.get(URL, headers=auth(tokens["admin"])).get_json()] == ["jd-fgw"]
    # One a year per unit.
    _problem(client.post(URL, json=NEW, headers=auth(tokens["admin"])), 409, "conflict")


def test_a_unit_catalogue_issued_by_another_unit_is_refused(client, tokens):
    body = _problem(
        client.post(URL, json={**NEW, "issuer_unit": "jd-gov"}, headers=auth(tokens["admin"])),
        422,
        "catalogue-issuer-not-unit",
    )
    assert "issuer_unit" in body["errors"]["json"]
    factories.unit_catalogue("jd-fgw")
    url = f"{URL}/2026"
    etag = client.get(url, headers=auth(tokens["admin"])).headers["ETag"]
    _problem(
        client.patch(url, json={"issuer_unit": "jd-jyj"}, headers={**auth(tokens["admin"]), "If-Match": etag}),
        422,
        "catalogue-issuer-not-unit",
    )


def test_the_government_office_keeps_no_catalogue_beside_the_districts(client, tokens):
    body = _problem(
        client.post("/api/v1/units/jd-gov/catalogues", json=NEW, headers=auth(tokens["admin"])),
        422,
        "government-unit-catalogue",
    )
    assert "code" in body["errors"]["path"]


def test_only_the_units_staff_and_admins_write_its_catalogue(client, tokens):
    _problem(client.post(URL, json=NEW), 401)
    for role in ("other_editor", "partner"):
        _problem(client.post(URL, json=NEW, headers=auth(tokens[role])), 403)
    _problem(client.post("/api/v1/units/jd-nowhere/catalogues", json=NEW, headers=auth(tokens["admin"])), 404)
    factories.unit_catalogue("jd-fgw")
    publication = {"party_consent_on": "2026-03-01", "published_on": "2026-03-10"}
    _problem(client.post(f"{URL}/2026/publication", json=publication, headers=auth(tokens["other_editor"])), 403)
    _ok(client.post(f"{URL}/2026/publication", json=publication, headers=auth(tokens["editor"])))


def test_a_unit_catalogue_is_a_draft_to_the_public_until_published_by_31_march(client, tokens, today):
    today(dt.date(2026, 4, 2))
    factories.catalogue(2026)
    factories.unit_catalogue("jd-fgw")
    decision = factories.unit_decision("jd-fgw")
    _problem(client.get(f"{URL}/2026"), 404)
    assert client.get(URL).get_json() == []
    assert client.get(f"/api/v1/decisions/{decision.id}").status_code == 404
    staff = _ok(client.get(f"{URL}/2026", headers=auth(tokens["other_editor"])))
    assert staff["on_time"] is False  # past 31 March, still a draft
    # Publication needs the consent of the unit's Party organisation first.
    _problem(
        client.post(f"{URL}/2026/publication", json={"published_on": "2026-04-02"}, headers=auth(tokens["editor"])),
        409,
        "party-consent-missing",
    )
    body = _ok(
        client.post(
            f"{URL}/2026/publication",
            json={"party_consent_on": "2026-03-20", "published_on": "2026-04-01"},
            headers=auth(tokens["editor"]),
        )
    )
    assert body["status"] == "published" and body["on_time"] is False
    assert [item["id"] for item in body["items"]] == [decision.id]
    public = _ok(client.get(f"/api/v1/decisions/{decision.id}"))
    assert public["catalogue_unit"] == "jd-fgw" and public["catalogued_on"] == "2026-04-01"
    assert public["_links"]["catalogue"] == {"href": "http://localhost/api/v1/units/jd-fgw/catalogues/2026"}
    # Its item has the district items' timeline: the catalogue entry links the unit's catalogue.
    timeline = _ok(client.get(f"/api/v1/decisions/{decision.id}/timeline"))
    entry = timeline["entries"][0] if isinstance(timeline, dict) else timeline[0]
    assert entry["type"] == "catalogued"
    assert "jd-fgw" in str(entry)
    # The district's catalogue of the year knows nothing of it.
    assert _ok(client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])))["items"] == []


def test_an_item_of_a_unit_catalogue_is_led_by_that_unit(client, tokens):
    factories.unit_catalogue("jd-fgw")
    body = _problem(
        client.post("/api/v1/decisions", json={**ITEM, "lead_unit": "jd-jyj"}, headers=auth(tokens["admin"])),
        422,
        "catalogue-item-other-unit",
    )
    assert "lead_unit" in body["errors"]["json"]
    made = _ok(client.post("/api/v1/decisions", json=ITEM, headers=auth(tokens["editor"])), 201)
    assert made["catalogue_unit"] == "jd-fgw" and made["seq_no"] == 1
    # A draft item may not be handed to another unit either.
    url = f"/api/v1/decisions/{made['id']}"
    etag = client.get(url, headers=auth(tokens["admin"])).headers["ETag"]
    _problem(
        client.patch(url, json={"lead_unit": "jd-jyj"}, headers={**auth(tokens["admin"]), "If-Match": etag}),
        422,
        "catalogue-item-other-unit",
    )
    # Another unit's own catalogue that does not exist is no catalogue.
    other = {**ITEM, "catalogue_unit": "jd-jyj", "lead_unit": "jd-jyj"}
    _problem(client.post("/api/v1/decisions", json=other, headers=auth(tokens["admin"])), 422)


def test_sequence_numbers_count_within_each_catalogue(client, tokens):
    factories.catalogue(2026)
    district = factories.decision(2026, lead_unit="jd-fgw", title="区级事项")
    own = factories.unit_decision("jd-fgw", title="本单位事项")
    assert district.seq_no == 1 and own.seq_no == 1


def test_a_unit_catalogue_is_adjusted_like_the_districts(client, tokens):
    factories.unit_catalogue("jd-fgw", published_on=dt.date(2026, 3, 10))
    late = factories.unit_decision("jd-fgw", title="年中增列事项")
    url = f"{URL}/2026/adjustments"
    add = {"type": "add", "decision_id": late.id, "reason": "经局务会议研究，增列入目录。", "approved_on": "2026-06-01"}
    _problem(client.post(url, json=add, headers=auth(tokens["other_editor"])), 403)
    made = _ok(client.post(url, json={**add, "published_on": "2026-06-02"}, headers=auth(tokens["editor"])), 201)
    assert made["catalogue_unit"] == "jd-fgw"
    assert made["_links"]["self"]["href"].endswith(f"/units/jd-fgw/catalogues/2026/adjustments/{made['id']}")
    assert _ok(client.get(f"{url}/{made['id']}"))["type"] == "add"
    assert _ok(client.get(f"/api/v1/decisions/{late.id}"))["catalogued_on"] == "2026-06-02"
    modify = {
        "type": "modify",
        "decision_id": late.id,
        "reason": "改由教育局承办。",
        "approved_on": "2026-07-01",
        "changes": {"lead_unit": "jd-jyj"},
    }
    _problem(client.post(url, json=modify, headers=auth(tokens["admin"])), 422, "catalogue-item-other-unit")
    # A decision of the district's catalogue is not adjusted through the unit's.
    district = factories.catalogued_decision(lead_unit="jd-fgw", title="区级事项")
    withdraw = {"type": "withdraw", "decision_id": district.id, "reason": "不再决策。", "approved_on": "2026-07-01"}
    body = _problem(client.post(url, json=withdraw, headers=auth(tokens["admin"])), 422)
    assert "decision_id" in body["errors"]["json"]
    # Nor is the unit's item through the district's.
    withdraw = {**withdraw, "decision_id": late.id}
    _problem(client.post("/api/v1/catalogues/2026/adjustments", json=withdraw, headers=auth(tokens["admin"])), 422)


def test_a_unit_catalogues_audit_key_names_the_unit_and_the_districts_stays_the_year(client, tokens):
    factories.catalogue(2026)
    factories.unit_catalogue("jd-fgw")
    entries = client.get("/api/v1/audit?record_type=catalogues", headers=auth(tokens["admin"])).get_json()
    assert {e["record_id"] for e in entries} >= {"2026", "jd-fgw/2026"}

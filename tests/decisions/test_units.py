"""Units: the district's government office, departments, towns and streets."""

import json

from tests.conftest import auth

PROBLEM = "application/problem+json"
NEW_UNIT = {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"}


def test_units_are_listed_by_code_to_anyone(client, units):
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert [u["code"] for u in body] == ["jd-fgw", "jd-gov", "jd-jyj"]
    assert body[0] == {
        "code": "jd-fgw",
        "name": "嘉定区发展和改革委员会",
        "kind": "department",
        "_links": {"self": {"href": "http://localhost/api/v1/units/jd-fgw"}},
    }


def test_chinese_names_are_sent_as_utf8_not_escaped(client, units):
    response = client.get("/api/v1/units/jd-fgw")
    assert "嘉定区发展和改革委员会".encode() in response.data
    assert b"\\u" not in response.data


def test_units_filter_by_kind(client, units):
    body = client.get("/api/v1/units?kind=government").get_json()
    assert [u["code"] for u in body] == ["jd-gov"]
    assert client.get("/api/v1/units?kind=town").get_json() == []


def test_units_filter_refuses_an_unknown_kind(client, units):
    response = client.get("/api/v1/units?kind=village")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert "kind" in response.get_json()["errors"]["query"]


def test_units_list_pages_with_x_pagination(client, units):
    response = client.get("/api/v1/units?page=2&page_size=2")
    assert response.status_code == 200
    assert [u["code"] for u in response.get_json()] == ["jd-jyj"]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 3,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 2,
        "previous_page": 1,
    }


def test_admin_creates_a_unit_with_location_and_etag(client, tokens):
    response = client.post("/api/v1/units", json=NEW_UNIT, headers=auth(tokens["admin"]))
    assert response.status_code == 201
    assert response.headers["Location"] == "http://localhost/api/v1/units/jd-scjgj"
    assert response.headers["ETag"]
    assert response.get_json()["name"] == "嘉定区市场监督管理局"
    shown = client.get("/api/v1/units/jd-scjgj")
    assert shown.status_code == 200
    assert shown.headers["ETag"] == response.headers["ETag"]


def test_unit_code_is_unique(client, tokens):
    response = client.post("/api/v1/units", json={**NEW_UNIT, "code": "jd-fgw"}, headers=auth(tokens["admin"]))
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert "jd-fgw" in response.get_json()["detail"]


def test_unit_name_is_unique(client, tokens):
    response = client.post("/api/v1/units", json={**NEW_UNIT, "name": "嘉定区教育局"}, headers=auth(tokens["admin"]))
    assert response.status_code == 409
    assert response.mimetype == PROBLEM


def test_unit_code_is_letters_digits_and_dashes_up_to_18(client, tokens):
    for code in ("发改委", "-jd", "jd fgw", "x" * 19, "11310114MB2F00000XY"):
        response = client.post("/api/v1/units", json={**NEW_UNIT, "code": code}, headers=auth(tokens["admin"]))
        assert response.status_code == 422, code
        assert list(response.get_json()["errors"]["json"]) == ["code"]


def test_unit_needs_code_name_and_a_known_kind(client, tokens):
    response = client.post("/api/v1/units", json={"kind": "village"}, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"code", "name", "kind"}


def test_unknown_unit_is_404(client, units):
    response = client.get("/api/v1/units/jd-nowhere")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_unit_patch_with_if_match_renames_it(client, tokens):
    etag = client.get("/api/v1/units/jd-fgw").headers["ETag"]
    response = client.patch(
        "/api/v1/units/jd-fgw",
        json={"name": "嘉定区发展改革委"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "嘉定区发展改革委"
    assert response.headers["ETag"] != etag
    assert client.get("/api/v1/units/jd-fgw").get_json()["name"] == "嘉定区发展改革委"


def test_unit_patch_needs_if_match(client, tokens):
    response = client.patch("/api/v1/units/jd-fgw", json={"kind": "other"}, headers=auth(tokens["admin"]))
    assert response.status_code == 428
    assert response.mimetype == PROBLEM


def test_unit_patch_with_a_stale_etag_is_412(client, tokens):
    etag = client.get("/api/v1/units/jd-fgw").headers["ETag"]
    headers = {**auth(tokens["admin"]), "If-Match": etag}
    assert client.patch("/api/v1/units/jd-fgw", json={"kind": "other"}, headers=headers).status_code == 200
    response = client.patch("/api/v1/units/jd-fgw", json={"kind": "town"}, headers=headers)
    assert response.status_code == 412
    assert response.mimetype == PROBLEM
    assert client.get("/api/v1/units/jd-fgw").get_json()["kind"] == "other"


def test_unit_patch_refuses_a_name_another_unit_has(client, tokens):
    etag = client.get("/api/v1/units/jd-fgw").headers["ETag"]
    response = client.patch(
        "/api/v1/units/jd-fgw", json={"name": "嘉定区教育局"}, headers={**auth(tokens["admin"]), "If-Match": etag}
    )
    assert response.status_code == 409


def test_unit_code_is_not_patchable(client, tokens):
    etag = client.get("/api/v1/units/jd-fgw").headers["ETag"]
    response = client.patch(
        "/api/v1/units/jd-fgw", json={"code": "jd-fgw2"}, headers={**auth(tokens["admin"]), "If-Match": etag}
    )
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]["json"]


def test_unknown_unit_patch_is_404(client, tokens):
    response = client.patch(
        "/api/v1/units/jd-nowhere", json={"kind": "other"}, headers={**auth(tokens["admin"]), "If-Match": '"x"'}
    )
    assert response.status_code == 404

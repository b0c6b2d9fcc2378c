"""Every error is RFC 9457 problem+json: Flask's own, validation, rule breaks, and the unforeseen."""

import pytest

from decisions.units import services
from tests import factories
from tests.conftest import auth

PROBLEM = "application/problem+json"
PROBLEMS = "https://juece.example/problems/"
NEW_UNIT = {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body.get("detail", ""), str)
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        pytest.param("get", "/api/v1/nowhere", {}, 404, id="unknown-path"),
        pytest.param("get", "/api/v1/decisions/not-a-number", {}, 404, id="malformed-id"),
        pytest.param("delete", "/api/v1/units", {}, 405, id="method-not-allowed"),
        pytest.param("post", "/api/v1/units", {"json": NEW_UNIT}, 401, id="no-credentials"),
        pytest.param("post", "/api/v1/units", {"json": NEW_UNIT, "as": "editor"}, 403, id="wrong-role"),
        pytest.param("post", "/api/v1/units", {"json": {"kind": "x"}, "as": "admin"}, 422, id="validation"),
        pytest.param(
            "patch", "/api/v1/units/jd-fgw", {"json": {"kind": "other"}, "as": "admin"}, 428, id="no-if-match"
        ),
        pytest.param(
            "patch",
            "/api/v1/units/jd-fgw",
            {"json": {"kind": "other"}, "as": "admin", "if_match": '"old"'},
            412,
            id="stale-if-match",
        ),
        pytest.param(
            "post", "/api/v1/units", {"json": {**NEW_UNIT, "code": "jd-fgw"}, "as": "admin"}, 409, id="conflict"
        ),
    ],
)
def test_every_error_is_problem_json(client, tokens, method, path, kwargs, status):
    kwargs = dict(kwargs)
    headers = auth(tokens[kwargs.pop("as")]) if "as" in kwargs else {}
    if "if_match" in kwargs:
        headers["If-Match"] = kwargs.pop("if_match")
    body = assert_problem(getattr(client, method)(path, headers=headers, **kwargs), status)
    assert body["request_id"]


def test_unknown_path_is_404_problem(client):
    body = assert_problem(client.get("/api/v1/nowhere"), 404)
    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/v1/units")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert "DELETE" not in response.headers["Allow"]


def test_malformed_json_is_400(client, tokens):
    response = client.post(
        "/api/v1/units", data='{"code": "jd-x", ', content_type="application/json", headers=auth(tokens["admin"])
    )
    body = assert_problem(response, 400)
    assert body["type"] == PROBLEMS + "malformed-request"
    assert "json" in body["errors"]


def test_validation_errors_are_422_keyed_by_location_and_field(client, tokens):
    response = client.post(
        "/api/v1/units", json={"code": "JD FGW", "name": "", "kind": "village"}, headers=auth(tokens["admin"])
    )
    body = assert_problem(response, 422)
    assert body["type"] == PROBLEMS + "validation"
    assert set(body["errors"]) == {"json"}
    assert set(body["errors"]["json"]) == {"code", "name", "kind"}
    assert all(isinstance(m, list) and all(isinstance(s, str) for s in m) for m in body["errors"]["json"].values())


def test_unknown_fields_are_422(client, tokens):
    response = client.post("/api/v1/units", json={**NEW_UNIT, "colour": "red"}, headers=auth(tokens["admin"]))
    body = assert_problem(response, 422)
    assert body["errors"] == {"json": {"colour": ["Unknown field."]}}


def test_a_body_that_is_not_an_object_is_422(client, tokens):
    response = client.post("/api/v1/units", json=[NEW_UNIT], headers=auth(tokens["admin"]))
    body = assert_problem(response, 422)
    assert "json" in body["errors"]


def test_query_validation_errors_are_keyed_by_query(client):
    body = assert_problem(client.get("/api/v1/decisions?year=abc&state=done"), 422)
    assert set(body["errors"]) == {"query"}
    assert set(body["errors"]["query"]) == {"year", "state"}
    body = assert_problem(client.get("/api/v1/decisions?page_size=500"), 422)
    assert set(body["errors"]["query"]) == {"page_size"}


def test_rule_broken_is_409_with_a_named_type(client, tokens, today):
    factories.catalogue(2026)
    response = client.post(
        "/api/v1/catalogues/2026/publication", json={"published_on": "2026-03-10"}, headers=auth(tokens["admin"])
    )
    body = assert_problem(response, 409)
    assert body["type"] == PROBLEMS + "party-consent-missing"
    assert body["detail"]


def test_oversized_body_is_413(client, tokens):
    # The default limit is 1 MiB.
    big = {**NEW_UNIT, "name": "长" * (600 * 1024)}
    response = client.post("/api/v1/units", json=big, headers=auth(tokens["admin"]))
    assert_problem(response, 413)
    assert client.get("/api/v1/units/jd-scjgj").status_code == 404


def test_body_limit_follows_max_content_length(client, app, tokens, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64)
    response = client.post("/api/v1/units", json=NEW_UNIT, headers=auth(tokens["admin"]))
    assert_problem(response, 413)


def test_unexpected_error_is_500_without_details(client, units, monkeypatch):
    def explode(**_kwargs):
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(services, "list_units", explode)
    response = client.get("/api/v1/units", headers={"X-Request-ID": "trace-0042"})
    body = assert_problem(response, 500)
    assert body["type"] == "about:blank"
    assert body["request_id"] == "trace-0042"
    assert response.headers["X-Request-ID"] == "trace-0042"
    text = response.get_data(as_text=True)
    assert "secret" not in text and "RuntimeError" not in text and "explode" not in text


def test_unexpected_error_in_a_write_is_500_and_the_app_keeps_serving(client, tokens, monkeypatch):
    def explode(*_args, **_kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(services, "create_unit", explode)
    response = client.post("/api/v1/units", json=NEW_UNIT, headers=auth(tokens["admin"]))
    body = assert_problem(response, 500)
    assert body["request_id"] == response.headers["X-Request-ID"]
    monkeypatch.undo()
    assert client.post("/api/v1/units", json=NEW_UNIT, headers=auth(tokens["admin"])).status_code == 201


def test_request_id_is_echoed_or_made_up(client, units):
    echoed = client.get("/api/v1/units", headers={"X-Request-ID": "portal-7f3a"})
    assert echoed.headers["X-Request-ID"] == "portal-7f3a"
    made = client.get("/api/v1/units")
    assert len(made.headers["X-Request-ID"]) == 32
    assert made.headers["X-Request-ID"] != client.get("/api/v1/units").headers["X-Request-ID"]
    long = client.get("/api/v1/units", headers={"X-Request-ID": "x" * 200})
    assert long.headers["X-Request-ID"] == "x" * 64


def test_request_id_is_in_every_problem(client):
    response = client.get("/api/v1/nowhere", headers={"X-Request-ID": "lost-1"})
    assert response.get_json()["request_id"] == "lost-1"
    assert response.headers["X-Request-ID"] == "lost-1"


def test_missing_credentials_ask_for_a_bearer_token(client, units):
    response = client.post("/api/v1/units", json=NEW_UNIT)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"

"""Unit codes: stored as given, up to 18 characters (a 统一社会信用代码), and naming the unit in
whatever case wherever a code is taken: paths, bodies, filters, accounts and editors' scoping."""

import sqlalchemy as sa

from core.auth import Account
from core.extensions import db
from tests import factories
from tests.conftest import auth

CREDIT_CODE = "11310114MB2F00000X"  # a 统一社会信用代码: 18 digits and capitals
SFJ = {"code": CREDIT_CODE, "name": "嘉定区司法局", "kind": "department"}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_a_unit_code_in_capitals_is_stored_as_given_and_found_in_any_case(client, tokens):
    created = client.post("/api/v1/units", json=SFJ, headers=auth(tokens["admin"]))
    assert _ok(created, 201)["code"] == CREDIT_CODE
    assert created.headers["Location"] == f"http://localhost/api/v1/units/{CREDIT_CODE}"
    for given in (CREDIT_CODE, CREDIT_CODE.lower(), "11310114mB2f00000x"):
        shown = client.get(f"/api/v1/units/{given}")
        body = _ok(shown)
        assert body["code"] == CREDIT_CODE
        assert body["_links"]["self"]["href"] == f"http://localhost/api/v1/units/{CREDIT_CODE}"
        assert shown.headers["ETag"] == created.headers["ETag"]
    etag = created.headers["ETag"]
    renamed = client.patch(
        f"/api/v1/units/{CREDIT_CODE.lower()}",
        json={"name": "上海市嘉定区司法局"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert _ok(renamed)["code"] == CREDIT_CODE
    assert [u["code"] for u in _ok(client.get("/api/v1/units"))] == [CREDIT_CODE, "jd-fgw", "jd-gov", "jd-jyj"]


def test_two_codes_that_differ_only_in_case_clash(client, tokens):
    admin = auth(tokens["admin"])
    body = _problem(client.post("/api/v1/units", json={**SFJ, "code": "JD-FGW"}, headers=admin), 409)
    assert "jd-fgw" in body["detail"]
    _ok(client.post("/api/v1/units", json=SFJ, headers=admin), 201)
    _problem(
        client.post("/api/v1/units", json={**SFJ, "code": CREDIT_CODE.lower(), "name": "别的"}, headers=admin), 409
    )
    # Below the service's check, the database refuses it too.
    db.session.rollback()
    duplicate = sa.text(
        "INSERT INTO units (code, name, kind, created_at, updated_at, version) "
        "VALUES ('Jd-Gov', '重复', 'other', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
    )
    try:
        db.session.execute(duplicate)
        raised = None
    except sa.exc.IntegrityError as error:
        raised = error
    finally:
        db.session.rollback()
    assert raised is not None


def test_decisions_name_their_units_in_any_case_and_keep_the_stored_codes(client, tokens, today):
    admin, editor = auth(tokens["admin"]), auth(tokens["editor"])
    _ok(client.post("/api/v1/units", json=SFJ, headers=admin), 201)
    catalogue = client.post(
        "/api/v1/catalogues", json={"year": 2027, "title": "2027年度目录", "issuer_unit": "JD-GOV"}, headers=admin
    )
    assert _ok(catalogue, 201)["issuer_unit"] == "jd-gov"
    body = {
        "catalogue_year": 2027,
        "title": "嘉定区公共法律服务体系建设规划",
        "summary": "完善公共法律服务。",
        "category": "plan",
        "lead_unit": "JD-FGW",  # the editor's own unit, in capitals
        "co_units": [CREDIT_CODE.lower(), "JD-JYJ", "jd-jyj"],
        "planned_completion": "2027",
    }
    created = _ok(client.post("/api/v1/decisions", json=body, headers=editor), 201)
    assert (created["lead_unit"], created["co_units"]) == ("jd-fgw", [CREDIT_CODE, "jd-jyj"])
    # The lead unit may not be a co-unit, whatever the case; an unknown code is refused.
    refused = _problem(client.post("/api/v1/decisions", json={**body, "co_units": ["Jd-Fgw"]}, headers=editor), 422)
    assert "co_units" in refused["errors"]["json"]
    refused = _problem(client.post("/api/v1/decisions", json={**body, "co_units": ["JD-NOWHERE"]}, headers=editor), 422)
    assert "JD-NOWHERE" in refused["errors"]["json"]["co_units"][0]
    # Another editor's unit, in another case, is still not the editor's.
    _problem(client.post("/api/v1/decisions", json={**body, "lead_unit": "JD-JYJ"}, headers=editor), 403)

    for given in ("jd-fgw", "JD-FGW", "Jd-Fgw"):
        listed = _ok(client.get(f"/api/v1/decisions?unit={given}", headers=admin))
        assert [d["id"] for d in listed] == [created["id"]], given
    assert _ok(client.get("/api/v1/decisions?unit=JD-NOWHERE", headers=admin)) == []


def test_a_catalogued_decision_named_with_its_lead_unit_in_another_case_is_unchanged(client, tokens, today):
    decision = factories.catalogued_decision()
    url = f"/api/v1/decisions/{decision.id}"
    admin = auth(tokens["admin"])
    etag = client.get(url, headers=admin).headers["ETag"]
    # The catalogue column is frozen once public: the same unit in capitals is no change (200, not 409).
    same = client.patch(url, json={"lead_unit": "JD-FGW", "summary": "新的摘要。"}, headers={**admin, "If-Match": etag})
    assert _ok(same)["lead_unit"] == "jd-fgw"


def test_accounts_and_editors_scoping_take_a_unit_code_in_any_case(app, client, tokens, today):
    admin = auth(tokens["admin"])
    _ok(client.post("/api/v1/units", json=SFJ, headers=admin), 201)
    made = client.post(
        "/api/v1/accounts",
        json={"name": "司法局 编辑", "role": "editor", "unit": CREDIT_CODE.lower()},
        headers=admin,
    )
    made = _ok(made, 201)
    assert made["unit"] == CREDIT_CODE
    listed = _ok(client.get(f"/api/v1/accounts?unit={CREDIT_CODE.lower()}", headers=admin))
    assert [a["id"] for a in listed] == [made["id"]]
    patched_etag = client.get(f"/api/v1/accounts/{made['id']}", headers=admin).headers["ETag"]
    moved = client.patch(
        f"/api/v1/accounts/{made['id']}", json={"unit": "JD-JYJ"}, headers={**admin, "If-Match": patched_etag}
    )
    assert _ok(moved)["unit"] == "jd-jyj"

    result = app.test_cli_runner().invoke(
        args=["accounts", "create", "--name", "司法局 另一编辑", "--role", "editor", "--unit", CREDIT_CODE.lower()]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    db.session.rollback()
    assert db.session.scalar(sa.select(Account.unit).where(Account.name == "司法局 另一编辑")) == CREDIT_CODE
    factories.catalogue(2027)
    body = {
        "catalogue_year": 2027,
        "title": "嘉定区公共法律服务体系建设规划",
        "summary": "完善公共法律服务。",
        "category": "plan",
        "lead_unit": CREDIT_CODE.lower(),
        "planned_completion": "2027",
    }
    created = _ok(client.post("/api/v1/decisions", json=body, headers=auth(token)), 201)
    assert created["lead_unit"] == CREDIT_CODE
    # The editor sees and changes its unit's unpublished decision: scoping compares stored codes.
    url = f"/api/v1/decisions/{created['id']}"
    etag = client.get(url, headers=auth(token)).headers["ETag"]
    changed = client.patch(url, json={"summary": "改。"}, headers={**auth(token), "If-Match": etag})
    assert _ok(changed)["summary"] == "改。"


def test_unit_paths_and_filters_elsewhere_take_a_code_in_any_case(client, tokens, today):
    factories.catalogued_decision()
    attendance = _ok(client.get("/api/v1/units/JD-FGW/invited-attendance?year=2026"))
    assert attendance == _ok(client.get("/api/v1/units/jd-fgw/invited-attendance?year=2026"))
    figures = _ok(client.get("/api/v1/compliance?year=2026&unit=JD-FGW", headers=auth(tokens["admin"])))
    assert [u["unit"] for u in figures["units"]] == ["jd-fgw"]

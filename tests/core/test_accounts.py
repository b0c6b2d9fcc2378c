"""Accounts and their tokens: created by admins or on the command line, shown once, stored hashed."""

import hashlib

import pytest
import sqlalchemy as sa

from core.auth import Account
from core.extensions import db
from tests.conftest import auth

PROBLEM = "application/problem+json"


def create(client, token, **body):
    return client.post("/api/v1/accounts", json=body, headers=auth(token))


def stored(account_id: int) -> Account:
    db.session.rollback()  # a fresh snapshot: requests commit in sessions of their own
    return db.session.get(Account, account_id)


def etag_of(client, token, account_id):
    return client.get(f"/api/v1/accounts/{account_id}", headers=auth(token)).headers["ETag"]


def test_account_creation_returns_its_token_once(client, tokens):
    response = create(client, tokens["admin"], name="区发改委 张科员", role="editor", unit="jd-fgw")
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"http://localhost/api/v1/accounts/{body['id']}"
    assert body["token"].startswith("jc_") and len(body["token"]) > 40
    assert (body["name"], body["role"], body["unit"], body["active"]) == ("区发改委 张科员", "editor", "jd-fgw", True)

    shown = client.get(f"/api/v1/accounts/{body['id']}", headers=auth(tokens["admin"]))
    assert shown.status_code == 200
    assert "token" not in shown.get_json()
    listed = client.get("/api/v1/accounts", headers=auth(tokens["admin"]))
    assert all("token" not in a and "token_hash" not in a for a in listed.get_json())
    assert body["token"] not in listed.get_data(as_text=True)


def test_new_accounts_token_works(client, tokens):
    token = create(client, tokens["admin"], name="第二位管理员", role="admin").get_json()["token"]
    response = client.get("/api/v1/accounts", headers=auth(token))
    assert response.status_code == 200
    assert len(response.get_json()) == 5


def test_token_is_stored_hashed(client, tokens):
    body = create(client, tokens["admin"], name="随申办二期", role="partner", channel="suishenban").get_json()
    account = stored(body["id"])
    assert account.token_hash != body["token"]
    assert body["token"] not in account.token_hash
    assert account.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    raw = db.session.execute(sa.text("SELECT token_hash FROM accounts")).scalars().all()
    assert body["token"] not in raw
    assert all(token not in raw for token in tokens.values())


def test_deactivated_accounts_token_is_refused(client, tokens):
    body = create(client, tokens["admin"], name="临时账号", role="editor", unit="jd-jyj").get_json()
    assert client.get("/api/v1/decisions", headers=auth(body["token"])).status_code == 200
    response = client.patch(
        f"/api/v1/accounts/{body['id']}",
        json={"active": False},
        headers={**auth(tokens["admin"]), "If-Match": etag_of(client, tokens["admin"], body["id"])},
    )
    assert response.status_code == 200
    assert response.get_json()["active"] is False
    refused = client.get("/api/v1/decisions", headers=auth(body["token"]))
    assert refused.status_code == 401
    assert refused.mimetype == PROBLEM
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert stored(body["id"]).active is False


def test_reactivated_accounts_token_works_again(client, tokens):
    body = create(client, tokens["admin"], name="临时账号", role="partner").get_json()
    headers = {**auth(tokens["admin"])}
    for active in (False, True):
        headers["If-Match"] = etag_of(client, tokens["admin"], body["id"])
        assert (
            client.patch(f"/api/v1/accounts/{body['id']}", json={"active": active}, headers=headers).status_code == 200
        )
    assert client.get("/api/v1/decisions", headers=auth(body["token"])).status_code == 200


def test_token_rotation_replaces_the_old_token(client, tokens):
    body = create(client, tokens["admin"], name="管理员乙", role="admin").get_json()
    response = client.post(f"/api/v1/accounts/{body['id']}/token", headers=auth(tokens["admin"]))
    assert response.status_code == 200
    new_token = response.get_json()["token"]
    assert new_token != body["token"]
    assert response.get_json()["id"] == body["id"]
    assert client.get("/api/v1/accounts", headers=auth(body["token"])).status_code == 401
    assert client.get("/api/v1/accounts", headers=auth(new_token)).status_code == 200
    assert stored(body["id"]).token_hash == hashlib.sha256(new_token.encode()).hexdigest()


def test_unknown_account_token_rotation_is_404(client, tokens):
    assert client.post("/api/v1/accounts/999999/token", headers=auth(tokens["admin"])).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"name": "没有单位的编辑", "role": "editor"}, "unit", id="editor-without-unit"),
        pytest.param(
            {"name": "未知单位的编辑", "role": "editor", "unit": "jd-nowhere"}, "unit", id="editor-of-unknown-unit"
        ),
        pytest.param({"name": "带单位的管理员", "role": "admin", "unit": "jd-fgw"}, "unit", id="admin-with-unit"),
        pytest.param({"name": "超级用户", "role": "root"}, "role", id="unknown-role"),
        pytest.param({"role": "admin"}, "name", id="no-name"),
        pytest.param({"name": "", "role": "admin"}, "name", id="empty-name"),
    ],
)
def test_account_needs_a_known_role_and_an_editor_a_unit(client, tokens, body, field):
    response = create(client, tokens["admin"], **body)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.get_json()["errors"]["json"]) == [field]
    assert len(client.get("/api/v1/accounts", headers=auth(tokens["admin"])).get_json()) == 4


def test_account_patch_rebinds_an_editor_and_keeps_the_rules(client, tokens):
    body = create(client, tokens["admin"], name="编辑甲", role="editor", unit="jd-fgw").get_json()
    url = f"/api/v1/accounts/{body['id']}"
    admin = auth(tokens["admin"])
    response = client.patch(
        url, json={"unit": "jd-jyj"}, headers={**admin, "If-Match": etag_of(client, tokens["admin"], body["id"])}
    )
    assert response.status_code == 200
    assert response.get_json()["unit"] == "jd-jyj"
    for changes in ({"unit": None}, {"unit": "jd-nowhere"}):
        response = client.patch(
            url, json=changes, headers={**admin, "If-Match": etag_of(client, tokens["admin"], body["id"])}
        )
        assert response.status_code == 422, changes
        assert "unit" in response.get_json()["errors"]["json"]
    # An editor made admin loses its unit.
    response = client.patch(
        url, json={"role": "admin"}, headers={**admin, "If-Match": etag_of(client, tokens["admin"], body["id"])}
    )
    assert response.status_code == 200
    assert (response.get_json()["role"], response.get_json()["unit"]) == ("admin", None)


def test_account_patch_needs_if_match(client, tokens):
    body = create(client, tokens["admin"], name="编辑甲", role="partner").get_json()
    url = f"/api/v1/accounts/{body['id']}"
    assert client.patch(url, json={"active": False}, headers=auth(tokens["admin"])).status_code == 428
    stale = client.patch(url, json={"active": False}, headers={**auth(tokens["admin"]), "If-Match": '"stale"'})
    assert stale.status_code == 412
    assert client.get("/api/v1/decisions", headers=auth(body["token"])).status_code == 200


def test_accounts_filter_by_role_unit_and_active(client, tokens):
    admin = auth(tokens["admin"])
    assert [a["name"] for a in client.get("/api/v1/accounts?role=editor", headers=admin).get_json()] == [
        "发改委 编辑",
        "教育局 编辑",
    ]
    assert [a["name"] for a in client.get("/api/v1/accounts?unit=jd-jyj", headers=admin).get_json()] == ["教育局 编辑"]
    assert client.get("/api/v1/accounts?active=false", headers=admin).get_json() == []


def test_unknown_account_is_404(client, tokens):
    response = client.get("/api/v1/accounts/999999", headers=auth(tokens["admin"]))
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer jc_not-a-token", id="unknown-token"),
        pytest.param("Basic YWRtaW46YWRtaW4=", id="not-bearer"),
        pytest.param("Bearer ", id="empty-token"),
        pytest.param("jc_token-without-scheme", id="no-scheme"),
    ],
)
def test_invalid_credentials_are_401_even_on_a_public_list(client, tokens, header):
    # A reader whose token was revoked learns it, rather than silently seeing less.
    response = client.get("/api/v1/decisions", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("caller", ["editor", "other_editor", "partner"])
def test_only_admins_read_accounts(client, tokens, caller):
    assert client.get("/api/v1/accounts", headers=auth(tokens[caller])).status_code == 403
    assert client.get("/api/v1/accounts/1", headers=auth(tokens[caller])).status_code == 403
    assert client.get("/api/v1/accounts").status_code == 401


# --- The command line --------------------------------------------------------------------------


def test_cli_accounts_create_prints_the_token_alone_on_its_last_line(app, client, units):
    result = app.test_cli_runner().invoke(args=["accounts", "create", "--name", "区政府办公室", "--role", "admin"])
    assert result.exit_code == 0, result.output
    token = result.stdout.rstrip("\n").splitlines()[-1]
    assert token.startswith("jc_") and " " not in token
    assert client.get("/api/v1/accounts", headers=auth(token)).status_code == 200
    db.session.rollback()
    assert db.session.scalar(sa.select(Account.token_hash)) == hashlib.sha256(token.encode()).hexdigest()


def test_cli_accounts_create_binds_an_editor_to_its_unit(app, client, units):
    result = app.test_cli_runner().invoke(
        args=["accounts", "create", "--name", "发改委 编辑", "--role", "editor", "--unit", "jd-fgw"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    db.session.rollback()
    account = db.session.scalar(sa.select(Account))
    assert (account.role, account.unit) == ("editor", "jd-fgw")
    assert client.get("/api/v1/accounts", headers=auth(token)).status_code == 403


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--role", "editor"], id="editor-without-unit"),
        pytest.param(["--role", "editor", "--unit", "jd-nowhere"], id="unknown-unit"),
        pytest.param(["--role", "root"], id="unknown-role"),
    ],
)
def test_cli_accounts_create_refuses_an_invalid_account(app, units, args):
    result = app.test_cli_runner().invoke(args=["accounts", "create", "--name", "某人", *args])
    assert result.exit_code != 0
    assert "jc_" not in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/changes", "/api/v1/calendar/2026", "/api/v1/decisions"])
def test_a_token_that_is_not_valid_is_refused_on_every_path(client, tokens, path):
    assert client.get(path).status_code == 200
    response = client.get(path, headers=auth("jc_not-a-token"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"

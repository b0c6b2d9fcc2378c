"""The audit log: every write leaves an entry (who, what, which record, which fields); nothing changes it."""

import datetime as dt

import pytest
import sqlalchemy as sa

from core.audit import AuditEntry
from core.auth import Account
from core.extensions import db
from tests import factories
from tests.conftest import auth

NEW_UNIT = {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"}


def account_id(name: str) -> int:
    return db.session.scalar(sa.select(Account.id).where(Account.name == name))


def entries(client, token, **query):
    response = client.get("/api/v1/audit", query_string=query, headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_write_is_audited_with_actor_action_record_and_changes(client, tokens):
    created = client.post(
        "/api/v1/units", json=NEW_UNIT, headers={**auth(tokens["admin"]), "X-Request-ID": "req-create-1"}
    )
    assert created.status_code == 201
    client.patch(
        "/api/v1/units/jd-scjgj",
        json={"name": "嘉定区市场监管局"},
        headers={**auth(tokens["admin"]), "If-Match": created.headers["ETag"]},
    )
    update, create = entries(client, tokens["admin"], record_type="units", record_id="jd-scjgj")
    admin_id = account_id("区政府办公室")
    assert create["action"] == "create"
    assert create["actor"] == "admin:区政府办公室"
    assert create["account_id"] == admin_id
    assert create["request_id"] == "req-create-1"
    assert create["changes"] == {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"}
    assert dt.datetime.fromisoformat(create["at"]).utcoffset() is not None
    assert update["action"] == "update"
    assert update["account_id"] == admin_id
    assert update["changes"] == {"name": ["嘉定区市场监督管理局", "嘉定区市场监管局"]}
    assert update["id"] > create["id"]


def test_editors_decision_writes_are_audited_down_to_the_delete(client, tokens, today):
    factories.catalogue(2026)
    editor = auth(tokens["editor"])
    body = {
        "catalogue_year": 2026,
        "title": "嘉定区促进民营经济高质量发展若干措施",
        "category": "public_policy",
        "lead_unit": "jd-fgw",
        "planned_completion": "2026-Q3",
        "co_units": ["jd-jyj"],
    }
    created = client.post("/api/v1/decisions", json=body, headers=editor)
    decision_id = created.get_json()["id"]
    patched = client.patch(
        f"/api/v1/decisions/{decision_id}",
        json={"planned_completion": "2026-Q4"},
        headers={**editor, "If-Match": created.headers["ETag"]},
    )
    assert patched.status_code == 200
    assert (
        client.delete(
            f"/api/v1/decisions/{decision_id}", headers={**editor, "If-Match": patched.headers["ETag"]}
        ).status_code
        == 204
    )
    delete, update, create = entries(client, tokens["admin"], record_type="decisions", record_id=str(decision_id))
    assert [e["action"] for e in (create, update, delete)] == ["create", "update", "delete"]
    assert {e["actor"] for e in (create, update, delete)} == {"editor:发改委 编辑"}
    assert create["changes"]["title"] == "嘉定区促进民营经济高质量发展若干措施"
    assert create["changes"]["co_units"] == ["jd-jyj"]
    assert create["changes"]["planned_completion_by"] == "2026-09-30"
    assert update["changes"] == {
        "planned_completion": ["2026-Q3", "2026-Q4"],
        "planned_completion_by": ["2026-09-30", "2026-12-31"],
    }


def test_catalogue_publication_and_adjustments_are_audited(client, tokens, today):
    factories.catalogue(2026)
    decision = factories.decision(2026)
    decision_id = decision.id
    response = client.post(
        "/api/v1/catalogues/2026/publication",
        json={"party_consent_on": "2026-02-20", "published_on": "2026-03-10"},
        headers=auth(tokens["admin"]),
    )
    assert response.status_code == 200
    adjusted = client.post(
        "/api/v1/catalogues/2026/adjustments",
        json={"type": "withdraw", "decision_id": decision_id, "reason": "不再实施。", "approved_on": "2026-03-15"},
        headers=auth(tokens["admin"]),
    )
    assert adjusted.status_code == 201
    [publication] = entries(
        client, tokens["admin"], record_type="catalogues", record_id="2026", account=account_id("区政府办公室")
    )
    assert publication["changes"] == {
        "party_consent_on": [None, "2026-02-20"],
        "published_on": [None, "2026-03-10"],
    }
    decision_entries = entries(client, tokens["admin"], record_type="decisions", record_id=str(decision_id))
    # Newest first; one entry per flush, so a use case may leave several.
    assert [e["action"] for e in decision_entries] == ["update"] * (len(decision_entries) - 1) + ["create"]
    changes = [e["changes"] for e in reversed(decision_entries[:-1])]
    assert changes[0] == {"catalogued_on": [None, "2026-03-10"]}
    withdrawal = {key: value for change in changes[1:] for key, value in change.items()}
    assert withdrawal == {"state": ["initiated", "withdrawn"], "adjustment": [None, "withdrawn"]}
    [adjustment] = entries(client, tokens["admin"], record_type="catalogue_adjustments")
    assert adjustment["record_id"] == str(adjusted.get_json()["id"])
    assert adjustment["changes"]["type"] == "withdraw"


def test_writes_outside_a_request_are_audited_as_the_system(client, tokens):
    [create] = entries(client, tokens["admin"], record_type="units", record_id="jd-fgw")
    assert create["actor"] == "system"
    assert create["account_id"] is None
    assert create["request_id"] is None


def test_account_entries_never_hold_the_token_or_its_hash(client, tokens):
    created = client.post("/api/v1/accounts", json={"name": "管理员乙", "role": "admin"}, headers=auth(tokens["admin"]))
    token = created.get_json()["token"]
    [create] = entries(client, tokens["admin"], record_type="accounts", record_id=str(created.get_json()["id"]))
    assert create["changes"] == {"id": created.get_json()["id"], "name": "管理员乙", "role": "admin", "active": True}
    listed = client.get("/api/v1/audit?page_size=100", headers=auth(tokens["admin"])).get_data(as_text=True)
    assert token not in listed
    stored_hash = db.session.scalar(sa.select(Account.token_hash).where(Account.name == "管理员乙"))
    assert stored_hash not in listed


def test_token_rotation_is_audited_without_the_hash(client, tokens):
    created = client.post("/api/v1/accounts", json={"name": "管理员乙", "role": "admin"}, headers=auth(tokens["admin"]))
    account = created.get_json()["id"]
    rotated = client.post(f"/api/v1/accounts/{account}/token", headers=auth(tokens["admin"]))
    assert rotated.status_code == 200
    rotation, _create = entries(client, tokens["admin"], record_type="accounts", record_id=str(account))
    assert rotation["action"] == "update"
    assert rotation["actor"] == "admin:区政府办公室"
    assert list(rotation["changes"]) == ["token_hash"]
    stored_hash = db.session.scalar(sa.select(Account.token_hash).where(Account.id == account))
    text = str(rotation["changes"])
    assert stored_hash not in text and rotated.get_json()["token"] not in text


def test_audit_filters_by_account_record_and_time(client, tokens):
    admin = auth(tokens["admin"])
    first = client.post("/api/v1/units", json=NEW_UNIT, headers=admin)
    assert first.status_code == 201
    [first_entry] = entries(client, tokens["admin"], record_id="jd-scjgj")
    second = client.post(
        "/api/v1/units", json={"code": "jd-nyncw", "name": "嘉定区农业农村委员会", "kind": "department"}, headers=admin
    )
    assert second.status_code == 201
    [second_entry] = entries(client, tokens["admin"], record_id="jd-nyncw")

    mine = entries(client, tokens["admin"], account=account_id("区政府办公室"))
    assert [e["record_id"] for e in mine] == ["jd-nyncw", "jd-scjgj"]
    assert entries(client, tokens["admin"], account=account_id("随申办")) == []
    units = entries(client, tokens["admin"], record_type="units")
    assert [e["record_id"] for e in units] == ["jd-nyncw", "jd-scjgj", "jd-jyj", "jd-fgw", "jd-gov"]
    assert {e["record_type"] for e in entries(client, tokens["admin"], record_type="accounts")} == {"accounts"}

    since = entries(client, tokens["admin"], since=second_entry["at"])
    assert [e["id"] for e in since] == [second_entry["id"]]
    until = entries(client, tokens["admin"], record_type="units", until=second_entry["at"])
    assert second_entry["id"] not in [e["id"] for e in until]
    assert first_entry["id"] in [e["id"] for e in until]
    window = entries(client, tokens["admin"], since=first_entry["at"], until=second_entry["at"])
    assert [e["id"] for e in window] == [first_entry["id"]]
    # The same instants in Shanghai time select the same entries.
    shanghai = dt.datetime.fromisoformat(second_entry["at"]).astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert [e["id"] for e in entries(client, tokens["admin"], since=shanghai.isoformat())] == [second_entry["id"]]


def test_audit_refuses_a_time_without_offset(client, tokens):
    response = client.get("/api/v1/audit?since=2026-03-01T00:00:00", headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert "since" in response.get_json()["errors"]["query"]


def test_audit_pages_with_x_pagination(client, tokens):
    response = client.get("/api/v1/audit?page_size=2", headers=auth(tokens["admin"]))
    assert len(response.get_json()) == 2
    assert '"total_pages"' in response.headers["X-Pagination"]


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param(None, 401, id="anonymous"),
        pytest.param("partner", 403, id="partner"),
        pytest.param("editor", 403, id="editor"),
        pytest.param("other_editor", 403, id="other-editor"),
        pytest.param("admin", 200, id="admin"),
    ],
)
def test_only_admins_read_the_audit_log(client, tokens, caller, status):
    response = client.get("/api/v1/audit", headers=auth(tokens[caller] if caller else None))
    assert response.status_code == status


def test_the_database_refuses_to_change_an_audit_entry_through_the_orm(app, units):
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).first()
    entry_id, actor = entry.id, entry.actor
    entry.actor = "someone else"
    with pytest.raises(sa.exc.DBAPIError, match="audit_log is append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry_id).actor == actor


def test_the_database_refuses_to_delete_an_audit_entry_through_the_orm(app, units):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    db.session.delete(entry)
    with pytest.raises(sa.exc.DBAPIError, match="audit_log is append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == count

"""Inquiries (政策留言): anyone asks on a published decision; the lead unit answers within 5
working days (1 for a simple question); the public never sees who asked."""

import datetime as dt

import pytest

from core import calendar, tick
from core.extensions import db
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat
ASKER = {"name": "王小明", "contact": "13912345678 wxm@example.com"}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": D("2026-09-30")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def decision(app, units, tokens, today):
    """A public decision of jd-fgw."""
    [made] = factories.catalogued_decisions([{}])
    return made


def _ask(client, decision_id, headers=None, **body):
    return client.post(
        f"/api/v1/decisions/{decision_id}/inquiries", json={"question": "何时实施？", **body}, headers=headers
    )


def test_nobody_asks_about_a_decision_that_is_not_published(client, tokens, decision):
    unpublished = factories.decision(2026, title="尚未列入目录的事项")
    assert unpublished.catalogued_on is None
    for headers in (None, auth(tokens["partner"]), auth(tokens["editor"]), auth(tokens["admin"])):
        _problem(_ask(client, unpublished.id, headers), 404)
    _problem(client.get(f"/api/v1/decisions/{unpublished.id}/inquiries"), 404)
    _problem(_ask(client, 999), 404)


def test_anyone_asks_and_the_public_sees_the_answer_but_never_who_asked(client, tokens, decision, today):
    d = decision.id
    response = _ask(client, d, **ASKER)
    asked = _ok(response, 201)
    assert response.headers["Location"] == asked["_links"]["receipt"]["href"]
    assert (asked["channel"], asked["received_on"], asked["status"]) == ("portal", "2026-09-30", "pending")
    assert (asked["state"], asked["unit"]) == ("received", "jd-fgw")
    assert "name" not in asked and "contact" not in asked
    _ok(
        client.post(
            f"/api/v1/inquiries/{asked['id']}/reply",
            json={"answer": "自2027年1月1日起施行。"},
            headers=auth(tokens["editor"]),
        )
    )
    _ok(_ask(client, d, question="适用于个体工商户吗？", name="李四"), 201)
    # The unanswered one is not public: the unit has not looked at it yet.
    for headers in (None, auth(tokens["partner"]), auth(tokens["other_editor"])):
        listed = client.get(f"/api/v1/decisions/{d}/inquiries", headers=headers)
        body = _ok(listed)
        assert [i["question"] for i in body] == ["何时实施？"]
        assert body[0]["answer"] == "自2027年1月1日起施行。" and body[0]["answered_on"] == "2026-09-30"
        assert body[0]["state"] == "answered"
        text = listed.get_data(as_text=True)
        for private in ("王小明", "13912345678", "wxm@example.com", "李四"):
            assert private not in text
        assert all("name" not in i and "contact" not in i and "receipt" not in i for i in body)
    staff = _ok(client.get(f"/api/v1/decisions/{d}/inquiries", headers=auth(tokens["editor"])))
    assert [(i["question"], i["state"], i["name"]) for i in staff] == [
        ("适用于个体工商户吗？", "received", "李四"),
        ("何时实施？", "answered", "王小明"),
    ]
    one = client.get(asked["_links"]["self"]["href"])
    assert _ok(one)["answer"] == "自2027年1月1日起施行。"
    assert "王小明" not in one.get_data(as_text=True) and "13912345678" not in one.get_data(as_text=True)


def test_a_reply_is_due_5_working_days_after_receipt_or_1_when_simple(client, tokens, decision, today):
    # Asked on Wednesday 30 September: 1–7 October off, Saturday 10 October worked.
    cases = [
        (True, "2026-10-08", "2026-10-08", "on_time"),
        (True, "2026-10-09", "2026-10-08", "late"),
        (False, "2026-10-13", "2026-10-13", "on_time"),
        (False, "2026-10-14", "2026-10-13", "late"),
    ]
    asked = [_ok(_ask(client, decision.id), 201) for _ in cases]
    for inquiry in asked:
        assert (inquiry["reply_due_on"], inquiry["calendar_status"], inquiry["simple"]) == (
            "2026-10-13",
            "official",
            False,
        )
    for inquiry, (simple, answered_on, due, status) in zip(asked, cases, strict=True):
        today["value"] = D(answered_on)
        replied = _ok(
            client.post(
                f"/api/v1/inquiries/{inquiry['id']}/reply",
                json={"answer": "答复。", "simple": simple},
                headers=auth(tokens["editor"]),
            )
        )
        assert (replied["reply_due_on"], replied["answered_on"], replied["status"]) == (due, answered_on, status)
        assert replied["simple"] is simple
    today["value"] = D("2026-12-01")
    listed = {i["id"]: i["status"] for i in _ok(client.get(f"/api/v1/decisions/{decision.id}/inquiries"))}
    assert [listed[i["id"]] for i in asked] == [status for *_, status in cases]


def test_an_unanswered_question_is_overdue_after_its_due_day_and_a_later_answer_is_late(
    client, tokens, decision, today
):
    asked = _ok(_ask(client, decision.id), 201)
    path = f"/api/v1/inquiries/{asked['id']}"
    editor = auth(tokens["editor"])
    today["value"] = D("2026-10-13")
    assert _ok(client.get(path, headers=editor))["status"] == "pending"
    today["value"] = D("2026-10-14")
    assert _ok(client.get(path, headers=editor))["status"] == "overdue"
    with client.application.app_context():
        assert tick.run()["inquiries marked overdue"] == 1
    today["value"] = D("2026-10-20")
    replied = _ok(
        client.post(
            f"{path}/reply", json={"answer": "答复。", "answered_on": "2026-10-19"}, headers=auth(tokens["editor"])
        )
    )
    assert (replied["status"], replied["answered_on"]) == ("late", "2026-10-19")


def test_only_the_lead_units_editor_or_an_admin_replies(client, tokens, decision, today):
    first = _ok(_ask(client, decision.id), 201)
    second = _ok(_ask(client, decision.id), 201)
    reply = {"answer": "答复。"}
    _problem(client.post(f"/api/v1/inquiries/{first['id']}/reply", json=reply), 401)
    for who in ("partner", "other_editor"):
        _problem(client.post(f"/api/v1/inquiries/{first['id']}/reply", json=reply, headers=auth(tokens[who])), 403)
    editor = auth(tokens["editor"])
    assert _ok(client.get(f"/api/v1/inquiries/{first['id']}", headers=editor))["answer"] is None
    for wrong in ({}, {"answer": ""}, {"answer": "答复。", "answered_on": "2026-10-01"}, {**reply, "name": "x"}):
        _problem(client.post(f"/api/v1/inquiries/{first['id']}/reply", json=wrong, headers=editor), 422)
    _problem(
        client.post(
            f"/api/v1/inquiries/{first['id']}/reply", json={**reply, "answered_on": "2026-09-29"}, headers=editor
        ),
        422,
    )
    assert _ok(client.post(f"/api/v1/inquiries/{first['id']}/reply", json=reply, headers=editor))["answer"] == "答复。"
    admin = auth(tokens["admin"])
    assert _ok(client.post(f"/api/v1/inquiries/{second['id']}/reply", json=reply, headers=admin))["status"] == "on_time"
    _problem(client.post("/api/v1/inquiries/999/reply", json=reply, headers=admin), 404)


def test_staff_enter_a_question_from_12345_with_the_day_it_came(client, tokens, decision, today):
    today["value"] = D("2026-10-09")
    entered = _ok(
        _ask(
            client,
            decision.id,
            auth(tokens["editor"]),
            channel="hotline_12345",
            received_on="2026-09-28",
            **ASKER,
        ),
        201,
    )
    # Counted from the day the hotline took it: the fifth working day is the make-up Saturday.
    assert (entered["channel"], entered["received_on"], entered["reply_due_on"]) == (
        "hotline_12345",
        "2026-09-28",
        "2026-10-10",
    )
    assert entered["status"] == "pending"
    by_admin = _ok(_ask(client, decision.id, auth(tokens["admin"]), channel="letter", received_on="2026-09-21"), 201)
    # Monday 21 September, then Mid-Autumn (25–27 September) off.
    assert (by_admin["reply_due_on"], by_admin["status"]) == ("2026-09-29", "overdue")
    assert "王小明" not in client.get(f"/api/v1/decisions/{decision.id}/inquiries").get_data(as_text=True)

    _problem(_ask(client, decision.id, auth(tokens["editor"]), channel="hotline_12345", received_on="2026-10-10"), 422)
    other = _ask(client, decision.id, auth(tokens["other_editor"]), channel="hotline_12345", received_on="2026-09-28")
    _problem(other, 403)
    # The public and partners neither date their questions nor use the offline channels.
    _problem(_ask(client, decision.id, received_on="2026-09-28"), 422)
    _problem(_ask(client, decision.id, auth(tokens["partner"]), received_on="2026-09-28"), 422)
    for channel in ("hotline_12345", "letter", "meeting"):
        _problem(_ask(client, decision.id, channel=channel), 422)
    _problem(_ask(client, decision.id, channel="fax"), 422)


def test_a_partners_questions_carry_its_channel(client, tokens, decision, today):
    asked = _ok(_ask(client, decision.id, auth(tokens["partner"]), channel="portal", **ASKER), 201)
    assert (asked["channel"], asked["received_on"], asked["reply_due_on"]) == ("suishenban", "2026-09-30", "2026-10-13")
    anonymous = _ok(_ask(client, decision.id, channel="yiwangtongban"), 201)
    assert anonymous["channel"] == "yiwangtongban"
    db.session.rollback()
    from consultation.inquiries.models import Inquiry

    stored = db.session.get(Inquiry, asked["id"])
    # The lead unit can reach the asker; only the public never sees who it was.
    assert (stored.name, stored.contact) == (ASKER["name"], ASKER["contact"])


def test_an_answer_is_given_once(client, tokens, decision, today):
    asked = _ok(_ask(client, decision.id), 201)
    path = f"/api/v1/inquiries/{asked['id']}/reply"
    editor = auth(tokens["editor"])
    today["value"] = D("2026-10-14")
    assert _ok(client.post(path, json={"answer": "答复。"}, headers=editor))["status"] == "late"
    # Answering again with an earlier day would turn a late answer into one on time.
    again = client.post(path, json={"answer": "重新答复。", "answered_on": "2026-10-09"}, headers=editor)
    body = _problem(again, 409)
    assert body["type"] == "https://juece.example/problems/inquiry-answered"
    kept = _ok(client.get(f"/api/v1/inquiries/{asked['id']}"))
    assert (kept["answer"], kept["answered_on"], kept["status"]) == ("答复。", "2026-10-14", "late")

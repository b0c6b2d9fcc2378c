"""The answers workflow: a question arrives received (its holding unit's staff only), is
published (选登), answered or declined, may be transferred (转办) keeping its deadline; general
questions (网上咨询) wait for the district office; the asker follows a receipt."""

import datetime as dt

import pytest

from core import calendar, tick
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat
API = "/api/v1"
ASKER = {"name": "王小明", "contact": "13912345678"}
PROBLEMS = "https://juece.example/problems/"


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if slug is not None:
        assert body["type"] == PROBLEMS + slug
    return body


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


@pytest.fixture
def who(tokens):
    return {role: auth(token) for role, token in tokens.items()}


def _ask(client, decision_id, headers=None, **body):
    return _ok(
        client.post(
            f"{API}/decisions/{decision_id}/inquiries", json={"question": "何时实施？", **body}, headers=headers
        ),
        201,
    )


def _act(client, inquiry_id, action, headers, body=None):
    return client.post(f"{API}/inquiries/{inquiry_id}/{action}", json=body, headers=headers)


def test_a_question_is_public_only_once_the_unit_publishes_it(client, who, decision):
    asked = _ask(client, decision.id, **ASKER)
    path = f"{API}/inquiries/{asked['id']}"
    assert asked["state"] == "received" and asked["published_on"] is None
    for headers in (None, who["partner"], who["other_editor"]):
        _problem(client.get(path, headers=headers), 404)
        assert _ok(client.get(f"{API}/decisions/{decision.id}/inquiries", headers=headers)) == []
        assert _ok(client.get(f"{API}/inquiries", headers=headers)) == []
    staff = _ok(client.get(path, headers=who["editor"]))
    assert (staff["state"], staff["name"], staff["contact"]) == ("received", "王小明", "13912345678")

    _problem(_act(client, asked["id"], "publication", None), 401)
    _problem(_act(client, asked["id"], "publication", who["other_editor"]), 403)
    published = _ok(_act(client, asked["id"], "publication", who["editor"]))
    assert (published["state"], published["published_on"], published["answer"]) == ("published", "2026-09-30", None)
    public = client.get(path)
    assert _ok(public)["state"] == "published" and "name" not in public.get_json()
    assert "王小明" not in public.get_data(as_text=True) and "13912345678" not in public.get_data(as_text=True)
    assert [i["id"] for i in _ok(client.get(f"{API}/decisions/{decision.id}/inquiries"))] == [asked["id"]]
    _problem(_act(client, asked["id"], "publication", who["editor"]), 409, "inquiry-not-received")
    _problem(_act(client, 999, "publication", who["admin"]), 404)


def test_answering_a_received_question_publishes_it(client, who, decision, today):
    asked = _ask(client, decision.id)
    today["value"] = D("2026-10-09")
    answered = _ok(_act(client, asked["id"], "reply", who["editor"], {"answer": "明年施行。"}))
    assert (answered["state"], answered["published_on"], answered["status"]) == ("answered", "2026-10-09", "on_time")
    assert _ok(client.get(f"{API}/inquiries/{asked['id']}"))["answer"] == "明年施行。"
    _problem(_act(client, asked["id"], "publication", who["editor"]), 409, "inquiry-answered")


def test_a_declined_question_is_never_public_and_its_asker_learns_why(client, who, decision, today):
    asked = _ask(client, decision.id, **ASKER)
    path = f"{API}/inquiries/{asked['id']}"
    editor = who["editor"]
    for wrong in ({}, {"reason": ""}, {"reason": "不属于本事项。", "declined_on": "2026-09-29"}):
        _problem(_act(client, asked["id"], "decline", editor, wrong), 422)
    _problem(_act(client, asked["id"], "decline", who["other_editor"], {"reason": "x"}), 403)
    assert _ok(client.get(path, headers=editor))["state"] == "received"  # nothing changed

    today["value"] = D("2026-10-09")
    declined = _ok(_act(client, asked["id"], "decline", editor, {"reason": "属个人信访事项，请按信访渠道反映。"}))
    assert (declined["state"], declined["declined_on"], declined["status"]) == ("declined", "2026-10-09", "on_time")
    assert declined["decline_reason"] == "属个人信访事项，请按信访渠道反映。"
    for headers in (None, who["partner"], who["other_editor"]):
        _problem(client.get(path, headers=headers), 404)
        assert _ok(client.get(f"{API}/decisions/{decision.id}/inquiries", headers=headers)) == []
    # The asker reads what became of it, and why; never in public.
    receipt = _ok(client.get(asked["_links"]["receipt"]["href"]))
    assert (receipt["state"], receipt["decline_reason"], receipt["inquiry_id"]) == (
        "declined",
        "属个人信访事项，请按信访渠道反映。",
        asked["id"],
    )
    # Settled: not overdue later, and nothing more is done with it.
    today["value"] = D("2026-12-01")
    with client.application.app_context():
        assert tick.run()["inquiries marked overdue"] == 0
    assert _ok(client.get(path, headers=editor))["status"] == "on_time"
    for action, body in (
        ("reply", {"answer": "答复。"}),
        ("publication", None),
        ("transfer", {"to_unit": "jd-jyj", "reason": "x"}),
    ):
        _problem(_act(client, asked["id"], action, editor, body), 409, "inquiry-declined")
    _problem(_act(client, asked["id"], "decline", editor, {"reason": "再次"}), 409, "inquiry-declined")


def test_what_the_public_has_read_is_answered_not_declined(client, who, decision):
    published = _ask(client, decision.id)
    _ok(_act(client, published["id"], "publication", who["editor"]))
    _problem(_act(client, published["id"], "decline", who["editor"], {"reason": "x"}), 409, "inquiry-not-received")
    answered = _ask(client, decision.id)
    _ok(_act(client, answered["id"], "reply", who["editor"], {"answer": "答复。"}))
    _problem(_act(client, answered["id"], "decline", who["editor"], {"reason": "x"}), 409, "inquiry-answered")
    assert _ok(client.get(f"{API}/inquiries/{published['id']}"))["state"] == "published"


def test_a_transfer_keeps_the_deadline_and_records_who_held_it(client, who, decision, today):
    asked = _ask(client, decision.id)
    path = f"{API}/inquiries/{asked['id']}"
    assert asked["reply_due_on"] == "2026-10-13"
    move = {"to_unit": "jd-jyj", "reason": "属教育局职责。"}
    _problem(_act(client, asked["id"], "transfer", None, move), 401)
    _problem(_act(client, asked["id"], "transfer", who["partner"], move), 403)
    _problem(_act(client, asked["id"], "transfer", who["other_editor"], move), 403)  # not its holder yet
    for wrong in ({**move, "to_unit": "jd-fgw"}, {**move, "to_unit": "no-such-unit"}, {"to_unit": "jd-jyj"}):
        _problem(_act(client, asked["id"], "transfer", who["editor"], wrong), 422)
    assert _ok(client.get(path, headers=who["editor"]))["transfers"] == []

    today["value"] = D("2026-10-09")
    moved = _ok(_act(client, asked["id"], "transfer", who["editor"], move))
    assert (moved["unit"], moved["reply_due_on"], moved["decision_id"]) == ("jd-jyj", "2026-10-13", decision.id)
    # The former holder no longer sees or acts on it; the new one does.
    _problem(client.get(path, headers=who["editor"]), 404)
    _problem(_act(client, asked["id"], "reply", who["editor"], {"answer": "答复。"}), 403)
    staff = _ok(client.get(path, headers=who["other_editor"]))
    assert staff["transfers"] == [
        {
            "from_unit": "jd-fgw",
            "held_since": "2026-09-30",
            "to_unit": "jd-jyj",
            "transferred_on": "2026-10-09",
            "transferred_by": staff["transfers"][0]["transferred_by"],
            "reason": "属教育局职责。",
        }
    ]
    # Back to jd-fgw by an admin: the second holder held it from the first transfer's day.
    today["value"] = D("2026-10-12")
    # Entered after the fact, a transfer is not dated before the holder got it, nor ahead.
    for day in ("2026-10-08", "2026-10-13"):
        back = {"to_unit": "jd-fgw", "reason": "经协调退回。", "transferred_on": day}
        _problem(_act(client, asked["id"], "transfer", who["admin"], back), 422)
    back = _ok(_act(client, asked["id"], "transfer", who["admin"], {"to_unit": "jd-fgw", "reason": "经协调退回。"}))
    assert [(t["from_unit"], t["held_since"], t["to_unit"]) for t in back["transfers"]] == [
        ("jd-fgw", "2026-09-30", "jd-jyj"),
        ("jd-jyj", "2026-10-09", "jd-fgw"),
    ]
    # Answered a day late: the transfers did not move the deadline.
    today["value"] = D("2026-10-14")
    early = {"answer": "答复。", "answered_on": "2026-10-11"}  # before it came back
    _problem(_act(client, asked["id"], "reply", who["editor"], early), 422)
    answered = _ok(_act(client, asked["id"], "reply", who["editor"], {"answer": "答复。"}))
    assert (answered["status"], answered["reply_due_on"]) == ("late", "2026-10-13")
    public = _ok(client.get(path))
    assert [set(t) for t in public["transfers"]] == [{"from_unit", "held_since", "to_unit", "transferred_on"}] * 2
    _problem(_act(client, asked["id"], "transfer", who["admin"], move), 409, "inquiry-answered")


def test_a_general_question_waits_for_the_district_office(client, who, units, today):
    response = client.post(f"{API}/inquiries", json={"question": "新能源车补贴去哪里申请？", **ASKER})
    asked = _ok(response, 201)
    assert response.headers["Location"] == asked["_links"]["receipt"]["href"]
    assert (asked["decision_id"], asked["unit"], asked["state"]) == (None, None, "received")
    assert asked["reply_due_on"] == "2026-10-13" and "decision" not in asked["_links"]
    path = f"{API}/inquiries/{asked['id']}"
    # Held by the district office: editors neither see nor act on it until it is assigned.
    _problem(client.get(path, headers=who["editor"]), 404)
    _problem(_act(client, asked["id"], "transfer", who["editor"], {"to_unit": "jd-fgw", "reason": "x"}), 403)
    _problem(_act(client, asked["id"], "reply", who["editor"], {"answer": "x"}), 403)
    assert [i["id"] for i in _ok(client.get(f"{API}/inquiries?state=received", headers=who["admin"]))] == [asked["id"]]

    assigned = _ok(
        _act(client, asked["id"], "transfer", who["admin"], {"to_unit": "jd-fgw", "reason": "属发改委职责。"})
    )
    assert assigned["unit"] == "jd-fgw" and assigned["transfers"][0]["from_unit"] is None
    assert _ok(client.get(path, headers=who["editor"]))["name"] == "王小明"
    mine = _ok(client.get(f"{API}/inquiries?unit=jd-fgw&state=received", headers=who["editor"]))
    assert [i["id"] for i in mine] == [asked["id"]]
    assert _ok(client.get(f"{API}/inquiries")) == []
    _ok(_act(client, asked["id"], "reply", who["editor"], {"answer": "请登录一网通办申请。"}))
    listed = client.get(f"{API}/inquiries")
    assert [(i["id"], i["state"]) for i in _ok(listed)] == [(asked["id"], "answered")]
    assert "王小明" not in listed.get_data(as_text=True)
    assert _ok(client.get(f"{API}/inquiries?state=received")) == []
    _problem(client.get(f"{API}/inquiries?state=maybe"), 422)


def test_staff_enter_a_general_question_from_another_channel(client, who, units, today):
    body = {"question": "请问如何申请？", "channel": "hotline_12345", "received_on": "2026-09-28"}
    entered = _ok(client.post(f"{API}/inquiries", json=body, headers=who["editor"]), 201)
    # A call the unit took is its own; counted from the day it came.
    assert (entered["unit"], entered["received_on"], entered["reply_due_on"]) == ("jd-fgw", "2026-09-28", "2026-10-10")
    by_office = _ok(client.post(f"{API}/inquiries", json=body, headers=who["admin"]), 201)
    assert by_office["unit"] is None
    for headers in (None, who["partner"]):
        _problem(client.post(f"{API}/inquiries", json=body, headers=headers), 422)
    _problem(client.post(f"{API}/inquiries", json={**body, "received_on": "2026-10-01"}, headers=who["editor"]), 422)
    _problem(client.post(f"{API}/inquiries", json={"question": ""}), 422)


def test_the_asker_follows_the_question_with_its_receipt(client, who, decision, today):
    asked = _ask(client, decision.id, **ASKER)
    assert asked["receipt"].startswith("Q.")
    receipt = client.get(f"{API}/receipts/{asked['receipt']}")
    body = _ok(receipt)
    assert (body["state"], body["reply_due_on"], body["status"], body["answer"]) == (
        "received",
        "2026-10-13",
        "pending",
        None,
    )
    assert "王小明" not in receipt.get_data(as_text=True) and "13912345678" not in receipt.get_data(as_text=True)
    _ok(_act(client, asked["id"], "reply", who["editor"], {"answer": "明年施行。"}))
    body = _ok(client.get(f"{API}/receipts/{asked['receipt']}"))
    assert (body["state"], body["answer"], body["decline_reason"]) == ("answered", "明年施行。", None)
    _problem(client.get(f"{API}/receipts/Q.no-such-receipt"), 404)
    # A comment's receipt door is unchanged for anything without the prefix.
    _problem(client.get(f"{API}/receipts/{asked['receipt'][2:]}"), 404)


def test_a_question_shows_the_public_no_phone_or_id_typed_into_it_and_its_fate_is_in_the_feed(client, who, decision):
    asked = _ask(client, decision.id, question="我的电话13912345678，身份证号11010519491231002X，请问何时兑现？")
    path = f"{API}/inquiries/{asked['id']}"
    start = _ok(client.get(f"{API}/changes"))["next_cursor"]
    _ok(_act(client, asked["id"], "publication", who["editor"]))
    public = _ok(client.get(path))
    assert public["question"] == "我的电话［已隐去：电话］，身份证号［已隐去：身份证号］，请问何时兑现？"
    staff = _ok(client.get(path, headers=who["editor"]))
    assert "13912345678" in staff["question"] and staff["public_question"] == public["question"]
    _ok(_act(client, asked["id"], "reply", who["editor"], {"answer": "明年施行。"}))
    entries = _ok(client.get(f"{API}/changes?after={start}"))["entries"]
    assert [(e["type"], e["href"]) for e in entries] == [
        ("inquiry_published", f"http://localhost{path}"),
        ("inquiry_answered", f"http://localhost{path}"),
    ]
    assert all("13912345678" not in e["title"] for e in entries)


def test_an_editor_restores_a_false_positive_in_a_question_or_hides_a_name(client, who, decision):
    asked = _ask(client, decision.id, question="我是张三，产品编号6222021000112345672的补贴何时发放？")
    path = f"{API}/inquiries/{asked['id']}"
    _ok(_act(client, asked["id"], "publication", who["editor"]))
    assert _ok(client.get(path))["question"] == "我是张三，产品编号［已隐去：银行卡号］的补贴何时发放？"
    restore = {"action": "restore", "text": "6222021000112345672", "reason": "是产品编号，不是银行卡号。"}
    _problem(_act(client, asked["id"], "redaction", who["other_editor"], restore), 403)
    _problem(_act(client, asked["id"], "redaction", who["editor"], {**restore, "text": "不在问题中"}), 422)
    staff = _ok(_act(client, asked["id"], "redaction", who["editor"], restore))
    assert staff["redaction_overrides"][0]["reason"] == "是产品编号，不是银行卡号。"
    _ok(_act(client, asked["id"], "redaction", who["editor"], {"action": "hide", "text": "张三", "reason": "姓名。"}))
    assert _ok(client.get(path))["question"] == "我是［已隐去：其他］，产品编号6222021000112345672的补贴何时发放？"


def test_each_question_of_a_page_is_shown_as_its_reader_may_see_it(client, who, decision, today):
    held = _ask(client, decision.id, question="由发改委答复的问题", **ASKER)
    moved = _ask(client, decision.id, question="转给教育局的问题", **ASKER)
    # The holder's editor transfers one away: the answer shows it as the public sees it.
    away = _ok(_act(client, moved["id"], "transfer", who["editor"], {"to_unit": "jd-jyj", "reason": "属教育局职责。"}))
    assert away["unit"] == "jd-jyj" and "name" not in away and "receipt" not in away
    _ok(_act(client, moved["id"], "reply", who["other_editor"], {"answer": "由教育局答复。"}))
    # One page, two readings: the question jd-fgw holds with who asked, the other without.
    page = client.get(f"{API}/inquiries?page_size=1&page=2", headers=who["editor"])
    assert _ok(page)[0]["id"] == held["id"] and _ok(page)[0]["name"] == ASKER["name"]
    assert page.headers["X-Pagination"] == (
        '{"total": 2, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 2, "previous_page": 1}'
    )
    listed = {i["id"]: i for i in _ok(client.get(f"{API}/inquiries", headers=who["editor"]))}
    assert listed[held["id"]]["name"] == ASKER["name"]
    assert "name" not in listed[moved["id"]] and listed[moved["id"]]["answer"] == "由教育局答复。"
    assert listed[moved["id"]]["question"] == "转给教育局的问题"

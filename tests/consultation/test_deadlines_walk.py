"""Deadlines on the working-day calendar, through the API: adoption report, inquiries, compliance."""

import datetime as dt

import pytest

from core import calendar, tick
from decisions.catalogues import services as catalogue_services
from tests import year_factories as factories
from tests.conftest import auth


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": dt.date(2026, 9, 1)}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


def test_working_days_skip_national_day_and_count_the_make_up_saturday(client):
    body = _ok(client.get("/api/v1/calendar/working-days?from=2026-09-28&add=10"))
    assert body == {"date": "2026-10-16", "calendar_status": "official"}


def test_an_unknown_year_is_provisional_until_loaded(client, tokens):
    body = _ok(client.get("/api/v1/calendar/working-days?from=2026-12-30&add=3"))
    assert body["calendar_status"] == "provisional"
    _ok(
        client.put(
            "/api/v1/calendar/2027",
            json={"holidays": ["2027-01-01", "2027-01-04"], "workdays": []},
            headers=auth(tokens["admin"]),
        )
    )
    body = _ok(client.get("/api/v1/calendar/working-days?from=2026-12-30&add=3"))
    assert body == {"date": "2027-01-06", "calendar_status": "official"}


def test_adoption_report_inquiries_and_compliance(client, tokens, units, today):
    editor, admin = auth(tokens["editor"]), auth(tokens["admin"])
    catalogue = factories.catalogue(2026)
    decision = factories.decision(2026)
    catalogue_services.publish_catalogue(
        catalogue, party_consent_on=dt.date(2026, 3, 1), published_on=dt.date(2026, 3, 16)
    )
    d = decision.id
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/reviews",
            json={"kind": "legality_review", "completed_on": "2026-09-01", "summary": "合法", "result": "lawful"},
            headers=editor,
        ),
        201,
    )
    meeting = _ok(
        client.post(
            "/api/v1/meetings",
            json={
                "body_type": "executive",
                "session_no": 3,
                "held_on": "2026-09-10",
                "agenda": [{"decision_id": d, "outcome": "approved"}],
                "attendees": [{"category": "citizen", "organisation": "马陆镇居民代表"}],
            },
            headers=admin,
        ),
        201,
    )
    today["value"] = dt.date(2026, 9, 29)
    _ok(client.post(f"/api/v1/meetings/{meeting['id']}/publish", headers=admin))
    _ok(
        client.put(
            f"/api/v1/decisions/{d}/result",
            json={
                "title": "措施",
                "doc_number": "嘉府规〔2026〕9号",
                "signed_on": "2026-09-25",
                "issued_on": "2026-09-28",
            },
            headers=editor,
        ),
        201,
    )
    _ok(client.post(f"/api/v1/decisions/{d}/result/publish", headers=editor))
    [obligation] = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"]
    assert obligation["due_on"] == "2026-10-16" and obligation["status"] == "pending"

    question = _ok(
        client.post(
            f"/api/v1/decisions/{d}/inquiries",
            json={"question": "何时实施？", "name": "赵六", "contact": "13700000000"},
        ),
        201,
    )
    assert question["reply_due_on"] == "2026-10-12"  # 5 working days, across National Day
    assert "赵六" not in client.get(f"/api/v1/decisions/{d}/inquiries").get_data(as_text=True)

    today["value"] = dt.date(2026, 10, 19)
    with client.application.app_context():
        marked = tick.run()
    assert marked["obligations marked overdue"] == 1 and marked["inquiries marked overdue"] == 1
    assert _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"][0]["status"] == "overdue"
    _ok(client.put(f"/api/v1/decisions/{d}/adoption-report", json={"summary": "未收到意见。"}, headers=editor), 201)
    report = _ok(client.post(f"/api/v1/decisions/{d}/adoption-report/publish", headers=editor))
    assert report["status"] == "late" and report["due_on"] == "2026-10-16"
    _ok(
        client.post(
            f"/api/v1/inquiries/{question['id']}/reply", json={"answer": "2027年1月1日起实施。"}, headers=editor
        )
    )

    figures = _ok(client.get("/api/v1/compliance?year=2026"))
    fgw = next(u for u in figures["units"] if u["unit"] == "jd-fgw")
    assert fgw["adoption_reports"]["late"] == 1
    assert fgw["inquiries"]["late"] == 1
    assert fgw["invited_meetings"]["count"] == 1 and fgw["invited_meetings"]["met"] is False
    assert figures["catalogue"]["on_time"] is True
    for link in fgw["adoption_reports"]["records"]["late"]:
        assert client.get(link["href"]).status_code == 200
    csv = client.get("/api/v1/compliance?year=2026&format=csv")
    assert csv.mimetype == "text/csv" and "jd-fgw" in csv.get_data(as_text=True)

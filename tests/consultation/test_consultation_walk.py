"""A consultation from announcement to the meeting it enables, through the API."""

import datetime as dt

import pytest

from core import calendar, tick
from decisions.catalogues import services as catalogue_services
from tests import factories
from tests.conftest import auth


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": dt.date(2026, 4, 10)}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def drafted(app, units, tokens, today):
    catalogue = factories.catalogue(2026)
    decision = factories.decision(2026, enterprise_related=True)
    catalogue_services.publish_catalogue(
        catalogue, party_consent_on=dt.date(2026, 3, 1), published_on=dt.date(2026, 3, 16)
    )
    return decision


def test_a_consultation_hears_enterprises_before_the_meeting(client, tokens, drafted, today):
    editor, admin, partner = auth(tokens["editor"]), auth(tokens["admin"]), auth(tokens["partner"])
    d = drafted.id
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/drafts",
            json={"kind": "consultation_draft", "title": "征求意见稿", "text": "第一条"},
            headers=editor,
        ),
        201,
    )
    _ok(client.post(f"/api/v1/decisions/{d}/drafts/1/publish", json={"published_on": "2026-04-01"}, headers=editor))
    short = client.post(
        f"/api/v1/decisions/{d}/consultations",
        json={
            "draft_version": 1,
            "method": "online",
            "audience": ["public", "enterprises", "industry_associations"],
            "channels": ["portal", "suishenban", "letter"],
            "opens_on": "2026-04-03",
            "closes_on": "2026-04-20",
        },
        headers=editor,
    )
    assert short.status_code == 409 and short.get_json()["type"].endswith("consultation-window-too-short")
    c = _ok(
        client.post(
            f"/api/v1/decisions/{d}/consultations",
            json={
                "draft_version": 1,
                "method": "online",
                "audience": ["public", "enterprises", "industry_associations"],
                "channels": ["portal", "suishenban", "letter"],
                "opens_on": "2026-04-03",
                "closes_on": "2026-05-02",
                "comments_public": True,
            },
            headers=editor,
        ),
        201,
    )
    cid = c["id"]
    assert client.get(f"/api/v1/consultations/{cid}").status_code == 404
    _ok(client.post(f"/api/v1/consultations/{cid}/publish", json={"published_on": "2026-04-02"}, headers=editor))
    assert _ok(client.get(f"/api/v1/consultations/{cid}"))["status"] == "open"

    first = _ok(
        client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={
                "content": "建议提高贴息比例",
                "submitter_type": "enterprise",
                "organisation": "上海某汽车零部件公司",
                "name": "李四",
                "contact": "13900000000",
            },
            headers={"Idempotency-Key": "k-1"},
        ),
        201,
    )
    again = client.post(
        f"/api/v1/consultations/{cid}/comments",
        json={
            "content": "建议提高贴息比例",
            "submitter_type": "enterprise",
            "organisation": "上海某汽车零部件公司",
            "name": "李四",
            "contact": "13900000000",
        },
        headers={"Idempotency-Key": "k-1"},
    )
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    via_app = _ok(
        client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={
                "content": "协会意见",
                "submitter_type": "industry_association",
                "organisation": "嘉定区汽车行业协会",
            },
            headers=partner,
        ),
        201,
    )
    assert via_app["channel"] == "suishenban"
    _ok(
        client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={
                "content": "来信意见",
                "submitter_type": "individual",
                "channel": "letter",
                "received_on": "2026-04-08",
                "name": "王五",
            },
            headers=editor,
        ),
        201,
    )

    public = _ok(client.get(f"/api/v1/consultations/{cid}/comments"))
    assert public == []  # nothing moderated yet
    _ok(client.post(f"/api/v1/comments/{first['id']}/moderation", json={"action": "publish"}, headers=editor))
    public = client.get(f"/api/v1/consultations/{cid}/comments").get_data(as_text=True)
    assert "建议提高贴息比例" in public and "李四" not in public and "13900000000" not in public

    receipt = _ok(client.get(first["_links"]["receipt"]["href"]))
    assert receipt["disposition"] is None
    _ok(
        client.put(
            f"/api/v1/comments/{first['id']}/disposition",
            json={
                "disposition": "not_adopted",
                "reason_code": "cost_or_feasibility",
                "reason": "财政承受能力有限",
            },
            headers=editor,
        )
    )
    receipt = _ok(client.get(first["_links"]["receipt"]["href"]))
    assert receipt["disposition"] == "not_adopted" and receipt["reason"] == "财政承受能力有限"

    counts = _ok(client.get(f"/api/v1/consultations/{cid}"))["counts"]
    assert counts["received"] == 3 and counts["by_channel"] == {"portal": 1, "suishenban": 1, "letter": 1}

    _ok(
        client.post(
            f"/api/v1/decisions/{d}/reviews",
            json={"kind": "legality_review", "completed_on": "2026-05-10", "summary": "合法", "result": "lawful"},
            headers=editor,
        ),
        201,
    )
    today["value"] = dt.date(2026, 5, 12)
    assert _ok(client.get(f"/api/v1/consultations/{cid}"))["status"] == "closed"
    with client.application.app_context():
        assert tick.run()["consultations closed"] == 1
        assert tick.run()["consultations closed"] == 0
    meeting = {
        "body_type": "executive",
        "session_no": 9,
        "held_on": "2026-05-15",
        "agenda": [{"decision_id": d, "outcome": "approved"}],
    }
    refused = client.post("/api/v1/meetings", json=meeting, headers=admin)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["type"].endswith("enterprise-opinions-missing")
    assert "no disposition" in refused.get_json()["detail"]
    _ok(client.put(f"/api/v1/comments/{via_app['id']}/disposition", json={"disposition": "adopted"}, headers=editor))
    refused = client.post("/api/v1/meetings", json=meeting, headers=admin)
    assert refused.get_json()["type"].endswith("adoption-not-on-record")
    _ok(client.put(f"/api/v1/decisions/{d}/adoption-report", json={"summary": "共收到意见3条。"}, headers=editor), 201)
    _ok(client.post("/api/v1/meetings", json=meeting, headers=admin), 201)
    types = [e["type"] for e in _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["entries"]]
    # What became of each opinion is on the record as it happened, closing included.
    assert types[:3] == ["catalogued", "draft_published", "consultation_opened"]
    assert sorted(types[3:]) == sorted(
        ["comment_published", "disposition_set", "disposition_set", "consultation_closed"]
    ), types

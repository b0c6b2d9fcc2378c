"""A decision walked through its whole procedure through the API; its timeline tells it."""

import datetime as dt

import pytest

from decisions.catalogues import services as catalogue_services
from tests import factories
from tests.conftest import auth


@pytest.fixture
def catalogued(app, units, tokens):
    catalogue = factories.catalogue(2026)
    decision = factories.decision(2026)
    catalogue_services.publish_catalogue(
        catalogue, party_consent_on=dt.date(2026, 3, 1), published_on=dt.date(2026, 3, 16)
    )
    return decision


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_decision_walked_through_its_procedure_has_a_truthful_timeline(client, tokens, catalogued):
    editor, admin = auth(tokens["editor"]), auth(tokens["admin"])
    d = catalogued.id
    _ok(
        client.put(f"/api/v1/decisions/{d}/background", json={"necessity": "必要", "problem": "问题"}, headers=editor),
        201,
    )
    _ok(client.post(f"/api/v1/decisions/{d}/background/publish", json={"published_on": "2026-04-01"}, headers=editor))
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/drafts",
            json={"kind": "consultation_draft", "title": "征求意见稿", "text": "第一条\n第二条"},
            headers=editor,
        ),
        201,
    )
    _ok(client.post(f"/api/v1/decisions/{d}/drafts/1/publish", json={"published_on": "2026-04-02"}, headers=editor))
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/drafts",
            json={"kind": "review_draft", "title": "送审稿", "text": "第一条\n第二条（修改）\n第三条"},
            headers=editor,
        ),
        201,
    )
    diff = _ok(client.get(f"/api/v1/decisions/{d}/drafts/2/diff", headers=editor))
    assert diff["added"] == 2 and diff["removed"] == 1
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/reviews",
            json={"kind": "legality_review", "completed_on": "2026-06-01", "summary": "合法", "result": "lawful"},
            headers=editor,
        ),
        201,
    )
    meeting = _ok(
        client.post(
            "/api/v1/meetings",
            json={
                "body_type": "executive",
                "session_no": 15,
                "held_on": "2026-06-10",
                "agenda": [{"decision_id": d, "outcome": "approved"}],
                "attendees": [
                    {
                        "category": "enterprise",
                        "organisation": "上海汽车城集团",
                        "opinion": "支持",
                        "adoption": "adopted",
                    }
                ],
            },
            headers=admin,
        ),
        201,
    )
    _ok(client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={"published_on": "2026-06-12"}, headers=admin))
    _ok(
        client.put(
            f"/api/v1/decisions/{d}/result",
            json={
                "title": "措施",
                "doc_number": "嘉府规〔2026〕3号",
                "signed_on": "2026-06-20",
                "issued_on": "2026-06-22",
            },
            headers=editor,
        ),
        201,
    )
    _ok(client.post(f"/api/v1/decisions/{d}/result/publish", json={"published_on": "2026-06-23"}, headers=editor))
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/interpretations",
            json={"form": "graphic", "title": "一图读懂", "text_alternative": "要点"},
            headers=editor,
        ),
        201,
    )
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/interpretations/1/publish", json={"published_on": "2026-06-24"}, headers=editor
        )
    )
    _ok(
        client.post(
            f"/api/v1/decisions/{d}/background/correction",
            json={"necessity": "必要（更正）", "reason": "错字"},
            headers=editor,
        ),
        201,
    )

    timeline = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))
    types = [e["type"] for e in timeline["entries"]]
    assert types == [
        "catalogued",
        "background_published",
        "draft_published",
        "meeting_deliberated",
        "result_published",
        "interpretation_published",
        "correction",
    ], types
    for entry in timeline["entries"]:
        assert client.get(entry["href"]).status_code == 200, entry
    assert timeline["decision"]["state"] == "decided"
    [obligation] = timeline["obligations"]
    assert obligation["type"] == "adoption_report" and obligation["status"] == "overdue"

    feed = _ok(client.get("/api/v1/changes?limit=3"))
    assert [e["cursor"] for e in feed["entries"]] == ["1", "2", "3"]
    rest = _ok(client.get(f"/api/v1/changes?after={feed['next_cursor']}"))
    # The feed's first read recorded the overdue report too: the timeline shows it from then on.
    assert [e["type"] for e in feed["entries"] + rest["entries"]] == [*types, "deadline_overdue"]
    later = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["entries"]
    assert [e["type"] for e in later].count("deadline_overdue") == 1

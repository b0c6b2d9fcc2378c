"""Conditional requests (RFC 9110 §13): If-None-Match compares weakly, If-Match strongly, and
every write that answers with an item sends that item's ETag, the one a GET of it sends."""

import datetime as dt

import pytest

from tests import factories
from tests.conftest import auth


def _weak(etag: str) -> str:
    return f"W/{etag}"


def _readable_items(tokens, today):
    """(url, headers) of items of every kind that send an ETag: a decision, its timeline, a
    record, a unit, a catalogue, a meeting, a consultation, a comment, a calendar year."""
    today(dt.date(2026, 4, 10))  # the consultation is open
    decision, consultation = factories.consulted_decision()
    comment = factories.comment(consultation)
    today(dt.date(2026, 7, 1))
    background = factories.background(decision)
    deliberated = factories.catalogued_decision(title="嘉定区公共停车设施规划")
    factories.review(deliberated)
    meeting = factories.meeting(deliberated)
    admin = auth(tokens["admin"])
    return [
        (f"/api/v1/decisions/{decision.id}", {}),
        (f"/api/v1/decisions/{decision.id}/timeline", {}),
        (f"/api/v1/decisions/{decision.id}/background/versions/{background.version}", {}),
        ("/api/v1/units/jd-fgw", {}),
        ("/api/v1/catalogues/2026", {}),
        (f"/api/v1/meetings/{meeting.id}", admin),
        (f"/api/v1/consultations/{consultation.id}", {}),
        (f"/api/v1/comments/{comment.id}", admin),
        ("/api/v1/calendar/2026", {}),
    ]


def test_if_none_match_compares_weakly_on_every_get_that_sends_an_etag(client, tokens, today):
    for url, headers in _readable_items(tokens, today):
        read = client.get(url, headers=headers)
        assert read.status_code == 200, (url, read.get_json())
        etag = read.headers["ETag"]
        assert etag.startswith('"'), (url, etag)
        for held in (etag, _weak(etag), f'"other", {_weak(etag)}', f'W/"a", {etag}', "*"):
            for method in (client.get, client.head):
                answer = method(url, headers={**headers, "If-None-Match": held})
                assert answer.status_code == 304, (url, held, method)
                assert answer.data == b""
                assert "Content-Type" not in answer.headers
        # The 304 that the weak comparison gives keeps the current ETag and the usual headers.
        answer = client.get(url, headers={**headers, "If-None-Match": _weak(etag)})
        assert answer.headers["ETag"] == etag and answer.headers["X-Request-ID"]
        for held in ('"other"', 'W/"other"', etag[:-1] + 'x"'):
            answer = client.get(url, headers={**headers, "If-None-Match": held})
            assert answer.status_code == 200 and answer.headers["ETag"] == etag, (url, held)


def test_if_none_match_does_not_turn_an_error_into_a_304(client, tokens):
    answer = client.get("/api/v1/units/jd-nowhere", headers={"If-None-Match": "*"})
    assert answer.status_code == 404


def test_if_match_compares_strongly(client, tokens, today):
    decision = factories.catalogued_decision()
    url = f"/api/v1/decisions/{decision.id}"
    admin = auth(tokens["admin"])
    etag = client.get(url, headers=admin).headers["ETag"]
    change = {"summary": "围绕优化营商环境，制定若干措施。"}
    for held in (_weak(etag), f'"other", {_weak(etag)}'):
        refused = client.patch(url, json=change, headers={**admin, "If-Match": held})
        assert refused.status_code == 412, held
        assert refused.mimetype == "application/problem+json"
    assert client.get(url, headers=admin).get_json()["summary"] != change["summary"]
    changed = client.patch(url, json=change, headers={**admin, "If-Match": f'"other", {etag}'})
    assert changed.status_code == 200 and changed.get_json()["summary"] == change["summary"]
    # `*` matches any current version of a record that exists.
    again = client.patch(url, json={"summary": "再次修改。"}, headers={**admin, "If-Match": "*"})
    assert again.status_code == 200 and again.get_json()["summary"] == "再次修改。"
    unit = client.patch("/api/v1/units/jd-fgw", json={"name": "发改委"}, headers={**admin, "If-Match": 'W/"x"'})
    assert unit.status_code == 412


def _same_etag_as_a_get(client, write, url, headers, status=200):
    assert write.status_code == status, write.get_json()
    read = client.get(url, headers=headers)
    assert read.status_code == 200
    assert write.headers.get("ETag") == read.headers["ETag"], url
    return write.headers["ETag"]


@pytest.mark.parametrize("walk", ["decision", "comment", "record", "meeting", "consultation"])
def test_a_write_answers_with_the_etag_a_get_of_its_item_then_sends(client, tokens, today, walk):
    admin, editor = auth(tokens["admin"]), auth(tokens["editor"])
    today(dt.date(2026, 4, 10) if walk == "comment" else dt.date(2026, 7, 1))
    if walk == "decision":
        decision = factories.catalogued_decision()
        url = f"/api/v1/decisions/{decision.id}"
        etag = client.get(url, headers=admin).headers["ETag"]
        write = client.patch(url, json={"summary": "新的摘要。"}, headers={**admin, "If-Match": etag})
        etag = _same_etag_as_a_get(client, write, url, admin)
        # The write's ETag is good for the next write, without a GET in between.
        assert client.patch(url, json={"summary": "又一个。"}, headers={**admin, "If-Match": etag}).status_code == 200
        created = client.post(
            "/api/v1/decisions",
            json={
                "catalogue_year": 2026,
                "title": "嘉定区公共停车设施规划",
                "summary": "规划停车设施。",
                "category": "plan",
                "lead_unit": "jd-fgw",
                "planned_completion": "2026",
            },
            headers=editor,
        )
        _same_etag_as_a_get(client, created, created.headers["Location"], editor, 201)
    elif walk == "comment":
        _, consultation = factories.consulted_decision()
        comment = factories.comment(consultation)
        url = f"/api/v1/comments/{comment.id}"
        moderated = client.post(f"{url}/moderation", json={"action": "publish"}, headers=editor)
        _same_etag_as_a_get(client, moderated, url, editor)
        disposed = client.put(f"{url}/disposition", json={"disposition": "adopted"}, headers=editor)
        etag = _same_etag_as_a_get(client, disposed, url, editor)
        again = client.put(
            f"{url}/disposition",
            json={"disposition": "not_adopted", "reason_code": "outside_competence", "reason": "属市级事权"},
            headers={**editor, "If-Match": etag},
        )
        _same_etag_as_a_get(client, again, url, editor)
    elif walk == "record":
        decision = factories.catalogued_decision()
        draft = factories.draft(decision, published_on=None)
        url = f"/api/v1/decisions/{decision.id}/drafts/{draft.version}"
        published = client.post(f"{url}/publish", json={"published_on": "2026-04-02"}, headers=editor)
        _same_etag_as_a_get(client, published, url, editor)
    elif walk == "meeting":
        decision = factories.catalogued_decision()
        factories.review(decision)
        body = {
            "body_type": "executive",
            "session_no": 15,
            "held_on": "2026-06-10",
            "agenda": [{"decision_id": decision.id, "outcome": "approved"}],
            "attendees": [],
        }
        created = client.post("/api/v1/meetings", json=body, headers=admin)
        url = created.headers["Location"]
        etag = _same_etag_as_a_get(client, created, url, admin, 201)
        replaced = client.put(url, json={**body, "session_no": 16}, headers={**admin, "If-Match": etag})
        _same_etag_as_a_get(client, replaced, url, admin)
        published = client.post(f"{url}/publish", json={"published_on": "2026-06-12"}, headers=admin)
        _same_etag_as_a_get(client, published, url, admin)
    else:
        decision = factories.catalogued_decision()
        factories.draft(decision)
        body = {
            "draft_version": 1,
            "method": "online",
            "audience": ["public"],
            "channels": ["portal"],
            "opens_on": "2026-04-03",
            "closes_on": "2026-05-02",
            "comments_public": True,
        }
        created = client.post(f"/api/v1/decisions/{decision.id}/consultations", json=body, headers=editor)
        url = created.headers["Location"]
        _same_etag_as_a_get(client, created, url, editor, 201)
        published = client.post(f"{url}/publish", json={"published_on": "2026-04-02"}, headers=editor)
        _same_etag_as_a_get(client, published, url, editor)


def test_the_catalogue_publication_and_an_adjustment_answer_with_their_etags(client, tokens, today):
    admin = auth(tokens["admin"])
    factories.catalogue(2026)
    published = client.post(
        "/api/v1/catalogues/2026/publication",
        json={"party_consent_on": "2026-03-06", "published_on": "2026-03-16"},
        headers=admin,
    )
    _same_etag_as_a_get(client, published, "/api/v1/catalogues/2026", admin)
    decision = factories.decision()
    adjusted = client.post(
        "/api/v1/catalogues/2026/adjustments",
        json={"type": "add", "decision_id": decision.id, "reason": "增列入目录。", "approved_on": "2026-03-20"},
        headers=admin,
    )
    _same_etag_as_a_get(client, adjusted, adjusted.headers["Location"], admin, 201)


def test_a_new_account_answers_with_its_etag(client, tokens):
    admin = auth(tokens["admin"])
    created = client.post("/api/v1/accounts", json={"name": "区司法局", "role": "admin"}, headers=admin)
    assert "token" in created.get_json()
    _same_etag_as_a_get(client, created, created.headers["Location"], admin, 201)


def test_each_write_of_a_record_answers_with_the_etag_a_get_then_sends(client, tokens, today):
    today(dt.date(2026, 7, 1))
    editor = auth(tokens["editor"])
    decision = factories.catalogued_decision()
    background = f"/api/v1/decisions/{decision.id}/background"
    _same_etag_as_a_get(
        client, client.put(background, json={"necessity": "必要"}, headers=editor), background, editor, 201
    )
    draft = {"kind": "consultation_draft", "title": "若干措施（征求意见稿）", "text": "第一条\n第二条"}
    created = client.post(f"/api/v1/decisions/{decision.id}/drafts", json=draft, headers=editor)
    url = created.headers["Location"]
    _same_etag_as_a_get(client, created, url, editor, 201)
    published = client.post(f"{url}/publish", json={"published_on": "2026-07-01"}, headers=editor)
    _same_etag_as_a_get(client, published, url, editor)
    corrected = client.post(f"{url}/correction", json={"title": "若干措施（更正）", "reason": "更正。"}, headers=editor)
    url = corrected.headers["Location"]
    _same_etag_as_a_get(client, corrected, url, editor, 201)
    withdrawn = client.post(f"{url}/withdrawal", json={"reason": "内容有误。"}, headers=editor)
    _same_etag_as_a_get(client, withdrawn, url, editor)

"""A write answers the ETag that a GET of what it wrote sends next: a client may send it as
`If-Match` without reading the resource again."""

import datetime as dt

from core.extensions import db
from tests import factories
from tests.conftest import auth


def _written(response, status=200):
    assert response.status_code == status, response.get_json()
    assert response.headers["ETag"]
    return response


def _same_etag_as_read(client, write, url, headers):
    read = client.get(url, headers=headers)
    assert read.status_code == 200, read.get_json()
    assert write.headers["ETag"] == read.headers["ETag"]


def test_a_meetings_writes_answer_the_etag_it_is_read_with(client, tokens):
    decision = factories.catalogued_decision()
    factories.review(decision, completed_on=dt.date(2026, 6, 1))
    db.session.rollback()
    admin = auth(tokens["admin"])
    payload = {
        "body_type": "executive",
        "session_no": 15,
        "held_on": "2026-06-10",
        "agenda": [{"decision_id": decision.id, "outcome": "approved"}],
        "attendees": [],
    }
    created = _written(client.post("/api/v1/meetings", json=payload, headers=admin), 201)
    url = created.headers["Location"]
    _same_etag_as_read(client, created, url, admin)
    replaced = _written(
        client.put(url, json={**payload, "session_no": 16}, headers={**admin, "If-Match": created.headers["ETag"]})
    )
    _same_etag_as_read(client, replaced, url, admin)
    published = _written(client.post(f"{url}/publish", json={}, headers=admin))
    _same_etag_as_read(client, published, url, admin)


def test_a_records_writes_answer_the_etag_it_is_read_with(client, tokens):
    decision = factories.catalogued_decision()
    db.session.rollback()
    editor = auth(tokens["editor"])
    draft = {"kind": "consultation_draft", "title": "若干措施（征求意见稿）", "text": "第一条\n第二条"}
    created = _written(client.post(f"/api/v1/decisions/{decision.id}/drafts", json=draft, headers=editor), 201)
    url = created.headers["Location"]
    _same_etag_as_read(client, created, url, editor)
    published = _written(client.post(f"{url}/publish", json={"published_on": "2026-07-02"}, headers=editor))
    _same_etag_as_read(client, published, url, editor)
    corrected = _written(
        client.post(f"{url}/correction", json={"title": "若干措施（更正）", "reason": "更正。"}, headers=editor), 201
    )
    _same_etag_as_read(client, corrected, corrected.headers["Location"], editor)
    withdrawn = _written(
        client.post(f"{corrected.headers['Location']}/withdrawal", json={"reason": "内容有误。"}, headers=editor)
    )
    _same_etag_as_read(client, withdrawn, corrected.headers["Location"], editor)


def test_a_singular_records_put_answers_the_etag_it_is_read_with(client, tokens):
    decision = factories.catalogued_decision()
    db.session.rollback()
    editor = auth(tokens["editor"])
    url = f"/api/v1/decisions/{decision.id}/background"
    created = _written(client.put(url, json={"necessity": "必要"}, headers=editor), 201)
    _same_etag_as_read(client, created, url, editor)

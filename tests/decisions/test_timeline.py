"""The decision's timeline: its public record in the order things happened, every link live,
the same for every caller, one query whatever its length, and what the procedure still owes."""

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from core import calendar
from core.extensions import db
from decisions.records import services as records
from tests import factories
from tests.conftest import auth


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _timeline(client, decision_id, headers=None):
    return _ok(client.get(f"/api/v1/decisions/{decision_id}/timeline", headers=headers or {}))


def test_entries_are_in_the_order_things_happened_whatever_the_order_they_were_entered(client, tokens):
    decision = factories.catalogued_decision()  # catalogued 2026-03-16
    factories.draft(decision, published_on=dt.date(2026, 5, 1))
    factories.review(
        decision, "expert_review", completed_on=dt.date(2026, 4, 1), published_on=dt.date(2026, 5, 2)
    )  # happened on 1 April
    factories.background(decision, published_on=dt.date(2026, 4, 1))  # the same day, entered later
    factories.interpretation(decision, published_on=dt.date(2026, 3, 20))

    entries = _timeline(client, decision.id)["entries"]
    assert [(e["type"], e["occurred_on"]) for e in entries] == [
        ("catalogued", "2026-03-16"),
        ("interpretation_published", "2026-03-20"),
        ("review_completed", "2026-04-01"),
        ("background_published", "2026-04-01"),
        ("draft_published", "2026-05-01"),
    ]
    assert entries == sorted(entries, key=lambda e: (e["occurred_on"], e["seq"]))
    assert [e["seq"] for e in entries] != sorted(e["seq"] for e in entries)


def _walk_the_whole_procedure():
    """Three decisions of one catalogue: one taken through every stage, with corrections and
    withdrawals; one withdrawn from the catalogue; one added to it and adjusted."""
    walked = factories.catalogued_decision()
    gone = factories.catalogued_decision(title="嘉定区教育设施布局专项规划", lead_unit="jd-jyj")
    factories.background(gone, published_on=dt.date(2026, 4, 3))
    factories.adjustment(gone, "withdraw", on=dt.date(2026, 5, 6))

    added = factories.catalogued_decision(title="嘉定区公共停车场建设方案", planned_completion="2026-09")
    factories.adjustment(added, "postpone", on=dt.date(2026, 7, 1), planned_completion="2026-12")
    factories.adjustment(added, "modify", on=dt.date(2026, 7, 2), changes={"title": "嘉定区公共停车场建设实施方案"})
    factories.adjustment(added, "carry_over", on=dt.date(2026, 11, 20))

    admin = factories.admin()
    background = factories.background(walked)
    records.correct(
        records.BACKGROUND,
        background,
        by=admin,
        reason="更正文字错误。",
        published_on=dt.date(2026, 4, 5),
        necessity="必要性（更正）",
    )
    first = factories.draft(walked, published_on=dt.date(2026, 4, 2))
    records.correct(
        records.DRAFT, first, by=admin, reason="补充第三条。", published_on=dt.date(2026, 4, 6), text="第一条\n第三条"
    )
    factories.draft(walked, published_on=None, kind="review_draft")  # staff only
    factories.review(walked, "expert_review", completed_on=dt.date(2026, 5, 10), published_on=dt.date(2026, 5, 12))
    factories.review(walked, "risk_assessment", completed_on=dt.date(2026, 5, 15), published_on=dt.date(2026, 5, 16))
    factories.review(walked, completed_on=dt.date(2026, 6, 1), published_on=dt.date(2026, 6, 2))
    factories.meeting(walked, held_on=dt.date(2026, 6, 10), published_on=dt.date(2026, 6, 12))
    result = factories.result(walked)
    records.correct(records.RESULT, result, by=admin, reason="更正标题。", published_on=dt.date(2026, 6, 24))
    wrong = factories.interpretation(walked, title="解读（有误）")
    records.withdraw(records.INTERPRETATION, wrong, by=admin, reason="内容有误。", withdrawn_on=dt.date(2026, 6, 25))
    factories.interpretation(walked, published_on=dt.date(2026, 6, 26))
    factories.follow_up(walked, "execution_report", occurred_on=dt.date(2026, 7, 10))
    factories.follow_up(walked, "suspension", occurred_on=dt.date(2026, 8, 1))
    factories.follow_up(walked, "resumption", occurred_on=dt.date(2026, 9, 1))
    factories.follow_up(walked, "post_evaluation", occurred_on=dt.date(2026, 11, 2))
    return walked.id, gone.id, added.id


def test_every_link_on_a_timeline_answers_the_public(client, tokens):
    walked, gone, added = _walk_the_whole_procedure()

    timelines = {d: _timeline(client, d) for d in (walked, gone, added)}
    for timeline in timelines.values():
        assert timeline["entries"]
        for entry in timeline["entries"]:
            response = client.get(entry["href"])
            assert response.status_code == 200, entry
            assert response.get_json()["_links"]["self"]["href"] == entry["href"].split("?")[0]

    types = [e["type"] for e in timelines[walked]["entries"]]
    assert types == [
        "catalogued",
        "background_published",
        "draft_published",
        "correction",  # the background's
        "correction",  # the draft's
        "review_completed",
        "review_completed",
        "review_completed",
        "meeting_deliberated",
        "result_published",
        "correction",  # the result's
        "interpretation_published",
        "withdrawn",  # the interpretation
        "interpretation_published",
        "execution_reported",
        "suspended",
        "resumed",
        "post_evaluated",
    ]
    assert timelines[walked]["decision"]["state"] == "evaluated"

    catalogued, background, withdrawn = timelines[gone]["entries"]
    assert (catalogued["type"], background["type"], withdrawn["type"]) == (
        "catalogued",
        "background_published",
        "withdrawn",
    )
    assert withdrawn["amends"] == catalogued["seq"]
    assert withdrawn["reason"] == factories.ADJUSTMENT_REASONS["withdraw"]
    assert timelines[gone]["decision"]["state"] == "withdrawn"

    assert [(e["type"], e["reason"]) for e in timelines[added]["entries"]] == [
        ("catalogued", factories.ADJUSTMENT_REASONS["add"]),
        ("adjusted", factories.ADJUSTMENT_REASONS["postpone"]),
        ("adjusted", factories.ADJUSTMENT_REASONS["modify"]),
        ("adjusted", factories.ADJUSTMENT_REASONS["carry_over"]),
    ]
    assert "/catalogues/2026/adjustments/" in timelines[added]["entries"][0]["href"]

    feed = _ok(client.get("/api/v1/changes?limit=1000"))["entries"]
    # The feed's first read also recorded what had fallen due since (reports now overdue).
    assert sorted(e["cursor"] for e in feed if e["type"] != "deadline_overdue") == sorted(
        str(e["seq"]) for timeline in timelines.values() for e in timeline["entries"]
    )
    for entry in feed:
        assert client.get(entry["href"]).status_code == 200, entry
        assert client.get(entry["decision"]).status_code == 200, entry


def test_the_timeline_is_the_same_for_every_caller(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    factories.draft(decision, published_on=None, kind="review_draft")
    factories.result(decision, published_on=None)
    other = factories.catalogued_decision(title="嘉定区教育设施布局专项规划")
    factories.review(other, completed_on=dt.date(2026, 6, 1))
    factories.meeting(other, held_on=dt.date(2026, 6, 20))  # recorded, not published

    for d in (decision.id, other.id):
        anonymous = client.get(f"/api/v1/decisions/{d}/timeline")
        for role in ("editor", "admin", "other_editor", "partner"):
            response = client.get(f"/api/v1/decisions/{d}/timeline", headers=auth(tokens[role]))
            assert response.get_json() == anonymous.get_json(), role
            assert response.headers["ETag"] == anonymous.headers["ETag"], role
    assert [e["type"] for e in _timeline(client, other.id)["entries"]] == ["catalogued"]


def test_an_uncatalogued_decision_has_no_public_timeline(client, tokens):
    factories.catalogue(2026)
    decision = factories.decision(2026)
    for role in (None, "editor", "admin"):
        response = client.get(f"/api/v1/decisions/{decision.id}/timeline", headers=auth(tokens[role]) if role else {})
        assert response.status_code == 404, role


@contextlib.contextmanager
def _statements():
    """The SQL statements sent to the database meanwhile."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_the_timeline_is_one_query_on_the_public_record_whatever_its_length(client, tokens):
    short = factories.catalogued_decision()
    factories.background(short, published_on=None)
    factories.review(short)
    factories.meeting(short, held_on=dt.date(2026, 6, 11), published_on=dt.date(2026, 6, 12))
    factories.result(short, doc_number="嘉府规〔2026〕4号")  # catalogued, deliberated, decided: 3 entries
    long = factories.catalogued_decision(title="嘉定区教育设施布局专项规划")
    factories.decided(long)  # 5 entries
    for n in range(35):
        factories.interpretation(long, title=f"解读{n}", published_on=dt.date(2026, 7, 1))

    counts = {}
    for decision, length in ((short, 3), (long, 40)):
        url = f"/api/v1/decisions/{decision.id}/timeline"
        client.get(url)  # warm: nothing cached may hide a query, nothing first-time may add one
        with _statements() as sent:
            body = _ok(client.get(url))
        assert len(body["entries"]) == length
        assert len(body["obligations"]) == 1
        on_the_record = [s for s in sent if "public_record" in s]
        assert len(on_the_record) == 1, on_the_record
        counts[length] = len(sent)
    assert counts[3] == counts[40], counts


def test_the_adoption_report_is_owed_ten_working_days_after_the_result_is_issued(client, tokens, monkeypatch):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    assert _timeline(client, decision.id)["obligations"] == []
    factories.result(decision, published_on=None, signed_on=dt.date(2026, 9, 25), issued_on=dt.date(2026, 9, 28))
    assert _timeline(client, decision.id)["obligations"] == []  # not before the result is published
    factories.result(
        decision, published_on=dt.date(2026, 9, 29), signed_on=dt.date(2026, 9, 25), issued_on=dt.date(2026, 9, 28)
    )

    # National Day 2026: 1–7 October off, Saturday 10 October worked.
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 10, 16))
    [owed] = _timeline(client, decision.id)["obligations"]
    assert owed == {
        "type": "adoption_report",
        "due_on": "2026-10-16",
        "status": "pending",
        "calendar_status": "official",
        "fulfilled_on": None,
        "href": None,
    }
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 10, 17))
    [owed] = _timeline(client, decision.id)["obligations"]
    assert (owed["due_on"], owed["status"]) == ("2026-10-16", "overdue")


@pytest.mark.parametrize(
    ("published_on", "status"), [(dt.date(2026, 10, 16), "on_time"), (dt.date(2026, 10, 19), "late")]
)
def test_a_published_adoption_report_meets_the_obligation(client, tokens, published_on, status):
    decision = factories.catalogued_decision()
    factories.decided(
        decision, signed_on=dt.date(2026, 9, 25), issued_on=dt.date(2026, 9, 28), published_on=dt.date(2026, 9, 28)
    )
    from consultation.adoption.services import ADOPTION_REPORT
    from decisions.records import services as records

    db.session.rollback()
    report, _ = records.put_singular(ADOPTION_REPORT, decision, by=factories.admin(), summary="未收到意见。")
    records.publish(ADOPTION_REPORT, report, by=factories.admin(), published_on=published_on)
    [owed] = _timeline(client, decision.id)["obligations"]
    assert (owed["status"], owed["fulfilled_on"]) == (status, published_on.isoformat())
    assert owed["href"] == f"http://localhost/api/v1/decisions/{decision.id}/adoption-report/versions/1"
    assert client.get(owed["href"]).status_code == 200


def test_the_timeline_answers_not_modified_to_a_matching_etag(client, tokens):
    decision = factories.catalogued_decision()
    url = f"/api/v1/decisions/{decision.id}/timeline"
    first = client.get(url)
    etag = first.headers["ETag"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.headers["ETag"] == etag
    assert not_modified.get_data() == b""
    factories.background(decision)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert len(changed.get_json()["entries"]) == 2


def test_the_catalogue_embeds_each_items_stages_as_its_timeline_has_them(client, tokens):
    walked, gone, added = _walk_the_whole_procedure()
    catalogue = client.get("/api/v1/catalogues/2026?embed=stages").get_json()
    items = {item["id"]: item for item in catalogue["items"]}
    assert set(items) == {walked, gone, added}
    for decision_id, item in items.items():
        assert item["stages"] == _timeline(client, decision_id)["entries"]
        assert item["_links"]["timeline"]["href"].endswith(f"/api/v1/decisions/{decision_id}/timeline")
    # Without embed=stages no stages are read.
    plain = client.get("/api/v1/catalogues/2026").get_json()
    assert [item["stages"] for item in plain["items"]] == [None, None, None]


def test_an_unknown_embed_is_refused_with_a_problem(client, tokens):
    factories.catalogued_decision()
    response = client.get("/api/v1/catalogues/2026?embed=everything")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"

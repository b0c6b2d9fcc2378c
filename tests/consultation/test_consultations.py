"""The rules of a consultation (意见征集): on a published draft, for long enough, announced on
the timeline, open exactly while its dates say, closed once by `tick`, prepared by the lead unit."""

import datetime as dt
import threading
import types

import pytest
import sqlalchemy as sa

from consultation.consultations.models import Consultation
from core import calendar, tick
from core.extensions import db
from core.publication import PublicRecordEntry
from decisions.catalogues import services as catalogue_services
from decisions.models import Catalogue, Decision
from tests import factories
from tests.conftest import auth

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


def _body(**changes):
    body = {
        "draft_version": 1,
        "method": "online",
        "audience": ["public"],
        "channels": ["portal", "letter"],
        "opens_on": "2026-04-03",
        "closes_on": "2026-05-02",
        "comments_public": True,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def drafted(app, units, tokens, today):
    """A catalogued decision of jd-fgw with draft 1 published and draft 2 not."""
    decision = factories.catalogued_decision()
    factories.draft(decision)
    factories.draft(decision, published_on=None, title="征求意见稿（修改稿）")
    return decision


def _entries(decision_id, type_):
    db.session.rollback()  # end the test's read, to see what requests committed
    return db.session.scalars(
        sa.select(PublicRecordEntry).where(
            PublicRecordEntry.decision_id == decision_id, PublicRecordEntry.type == type_
        )
    ).all()


def test_a_consultation_needs_a_published_draft_version(client, tokens, drafted):
    editor = auth(tokens["editor"])
    url = f"/api/v1/decisions/{drafted.id}/consultations"
    body = _problem(client.post(url, json=_body(draft_version=2), headers=editor), 409, "draft-not-published")
    assert "not published" in body["detail"]
    body = _problem(client.post(url, json=_body(draft_version=7), headers=editor), 422)
    assert "draft_version" in body["errors"]["json"]
    created = _ok(client.post(url, json=_body(draft_version=1), headers=editor), 201)
    assert created["draft_version"] == 1 and created["status"] == "draft"
    assert created["_links"]["draft"]["href"].endswith(f"/decisions/{drafted.id}/drafts/1")


def test_a_withdrawn_draft_takes_no_consultation(client, tokens, drafted):
    from decisions.records import services as records

    prepared = factories.consultation(drafted, published_on=None)
    draft = records.get_record(records.DRAFT, drafted, 1, viewer=None)
    records.withdraw(records.DRAFT, draft, by=factories.admin(), reason="内容有误", withdrawn_on=dt.date(2026, 4, 5))
    response = client.post(
        f"/api/v1/decisions/{drafted.id}/consultations", json=_body(), headers=auth(tokens["editor"])
    )
    assert "withdrawn on 2026-04-05" in _problem(response, 409, "draft-not-published")["detail"]
    # Nor is a consultation prepared before the withdrawal announced on it.
    response = client.post(f"/api/v1/consultations/{prepared.id}/publish", headers=auth(tokens["editor"]))
    _problem(response, 409, "draft-not-published")
    assert _entries(drafted.id, "consultation_opened") == []


def test_a_consultation_closes_after_the_day_it_opens(client, tokens, drafted):
    url = f"/api/v1/decisions/{drafted.id}/consultations"
    editor = auth(tokens["editor"])
    for method, closes_on in (("online", "2026-04-03"), ("symposium", "2026-04-01")):
        body = _problem(client.post(url, json=_body(method=method, closes_on=closes_on), headers=editor), 422)
        assert "closes_on" in body["errors"]["json"]
    # A symposium or hearing may be held on one day.
    _ok(client.post(url, json=_body(method="symposium", closes_on="2026-04-03"), headers=editor), 201)


def test_an_online_consultation_lasts_at_least_30_calendar_days_unless_a_reason_is_published(client, tokens, drafted):
    url = f"/api/v1/decisions/{drafted.id}/consultations"
    editor = auth(tokens["editor"])
    body = _problem(
        client.post(url, json=_body(closes_on="2026-05-01"), headers=editor), 409, "consultation-window-too-short"
    )
    assert "29 calendar days" in body["detail"] and "2026-04-03" in body["detail"]

    exactly = _ok(client.post(url, json=_body(closes_on="2026-05-02"), headers=editor), 201)
    assert exactly["window_days"] == 30

    reason = "因上级文件要求限期出台，征求意见期限缩短为29日。"
    short = _ok(client.post(url, json=_body(closes_on="2026-05-01", shortened_reason=reason), headers=editor), 201)
    assert short["window_days"] == 29 and short["shortened_reason"] == reason
    _ok(client.post(f"/api/v1/consultations/{short['id']}/publish", headers=editor))
    public = _ok(client.get(f"/api/v1/consultations/{short['id']}"))
    assert public["shortened_reason"] == reason and public["window_days"] == 29

    # A symposium is not an online consultation: it may be short.
    _ok(client.post(url, json=_body(method="symposium", closes_on="2026-04-10"), headers=editor), 201)

    # Nor can a change shorten the window below 30 days without a reason.
    etag = client.get(f"/api/v1/consultations/{exactly['id']}", headers=editor).headers["ETag"]
    response = client.patch(
        f"/api/v1/consultations/{exactly['id']}",
        json={"closes_on": "2026-04-20"},
        headers={**editor, "If-Match": etag},
    )
    _problem(response, 409, "consultation-window-too-short")


def test_publishing_a_consultation_appends_consultation_opened_on_its_opening_day(client, tokens, drafted):
    editor = auth(tokens["editor"])
    created = _ok(client.post(f"/api/v1/decisions/{drafted.id}/consultations", json=_body(), headers=editor), 201)
    assert _entries(drafted.id, "consultation_opened") == []
    published = _ok(
        client.post(
            f"/api/v1/consultations/{created['id']}/publish", json={"published_on": "2026-04-02"}, headers=editor
        )
    )
    assert published["published_on"] == "2026-04-02"

    timeline = _ok(client.get(f"/api/v1/decisions/{drafted.id}/timeline"))["entries"]
    opened = [e for e in timeline if e["type"] == "consultation_opened"]
    assert len(opened) == 1
    assert opened[0]["occurred_on"] == "2026-04-03"
    assert opened[0]["href"].endswith(f"/api/v1/consultations/{created['id']}")
    assert _ok(client.get(opened[0]["href"]))["id"] == created["id"]
    changes = _ok(client.get("/api/v1/changes"))["entries"]
    assert [e["type"] for e in changes].count("consultation_opened") == 1

    again = client.post(f"/api/v1/consultations/{created['id']}/publish", headers=editor)
    _problem(again, 409, "published-record-immutable")
    assert len(_entries(drafted.id, "consultation_opened")) == 1


def test_an_unpublished_consultation_is_not_shown_to_the_public(client, tokens, drafted):
    editor = auth(tokens["editor"])
    created = _ok(client.post(f"/api/v1/decisions/{drafted.id}/consultations", json=_body(), headers=editor), 201)
    cid = created["id"]
    for headers in ({}, auth(tokens["partner"]), auth(tokens["other_editor"])):
        assert client.get(f"/api/v1/consultations/{cid}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/consultations/{cid}/comments", headers=headers).status_code == 404
        assert client.get(f"/api/v1/consultations/{cid}/clusters", headers=headers).status_code == 404
        assert _ok(client.get(f"/api/v1/decisions/{drafted.id}/consultations", headers=headers)) == []
    comment = {"content": "意见", "submitter_type": "individual"}
    _problem(client.post(f"/api/v1/consultations/{cid}/comments", json=comment), 404)
    assert _ok(client.get(f"/api/v1/consultations/{cid}", headers=editor))["status"] == "draft"
    assert _ok(client.get(f"/api/v1/consultations/{cid}", headers=auth(tokens["admin"])))["status"] == "draft"


def test_the_status_follows_the_dates_before_any_tick(client, tokens, drafted, today):
    editor = auth(tokens["editor"])
    today["value"] = dt.date(2026, 3, 30)
    created = _ok(client.post(f"/api/v1/decisions/{drafted.id}/consultations", json=_body(), headers=editor), 201)
    url = f"/api/v1/consultations/{created['id']}"
    assert created["status"] == "draft"
    _ok(client.post(f"{url}/publish", headers=editor))
    for day, status in [
        (dt.date(2026, 3, 30), "scheduled"),
        (dt.date(2026, 4, 2), "scheduled"),
        (dt.date(2026, 4, 3), "open"),
        (dt.date(2026, 5, 2), "open"),
        (dt.date(2026, 5, 3), "closed"),
    ]:
        today["value"] = day
        assert _ok(client.get(url))["status"] == status, day
    db.session.rollback()
    assert db.session.get(Consultation, created["id"]).closed_seq is None  # no tick ran


_real_today = calendar.today  # before any test replaces it


def test_the_status_turns_at_midnight_in_asia_shanghai(client, tokens, drafted, monkeypatch):
    factories.consultation(drafted)
    consultation_id = db.session.scalar(sa.select(Consultation.id))
    # Undo the `today` fixture: the real clock, frozen at an instant.
    monkeypatch.setattr(calendar, "today", _real_today)
    instant = {}

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return instant["value"].astimezone(tz)

    monkeypatch.setattr(calendar, "dt", types.SimpleNamespace(datetime=Frozen, date=dt.date, timedelta=dt.timedelta))
    url = f"/api/v1/consultations/{consultation_id}"
    for utc, status in [
        (dt.datetime(2026, 4, 2, 15, 59), "scheduled"),  # 23:59 on 2 April in Shanghai
        (dt.datetime(2026, 4, 2, 16, 0), "open"),  # 00:00 on 3 April in Shanghai, still 2 April in UTC
        (dt.datetime(2026, 5, 2, 15, 59), "open"),  # 23:59 on 2 May in Shanghai
        (dt.datetime(2026, 5, 2, 16, 0), "closed"),  # 00:00 on 3 May in Shanghai
    ]:
        instant["value"] = utc.replace(tzinfo=dt.UTC)
        assert _ok(client.get(url))["status"] == status, utc


def _due_consultations(count):
    """`count` consultations, each on its own decision, all closed by 2026-05-03."""
    made = []
    for n in range(count):
        decision = factories.catalogued_decision(title=f"嘉定区第{n + 1}项重大行政决策")
        factories.draft(decision)
        made.append(factories.consultation(decision))
    return made


def test_tick_closes_a_due_consultation_once(app, client, units, tokens, today):
    (consultation,) = _due_consultations(1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "consultations closed: 0" in result.output  # still open on 2026-04-10
    today["value"] = dt.date(2026, 5, 3)
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "consultations closed: 1" in result.output
    assert "consultations closed: 0" in runner.invoke(args=["tick"]).output
    assert tick.run()["consultations closed"] == 0

    closed = _entries(consultation.decision_id, "consultation_closed")
    assert len(closed) == 1
    assert closed[0].occurred_on == dt.date(2026, 5, 2)
    assert closed[0].target == f"/consultations/{consultation.id}"
    assert db.session.get(Consultation, consultation.id).closed_seq == closed[0].seq
    types_ = [e["type"] for e in _ok(client.get(f"/api/v1/decisions/{consultation.decision_id}/timeline"))["entries"]]
    assert types_.count("consultation_closed") == 1


def test_concurrent_ticks_close_each_consultation_once(app, units, tokens, today):
    decision_ids = [c.decision_id for c in _due_consultations(3)]
    today["value"] = dt.date(2026, 5, 3)
    db.session.remove()  # the test's own session holds nothing while the ticks run
    start = threading.Barrier(2, timeout=10)
    results, failures = [], []

    def run_tick():
        try:
            with app.app_context():
                start.wait()
                results.append(tick.run()["consultations closed"])
        except Exception as error:  # reported below, with the thread's failure
            failures.append(error)

    threads = [threading.Thread(target=run_tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(results) == 2 and sum(results) == 3
    for decision_id in decision_ids:
        assert len(_entries(decision_id, "consultation_closed")) == 1
    assert tick.run()["consultations closed"] == 0


def test_the_decision_is_consulting_while_a_consultation_is_open(client, tokens, drafted, today):
    state = lambda: _ok(client.get(f"/api/v1/decisions/{drafted.id}"))["state"]  # noqa: E731
    assert state() == "drafting"
    today["value"] = dt.date(2026, 3, 30)
    factories.consultation(drafted, published_on=dt.date(2026, 3, 30))
    assert state() == "drafting"  # announced, not open yet
    today["value"] = dt.date(2026, 4, 3)
    tick.run()
    assert state() == "consulting"
    factories.legality_review(drafted, completed_on=dt.date(2026, 4, 20))
    assert state() == "consulting"  # a review during the consultation does not end it
    today["value"] = dt.date(2026, 5, 3)
    tick.run()
    assert state() == "reviewing"


def test_a_consultation_published_while_open_puts_the_decision_in_consulting_at_once(client, drafted):
    factories.consultation(drafted, published_on=dt.date(2026, 4, 10))
    assert _ok(client.get(f"/api/v1/decisions/{drafted.id}"))["state"] == "consulting"


def _hearing(**changes):
    body = {
        "hearing_on": "2026-05-20",
        "participants": [
            {"category": "enterprise", "organisation": "上海某汽车零部件有限公司"},
            {"category": "citizen", "organisation": None},
        ],
        "participants_published_on": "2026-05-06",
        "materials_sent_on": "2026-05-13",
        "record_signed_on": "2026-05-20",
    }
    body.update(changes)
    return body


def test_a_hearing_publishes_its_participants_sends_materials_7_days_before_and_is_signed_after(
    client, tokens, drafted
):
    hearing = factories.consultation(
        drafted, method="hearing", opens_on=dt.date(2026, 4, 20), closes_on=dt.date(2026, 5, 20)
    )
    url = f"/api/v1/consultations/{hearing.id}/hearing"
    editor = auth(tokens["editor"])
    for changes, missing in [
        ({"participants_published_on": "2026-05-20"}, "participant list is published before the hearing"),
        ({"materials_sent_on": "2026-05-14"}, "at least 7 days before"),
        ({"record_signed_on": "2026-05-19"}, "signed on or after the hearing"),
    ]:
        body = _problem(client.put(url, json=_hearing(**changes), headers=editor), 409, "hearing-procedure")
        assert missing in body["detail"]
    db.session.rollback()
    assert db.session.get(Consultation, hearing.id).hearing_on is None

    recorded = _ok(client.put(url, json=_hearing(), headers=editor))
    assert recorded["hearing_on"] == "2026-05-20" and recorded["materials_sent_on"] == "2026-05-13"
    assert recorded["participants"][0] == {"category": "enterprise", "organisation": "上海某汽车零部件有限公司"}
    # Before the hearing, its record is not signed yet.
    _ok(client.put(url, json=_hearing(record_signed_on=None), headers=editor))


def test_only_a_hearing_records_a_hearings_procedure(client, tokens, drafted):
    online = factories.consultation(drafted)
    body = _problem(
        client.put(f"/api/v1/consultations/{online.id}/hearing", json=_hearing(), headers=auth(tokens["editor"])), 422
    )
    assert "method" in body["errors"]["json"]


def test_only_the_lead_units_staff_prepare_publish_and_change_a_consultation(client, tokens, drafted):
    url = f"/api/v1/decisions/{drafted.id}/consultations"
    _problem(client.post(url, json=_body()), 401)
    _problem(client.post(url, json=_body(), headers=auth(tokens["partner"])), 403)
    _problem(client.post(url, json=_body(), headers=auth(tokens["other_editor"])), 403)
    created = _ok(client.post(url, json=_body(), headers=auth(tokens["admin"])), 201)
    item = f"/api/v1/consultations/{created['id']}"

    # Changes to the unpublished consultation: the lead unit's staff only, with If-Match.
    _problem(client.patch(item, json={"comments_public": False}), 401)
    _problem(client.patch(item, json={"comments_public": False}, headers=auth(tokens["partner"])), 403)
    # Another unit's editor is not told that the unpublished consultation exists.
    other = {**auth(tokens["other_editor"]), "If-Match": '"any"'}
    _problem(client.patch(item, json={"comments_public": False}, headers=other), 404)
    editor = auth(tokens["editor"])
    _problem(client.patch(item, json={"comments_public": False}, headers=editor), 428)
    _problem(client.patch(item, json={"comments_public": False}, headers={**editor, "If-Match": '"stale"'}), 412)
    etag = client.get(item, headers=editor).headers["ETag"]
    changed = client.patch(item, json={"comments_public": False}, headers={**editor, "If-Match": etag})
    assert _ok(changed)["comments_public"] is False
    assert changed.headers["ETag"] == client.get(item, headers=editor).headers["ETag"] != etag

    _problem(client.post(f"{item}/publish"), 401)
    _problem(client.post(f"{item}/publish", headers=auth(tokens["partner"])), 403)
    _problem(client.post(f"{item}/publish", headers=auth(tokens["other_editor"])), 404)
    _ok(client.post(f"{item}/publish", headers=editor))

    # Published, it is visible to the other unit's editor, who still may not touch it.
    etag = client.get(item, headers=auth(tokens["other_editor"])).headers["ETag"]
    other = {**auth(tokens["other_editor"]), "If-Match": etag}
    _problem(client.patch(item, json={"comments_public": True}, headers=other), 403)
    _problem(client.post(f"{item}/publish", headers=auth(tokens["other_editor"])), 403)
    _problem(client.put(f"{item}/hearing", json=_hearing(), headers=auth(tokens["other_editor"])), 403)
    # And a published consultation is not changed in place, by anyone.
    etag = client.get(item, headers=editor).headers["ETag"]
    _problem(
        client.patch(item, json={"comments_public": True}, headers={**editor, "If-Match": etag}),
        409,
        "published-record-immutable",
    )


def test_a_withdrawn_decision_takes_no_consultation(client, tokens, drafted):
    prepared = factories.consultation(drafted, published_on=None)
    catalogue = db.session.get(Catalogue, ("", drafted.catalogue_year))
    catalogue_services.adjust(
        catalogue,
        type="withdraw",
        decision_id=drafted.id,
        reason="情况发生变化，不再列入",
        approved_on=dt.date(2026, 4, 8),
        published_on=dt.date(2026, 4, 9),
    )
    db.session.rollback()
    assert db.session.get(Decision, drafted.id).state == "withdrawn"
    response = client.post(
        f"/api/v1/decisions/{drafted.id}/consultations", json=_body(), headers=auth(tokens["editor"])
    )
    _problem(response, 409, "decision-withdrawn")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 1
    publish = client.post(f"/api/v1/consultations/{prepared.id}/publish", headers=auth(tokens["editor"]))
    _problem(publish, 409, "decision-withdrawn")

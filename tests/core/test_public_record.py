"""A public record that cannot lie: frozen publications, a database that refuses to rewrite
the record, and every public fact in the change feed, in commit order under concurrency."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from flask import g

from consultation.comments import services as comment_services
from core import calendar, publication
from core.extensions import db
from core.publication import EntryType, Fact, PublicRecordEntry
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": D("2026-06-01")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def consulted(app, units, tokens, today):
    """A decision consulted on in April (comments public), two opinions disposed."""
    [decision] = factories.catalogued_decisions([{}])
    consultation = factories.consultation(
        decision, opens_on=D("2026-04-01"), closes_on=D("2026-04-30"), comments_public=True
    )
    first = factories.comment(consultation, content="建议扩大补贴范围。", channel="portal")
    second = factories.comment(consultation, content="建议简化申报材料。", channel="letter")
    factories.dispose(first, "adopted")
    factories.dispose(second, "not_adopted", reason_code="cost_or_feasibility", reason="财政承受能力有限")
    return decision, consultation, first, second


def _feed(client, after="0"):
    return _ok(client.get(f"/api/v1/changes?after={after}&limit=1000"))


# --- Frozen publications ---------------------------------------------------------------------


def test_a_published_adoption_report_reads_as_it_was_published_whatever_comes_later(client, tokens, consulted, today):
    decision, consultation, first, second = consulted
    today["value"] = D("2026-06-20")
    factories.decided(decision, held_on=D("2026-06-10"), session_no=1, issued_on=D("2026-06-12"))
    editor = auth(tokens["editor"])
    base = f"/api/v1/decisions/{decision.id}/adoption-report"
    _ok(client.put(base, json={"summary": "共收到意见2条，采纳1条。"}, headers=editor), 201)
    published = _ok(client.post(f"{base}/publish", json={"published_on": "2026-06-20"}, headers=editor))
    v1 = client.get(f"{base}/versions/1")
    assert v1.get_json()["figures"]["received"] == 2
    assert v1.get_json() == published

    # A late letter (received within the window, entered after) and a disposition changed.
    db.session.rollback()
    late = factories.comment(consultation, content="来信：建议延长过渡期。", received_on=D("2026-04-28"))
    factories.dispose(late, "adopted", disposed_on=D("2026-06-20"))
    factories.dispose(db.session.merge(second), "adopted", disposed_on=D("2026-06-20"))

    again = client.get(f"{base}/versions/1")
    assert again.get_data() == v1.get_data()  # the same bytes
    assert again.headers["ETag"] == v1.headers["ETag"]
    assert client.get(base).get_data() == v1.get_data()
    assert client.get(f"{base}/versions/1", headers={"If-None-Match": v1.headers["ETag"]}).status_code == 304

    # The working report sees what came since; only a correction publishes it.
    working = _ok(client.get(f"{base}/working", headers=editor))
    assert working["figures"]["received"] == 3
    assert working["figures"]["by_disposition"].get("not_adopted", 0) == 0
    assert client.get(f"{base}/working").status_code == 401
    assert client.get(f"{base}/working", headers=auth(tokens["other_editor"])).status_code == 403

    # A correction publishes anew: not while an opinion it would count has no disposition.
    db.session.rollback()
    undisposed = factories.comment(consultation, content="来信：另一条意见。", received_on=D("2026-04-29"))
    refused = client.post(f"{base}/correction", json={"summary": "更正。", "reason": "补录来信。"}, headers=editor)
    assert refused.status_code == 409 and refused.get_json()["type"].endswith("/comments-undisposed")
    db.session.rollback()
    factories.dispose(db.session.merge(undisposed), "adopted", disposed_on=D("2026-06-20"))
    corrected = _ok(
        client.post(
            f"{base}/correction", json={"summary": "共收到意见3条，全部采纳。", "reason": "补录来信。"}, headers=editor
        ),
        201,
    )
    assert corrected["version"] == 2 and corrected["figures"]["received"] == 4
    old = _ok(client.get(f"{base}/versions/1"))
    assert old["record_status"] == "superseded"
    assert old["_links"]["superseded_by"]["href"].endswith("/adoption-report/versions/2")
    assert {k: v for k, v in old.items() if k not in publication.STANDING} == {
        k: v for k, v in published.items() if k not in publication.STANDING
    }
    versions = _ok(client.get(f"{base}/versions"))
    assert [(v["version"], v["record_status"], v["figures"]["received"]) for v in versions] == [
        (1, "superseded", 2),
        (2, "published", 4),
    ]
    # The timeline says which entry a later one amended.
    entries = _ok(client.get(f"/api/v1/decisions/{decision.id}/timeline"))["entries"]
    [report] = [e for e in entries if e["type"] == "adoption_report_published"]
    [correction] = [e for e in entries if e["type"] == "correction"]
    assert correction["amends"] == report["seq"] and correction["reason"] == "补录来信。"


def test_a_frozen_document_keeps_no_host_and_links_follow_the_reader(client, tokens, consulted, today):
    decision = consulted[0]
    draft = _ok(client.get(f"/api/v1/decisions/{decision.id}/drafts/1"))
    assert draft["_links"]["self"]["href"] == f"http://localhost/api/v1/decisions/{decision.id}/drafts/1"
    stored = db.session.scalar(
        sa.select(publication.PublishedDocument.document).where(
            publication.PublishedDocument.target == f"/decisions/{decision.id}/drafts/1"
        )
    )
    assert stored["_links"]["self"]["href"] == f"/api/v1/decisions/{decision.id}/drafts/1"
    other = client.get(f"/api/v1/decisions/{decision.id}/drafts/1", base_url="https://juece.example.gov.cn")
    assert other.get_json()["_links"]["self"]["href"].startswith("https://juece.example.gov.cn/api/v1/")


# --- Append-only in the database -------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public_record SET title = 'rewritten'",
        "DELETE FROM public_record",
        "UPDATE published_documents SET seq = seq",
        "DELETE FROM published_documents",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ],
)
def test_the_database_refuses_to_rewrite_the_record(consulted, statement):
    table = statement.split()[1] if statement.startswith("UPDATE") else statement.split()[2]
    before = db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
    assert before > 0
    with pytest.raises(sa.exc.DBAPIError, match=f"{table} is append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(statement)
    db.session.rollback()
    assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == before
    if table == "public_record":
        assert "rewritten" not in db.session.scalars(sa.select(PublicRecordEntry.title)).all()


def test_postgresql_refuses_to_truncate_the_record(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql("TRUNCATE public_record CASCADE")


# --- Every public fact in the feed -----------------------------------------------------------


def test_what_becomes_of_opinions_is_in_the_feed(client, tokens, consulted, today):
    decision, consultation, first, second = consulted
    editor = auth(tokens["editor"])
    start = _feed(client)["next_cursor"]
    _ok(client.post(f"/api/v1/comments/{first.id}/moderation", json={"action": "publish"}, headers=editor))
    _ok(
        client.put(
            f"/api/v1/comments/{first.id}/disposition",
            json={"disposition": "partially_adopted", "reason_code": "other", "reason": "部分内容已有规定"},
            headers={**editor, "If-Match": client.get(f"/api/v1/comments/{first.id}", headers=editor).headers["ETag"]},
        )
    )
    cluster = _ok(
        client.post(
            f"/api/v1/consultations/{consultation.id}/clusters",
            json={"summary": "关于补贴范围", "comment_ids": [first.id], "disposition": "adopted"},
            headers=editor,
        ),
        201,
    )
    _ok(
        client.post(
            f"/api/v1/comments/{first.id}/moderation", json={"action": "reject", "reason": "含有广告"}, headers=editor
        )
    )
    entries = _feed(client, start)["entries"]
    types = [e["type"] for e in entries]
    assert types == [
        "comment_published",
        "disposition_changed",
        "cluster_created",
        "disposition_changed",  # the cluster's disposition became the comment's
        "comment_hidden",
    ], types
    published, changed, created, _, hidden = entries
    assert published["href"].endswith(f"/comments/{first.id}")
    assert changed["reason"] == "部分内容已有规定"
    assert created["href"].endswith(f"/consultations/{consultation.id}/clusters/{cluster['id']}")
    # The tombstone names what it takes back, and links to what the public can still read.
    assert hidden["amends"] == published["seq"] and hidden["reason"] == "含有广告"
    assert client.get(hidden["href"]).status_code == 200
    assert client.get(published["href"]).status_code == 404
    for entry in entries:
        assert "建议" not in entry["title"]  # no content, no personal data: the record links to it


@pytest.mark.parametrize("caller", [None, "partner"])
def test_a_consultation_past_its_window_is_closed_in_the_feed_without_tick(client, tokens, consulted, today, caller):
    consultation = consulted[1]
    assert consultation.closed_seq is None  # no tick ran: the feed's read records the closing
    # A partner's token is looked up first, in a session begun for reading: the work still writes.
    headers = auth(tokens[caller]) if caller else {}
    feed = _ok(client.get("/api/v1/changes?limit=1000", headers=headers))
    closed = [e for e in feed["entries"] if e["type"] == "consultation_closed"]
    assert [(e["href"].split("/api/v1")[1], e["occurred_on"]) for e in closed] == [
        (f"/consultations/{consultation.id}", "2026-04-30")
    ]
    assert len([e for e in _feed(client)["entries"] if e["type"] == "consultation_closed"]) == 1


def test_the_feed_has_an_etag_and_answers_304_until_something_new_comes(client, consulted, today):
    first = client.get("/api/v1/changes")
    etag = first.headers["ETag"]
    assert client.get("/api/v1/changes", headers={"If-None-Match": etag}).status_code == 304
    cursor = first.get_json()["next_cursor"]
    tail = client.get(f"/api/v1/changes?after={cursor}")
    assert tail.get_json()["entries"] == []
    assert tail.headers["ETag"] != etag
    assert (
        client.get(f"/api/v1/changes?after={cursor}", headers={"If-None-Match": tail.headers["ETag"]}).status_code
        == 304
    )
    with client.application.app_context():
        comment_services.moderate(consulted[2], by=factories.admin(), action="publish")
    assert (
        client.get(f"/api/v1/changes?after={cursor}", headers={"If-None-Match": tail.headers["ETag"]}).status_code
        == 200
    )


# --- Commit order under concurrent writers ---------------------------------------------------


def test_concurrent_writers_and_a_paging_reader_see_every_change_exactly_once(app, tokens, today):
    """8 writers append facts at once, each fact its own transaction, while a reader pages the
    feed with its stored cursor: it sees each exactly once, in cursor order. On PostgreSQL 2,000
    changes (the advisory lock held until commit keeps numbers visible in the order handed out)."""
    writers = 8
    each = 250 if db.engine.dialect.name == "postgresql" else 25
    [decision] = factories.catalogued_decisions([{}])
    decision_id = decision.id
    before = db.session.scalar(sa.select(sa.func.count()).select_from(PublicRecordEntry))
    db.session.close()
    start = threading.Barrier(writers + 1)
    done = threading.Event()
    failures, seen = [], []

    def write(n):
        try:
            with app.app_context():
                g.writes = True
                start.wait(timeout=30)
                for i in range(each):
                    publication.record_fact(
                        Fact(decision_id, EntryType.adjusted, f"写入者{n}第{i}条", f"/decisions/{decision_id}/timeline")
                    )
                    db.session.commit()
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    def read():
        client = app.test_client()
        cursor = "0"
        try:
            start.wait(timeout=30)
            while True:
                last_round = done.is_set()
                body = _ok(client.get(f"/api/v1/changes?after={cursor}&limit=50"))
                seen.extend(int(e["cursor"]) for e in body["entries"])
                cursor = body["next_cursor"]
                if last_round and not body["entries"]:
                    return
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    reader = threading.Thread(target=read)
    for thread in (*threads, reader):
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    done.set()
    reader.join(timeout=300)
    assert not failures, failures
    everything = list(db.session.scalars(sa.select(PublicRecordEntry.seq).order_by(PublicRecordEntry.seq)))
    assert len(everything) == before + writers * each
    assert seen == sorted(set(seen)), "an entry seen twice or out of order"
    assert seen == everything, "the reader missed entries"

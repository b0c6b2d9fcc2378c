"""The public record and the change feed: append-only, oldest first, and a client that pages
with its cursor sees every entry exactly once, also while publications commit concurrently."""

import datetime as dt
import threading

import orjson
import pytest
import sqlalchemy as sa

from core import calendar, publication
from core.errors import PROBLEM_BASE, Invalid
from core.extensions import db, shown
from core.publication import PublicRecordEntry
from decisions.records import services as records
from tests import factories
from tests.conftest import auth


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _all_seqs() -> list[int]:
    db.session.rollback()  # read what the requests committed
    return list(db.session.scalars(sa.select(PublicRecordEntry.seq).order_by(PublicRecordEntry.seq)))


def _page_through(client, limit, after=None):
    """Read the whole feed as a client would: store next_cursor, ask again. Returns the pages."""
    pages, cursor = [], after
    while True:
        url = f"/api/v1/changes?limit={limit}" + (f"&after={cursor}" if cursor is not None else "")
        body = _ok(client.get(url))
        pages.append(body["entries"])
        if not body["entries"]:
            assert body["next_cursor"] == (cursor or "0")  # nothing new: the cursor stays
            return pages
        assert body["next_cursor"] == body["entries"][-1]["cursor"]
        cursor = body["next_cursor"]


def test_the_feed_is_oldest_first_and_a_client_paging_with_its_cursor_sees_every_entry_once(client, tokens):
    first = factories.catalogued_decision()
    second = factories.catalogued_decision(title="嘉定区教育设施布局专项规划", lead_unit="jd-jyj")
    factories.decided(first)
    factories.background(second, published_on=dt.date(2026, 3, 20))  # happened earlier, entered later
    factories.interpretation(first)

    everything = _ok(client.get("/api/v1/changes"))
    seqs = _all_seqs()
    assert [int(e["cursor"]) for e in everything["entries"]] == seqs
    assert everything["next_cursor"] == str(seqs[-1])
    entry = everything["entries"][0]
    assert set(entry) >= {"cursor", "decision_id", "type", "occurred_on", "recorded_at", "href", "decision"}
    assert entry["href"] == "http://localhost/api/v1/catalogues/2026"
    assert entry["decision"] == f"http://localhost/api/v1/decisions/{entry['decision_id']}"
    # Oldest first means in the order they were published, not the order they happened; the
    # first read of the feed recorded what had fallen due: the adoption report is overdue.
    assert [e["type"] for e in everything["entries"]][-3:] == [
        "background_published",
        "interpretation_published",
        "deadline_overdue",
    ]

    for limit in (1, 3, 7):
        pages = _page_through(client, limit)
        assert all(len(page) <= limit for page in pages)
        assert [int(e["cursor"]) for page in pages for e in page] == seqs

    # Read on later: only what is new.
    factories.follow_up(first, "execution_report", occurred_on=dt.date(2026, 7, 10))
    new = _ok(client.get(f"/api/v1/changes?after={everything['next_cursor']}"))
    assert [e["type"] for e in new["entries"]] == ["execution_reported"]
    assert int(new["next_cursor"]) == _all_seqs()[-1]


@pytest.mark.parametrize(
    "query", ["after=abc", "after=-1", "after=1.5", "after=", "after=1234567890123456789", "limit=0", "limit=1001"]
)
def test_an_invalid_cursor_or_limit_is_refused(client, query):
    response = client.get(f"/api/v1/changes?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == PROBLEM_BASE + "validation"


def test_corrections_and_withdrawals_are_entries_of_their_own(client, tokens):
    decision = factories.catalogued_decision()
    draft = factories.draft(decision, published_on=dt.date(2026, 4, 2))
    interpretation = factories.interpretation(decision, published_on=dt.date(2026, 4, 3))
    before = _ok(client.get("/api/v1/changes"))
    editor = auth(tokens["editor"])
    _ok(
        client.post(
            f"/api/v1/decisions/{decision.id}/drafts/{draft.version}/correction",
            json={"text": "第一条（更正）", "reason": "更正第一条。"},
            headers=editor,
        ),
        201,
    )
    _ok(
        client.post(
            f"/api/v1/decisions/{decision.id}/interpretations/{interpretation.id}/withdrawal",
            json={"reason": "解读有误。"},
            headers=editor,
        )
    )
    by_type = {e["type"]: e for e in before["entries"]}
    correction, withdrawn = _ok(client.get(f"/api/v1/changes?after={before['next_cursor']}"))["entries"]
    assert (correction["type"], correction["amends"], correction["reason"]) == (
        "correction",
        int(by_type["draft_published"]["cursor"]),
        "更正第一条。",
    )
    assert correction["href"] == f"http://localhost/api/v1/decisions/{decision.id}/drafts/2"
    assert (withdrawn["type"], withdrawn["amends"], withdrawn["reason"]) == (
        "withdrawn",
        int(by_type["interpretation_published"]["cursor"]),
        "解读有误。",
    )
    assert withdrawn["href"] == by_type["interpretation_published"]["href"]
    # The entries they amend are still there, unchanged.
    assert _ok(client.get("/api/v1/changes"))["entries"][: len(before["entries"])] == before["entries"]


def test_a_record_is_not_published_on_a_future_day(client, tokens, monkeypatch):
    decision = factories.catalogued_decision()
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 7, 1))
    draft = factories.draft(decision, published_on=None)
    with pytest.raises(Invalid):
        records.publish(records.DRAFT, draft, by=factories.admin(), published_on=dt.date(2026, 7, 2))
    db.session.rollback()
    assert records.publish(records.DRAFT, draft, by=factories.admin()).published_on == dt.date(2026, 7, 1)


def test_the_public_record_is_only_appended_to(client, tokens):
    decision = factories.catalogued_decision()
    draft = factories.draft(decision, published_on=dt.date(2026, 4, 2))
    rows = db.session.execute(sa.select(*PublicRecordEntry.__table__.c).order_by(PublicRecordEntry.seq)).all()
    with pytest.raises(publication.PublishedRecordImmutable):
        records.publish(records.DRAFT, draft, by=factories.admin())
    db.session.rollback()
    records.withdraw(records.DRAFT, draft, by=factories.admin(), reason="撤回。")
    after = db.session.execute(sa.select(*PublicRecordEntry.__table__.c).order_by(PublicRecordEntry.seq)).all()
    assert after[: len(rows)] == rows
    assert [r.type for r in after[len(rows) :]] == ["withdrawn"]


# --- Concurrency -----------------------------------------------------------------------------

WRITERS = 4
PUBLICATIONS = 15  # by each writer


def test_a_reader_paging_while_publications_commit_concurrently_sees_every_entry_once(app, tokens):
    """Writers publish at once, each in its own requests (and so its own app context and
    session), while a reader pages the feed with its stored cursor.

    Sequence numbers must become visible in the order they are handed out. On PostgreSQL that
    is the advisory lock in core.publication, held until commit: without it two writers take
    the same number and one fails, and any scheme that hands out numbers without holding them
    to commit lets a reader move past a number whose row commits later, and miss it.
    """
    decision_ids = [factories.catalogued_decision(title=f"嘉定区重大行政决策事项{n}").id for n in range(WRITERS)]
    initial = _all_seqs()
    db.session.close()  # the test holds no connection while the threads run

    start = threading.Barrier(WRITERS + 1)
    writers_done = threading.Event()
    failures: list = []
    seen: list[int] = []
    pages = 0

    def write(decision_id):
        client = app.test_client()
        editor = auth(tokens["editor"])
        try:
            start.wait(timeout=30)
            for n in range(PUBLICATIONS):
                created = client.post(
                    f"/api/v1/decisions/{decision_id}/interpretations",
                    json={"form": "text", "title": f"解读{n}"},
                    headers=editor,
                )
                assert created.status_code == 201, created.get_json()
                published = client.post(f"{created.headers['Location']}/publish", json={}, headers=editor)
                assert published.status_code == 200, published.get_json()
        except BaseException as error:  # reported by the test below
            failures.append(error)

    def read():
        nonlocal pages
        client = app.test_client()
        cursor = "0"
        try:
            start.wait(timeout=30)
            while True:
                # Decide before asking: one more full read after the writers finished.
                last_round = writers_done.is_set()
                body = _ok(client.get(f"/api/v1/changes?after={cursor}&limit=7"))
                pages += 1
                seen.extend(int(e["cursor"]) for e in body["entries"])
                cursor = body["next_cursor"]
                if last_round and not body["entries"]:
                    return
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(d,)) for d in decision_ids]
    reader = threading.Thread(target=read)
    for thread in (*threads, reader):
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    writers_done.set()
    reader.join(timeout=120)

    assert not failures, failures
    assert not reader.is_alive() and not any(t.is_alive() for t in threads)
    everything = _all_seqs()
    assert len(everything) == len(initial) + WRITERS * PUBLICATIONS
    assert seen == sorted(set(seen)), "the reader saw an entry twice or out of order"
    assert set(seen) == set(everything), f"the reader missed {sorted(set(everything) - set(seen))}"
    assert pages > 2


def test_a_cursor_that_was_never_handed_out_is_refused(client):
    for cursor in ("89082670589", "1"):
        response = client.get(f"/api/v1/changes?after={cursor}")
        assert response.status_code == 400, response.get_json()
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"] == PROBLEM_BASE + "unknown-cursor"
        assert "never handed out" in response.get_json()["detail"]
    assert client.get("/api/v1/changes?after=0").status_code == 200


def test_instants_and_days_shown_as_text_are_what_the_values_would_write(app, tokens):
    """`shown(column)` reads instants and days as the JSON text of the values themselves,
    with and without a fraction of a second, on each database."""
    decision = factories.catalogued_decision(2026)
    instants = [
        dt.datetime(2026, 3, 10, 1, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 1, 30, 5, 120000, tzinfo=dt.UTC),
        dt.datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    ]
    last = db.session.scalar(sa.select(sa.func.max(PublicRecordEntry.seq)))
    for i, instant in enumerate(instants):
        # Rows as they were written at those instants (the record refuses to be rewritten).
        db.session.add(
            PublicRecordEntry(
                seq=last + 1 + i,
                decision_id=decision.id,
                type="catalogued",
                occurred_on=instant.date(),
                recorded_at=instant,
                title="t",
                target=f"/x/{i}",
            )
        )
        db.session.flush()
    columns = (PublicRecordEntry.recorded_at, PublicRecordEntry.occurred_on)
    where = PublicRecordEntry.decision_id == decision.id
    values = db.session.execute(sa.select(*columns).where(where).order_by(PublicRecordEntry.seq)).all()
    shown_values = db.session.execute(
        sa.select(*map(shown, columns)).where(where).order_by(PublicRecordEntry.seq)
    ).all()
    assert [orjson.dumps(tuple(row)) for row in shown_values] == [orjson.dumps(tuple(row)) for row in values]
    assert len(values) == 1 + len(instants)  # and the entry of its catalogue

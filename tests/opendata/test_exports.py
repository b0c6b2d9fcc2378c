"""Bulk exports (开放数据): each dataset whole, as the list endpoints show it, streamed as CSV or
JSON Lines; only what the public may read; filters; conditional requests from the change feed."""

import csv
import datetime as dt
import io

import orjson
import pytest
import sqlalchemy as sa

from consultation.comments import services as comment_services
from core.extensions import db
from core.publication import STANDING
from decisions.models import Decision
from decisions.records.models import Draft
from tests import factories
from tests.conftest import auth

PROBLEM = "application/problem+json"


@pytest.fixture
def district(app, units, tokens, today):
    """Two public 2026 decisions of jd-fgw (one with a formula-like title), one of jd-jyj, one
    not yet public (in the draft 2027 catalogue); a consultation with comments published,
    pending, and one holding a phone number; and a consultation whose comments are not public."""
    today(dt.date(2026, 4, 10))
    made, consultation = factories.consulted_decision()
    formula = factories.catalogued_decision(title='=HYPERLINK("http://evil.example","点击")')
    other = factories.catalogued_decision(lead_unit="jd-jyj", title="嘉定区义务教育学校布局规划")
    factories.catalogue(2027)
    hidden = factories.decision(2027, title="尚未公开的事项")
    editor = factories.account("editor", "jd-fgw")
    published = [
        factories.comment(consultation, content="=1+1 建议加大贴息力度。"),
        factories.comment(consultation, content="请联系我 13912345678，停车位不足。"),
        factories.comment(
            consultation, content="-2 建议缩短审批时限。", submitter_type="enterprise", organisation="上海某公司"
        ),
    ]
    for comment in published:
        comment_services.moderate(comment, by=editor, action="publish")
    pending = factories.comment(consultation, content="待审核的意见")
    factories.draft(other)
    private = factories.consultation(other, comments_public=False, audience=("public",))
    unlisted = factories.comment(private, content="不公开的意见")
    return {
        "decisions": [made.id, formula.id, other.id],
        "hidden_decision": hidden.id,
        "consultation": consultation.id,
        "published": [c.id for c in published],
        "unpublished": [pending.id, unlisted.id],
    }


def _lines(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/x-ndjson"
    return [orjson.loads(line) for line in response.get_data().splitlines()]


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _all_pages(client, path) -> list[dict]:
    items, page = [], 1
    while True:
        response = client.get(path, query_string={"page": page, "page_size": 2})
        assert response.status_code == 200
        items += response.get_json()
        if page >= orjson.loads(response.headers["X-Pagination"]).get("last_page", 0):
            return items
        page += 1


def test_the_decisions_export_is_the_decisions_list_field_by_field(client, district):
    exported = _lines(client.get("/api/v1/exports/decisions.jsonl"))
    listed = _all_pages(client, "/api/v1/decisions")
    assert sorted(d["id"] for d in exported) == sorted(d["id"] for d in listed) == sorted(district["decisions"])
    by_id = {d["id"]: d for d in exported}
    for item in listed:
        row = by_id[item["id"]]
        assert {key: row[key] for key in item} == item
        assert set(row) - set(item) == {"stage_links"}
    first = by_id[district["decisions"][0]]
    assert set(first["stage_links"]) == {"draft_published", "consultation_opened"}
    assert first["stage_links"]["draft_published"].endswith(f"/api/v1/decisions/{first['id']}/drafts/1")


def test_the_comments_export_is_what_the_public_comments_list_shows(client, district):
    exported = _lines(client.get("/api/v1/exports/comments.jsonl"))
    listed = _all_pages(client, f"/api/v1/consultations/{district['consultation']}/comments")
    assert [c["id"] for c in exported] == [c["id"] for c in listed] == district["published"]
    for item, row in zip(listed, exported, strict=True):
        assert {key: row[key] for key in item} == item
        assert row["decision_id"] == district["decisions"][0]
    text = "\n".join(c["content"] for c in exported)
    assert "13912345678" not in text and "［已隐去：电话］" in text
    assert all(c["organisation"] is None for c in exported if c["submitter_type"] == "individual")
    whole = client.get("/api/v1/exports/comments.csv").get_data(as_text=True)
    assert "13912345678" not in whole and "待审核" not in whole and "不公开的意见" not in whole


def test_nothing_unpublished_is_exported(client, district):
    for fmt in ("csv", "jsonl"):
        for name in ("decisions", "comments"):
            body = client.get(f"/api/v1/exports/{name}.{fmt}").get_data(as_text=True)
            assert "尚未公开的事项" not in body and "待审核的意见" not in body and "不公开的意见" not in body
    ids = [d["id"] for d in _lines(client.get("/api/v1/exports/decisions.jsonl"))]
    assert district["hidden_decision"] not in ids


def test_a_csv_cell_that_looks_like_a_formula_is_neutralised(client, district):
    decisions = {int(r["id"]): r for r in _csv(client.get("/api/v1/exports/decisions.csv"))}
    assert decisions[district["decisions"][1]]["title"] == '\'=HYPERLINK("http://evil.example","点击")'
    comments = [r["content"] for r in _csv(client.get("/api/v1/exports/comments.csv"))]
    assert comments[0] == "'=1+1 建议加大贴息力度。" and comments[2] == "'-2 建议缩短审批时限。"
    row = decisions[district["decisions"][0]]
    # Days and instants in ISO 8601, lists as JSON text, booleans as words.
    assert row["catalogued_on"] == "2026-03-16"
    assert dt.datetime.fromisoformat(row["created_at"]).tzinfo is not None
    assert orjson.loads(row["co_units"]) == [] and row["enterprise_related"] == "false"
    # JSON Lines keeps the text as written: only a spreadsheet reads formulas.
    titles = [d["title"] for d in _lines(client.get("/api/v1/exports/decisions.jsonl"))]
    assert '=HYPERLINK("http://evil.example","点击")' in titles


def test_an_export_streams_with_a_file_name(client, district):
    response = client.get("/api/v1/exports/decisions.csv?year=2026")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="juece-decisions-2026.csv"'
    assert len(_csv(response)) == 3
    response = client.get("/api/v1/exports/comments.jsonl")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="juece-comments.jsonl"'
    assert len(_lines(response)) == 3


def test_the_filters_are_the_list_endpoints(client, district):
    made, formula, other = district["decisions"]
    ids = lambda path: [d["id"] for d in _lines(client.get(path))]  # noqa: E731
    assert ids("/api/v1/exports/decisions.jsonl?unit=JD-JYJ") == [other]
    assert ids("/api/v1/exports/decisions.jsonl?unit=jd-fgw&year=2026") == [made, formula]
    assert ids("/api/v1/exports/decisions.jsonl?year=2025") == []
    assert ids("/api/v1/exports/comments.jsonl?unit=jd-jyj") == []
    assert ids("/api/v1/exports/comments.jsonl?year=2026") == district["published"]
    head = client.get("/api/v1/changes").get_json()["head"]["cursor"]
    assert ids(f"/api/v1/exports/decisions.jsonl?since={head}") == []
    factories.background(db.session.get(Decision, other), published_on=dt.date(2026, 4, 10))
    assert ids(f"/api/v1/exports/decisions.jsonl?since={head}") == [other]
    assert ids(f"/api/v1/exports/comments.jsonl?since={head}") == []
    assert ids("/api/v1/exports/comments.jsonl?since=0") == district["published"]
    assert len(ids("/api/v1/exports/decisions.jsonl?since=2000-01-01")) == 3
    assert ids("/api/v1/exports/decisions.jsonl?since=2999-01-01T00:00:00%2B08:00") == []


@pytest.mark.parametrize(
    "query, status",
    [
        ("year=abc", 422),
        ("year=1999", 422),
        ("unit=" + "x" * 41, 422),
        ("since=yesterday", 422),
        ("since=2026-13-01", 422),
        ("since=2026-04-01T00:00:00", 422),
        ("since=-1", 422),
        ("since=99999999", 400),
        ("unit=%00", 422),
    ],
)
def test_a_bad_filter_is_a_problem_never_a_500(client, district, query, status):
    for fmt in ("csv", "jsonl"):
        response = client.get(f"/api/v1/exports/decisions.{fmt}?{query}")
        assert response.status_code == status and response.mimetype == PROBLEM


def test_an_unknown_dataset_is_404(client, district):
    response = client.get("/api/v1/exports/accounts.csv")
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_a_mirror_asks_cheaply_and_learns_of_a_change(client, district):
    path = "/api/v1/exports/decisions.csv"
    first = client.get(path)
    first.get_data()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    # Another format or other filters are another representation.
    for other in ("/api/v1/exports/decisions.jsonl", path + "?year=2026"):
        response = client.get(other, headers={"If-None-Match": etag})
        assert response.status_code == 200 and response.get_data()
    factories.background(db.session.get(Decision, district["decisions"][2]))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and changed.get_data()


def test_the_data_card_says_what_each_dataset_holds(client, district):
    response = client.get("/api/v1/exports")
    assert response.status_code == 200
    card = response.get_json()
    assert card["licence"] == "CC BY 4.0"
    datasets = {d["name"]: d for d in card["datasets"]}
    assert datasets["decisions"]["rows"] == 3 and datasets["comments"]["rows"] == 3
    columns = {c["name"]: c for c in datasets["decisions"]["columns"]}
    assert columns["title"] == {"name": "title", "type": "string", "meaning_zh": "事项名称", "meaning_en": "Title"}
    assert columns["catalogued_on"]["type"] == "date" and columns["stage_links"]["type"] == "object"
    header = _csv(client.get("/api/v1/exports/decisions.csv"))[0].keys()
    assert list(header) == list(columns)
    assert datasets["comments"]["last_change"]["cursor"].isdigit()
    for fmt, url in datasets["comments"]["formats"].items():
        assert url.endswith(f"/api/v1/exports/comments.{fmt}")
        assert client.get(url).get_data()
    assert client.get("/api/v1/exports", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_staff_export_only_what_the_public_reads(client, district, tokens):
    body = client.get("/api/v1/exports/comments.jsonl", headers=auth(tokens["admin"])).get_data(as_text=True)
    assert "13912345678" not in body and "待审核的意见" not in body


def test_the_records_export_is_the_change_feed_with_each_version_as_published(client, district):
    from decisions.records import services as records

    admin = factories.admin()
    other = db.session.get(Decision, district["decisions"][2])
    background = factories.background(other)
    records.correct(records.BACKGROUND, background, by=admin, reason="更正笔误。", necessity="更正后的背景说明。")
    draft = db.session.scalars(sa.select(Draft).where(Draft.decision_id == other.id)).one()
    records.withdraw(records.DRAFT, draft, by=admin, reason="草案有误，予以撤回。")
    factories.draft(db.session.get(Decision, district["decisions"][1]), published_on=None)

    exported = _lines(client.get("/api/v1/exports/records.jsonl"))
    feed = {e["seq"]: e for e in client.get("/api/v1/changes?limit=1000").get_json()["entries"]}
    assert [row["type"] for row in exported].count("correction") == 1
    assert [row["type"] for row in exported].count("withdrawn") == 1
    # Two drafts and two consultations, a background and its correction, a withdrawal; not the
    # unpublished draft.
    assert len(exported) == 7
    for row in exported:
        assert {key: value for key, value in row.items() if key != "document"} == feed[row["seq"]]
        if row["type"] == "withdrawn":
            assert row["document"] is None and row["amends"] in feed
            continue
        if row["type"] == "consultation_opened":
            assert row["document"] is None  # not frozen: read live at `href`
            continue
        live = client.get(row["href"]).get_json()
        assert {k: v for k, v in row["document"].items() if k not in STANDING} == {
            k: v for k, v in live.items() if k not in STANDING
        }
    corrected = [row for row in exported if row["type"] == "correction"][0]
    assert corrected["document"]["necessity"] == "更正后的背景说明。"
    assert [r["seq"] for r in _lines(client.get(f"/api/v1/exports/records.jsonl?since={corrected['seq']}"))] == [
        corrected["seq"] + 1
    ]
    assert _lines(client.get("/api/v1/exports/records.jsonl?unit=jd-jyj"))[0]["decision_id"] == other.id
    assert len(_csv(client.get("/api/v1/exports/records.csv"))) == 7


def test_the_meetings_and_attendees_exports_are_the_meetings_list(client, district, today):
    today(dt.date(2026, 6, 20))
    formula = db.session.get(Decision, district["decisions"][1])
    factories.background(formula)
    factories.draft(formula)
    factories.review(formula, completed_on=dt.date(2026, 6, 1))
    attendees = [
        {"category": "enterprise", "organisation": "上海某公司", "name": "周立民", "name_consent": True},
        {"category": "citizen", "organisation": "居民代表", "decision_id": formula.id},
    ]
    published = factories.meeting(formula, published_on=dt.date(2026, 6, 12), attendees=attendees)
    other = factories.catalogued_decision(lead_unit="jd-jyj", title="嘉定区学前教育发展规划")
    draft = factories.deliberated(other, held_on=dt.date(2026, 6, 15), published_on=None)

    exported = _lines(client.get("/api/v1/exports/meetings.jsonl"))
    assert exported == _all_pages(client, "/api/v1/meetings")
    assert [m["id"] for m in exported] == [published.id] != [draft.id]
    assert exported[0]["agenda"][0]["decision_id"] == formula.id
    assert [m["id"] for m in _lines(client.get("/api/v1/exports/meetings.jsonl?unit=jd-fgw&year=2026"))] == [
        published.id
    ]
    assert _lines(client.get("/api/v1/exports/meetings.jsonl?unit=jd-jyj")) == []
    assert _lines(client.get("/api/v1/exports/meetings.jsonl?year=2025")) == []
    attended = _lines(client.get("/api/v1/exports/attendees.jsonl?unit=jd-fgw"))
    assert attended == [{"meeting_id": published.id, **a} for a in exported[0]["attendees"]]
    assert [a["name"] for a in attended] == ["周立民", None]
    assert _csv(client.get("/api/v1/exports/attendees.csv"))[1]["organisation"] == "居民代表"
    assert _lines(client.get("/api/v1/exports/attendees.jsonl?unit=jd-jyj")) == []
    row = _csv(client.get("/api/v1/exports/meetings.csv"))[0]
    assert orjson.loads(row["agenda"])[0]["decision_id"] == formula.id and row["held_on"] == "2026-06-10"


def test_the_inquiries_export_is_what_the_public_inquiries_list_shows(client, district):
    from consultation.inquiries import services as inquiries

    made = db.session.get(Decision, district["decisions"][0])
    editor = factories.account("editor", "jd-fgw")
    answered = inquiries.ask(made, by=None, question="=贴息申请需要哪些材料？", name="张三", contact="13912345678")
    inquiries.reply(answered, by=editor, answer="营业执照、贷款合同及付息凭证。")
    selected = inquiries.ask(made, by=None, question="请致电 13812345678 告知停车补贴标准。")
    inquiries.publish(selected, by=editor)
    inquiries.ask(made, by=None, question="尚未公开的留言")
    inquiries.ask_generally(by=None, question="一般咨询")

    exported = _lines(client.get("/api/v1/exports/inquiries.jsonl"))
    listed = _all_pages(client, "/api/v1/inquiries")
    assert exported == sorted(listed, key=lambda i: i["id"])
    assert [i["id"] for i in exported] == [answered.id, selected.id]
    body = client.get("/api/v1/exports/inquiries.csv").get_data(as_text=True)
    assert "13812345678" not in body and "张三" not in body and "13912345678" not in body
    assert "尚未公开的留言" not in body and "一般咨询" not in body
    rows = _csv(client.get("/api/v1/exports/inquiries.csv?unit=JD-FGW&year=2026"))
    assert rows[0]["question"] == "'=贴息申请需要哪些材料？" and rows[0]["status"] == "on_time"
    assert _lines(client.get("/api/v1/exports/inquiries.jsonl?unit=jd-jyj")) == []


def test_an_export_is_written_a_batch_at_a_time(client, district, monkeypatch):
    # Never every row at once: a batch of rows is read from the cursor and written as a chunk.
    from opendata.exports import datasets

    monkeypatch.setattr(datasets, "BATCH", 2)
    for name, rows in (("decisions", 3), ("comments", 3)):
        response = client.get(f"/api/v1/exports/{name}.csv")
        chunks = [chunk for chunk in response.response if chunk]
        assert len(chunks) == 1 + (rows + 1) // 2  # the header, then a chunk per batch
        response = client.get(f"/api/v1/exports/{name}.jsonl")
        assert [len(chunk.splitlines()) for chunk in response.response if chunk] == [2, 1]


def test_an_export_reads_from_a_server_side_cursor(client, district):
    seen = []

    def cursor_of(conn, cursor, statement, parameters, context, executemany):
        if context is not None and context.execution_options.get("yield_per"):
            seen.append((type(cursor).__name__, statement.split()[0]))

    sa.event.listen(db.engine, "before_cursor_execute", cursor_of)
    try:
        assert len(_lines(client.get("/api/v1/exports/decisions.jsonl"))) == 3
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", cursor_of)
    # The decisions and their stages' entries, both streamed; on PostgreSQL by named cursors.
    assert len(seen) == 2
    if db.engine.dialect.name == "postgresql":
        assert all(name.endswith("ServerCursor") for name, _ in seen), seen


def test_the_clusters_and_dispositions_exports_are_the_lists_and_the_change_feed(client, district, tokens):
    cluster = {
        "summary": "=多条意见建议提高贴息比例",
        "comment_ids": district["published"][:2] + district["unpublished"][:1],
        "disposition": "partially_adopted",
        "reason_code": "cost_or_feasibility",
        "reason": "部分采纳",
    }
    path = f"/api/v1/consultations/{district['consultation']}/clusters"
    assert client.post(path, json=cluster, headers=auth(tokens["editor"])).status_code == 201
    exported = _lines(client.get("/api/v1/exports/clusters.jsonl"))
    listed = client.get(path).get_json()
    assert [{key: row[key] for key in item} for item, row in zip(listed, exported, strict=True)] == listed
    assert exported[0]["comment_count"] == 3 and exported[0]["decision_id"] == district["decisions"][0]
    assert _csv(client.get("/api/v1/exports/clusters.csv?unit=jd-fgw"))[0]["summary"] == "'=多条意见建议提高贴息比例"
    assert _lines(client.get("/api/v1/exports/clusters.jsonl?year=2025")) == []
    # The dispositions are the change feed's, each kept when a later one changes it.
    feed = client.get("/api/v1/changes?limit=1000").get_json()["entries"]
    kinds = {"disposition_set", "disposition_changed", "cluster_created", "cluster_changed"}
    dispositions = _lines(client.get("/api/v1/exports/dispositions.jsonl"))
    assert dispositions == [e for e in feed if e["type"] in kinds] and dispositions
    assert {"cluster_created", "disposition_set"} <= {e["type"] for e in dispositions}


def test_the_deadlines_export_is_what_each_timeline_owes(client, district, today):
    today(dt.date(2026, 6, 25))
    formula = db.session.get(Decision, district["decisions"][1])
    factories.decided(formula)
    exported = _lines(client.get("/api/v1/exports/deadlines.jsonl"))
    owed = client.get(f"/api/v1/decisions/{formula.id}/timeline").get_json()["obligations"]
    assert exported == [{"decision_id": formula.id, **o} for o in owed] and owed
    first = client.get("/api/v1/exports/deadlines.csv")
    assert _csv(first)[0]["status"] == "pending"
    etag = first.headers["ETag"]
    # Once the deadline passes it is overdue, and the export's validators say so.
    today(dt.date(2026, 12, 1))
    changed = client.get("/api/v1/exports/deadlines.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and _csv(changed)[0]["status"] == "overdue"
    assert _lines(client.get("/api/v1/exports/deadlines.jsonl?unit=jd-jyj")) == []

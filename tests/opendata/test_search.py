"""Search: Chinese words of any length found in what the public may read, never in what it
may not; snippets, facets, filters and pages; the index in step with the public record."""

import datetime as dt

import pytest

from core import publication
from core.extensions import db
from core.publication import EntryType, Fact
from decisions.models import Decision
from decisions.records import services as records
from opendata.search.indexing import reindex_all
from opendata.search.models import SearchDocument
from tests import factories
from tests.test_demo import run

PROBLEM = "application/problem+json"


def _search(client, query: str, **params):
    response = client.get("/api/v1/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.get_json()
    return response


@pytest.fixture
def demo(app):
    run(app)


def test_the_demo_finds_two_character_words_and_every_hit_answers_the_public(client, demo):
    for word in ("贴息", "停车"):
        found = _search(client, word).get_json()
        assert found["total"] >= 1, word
        assert found["terms"] == [word]
        for hit in found["hits"]:
            assert word in hit["title"] + hit["snippet"]
            assert "<mark>" + word + "</mark>" in hit["highlighted_title"] + hit["snippet"]
            assert client.get(hit["href"]).status_code == 200, hit
            assert client.get(hit["_links"]["timeline"]["href"]).status_code == 200
    kinds = {hit["kind"] for hit in _search(client, "贴息").get_json()["hits"]}
    assert "draft" in kinds  # found inside a draft's text, where no space parts the words


def test_longer_words_and_phrases_are_found_as_written(client, demo):
    found = _search(client, "科技型中小企业").get_json()
    assert found["total"] >= 1
    assert all(
        "科技型中小企业" in h["title"] + h["snippet"].replace("<mark>", "").replace("</mark>", "")
        for h in found["hits"]
    )
    both = _search(client, '"贷款市场报价利率" 贴息').get_json()
    assert both["terms"] == ["贷款市场报价利率", "贴息"]
    assert 1 <= both["total"] <= found["total"] + both["total"]
    assert _search(client, "这句话不在任何文件里出现").get_json()["total"] == 0


def test_facets_count_every_document_found_and_filters_narrow_by_them(client, demo):
    found = _search(client, "停车").get_json()
    for name, counts in found["facets"].items():
        assert sum(c["count"] for c in counts) == found["total"], name
    kind = found["facets"]["kind"][0]
    narrowed = _search(client, "停车", kind=kind["value"]).get_json()
    assert narrowed["total"] == kind["count"]
    assert {h["kind"] for h in narrowed["hits"]} == {kind["value"]}


def test_pages_as_every_list(client, demo):
    first = _search(client, "贴息", page_size=1)
    total = first.get_json()["total"]
    assert len(first.get_json()["hits"]) == 1
    assert f'"total": {total}' in first.headers["X-Pagination"]
    if total > 1:
        second = _search(client, "贴息", page_size=1, page=2).get_json()["hits"]
        assert second[0]["href"] != first.get_json()["hits"][0]["href"]


def test_withdrawn_and_superseded_versions_are_never_found(client, tokens):
    decision = factories.catalogued_decision(title="嘉定区道路停车收费调整方案")
    wrong = factories.interpretation(decision, title="解读：停车收费（有误）", text="旧的收费标准每小时十元。")
    draft = factories.draft(decision, title="征求意见稿", text="第一条 停车收费每小时八元。")
    assert _search(client, "每小时十元").get_json()["total"] == 1
    admin = factories.admin()
    records.withdraw(records.INTERPRETATION, wrong, by=admin, reason="内容有误。", withdrawn_on=dt.date(2026, 6, 25))
    records.correct(
        records.DRAFT,
        draft,
        by=admin,
        reason="更正。",
        published_on=dt.date(2026, 6, 26),
        text="第一条 停车收费每小时六元。",
    )
    db.session.commit()
    assert _search(client, "每小时十元").get_json()["total"] == 0
    assert _search(client, "每小时八元").get_json()["total"] == 0
    [current] = _search(client, "每小时六元").get_json()["hits"]
    assert current["kind"] == "draft" and current["href"].endswith(f"/decisions/{decision.id}/drafts/2")


def test_nothing_unpublished_is_found_and_nothing_rolled_back_is_indexed(client, tokens):
    decision = factories.catalogued_decision(title="嘉定区公共充电桩布局规划")
    factories.draft(decision, published_on=None, text="内部讨论稿：充电桩选址待定。")
    db.session.commit()
    assert _search(client, "选址待定").get_json()["total"] == 0
    assert _search(client, "充电桩").get_json()["total"] == 1  # the decision itself

    def rename(title):
        # A public change: the decision's row and its public-record entry, in one transaction.
        db.session.get(Decision, decision.id).title = title
        publication.record_fact(Fact(decision.id, EntryType.adjusted, title, f"/decisions/{decision.id}"))

    rename("嘉定区公共充电桩布局专项规划")
    db.session.rollback()
    assert _search(client, "专项规划").get_json()["total"] == 0
    rename("嘉定区公共充电桩布局专项规划")
    db.session.commit()
    assert _search(client, "专项规划").get_json()["total"] == 1


def test_reindexing_derives_the_same_index(client, demo):
    before = sorted((d.target, d.title, d.body) for d in db.session.query(SearchDocument))
    assert before
    reindex_all()
    db.session.commit()
    assert sorted((d.target, d.title, d.body) for d in db.session.query(SearchDocument)) == before


def test_search_text_is_escaped_in_highlights(client, tokens):
    factories.catalogued_decision(title="关于<script>停车</script>的方案")
    db.session.commit()
    [hit] = _search(client, "停车").get_json()["hits"]
    assert hit["highlighted_title"] == "关于&lt;script&gt;<mark>停车</mark>&lt;/script&gt;的方案"


@pytest.mark.parametrize(
    "query", [{"q": ""}, {"q": "   "}, {}, {"q": "停车", "kind": "poster"}, {"q": "停车", "year": "x"}]
)
def test_bad_queries_are_problems(client, query):
    response = client.get("/api/v1/search", query_string=query)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM


def test_the_command_builds_an_empty_index_and_leaves_a_built_one(app, client, demo):
    runner = app.test_cli_runner()
    assert "built already" in runner.invoke(args=["search", "reindex", "--if-empty"]).output
    count = db.session.query(SearchDocument).count()
    db.session.query(SearchDocument).delete()
    db.session.commit()
    result = runner.invoke(args=["search", "reindex", "--if-empty"])
    assert result.exit_code == 0 and f"ok: {count} documents indexed" in result.output
    assert _search(client, "贴息").get_json()["total"] >= 1


@pytest.fixture
def in_the_window(monkeypatch):
    """Today inside the factories' consultation window (2026-04-03 to 2026-05-02)."""
    from core import calendar

    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 4, 10))


def _hits(client, query, kind):
    return [h for h in _search(client, query).get_json()["hits"] if h["kind"] == kind]


def test_a_comment_is_found_while_the_public_may_read_it_and_as_it_reads_it(client, tokens, in_the_window):
    from consultation.comments import services as comments

    decision, consultation = factories.consulted_decision(title="嘉定区非机动车停放管理办法")
    said = factories.comment(consultation, content="建议在地铁站增设非机动车停放点，联系我13912345678。")
    db.session.commit()
    assert _hits(client, "停放点", "comment") == []  # not yet moderated
    admin = factories.admin()
    comments.moderate(said, by=admin, action="publish")
    [hit] = _hits(client, "停放点", "comment")
    assert hit["href"].endswith(f"/comments/{said.id}") and hit["decision_id"] == decision.id
    assert client.get(hit["href"]).status_code == 200
    assert (hit["year"], hit["unit"]) == (decision.catalogue_year, decision.lead_unit)
    assert "13912345678" not in hit["snippet"] and _search(client, "13912345678").get_json()["total"] == 0
    # An editor's redaction changes what the public reads, with no entry in the record.
    comments.override_redaction(said, by=admin, action="hide", text="地铁站", reason="涉及具体位置。")
    assert _hits(client, "地铁站", "comment") == [] and len(_hits(client, "停放点", "comment")) == 1
    comments.moderate(said, by=admin, action="reject", reason="与本事项无关。")
    assert _hits(client, "停放点", "comment") == []


def test_comments_of_a_consultation_that_keeps_them_private_are_never_found(client, tokens, in_the_window):
    from consultation.comments import services as comments

    _, consultation = factories.consulted_decision(comments_public=False)
    said = factories.comment(consultation, content="建议延长公交末班车时间。")
    comments.moderate(said, by=factories.admin(), action="publish")
    assert _search(client, "末班车").get_json()["total"] == 0


def test_a_question_is_found_once_public_and_its_answer_with_it(client, tokens, in_the_window):
    from consultation.inquiries import services as inquiries

    decision = factories.catalogued_decision(title="嘉定区老旧小区加装电梯补贴办法")
    asked = inquiries.ask(decision, by=None, question="加装电梯的补贴标准是多少？", name="王小明")
    assert _hits(client, "补贴标准", "question") == []  # received: not public
    admin = factories.admin()
    inquiries.publish(asked, by=admin)
    [hit] = _hits(client, "补贴标准", "question")
    assert hit["title"] == f"公开留言 #{asked.id}" and client.get(hit["href"]).status_code == 200
    inquiries.reply(asked, by=admin, answer="每台最高补贴二十四万元。")
    [hit] = _hits(client, "二十四万", "question")
    assert hit["title"] == f"答复留言 #{asked.id}" and "王小明" not in hit["snippet"]


def test_what_was_said_follows_its_decision_out_of_the_catalogue_and_back(client, tokens, in_the_window):
    from consultation.comments import services as comments

    decision, consultation = factories.consulted_decision()
    said = factories.comment(consultation, content="建议明确贴息申请的办理时限。")
    comments.moderate(said, by=factories.admin(), action="publish")
    assert len(_hits(client, "办理时限", "comment")) == 1

    def adjust(**fields):
        changed = db.session.get(Decision, decision.id)
        for name, value in fields.items():
            setattr(changed, name, value)
        publication.record_fact(Fact(decision.id, EntryType.adjusted, changed.title, f"/decisions/{decision.id}"))
        db.session.commit()

    was = decision.category
    assert was != "plan"
    adjust(category="plan")
    [hit] = _hits(client, "办理时限", "comment")
    assert hit["category"] == "plan"  # its facets are its decision's now
    assert _search(client, "办理时限", category=was).get_json()["total"] == 0
    catalogued_on = decision.catalogued_on
    adjust(catalogued_on=None)  # out of the published catalogue
    assert _search(client, "办理时限").get_json()["total"] == 0
    adjust(catalogued_on=catalogued_on)
    assert len(_hits(client, "办理时限", "comment")) == 1

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

"""Decisions, the catalogue's items: entering, finding, changing and deleting them, and who sees what."""

import datetime as dt
import json

import pytest

from tests import factories
from tests.conftest import auth

PROBLEM = "application/problem+json"
PROBLEMS = "https://juece.example/problems/"
NEW_DECISION = {
    "catalogue_year": 2026,
    "title": "嘉定区促进民营经济高质量发展若干措施",
    "summary": "围绕优化营商环境、支持民营企业发展，制定若干措施。",
    "category": "public_policy",
    "lead_unit": "jd-fgw",
    "co_units": ["jd-jyj"],
    "legal_basis": ["《优化营商环境条例》"],
    "planned_completion": "2026-Q3",
    "enterprise_related": True,
    "hearing_required": False,
    "procedures": ["public_participation", "legality_review"],
}


@pytest.fixture
def draft(app, units, tokens, today):
    """The 2026 catalogue, still a draft."""
    return factories.catalogue(2026)


def post_decision(client, token, **fields):
    return client.post("/api/v1/decisions", json={**NEW_DECISION, **fields}, headers=auth(token))


def patch_decision(client, token, decision_id, changes, etag=None):
    if etag is None:
        etag = client.get(f"/api/v1/decisions/{decision_id}", headers=auth(token)).headers["ETag"]
    return client.patch(f"/api/v1/decisions/{decision_id}", json=changes, headers={**auth(token), "If-Match": etag})


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [d["id"] for d in response.get_json()]


def pagination(response):
    return json.loads(response.headers["X-Pagination"])


# --- Entering a decision -----------------------------------------------------------------------


def test_decision_is_entered_unpublished_with_location_and_etag(client, tokens, draft):
    response = post_decision(client, tokens["editor"])
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert response.headers["Location"] == f"http://localhost/api/v1/decisions/{body['id']}"
    assert response.headers["ETag"]
    assert body["seq_no"] == 1
    assert body["state"] == "initiated"
    assert body["catalogued_on"] is None
    assert body["adjustment"] is None
    assert body["co_units"] == ["jd-jyj"]
    assert body["legal_basis"] == ["《优化营商环境条例》"]
    assert body["procedures"] == ["public_participation", "legality_review"]
    assert body["enterprise_related"] is True
    assert body["_links"] == {
        "self": {"href": f"http://localhost/api/v1/decisions/{body['id']}"},
        "catalogue": {"href": "http://localhost/api/v1/catalogues/2026"},
        "lead_unit": {"href": "http://localhost/api/v1/units/jd-fgw"},
    }
    assert dt.datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    shown = client.get(f"/api/v1/decisions/{body['id']}", headers=auth(tokens["editor"]))
    assert shown.get_json() == body
    assert shown.headers["ETag"] == response.headers["ETag"]


def test_decision_seq_no_is_the_next_free_one_when_omitted(client, tokens, draft):
    assert post_decision(client, tokens["admin"]).get_json()["seq_no"] == 1
    assert post_decision(client, tokens["admin"], title="二").get_json()["seq_no"] == 2
    assert post_decision(client, tokens["admin"], title="十", seq_no=10).get_json()["seq_no"] == 10
    assert post_decision(client, tokens["admin"], title="十一").get_json()["seq_no"] == 11
    # Each year's catalogue counts on its own.
    factories.catalogue(2027)
    assert post_decision(client, tokens["admin"], catalogue_year=2027).get_json()["seq_no"] == 1


def test_decision_seq_no_is_unique_in_its_catalogue(client, tokens, draft):
    assert post_decision(client, tokens["admin"], seq_no=3).status_code == 201
    response = post_decision(client, tokens["admin"], title="另一事项", seq_no=3)
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert "3" in response.get_json()["detail"]
    assert len(client.get("/api/v1/decisions", headers=auth(tokens["admin"])).get_json()) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"lead_unit": "jd-nowhere"}, "lead_unit", id="unknown-lead-unit"),
        pytest.param({"co_units": ["jd-jyj", "jd-nowhere"]}, "co_units", id="unknown-co-unit"),
        pytest.param({"co_units": ["jd-fgw"]}, "co_units", id="lead-unit-as-co-unit"),
        pytest.param({"catalogue_year": 2031}, "catalogue_year", id="unknown-catalogue-year"),
        pytest.param({"category": "policy"}, "category", id="unknown-category"),
        pytest.param({"procedures": ["hearing"]}, "procedures", id="unknown-procedure"),
        pytest.param({"lead_unit": "JD FGW"}, "lead_unit", id="malformed-unit-code"),
    ],
)
def test_decision_refuses_what_it_cannot_refer_to(client, tokens, draft, fields, field):
    response = post_decision(client, tokens["admin"], **fields)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.get_json()["errors"]["json"]) == [field]
    assert client.get("/api/v1/decisions", headers=auth(tokens["admin"])).get_json() == []


def test_decision_needs_its_catalogue_columns(client, tokens, draft):
    response = client.post("/api/v1/decisions", json={}, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {
        "catalogue_year",
        "title",
        "category",
        "lead_unit",
        "planned_completion",
    }


def test_decision_state_is_not_set_when_entering(client, tokens, draft):
    response = post_decision(client, tokens["admin"], state="decided")
    assert response.status_code == 422
    assert "state" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize(
    "planned_completion",
    [
        "2026-Q5",
        "2026-Q0",
        "2026-13",
        "2026-00",
        "2026-02-30",
        "2026-02-29",
        "2026-04-31",
        "26",
        "2026-1",
        "2026/03",
        "2026-03-1",
        "2026-H1",
        "2026年3月",
        "",
        " 2026",
    ],
)
def test_decision_refuses_a_malformed_planned_completion(client, tokens, draft, planned_completion):
    response = post_decision(client, tokens["admin"], planned_completion=planned_completion)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["planned_completion"]


@pytest.mark.parametrize(
    ("planned_completion", "precision", "last_day"),
    [
        ("2026", "year", "2026-12-31"),
        ("2026-Q1", "quarter", "2026-03-31"),
        ("2026-Q2", "quarter", "2026-06-30"),
        ("2026-Q4", "quarter", "2026-12-31"),
        ("2026-02", "month", "2026-02-28"),
        ("2028-02", "month", "2028-02-29"),
        ("2026-09", "month", "2026-09-30"),
        ("2026-11-05", "day", "2026-11-05"),
        ("2028-02-29", "day", "2028-02-29"),
    ],
)
def test_decision_planned_completion_keeps_the_catalogues_precision(
    client, tokens, draft, planned_completion, precision, last_day
):
    body = post_decision(client, tokens["admin"], planned_completion=planned_completion).get_json()
    assert body["planned_completion"] == planned_completion
    assert body["planned_completion_precision"] == precision
    assert body["planned_completion_by"] == last_day
    listed = client.get("/api/v1/decisions", headers=auth(tokens["admin"])).get_json()[0]
    assert (listed["planned_completion_precision"], listed["planned_completion_by"]) == (precision, last_day)


# --- Finding decisions -------------------------------------------------------------------------


@pytest.fixture
def district(app, units, tokens, today):
    """Published catalogues 2025 and 2026 with a few items of both departments."""
    factories.catalogue(2025)
    factories.catalogue(2026)
    made = {
        "old_plan": factories.decision(
            2025,
            title="嘉定区教育事业发展规划",
            category="plan",
            lead_unit="jd-jyj",
            summary="明确今后五年教育发展目标。",
            planned_completion="2025",
        ),
        "policy": factories.decision(2026, enterprise_related=True, planned_completion="2026-Q3"),
        "school": factories.decision(
            2026,
            title="嘉定区新建学校布局规划",
            category="plan",
            lead_unit="jd-jyj",
            summary="统筹新城学校建设。",
            planned_completion="2026-06",
        ),
        "project": factories.decision(
            2026,
            title="嘉定区综合交通枢纽建设项目",
            category="public_project",
            summary="建设综合交通枢纽，改善营商环境和出行条件。",
            planned_completion="2026-11-30",
        ),
    }
    factories.publish_catalogue(2025, published_on=dt.date(2025, 3, 1))
    factories.publish_catalogue(2026, published_on=dt.date(2026, 3, 10))
    return {name: decision.id for name, decision in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", ["policy", "school", "project", "old_plan"], id="all-newest-year-first"),
        pytest.param("year=2025", ["old_plan"], id="year"),
        pytest.param("unit=jd-jyj", ["school", "old_plan"], id="unit"),
        pytest.param("unit=jd-nowhere", [], id="unknown-unit"),
        pytest.param("category=plan", ["school", "old_plan"], id="category"),
        pytest.param("enterprise_related=true", ["policy"], id="enterprise-related"),
        pytest.param("enterprise_related=false", ["school", "project", "old_plan"], id="not-enterprise-related"),
        pytest.param("state=initiated", ["policy", "school", "project", "old_plan"], id="state"),
        pytest.param("state=decided", [], id="state-none"),
        pytest.param("q=民营经济", ["policy"], id="q-title-chinese"),
        pytest.param("q=营商环境", ["policy", "project"], id="q-summary-chinese"),
        pytest.param("q=规划 学校", ["school"], id="q-every-word"),
        pytest.param("q=规划&year=2025", ["old_plan"], id="q-and-year"),
        pytest.param("q=%25", [], id="q-percent-is-literal"),
        pytest.param("q=_", [], id="q-underscore-is-literal"),
        pytest.param("year=2026&unit=jd-fgw&category=public_project", ["project"], id="combined"),
    ],
)
def test_decisions_filter(client, district, query, expected):
    assert ids(client.get(f"/api/v1/decisions?{query}")) == [district[name] for name in expected]


@pytest.mark.parametrize(
    "query",
    [
        "year=26",
        "state=finished",
        "category=policy",
        "enterprise_related=maybe",
        "sort=title",
        "updated_since=yesterday",
        "updated_since=2026-03-01T00:00:00",
        "q=" + "长" * 101,
    ],
)
def test_decisions_filter_refuses_malformed_values(client, district, query):
    response = client.get(f"/api/v1/decisions?{query}")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert query.split("=")[0] in response.get_json()["errors"]["query"]


def test_decisions_filter_by_state_follows_withdrawal(client, tokens, district):
    response = client.post(
        "/api/v1/catalogues/2026/adjustments",
        json={
            "type": "withdraw",
            "decision_id": district["school"],
            "reason": "规划调整。",
            "approved_on": "2026-03-15",
        },
        headers=auth(tokens["admin"]),
    )
    assert response.status_code == 201
    assert ids(client.get("/api/v1/decisions?state=withdrawn")) == [district["school"]]
    assert district["school"] not in ids(client.get("/api/v1/decisions?state=initiated"))


def test_decisions_updated_since_returns_what_changed_at_or_after_it(client, tokens, district):
    changed = patch_decision(client, tokens["admin"], district["school"], {"summary": "统筹新城学校建设（更新）。"})
    assert changed.status_code == 200
    since = changed.get_json()["updated_at"]
    assert ids(client.get("/api/v1/decisions", query_string={"updated_since": since})) == [district["school"]]
    # The same instant in Shanghai time names the same moment.
    shanghai = dt.datetime.fromisoformat(since).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
    assert ids(client.get("/api/v1/decisions", query_string={"updated_since": shanghai})) == [district["school"]]
    later = (dt.datetime.fromisoformat(since) + dt.timedelta(seconds=1)).isoformat()
    assert ids(client.get("/api/v1/decisions", query_string={"updated_since": later})) == []
    assert len(ids(client.get("/api/v1/decisions", query_string={"updated_since": "2000-01-01T00:00:00+00:00"}))) == 4


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        pytest.param("-catalogue_year,seq_no", ["policy", "school", "project", "old_plan"], id="default"),
        pytest.param("seq_no", ["old_plan", "policy", "school", "project"], id="seq_no"),
        pytest.param("-seq_no", ["project", "school", "policy", "old_plan"], id="-seq_no"),
        pytest.param("planned_completion_by", ["old_plan", "school", "policy", "project"], id="planned_completion_by"),
        pytest.param(
            "-planned_completion_by", ["project", "policy", "school", "old_plan"], id="-planned_completion_by"
        ),
    ],
)
def test_decisions_sort(client, district, sort, expected):
    assert ids(client.get(f"/api/v1/decisions?sort={sort}")) == [district[name] for name in expected]


def test_decisions_sort_by_updated_at(client, tokens, district):
    assert patch_decision(client, tokens["admin"], district["policy"], {"summary": "更新。"}).status_code == 200
    assert ids(client.get("/api/v1/decisions?sort=updated_at"))[-1] == district["policy"]
    assert ids(client.get("/api/v1/decisions?sort=-updated_at"))[0] == district["policy"]


def test_decisions_page_with_x_pagination(client, district):
    first = client.get("/api/v1/decisions?page_size=3")
    assert len(ids(first)) == 3
    assert pagination(first) == {
        "total": 4,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    second = client.get("/api/v1/decisions?page=2&page_size=3")
    assert ids(second) == [district["old_plan"]]
    assert pagination(second)["page"] == 2
    filtered = client.get("/api/v1/decisions?unit=jd-jyj&page_size=1")
    assert pagination(filtered)["total"] == 2
    beyond = client.get("/api/v1/decisions?page=9")
    assert ids(beyond) == []


def test_decisions_page_size_defaults_to_20(client, tokens, draft):
    for n in range(21):
        factories.decision(2026, title=f"事项{n}")
    response = client.get("/api/v1/decisions", headers=auth(tokens["admin"]))
    assert len(ids(response)) == 20
    assert pagination(response)["total"] == 21


@pytest.mark.parametrize("query", ["page_size=101", "page_size=0", "page=0", "page=x"])
def test_decisions_page_size_is_at_most_100(client, district, query):
    response = client.get(f"/api/v1/decisions?{query}")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert query.split("=")[0] in response.get_json()["errors"]["query"]


def test_decisions_page_size_100_is_allowed(client, district):
    assert client.get("/api/v1/decisions?page_size=100").status_code == 200


def test_decision_links_are_absolute(client, district):
    body = client.get(f"/api/v1/decisions/{district['policy']}").get_json()
    assert body["_links"]["self"]["href"] == f"http://localhost/api/v1/decisions/{district['policy']}"
    listed = client.get("/api/v1/decisions", base_url="https://juece.jiading.gov.cn").get_json()
    assert all(d["_links"]["self"]["href"].startswith("https://juece.jiading.gov.cn/api/v1/decisions/") for d in listed)


def test_decision_links_honour_public_base_url(client, app, district, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://juece.example.gov.cn/")
    body = client.get(f"/api/v1/decisions/{district['policy']}").get_json()
    assert body["_links"] == {
        "self": {"href": f"https://juece.example.gov.cn/api/v1/decisions/{district['policy']}"},
        "catalogue": {"href": "https://juece.example.gov.cn/api/v1/catalogues/2026"},
        "lead_unit": {"href": "https://juece.example.gov.cn/api/v1/units/jd-fgw"},
    }
    listed = client.get("/api/v1/decisions").get_json()
    assert all(d["_links"]["self"]["href"].startswith("https://juece.example.gov.cn/api/v1/") for d in listed)
    catalogue = client.get("/api/v1/catalogues/2026").get_json()
    assert catalogue["_links"]["self"]["href"] == "https://juece.example.gov.cn/api/v1/catalogues/2026"


def test_decision_get_answers_304_to_a_matching_if_none_match(client, district):
    url = f"/api/v1/decisions/{district['policy']}"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_unknown_decision_is_404(client, district):
    response = client.get("/api/v1/decisions/999999")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


# --- Changing a decision -----------------------------------------------------------------------


def test_decision_patch_needs_if_match(client, tokens, district):
    response = client.patch(
        f"/api/v1/decisions/{district['policy']}", json={"summary": "新摘要"}, headers=auth(tokens["admin"])
    )
    assert response.status_code == 428
    assert response.mimetype == PROBLEM


def test_decision_patch_with_a_stale_etag_is_412(client, tokens, district):
    url = f"/api/v1/decisions/{district['policy']}"
    etag = client.get(url).headers["ETag"]
    assert patch_decision(client, tokens["admin"], district["policy"], {"summary": "一"}, etag).status_code == 200
    response = patch_decision(client, tokens["admin"], district["policy"], {"summary": "二"}, etag)
    assert response.status_code == 412
    assert response.mimetype == PROBLEM
    assert client.get(url).get_json()["summary"] == "一"


def test_decision_patch_answers_the_etag_for_the_next_patch(client, tokens, district):
    first = patch_decision(client, tokens["editor"], district["policy"], {"summary": "一"})
    assert first.status_code == 200
    assert first.headers["ETag"] == client.get(f"/api/v1/decisions/{district['policy']}").headers["ETag"]
    second = patch_decision(client, tokens["editor"], district["policy"], {"summary": "二"}, first.headers["ETag"])
    assert second.status_code == 200


def test_decision_state_is_not_patchable(client, tokens, district):
    response = patch_decision(client, tokens["admin"], district["policy"], {"state": "decided"})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert "state" in response.get_json()["errors"]["json"]
    assert client.get(f"/api/v1/decisions/{district['policy']}").get_json()["state"] == "initiated"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"title": "新标题"}, id="title"),
        pytest.param({"category": "other"}, id="category"),
        pytest.param({"lead_unit": "jd-gov"}, id="lead_unit"),
        pytest.param({"co_units": ["jd-gov"]}, id="co_units"),
        pytest.param({"planned_completion": "2026-Q4"}, id="planned_completion"),
        pytest.param({"enterprise_related": False}, id="enterprise_related"),
        pytest.param({"hearing_required": True}, id="hearing_required"),
        pytest.param({"procedures": ["expert_review"]}, id="procedures"),
        pytest.param({"seq_no": 9}, id="seq_no"),
    ],
)
def test_catalogued_decision_changes_catalogue_columns_only_through_an_adjustment(client, tokens, district, changes):
    response = patch_decision(client, tokens["admin"], district["policy"], changes)
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"] == PROBLEMS + "decision-catalogued"
    assert next(iter(changes)) in body["detail"]


def test_catalogued_decision_summary_and_legal_basis_stay_editable(client, tokens, district):
    changes = {"summary": "更新后的摘要。", "legal_basis": ["《重大行政决策程序暂行条例》", "《优化营商环境条例》"]}
    response = patch_decision(client, tokens["editor"], district["policy"], changes)
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in changes} == changes
    # Resending an unchanged catalogue column is no change.
    response = patch_decision(
        client, tokens["editor"], district["policy"], {"title": "嘉定区促进民营经济高质量发展若干措施"}
    )
    assert response.status_code == 200


def test_unpublished_decision_catalogue_columns_are_editable(client, tokens, draft):
    decision_id = post_decision(client, tokens["editor"]).get_json()["id"]
    response = patch_decision(
        client, tokens["editor"], decision_id, {"title": "新标题", "planned_completion": "2026-11", "seq_no": 5}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["seq_no"]) == ("新标题", 5)
    assert (body["planned_completion_precision"], body["planned_completion_by"]) == ("month", "2026-11-30")


def test_decision_patch_refuses_a_taken_seq_no(client, tokens, draft):
    post_decision(client, tokens["admin"], seq_no=1)
    second = post_decision(client, tokens["admin"], title="二", seq_no=2).get_json()["id"]
    response = patch_decision(client, tokens["admin"], second, {"seq_no": 1})
    assert response.status_code == 409
    assert client.get(f"/api/v1/decisions/{second}", headers=auth(tokens["admin"])).get_json()["seq_no"] == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"co_units": ["jd-fgw"]}, "co_units", id="lead-unit-as-co-unit"),
        pytest.param({"lead_unit": "jd-jyj"}, "co_units", id="co-unit-as-lead-unit"),
        pytest.param({"co_units": ["jd-nowhere"]}, "co_units", id="unknown-co-unit"),
        pytest.param({"planned_completion": "2026-Q5"}, "planned_completion", id="malformed-planned-completion"),
        pytest.param({"catalogue_year": 2027}, "catalogue_year", id="catalogue-year"),
    ],
)
def test_unpublished_decision_patch_refuses_invalid_changes(client, tokens, draft, changes, field):
    decision_id = post_decision(client, tokens["admin"]).get_json()["id"]
    response = patch_decision(client, tokens["admin"], decision_id, changes)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_editor_cannot_hand_a_decision_to_another_unit(client, tokens, draft):
    decision_id = post_decision(client, tokens["editor"], co_units=[]).get_json()["id"]
    response = patch_decision(client, tokens["editor"], decision_id, {"lead_unit": "jd-jyj"})
    assert response.status_code == 403
    assert (
        client.get(f"/api/v1/decisions/{decision_id}", headers=auth(tokens["editor"])).get_json()["lead_unit"]
        == "jd-fgw"
    )


def test_admin_may_hand_an_unpublished_decision_to_another_unit(client, tokens, draft):
    decision_id = post_decision(client, tokens["editor"], co_units=[]).get_json()["id"]
    response = patch_decision(client, tokens["admin"], decision_id, {"lead_unit": "jd-jyj"})
    assert response.status_code == 200
    assert client.get(f"/api/v1/decisions/{decision_id}", headers=auth(tokens["editor"])).status_code == 404
    assert client.get(f"/api/v1/decisions/{decision_id}", headers=auth(tokens["other_editor"])).status_code == 200


def test_unknown_decision_patch_is_404(client, tokens, draft):
    response = client.patch(
        "/api/v1/decisions/999999", json={"summary": "x"}, headers={**auth(tokens["admin"]), "If-Match": '"x"'}
    )
    assert response.status_code == 404


# --- Deleting a decision -----------------------------------------------------------------------


def test_decision_never_public_may_be_deleted(client, tokens, draft):
    decision_id = post_decision(client, tokens["editor"]).get_json()["id"]
    url = f"/api/v1/decisions/{decision_id}"
    etag = client.get(url, headers=auth(tokens["editor"])).headers["ETag"]
    response = client.delete(url, headers={**auth(tokens["editor"]), "If-Match": etag})
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(url, headers=auth(tokens["admin"])).status_code == 404


def test_decision_delete_needs_if_match(client, tokens, draft):
    decision_id = post_decision(client, tokens["editor"]).get_json()["id"]
    response = client.delete(f"/api/v1/decisions/{decision_id}", headers=auth(tokens["editor"]))
    assert response.status_code == 428
    stale = client.delete(f"/api/v1/decisions/{decision_id}", headers={**auth(tokens["editor"]), "If-Match": '"stale"'})
    assert stale.status_code == 412
    assert client.get(f"/api/v1/decisions/{decision_id}", headers=auth(tokens["editor"])).status_code == 200


def test_decision_once_public_is_never_deleted(client, tokens, district):
    url = f"/api/v1/decisions/{district['policy']}"
    etag = client.get(url).headers["ETag"]
    response = client.delete(url, headers={**auth(tokens["admin"]), "If-Match": etag})
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "decision-catalogued"
    assert client.get(url).status_code == 200


def test_withdrawn_decision_is_not_deleted(client, tokens, district):
    client.post(
        "/api/v1/catalogues/2026/adjustments",
        json={
            "type": "withdraw",
            "decision_id": district["policy"],
            "reason": "不再实施。",
            "approved_on": "2026-03-15",
        },
        headers=auth(tokens["admin"]),
    )
    url = f"/api/v1/decisions/{district['policy']}"
    etag = client.get(url).headers["ETag"]
    assert client.delete(url, headers={**auth(tokens["admin"]), "If-Match": etag}).status_code == 409


# --- Who sees what -----------------------------------------------------------------------------


@pytest.fixture
def entered(app, units, tokens, today):
    """A published 2025 catalogue with one item, and the draft 2026 catalogue with one item of each department."""
    factories.catalogue(2025)
    public = factories.decision(2025, title="已公布事项")
    factories.publish_catalogue(2025, published_on=dt.date(2025, 3, 1))
    factories.catalogue(2026)
    fgw = factories.decision(2026, title="发改委未公布事项")
    jyj = factories.decision(2026, title="教育局未公布事项", lead_unit="jd-jyj")
    return {"public": public.id, "fgw": fgw.id, "jyj": jyj.id}


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        pytest.param(None, ["public"], id="anonymous"),
        pytest.param("partner", ["public"], id="partner"),
        pytest.param("editor", ["fgw", "public"], id="editor-of-jd-fgw"),
        pytest.param("other_editor", ["jyj", "public"], id="editor-of-jd-jyj"),
        pytest.param("admin", ["fgw", "jyj", "public"], id="admin"),
    ],
)
def test_unpublished_decisions_are_seen_only_by_their_unit_and_admins(client, tokens, entered, caller, sees):
    headers = auth(tokens[caller] if caller else None)
    listed = client.get("/api/v1/decisions", headers=headers)
    assert ids(listed) == [entered[name] for name in sees]
    assert pagination(listed)["total"] == len(sees)
    for name, decision_id in entered.items():
        response = client.get(f"/api/v1/decisions/{decision_id}", headers=headers)
        assert response.status_code == (200 if name in sees else 404), name
        if response.status_code == 404:
            assert response.mimetype == PROBLEM
            assert "教育局" not in response.get_data(as_text=True) and "发改委" not in response.get_data(as_text=True)
    # Filters and search never reveal what the list hides.
    assert ids(client.get("/api/v1/decisions?q=未公布", headers=headers)) == [
        entered[name] for name in sees if name != "public"
    ]
    assert ids(client.get("/api/v1/decisions?year=2026", headers=headers)) == [
        entered[name] for name in sees if name != "public"
    ]


def test_editor_sees_its_units_unpublished_items_in_a_draft_catalogue(client, tokens, entered):
    items = client.get("/api/v1/catalogues/2026", headers=auth(tokens["editor"])).get_json()["items"]
    assert [i["id"] for i in items] == [entered["fgw"]]
    items = client.get("/api/v1/catalogues/2026", headers=auth(tokens["admin"])).get_json()["items"]
    assert [i["id"] for i in items] == [entered["fgw"], entered["jyj"]]


def test_unpublished_item_stays_out_of_a_published_catalogue(client, tokens, entered):
    late = factories.decision(2025, title="目录公布后录入的事项")
    items = client.get("/api/v1/catalogues/2025").get_json()["items"]
    assert [i["id"] for i in items] == [entered["public"]]
    assert client.get(f"/api/v1/decisions/{late.id}").status_code == 404


def test_editor_cannot_patch_another_units_unpublished_decision(client, tokens, entered):
    # It does not exist as far as that editor can tell.
    response = client.patch(
        f"/api/v1/decisions/{entered['jyj']}",
        json={"summary": "x"},
        headers={**auth(tokens["editor"]), "If-Match": '"x"'},
    )
    assert response.status_code == 404

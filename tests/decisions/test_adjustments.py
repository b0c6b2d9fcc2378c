"""Adjustments of a published catalogue: add, modify, postpone, withdraw, carry over."""

import datetime as dt
import json

import pytest

from tests import factories
from tests.conftest import auth

PROBLEM = "application/problem+json"
PROBLEMS = "https://juece.example/problems/"


@pytest.fixture
def published(app, units, tokens, today):
    """The 2026 catalogue published on 10 March with one item; today is 20 June 2026."""
    factories.catalogue(2026)
    decision = factories.decision(2026, planned_completion="2026-Q3")
    today(dt.date(2026, 3, 10))
    factories.publish_catalogue(2026, published_on=dt.date(2026, 3, 10))
    today(dt.date(2026, 6, 20))
    return decision


def adjust(client, token, year=2026, **body):
    body.setdefault("reason", "经区政府常务会议研究同意。")
    body.setdefault("approved_on", "2026-06-15")
    body.setdefault("published_on", "2026-06-18")
    return client.post(f"/api/v1/catalogues/{year}/adjustments", json=body, headers=auth(token))


def decision_as(client, decision_id, token=None):
    return client.get(f"/api/v1/decisions/{decision_id}", headers=auth(token))


def test_add_adjustment_makes_an_entered_decision_public(client, tokens, published):
    late = factories.decision(2026, title="嘉定区新城建设三年行动计划", category="plan")
    assert decision_as(client, late.id).status_code == 404
    catalogue = client.get("/api/v1/catalogues/2026").get_json()
    assert [i["id"] for i in catalogue["items"]] == [published.id]

    response = adjust(client, tokens["admin"], type="add", decision_id=late.id)
    assert response.status_code == 201
    assert (
        response.headers["Location"]
        == f"http://localhost/api/v1/catalogues/2026/adjustments/{response.get_json()['id']}"
    )
    body = response.get_json()
    assert body["type"] == "add"
    assert body["decision_id"] == late.id
    assert body["published_on"] == "2026-06-18"
    assert body["_links"]["decision"] == {"href": f"http://localhost/api/v1/decisions/{late.id}"}

    shown = decision_as(client, late.id)
    assert shown.status_code == 200
    assert shown.get_json()["catalogued_on"] == "2026-06-18"
    assert shown.get_json()["adjustment"] == "added"
    catalogue = client.get("/api/v1/catalogues/2026").get_json()
    assert [i["id"] for i in catalogue["items"]] == [published.id, late.id]
    assert [a["type"] for a in catalogue["adjustments"]] == ["add"]


def test_add_adjustment_refuses_a_decision_already_in_the_catalogue(client, tokens, published):
    response = adjust(client, tokens["admin"], type="add", decision_id=published.id)
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "adjustment-not-applicable"


@pytest.mark.parametrize("kind", ["modify", "postpone", "withdraw", "carry_over"])
def test_adjustment_other_than_add_needs_a_catalogued_decision(client, tokens, published, kind):
    late = factories.decision(2026, title="未列入目录的事项")
    response = adjust(
        client,
        tokens["admin"],
        type=kind,
        decision_id=late.id,
        planned_completion="2026-Q4",
        changes={"title": "新标题"},
    )
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "adjustment-not-applicable"
    assert decision_as(client, late.id).status_code == 404


def test_modify_adjustment_changes_catalogue_columns_and_records_them(client, tokens, published):
    response = adjust(
        client,
        tokens["admin"],
        type="modify",
        decision_id=published.id,
        changes={"title": "嘉定区促进民营经济高质量发展若干措施（修订）", "hearing_required": True},
    )
    assert response.status_code == 201
    assert response.get_json()["changes"] == {
        "title": ["嘉定区促进民营经济高质量发展若干措施", "嘉定区促进民营经济高质量发展若干措施（修订）"],
        "hearing_required": [False, True],
    }
    body = decision_as(client, published.id).get_json()
    assert body["title"] == "嘉定区促进民营经济高质量发展若干措施（修订）"
    assert body["hearing_required"] is True
    assert body["adjustment"] == "modified"


def test_modify_adjustment_needs_changes(client, tokens, published):
    for changes in (None, {}, {"title": "嘉定区促进民营经济高质量发展若干措施"}):
        body = {"type": "modify", "decision_id": published.id}
        if changes is not None:
            body["changes"] = changes
        response = adjust(client, tokens["admin"], **body)
        assert response.status_code == 422, changes
        assert response.mimetype == PROBLEM
        assert "changes" in response.get_json()["errors"]["json"]
    assert decision_as(client, published.id).get_json()["adjustment"] is None


def test_modify_adjustment_refuses_unknown_units(client, tokens, published):
    response = adjust(
        client, tokens["admin"], type="modify", decision_id=published.id, changes={"co_units": ["jd-nowhere"]}
    )
    assert response.status_code == 422
    assert "co_units" in response.get_json()["errors"]["json"]


def test_modify_adjustment_keeps_the_lead_unit_out_of_the_co_units(client, tokens, published):
    response = adjust(
        client, tokens["admin"], type="modify", decision_id=published.id, changes={"co_units": ["jd-jyj", "jd-fgw"]}
    )
    assert response.status_code == 422
    assert "co_units" in response.get_json()["errors"]["json"]
    assert decision_as(client, published.id).get_json()["co_units"] == []


def test_postpone_adjustment_sets_a_later_planned_completion(client, tokens, published):
    response = adjust(client, tokens["admin"], type="postpone", decision_id=published.id, planned_completion="2027-03")
    assert response.status_code == 201
    assert response.get_json()["changes"] == {"planned_completion": ["2026-Q3", "2027-03"]}
    body = decision_as(client, published.id).get_json()
    assert body["planned_completion"] == "2027-03"
    assert body["planned_completion_precision"] == "month"
    assert body["planned_completion_by"] == "2027-03-31"
    assert body["adjustment"] == "postponed"


@pytest.mark.parametrize(
    "planned_completion",
    [
        pytest.param("2026-Q3", id="the-same-period"),
        pytest.param("2026-09-30", id="the-same-last-day"),
        pytest.param("2026-06", id="earlier"),
    ],
)
def test_postpone_adjustment_needs_a_later_planned_completion(client, tokens, published, planned_completion):
    response = adjust(
        client, tokens["admin"], type="postpone", decision_id=published.id, planned_completion=planned_completion
    )
    assert response.status_code == 422
    assert "planned_completion" in response.get_json()["errors"]["json"]
    assert decision_as(client, published.id).get_json()["planned_completion"] == "2026-Q3"


def test_postpone_adjustment_needs_a_planned_completion(client, tokens, published):
    response = adjust(client, tokens["admin"], type="postpone", decision_id=published.id)
    assert response.status_code == 422
    assert "planned_completion" in response.get_json()["errors"]["json"]


def test_postpone_adjustment_refuses_a_malformed_planned_completion(client, tokens, published):
    response = adjust(client, tokens["admin"], type="postpone", decision_id=published.id, planned_completion="2026-Q5")
    assert response.status_code == 422
    assert "planned_completion" in response.get_json()["errors"]["json"]


def test_withdraw_adjustment_withdraws_the_decision(client, tokens, published):
    response = adjust(client, tokens["admin"], type="withdraw", decision_id=published.id)
    assert response.status_code == 201
    body = decision_as(client, published.id).get_json()
    assert body["state"] == "withdrawn"
    assert body["adjustment"] == "withdrawn"
    # Withdrawn, the item stays in the public catalogue, marked so.
    items = client.get("/api/v1/catalogues/2026").get_json()["items"]
    assert [(i["id"], i["state"], i["adjustment"]) for i in items] == [(published.id, "withdrawn", "withdrawn")]


@pytest.mark.parametrize("kind", ["add", "modify", "postpone", "withdraw", "carry_over"])
def test_withdrawn_decision_takes_no_further_adjustment(client, tokens, published, kind):
    assert adjust(client, tokens["admin"], type="withdraw", decision_id=published.id).status_code == 201
    response = adjust(
        client,
        tokens["admin"],
        type=kind,
        decision_id=published.id,
        planned_completion="2026-Q4",
        changes={"title": "新标题"},
    )
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "decision-withdrawn"


def test_withdrawn_decision_is_not_patched(client, tokens, published):
    assert adjust(client, tokens["admin"], type="withdraw", decision_id=published.id).status_code == 201
    etag = decision_as(client, published.id).headers["ETag"]
    response = client.patch(
        f"/api/v1/decisions/{published.id}",
        json={"summary": "补充说明"},
        headers={**auth(tokens["admin"]), "If-Match": etag},
    )
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEMS + "decision-withdrawn"


def test_carry_over_adjustment_marks_the_decision_carried_over(client, tokens, published):
    response = adjust(client, tokens["admin"], type="carry_over", decision_id=published.id)
    assert response.status_code == 201
    assert response.get_json()["changes"] == {}
    body = decision_as(client, published.id).get_json()
    assert body["adjustment"] == "carried_over"
    assert body["state"] == "initiated"
    assert body["catalogued_on"] == "2026-03-10"


def test_adjustment_on_a_draft_catalogue_is_refused(client, tokens, today):
    factories.catalogue(2027)
    decision = factories.decision(2027)
    response = adjust(client, tokens["admin"], year=2027, type="add", decision_id=decision.id)
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert response.get_json()["type"] == PROBLEMS + "catalogue-not-published"


def test_adjustment_of_a_decision_of_another_year_is_refused(client, tokens, published):
    factories.catalogue(2027)
    other_year = factories.decision(2027)
    response = adjust(client, tokens["admin"], type="add", decision_id=other_year.id)
    assert response.status_code == 422
    assert "decision_id" in response.get_json()["errors"]["json"]


def test_adjustment_of_an_unknown_decision_is_refused(client, tokens, published):
    response = adjust(client, tokens["admin"], type="withdraw", decision_id=999999)
    assert response.status_code == 422
    assert "decision_id" in response.get_json()["errors"]["json"]


def test_adjustment_of_an_unknown_catalogue_is_404(client, tokens, published):
    response = adjust(client, tokens["admin"], year=2030, type="withdraw", decision_id=published.id)
    assert response.status_code == 404


def test_adjustment_is_approved_before_it_is_published(client, tokens, published):
    response = adjust(
        client,
        tokens["admin"],
        type="withdraw",
        decision_id=published.id,
        approved_on="2026-06-19",
        published_on="2026-06-18",
    )
    assert response.status_code == 422
    assert "approved_on" in response.get_json()["errors"]["json"]


def test_adjustment_publication_day_cannot_lie_in_the_future(client, tokens, published):
    response = adjust(client, tokens["admin"], type="withdraw", decision_id=published.id, published_on="2026-06-21")
    assert response.status_code == 422
    assert "published_on" in response.get_json()["errors"]["json"]


def test_adjustment_is_published_today_by_default(client, tokens, published):
    response = client.post(
        "/api/v1/catalogues/2026/adjustments",
        json={
            "type": "carry_over",
            "decision_id": published.id,
            "reason": "转入下一年度。",
            "approved_on": "2026-06-15",
        },
        headers=auth(tokens["admin"]),
    )
    assert response.status_code == 201
    assert response.get_json()["published_on"] == "2026-06-20"


def test_adjustment_needs_type_decision_reason_and_approval_day(client, tokens, published):
    response = client.post("/api/v1/catalogues/2026/adjustments", json={"type": "merge"}, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"type", "decision_id", "reason", "approved_on"}


def test_adjustments_are_listed_oldest_first_and_shown_one_by_one(client, tokens, published):
    first = adjust(client, tokens["admin"], type="postpone", decision_id=published.id, planned_completion="2026-Q4")
    second = adjust(client, tokens["admin"], type="carry_over", decision_id=published.id)
    response = client.get("/api/v1/catalogues/2026/adjustments")
    assert response.status_code == 200
    assert [a["id"] for a in response.get_json()] == [first.get_json()["id"], second.get_json()["id"]]
    assert json.loads(response.headers["X-Pagination"])["total"] == 2

    item = client.get(f"/api/v1/catalogues/2026/adjustments/{first.get_json()['id']}")
    assert item.status_code == 200
    assert item.headers["ETag"]
    assert item.get_json() == first.get_json()


def test_adjustment_of_another_catalogue_is_404(client, tokens, published):
    factories.catalogue(2025, published_on=dt.date(2025, 3, 1))
    adjustment_id = adjust(client, tokens["admin"], type="carry_over", decision_id=published.id).get_json()["id"]
    assert client.get(f"/api/v1/catalogues/2025/adjustments/{adjustment_id}").status_code == 404
    assert client.get("/api/v1/catalogues/2026/adjustments/999999").status_code == 404

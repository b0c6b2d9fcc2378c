"""One decision as an OCDS record (ADR 0019): every published version of each stage as a
release, the compiled release of where it stands; only a public decision; a cheap 304."""

import datetime as dt

import orjson
import pytest
import sqlalchemy as sa

from core.extensions import db
from decisions.models import Decision
from decisions.records import services as records
from decisions.records.models import Draft
from tests import factories
from tests.conftest import auth
from tests.decisions.test_statement_counts import statements

PROBLEM = "application/problem+json"


@pytest.fixture
def decision(app, units, tokens, today):
    """A public decision with a background (published, then corrected), two drafts (the second
    withdrawn), a consultation on the first and a published review; beside it another public
    decision, and one not yet public."""
    today(dt.date(2026, 6, 20))
    made, consultation = factories.consulted_decision()
    admin = factories.admin()
    background = factories.background(made)
    records.correct(records.BACKGROUND, background, by=admin, reason="更正笔误。", necessity="更正后的背景说明。")
    second = factories.draft(made, kind="review_draft", title="送审稿", published_on=dt.date(2026, 5, 20))
    records.withdraw(records.DRAFT, second, by=admin, reason="草案有误，予以撤回。")
    factories.review(made, published_on=dt.date(2026, 6, 2))
    factories.draft(made, published_on=None)  # unpublished: never in the record
    other = factories.catalogued_decision(lead_unit="jd-jyj", title="嘉定区义务教育学校布局规划")
    factories.background(other)
    factories.catalogue(2027)
    hidden = factories.decision(2027, title="尚未公开的事项")
    return {"id": made.id, "consultation": consultation.id, "other": other.id, "hidden": hidden.id}


def _record(client, decision_id, **headers):
    response = client.get(f"/api/v1/decisions/{decision_id}/record", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response


def _lines(client, path) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200
    return [orjson.loads(line) for line in response.get_data().splitlines()]


def test_each_release_is_a_row_of_the_records_export(client, decision):
    body = _record(client, decision["id"]).get_json()
    exported = [row for row in _lines(client, "/api/v1/exports/records.jsonl") if row["decision_id"] == decision["id"]]
    # The records export's rows of this decision, field by field, in the same order.
    assert [{**release["entry"], "document": release["document"]} for release in body["releases"]] == exported
    ocid = f"ocds-juece-{decision['id']}"
    assert body["ocid"] == ocid
    assert [release["id"] for release in body["releases"]] == [f"{ocid}-{row['seq']}" for row in exported]
    assert {release["ocid"] for release in body["releases"]} == {ocid}
    assert {release["initiationType"] for release in body["releases"]} == {"tender"}
    # Of the other decision, nothing.
    assert all(release["entry"]["decision_id"] == decision["id"] for release in body["releases"])


def test_the_releases_are_the_timelines_stage_entries(client, decision):
    body = _record(client, decision["id"]).get_json()
    timeline = client.get(f"/api/v1/decisions/{decision['id']}/timeline").get_json()
    stage_types = {
        "background_published",
        "draft_published",
        "consultation_opened",
        "review_completed",
        "correction",
        "withdrawn",
    }
    assert sorted(r["entry"]["seq"] for r in body["releases"]) == sorted(
        e["seq"] for e in timeline["entries"] if e["type"] in stage_types
    )
    by_seq = {e["seq"]: e for e in timeline["entries"]}
    for release in body["releases"]:
        entry = by_seq[release["entry"]["seq"]]
        assert {k: release["entry"][k] for k in entry} == entry
        assert release["date"] == release["entry"]["recorded_at"]


def test_stages_map_to_ocds_tags(client, decision):
    releases = _record(client, decision["id"]).get_json()["releases"]
    tags = [(r["stage"], r["entry"]["type"], r["tag"]) for r in releases]
    assert tags == [
        ("draft", "draft_published", ["planning"]),
        ("consultation", "consultation_opened", ["tender"]),
        ("background", "background_published", ["planning"]),
        ("background", "correction", ["planningUpdate"]),
        ("draft", "draft_published", ["planning"]),
        ("draft", "withdrawn", ["planningUpdate"]),
        ("review", "review_completed", ["planning"]),
    ]


def test_a_correction_replaces_the_version_it_corrects_and_both_are_released(client, decision):
    body = _record(client, decision["id"]).get_json()
    original, correction = [r for r in body["releases"] if r["stage"] == "background"]
    assert original["standing"] == "superseded" and original["amends"] is None
    assert correction["standing"] == "current" and correction["amends"] == original["id"]
    assert correction["entry"]["reason"] == "更正笔误。"
    assert original["document"]["necessity"] != "更正后的背景说明。"
    assert correction["document"]["necessity"] == "更正后的背景说明。"
    [compiled] = body["compiledRelease"]["stages"]["background"]
    assert compiled == {
        "release": correction["id"],
        "seq": correction["entry"]["seq"],
        "title": correction["entry"]["title"],
        "occurred_on": correction["entry"]["occurred_on"],
        "href": correction["entry"]["href"],
        "document": correction["document"],
    }
    # The compiled version is what the record's own URL answers now.
    live = client.get(compiled["href"]).get_json()
    assert live["necessity"] == "更正后的背景说明。"


def test_a_withdrawn_version_is_released_marked_and_never_compiled(client, decision):
    body = _record(client, decision["id"]).get_json()
    drafts = [r for r in body["releases"] if r["stage"] == "draft"]
    first, second, withdrawal = drafts
    assert first["standing"] == "current"
    assert second["standing"] == "withdrawn" and second["document"]["title"] == "送审稿"
    assert withdrawal["standing"] == "withdrawn" and withdrawal["amends"] == second["id"]
    assert withdrawal["document"] is None and withdrawal["entry"]["reason"] == "草案有误，予以撤回。"
    compiled = body["compiledRelease"]
    assert [v["release"] for v in compiled["stages"]["draft"]] == [first["id"]]
    assert "送审稿" not in orjson.dumps(compiled).decode()
    assert [v["release"] for v in compiled["stages"]["consultation"]] == [
        r["id"] for r in body["releases"] if r["stage"] == "consultation"
    ]
    assert compiled["stages"]["consultation"][0]["document"] is None  # not frozen: read it at href
    assert len(compiled["stages"]["review"]) == 1
    assert compiled["stages"]["result"] == [] and compiled["stages"]["meeting"] == []
    assert compiled["tag"] == ["compiled"] and compiled["date"] == body["releases"][-1]["date"]
    assert compiled["decision"]["id"] == decision["id"]


def test_the_compiled_stages_agree_with_the_decisions_export(client, decision):
    compiled = _record(client, decision["id"]).get_json()["compiledRelease"]["stages"]
    [row] = [r for r in _lines(client, "/api/v1/exports/decisions.jsonl") if r["id"] == decision["id"]]
    # Each stage's newest current version is the link the export gives it.
    assert row["stage_links"]["background_published"] == compiled["background"][-1]["href"]
    assert row["stage_links"]["consultation_opened"] == compiled["consultation"][-1]["href"]
    assert row["stage_links"]["review_completed"] == compiled["review"][-1]["href"]


def test_a_decision_not_public_is_404(client, decision, tokens):
    for decision_id in (decision["hidden"], 999_999):
        for headers in ({}, auth(tokens["admin"])):
            response = client.get(f"/api/v1/decisions/{decision_id}/record", headers=headers)
            assert response.status_code == 404
            assert response.mimetype == PROBLEM
            assert response.get_json()["status"] == 404


def test_a_public_decision_with_no_stage_yet_has_an_empty_record(client, decision):
    made = factories.catalogued_decision(title="嘉定区新列入的事项")
    body = _record(client, made.id).get_json()
    assert body["releases"] == []
    assert body["compiledRelease"]["date"] is None
    assert all(versions == [] for versions in body["compiledRelease"]["stages"].values())


def test_a_mirror_asks_cheaply_and_learns_of_a_change(client, decision):
    path = f"/api/v1/decisions/{decision['id']}/record"
    first = _record(client, decision["id"])
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    with statements() as sent:
        again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert len(sent) == 1  # the validators' lookup, no entry read
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    # Another decision's publication changes nothing here.
    factories.draft(db.session.get(Decision, decision["other"]), published_on=dt.date(2026, 6, 19))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    # This decision's does.
    factories.interpretation(db.session.get(Decision, decision["id"]), published_on=dt.date(2026, 6, 19))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["compiledRelease"]["stages"]["interpretation"][0]["title"]
    assert changed.get_json()["releases"][-1]["tag"] == ["implementation"]


def test_the_record_is_two_statements_whatever_the_decision_holds(client, decision):
    path = f"/api/v1/decisions/{decision['id']}/record"
    with statements() as before:
        client.get(path)
    made = db.session.get(Decision, decision["id"])
    admin = factories.admin()
    for n in range(5):
        draft = factories.draft(made, title=f"第{n}稿", published_on=dt.date(2026, 6, 10))
        records.withdraw(records.DRAFT, draft, by=admin, reason="撤回。")
    with statements() as after:
        body = client.get(path).get_json()
    assert len(body["releases"]) == 7 + 10
    assert len(before) == len(after) == 2


def test_the_ocid_prefix_is_a_setting(app, client, decision):
    app.config["OCDS_PREFIX"] = "ocds-a1b2c3-"
    body = _record(client, decision["id"]).get_json()
    assert body["ocid"] == f"ocds-a1b2c3-{decision['id']}"
    assert body["releases"][0]["id"].startswith(f"ocds-a1b2c3-{decision['id']}-")


def test_unpublished_drafts_never_appear(client, decision):
    unpublished = db.session.scalars(
        sa.select(Draft).where(Draft.decision_id == decision["id"], Draft.published_on.is_(None))
    ).one()
    body = _record(client, decision["id"]).get_data(as_text=True)
    assert f"/drafts/{unpublished.version}" not in body

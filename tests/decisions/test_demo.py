import datetime as dt

import sqlalchemy as sa
from flask import g

from core import calendar
from core.audit import AuditEntry
from core.extensions import db
from tests import factories

CATEGORIES = {"public_policy", "plan", "resource_policy", "public_project", "other"}


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def row_counts() -> dict:
    """Rows in every table, read on a fresh connection (not the test's own session)."""
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_demo_loads_a_district_with_its_2026_catalogue(app, client):
    assert "created" in run(app)

    units = client.get("/api/v1/units?page_size=100").get_json()
    assert len(units) >= 15
    assert {u["kind"] for u in units} == {"government", "department", "town", "street"}
    assert {"jd-gov", "jd-fgw", "jd-jyj"} <= {u["code"] for u in units}

    decisions = client.get("/api/v1/decisions?year=2026&page_size=100").get_json()
    assert len(decisions) >= 10
    assert {d["category"] for d in decisions} == CATEGORIES
    assert len({d["lead_unit"] for d in decisions}) >= 8
    assert {d["planned_completion_precision"] for d in decisions} == {"year", "quarter", "month", "day"}
    assert any(d["enterprise_related"] for d in decisions)
    assert any(d["hearing_required"] for d in decisions)
    assert all(d["summary"] and d["legal_basis"] and d["procedures"] for d in decisions)

    catalogue = client.get("/api/v1/catalogues/2026").get_json()
    assert catalogue["title"] == "嘉定区人民政府2026年度重大行政决策事项目录"
    assert catalogue["issuer_unit"] == "jd-gov"
    assert catalogue["status"] == "published"
    assert catalogue["party_consent_on"] == "2026-02-24"
    assert catalogue["published_on"] == "2026-03-16"
    assert catalogue["doc_number"] == "嘉府发〔2026〕6号"
    assert catalogue["on_time"] is True

    adjustments = {a["type"]: a for a in catalogue["adjustments"]}
    assert set(adjustments) == {"add", "modify", "postpone", "withdraw"}
    for adjustment in adjustments.values():
        approved = dt.date.fromisoformat(adjustment["approved_on"])
        assert adjustment["reason"]
        assert dt.date(2026, 3, 16) < approved <= dt.date.fromisoformat(adjustment["published_on"]) <= calendar.today()
    by_id = {d["id"]: d for d in decisions}
    added = by_id[adjustments["add"]["decision_id"]]
    assert added["adjustment"] == "added" and added["catalogued_on"] == adjustments["add"]["published_on"]
    postponed = by_id[adjustments["postpone"]["decision_id"]]
    assert postponed["adjustment"] == "postponed"
    assert adjustments["postpone"]["changes"]["planned_completion"][1] == postponed["planned_completion"]
    assert by_id[adjustments["modify"]["decision_id"]]["adjustment"] == "modified"
    assert adjustments["modify"]["changes"]
    assert by_id[adjustments["withdraw"]["decision_id"]]["state"] == "withdrawn"


def test_demo_loads_a_2025_catalogue_with_items_carried_over(app, client):
    run(app)
    catalogues = client.get("/api/v1/catalogues").get_json()
    assert [c["year"] for c in catalogues] == [2026, 2025]
    catalogue = client.get("/api/v1/catalogues/2025").get_json()
    assert catalogue["on_time"] is True
    carried = [a for a in catalogue["adjustments"] if a["type"] == "carry_over"]
    assert carried
    decisions_2025 = client.get("/api/v1/decisions?year=2025&page_size=100").get_json()
    titles_2026 = {d["title"] for d in client.get("/api/v1/decisions?year=2026&page_size=100").get_json()}
    assert len(decisions_2025) >= 3
    for adjustment in carried:
        decision = next(d for d in decisions_2025 if d["id"] == adjustment["decision_id"])
        assert decision["adjustment"] == "carried_over"
        assert decision["title"] in titles_2026


def test_the_audit_log_names_the_demo_loader(app):
    run(app)
    actors = set(db.session.scalars(sa.select(AuditEntry.actor).distinct()))
    assert actors == {"demo"}
    # The loader's actor stays in its own context: it does not leak into the caller's.
    assert "actor" not in g


def test_a_second_run_changes_nothing(app):
    run(app)
    before = row_counts()
    assert before["units"] >= 15 and before["catalogue_adjustments"] >= 6 and before["audit_log"] > 0
    assert "nothing to create" in run(app)
    assert row_counts() == before


def test_demo_fills_in_what_is_missing(app, units):
    """Units that exist already (same code) are kept; the rest is loaded."""
    assert "created" in run(app)
    counts = row_counts()
    assert counts["catalogues"] == 2
    assert counts["units"] >= 15


def test_if_empty_loads_an_empty_database(app):
    assert "created" in run(app, "--if-empty")
    assert row_counts()["decisions"] >= 10


def test_if_empty_does_nothing_on_a_database_with_units(app):
    factories.district_units()
    before = row_counts()
    assert "not loaded" in run(app, "--if-empty")
    assert row_counts() == before
    assert before["catalogues"] == 0

"""The yearly assessment: a frozen, scored snapshot of a year's compliance, published through the
public record by 31 March of the next year, corrected only by a new version with a reason."""

import csv
import datetime as dt
import io
import threading

import pytest
import sqlalchemy as sa

from consultation.assessments import rules
from consultation.assessments.models import Assessment
from core import calendar
from core.chain import verifying
from core.errors import PROBLEM_BASE
from core.extensions import db
from core.publication import PublicRecordEntry
from decisions.models import Decision
from decisions.units import services as unit_services
from opendata import assessments as sheets
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == PROBLEM_BASE + slug
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": D("2026-03-20")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def year(app, units, tokens, today):
    """2025: a catalogue published on time; jd-fgw holds a 30-day consultation and one of 15
    days without a reason; jd-jyj holds nothing."""
    f1, f2 = factories.catalogued_decisions([{}, {}], year=2025, published_on=D("2025-03-16"))
    good = factories.consultation(f1, opens_on=D("2025-06-01"), closes_on=D("2025-06-30"))
    short = factories.consultation(f2, opens_on=D("2025-07-01"), closes_on=D("2025-07-15"), shortened_reason="临时")
    short.shortened_reason = None  # from before the rule, as test_compliance's
    db.session.commit()
    return {"good": good, "short": short}


def _take(client, tokens, year=2025, **body):
    return client.post(f"/api/v1/assessments/{year}", json=body, headers=auth(tokens["admin"]))


def _publish(client, tokens, year=2025, **body):
    return client.post(f"/api/v1/assessments/{year}/publish", json=body, headers=auth(tokens["admin"]))


def _unit(body, code):
    return next(u for u in body["units"] if u["unit"] == code)


# --- Scoring: one rule at a time ---------------------------------------------------------------


def _figures(**sections):
    return sections


def _score(figures, **rules_given):
    return rules.score(figures, rules.rule_set(**rules_given))


def test_the_default_weights_add_up_to_100_and_the_performance_weight_is_4():
    assert sum(rules.DEFAULT_WEIGHTS.values()) == 100
    assert rules.DEFAULT_PERFORMANCE_WEIGHT == rules.MIN_PERFORMANCE_WEIGHT == 4
    assert len(rules.DUTY_NAMES) == len(set(rules.DUTY_NAMES)) == 8


@pytest.mark.parametrize(
    "catalogue, expected",
    [
        ({"on_time": True, "published_on": "2025-03-16", "path": "/catalogues/2025"}, (1.0, True)),
        ({"on_time": False, "published_on": "2025-04-02", "path": "/catalogues/2025"}, (0.0, False)),
        ({"on_time": None, "published_on": None, "path": "/catalogues/2026"}, None),  # still due
        (None, None),
    ],
)
def test_the_catalogue_is_published_by_31_march(catalogue, expected):
    duty = _score(_figures(catalogue=catalogue))["duties"]["catalogue_on_time"]
    if expected is None:
        assert duty["applies"] is False and duty["points"] is None
    else:
        assert (duty["rate"], duty["met"]) == expected
        assert duty["points"] == 10 * expected[0]


def test_a_units_own_catalogue_is_its_catalogue_duty():
    own = {"on_time": False, "published_on": "2026-04-03", "path": "/units/jd-anting/catalogues/2026"}
    duty = _score(_figures(own_catalogue=own))["duties"]["catalogue_on_time"]
    assert (duty["rate"], duty["met"], duty["records"]) == (0.0, False, {"catalogue": [own["path"]]})
    assert _score(_figures(own_catalogue=None))["duties"]["catalogue_on_time"]["applies"] is False


def test_consultations_last_30_days_or_give_a_reason():
    figures = {"total": 4, "compliant": 3, "non_compliant": 1, "records": {"non_compliant": ["/consultations/9"]}}
    duty = _score(_figures(consultations=figures))["duties"]["consultation_window"]
    assert (duty["value"], duty["rate"], duty["met"], duty["points"]) == ("3/4", 0.75, False, 11.25)
    assert duty["records"]["non_compliant"] == ["/consultations/9"]
    assert (
        _score(_figures(consultations={"total": 0, "compliant": 0}))["duties"]["consultation_window"]["applies"]
        is False
    )


def test_adoption_reports_on_time_count_those_due_only():
    figures = {"on_time": 1, "late": 1, "overdue": 0, "pending": 5}
    duty = _score(_figures(adoption_reports=figures))["duties"]["adoption_report_on_time"]
    assert (duty["value"], duty["rate"], duty["met"]) == ("1/2", 0.5, False)
    assert (
        _score(_figures(adoption_reports={"on_time": 0, "late": 0, "overdue": 0, "pending": 2}))["duties"][
            "adoption_report_on_time"
        ]["applies"]
        is False
    )


def test_questions_declined_in_time_kept_the_deadline():
    figures = {"on_time": 2, "declined": 1, "late": 0, "overdue": 1, "pending": 3}
    duty = _score(_figures(inquiries=figures))["duties"]["inquiries_answered_on_time"]
    assert (duty["value"], duty["rate"], duty["met"]) == ("3/4", 0.75, False)


@pytest.mark.parametrize("count, rate, met", [(0, 0.0, False), (2, 0.6667, False), (3, 1.0, True), (5, 1.0, True)])
def test_stakeholders_are_invited_to_three_meetings_a_year(count, rate, met):
    figures = {"count": count, "required": 3, "met": count >= 3, "records": {"meetings": []}}
    duty = _score(_figures(invited_meetings=figures))["duties"]["invited_attendance"]
    assert (duty["rate"], duty["met"]) == (rate, met)


def test_the_rule_of_three_is_no_duty_of_the_district_row():
    figures = {"count": 7, "required": None, "met": None}
    assert _score(_figures(invited_meetings=figures))["duties"]["invited_attendance"]["applies"] is False


def test_enterprises_are_heard_before_the_meeting():
    duty = _score(_figures(enterprise_hearing={"deliberated": 2, "heard": 2, "not_heard": 0}))["duties"][
        "enterprise_hearing"
    ]
    assert (duty["rate"], duty["met"]) == (1.0, True)


def test_policy_documents_are_interpreted():
    figures = {"documents": 4, "interpreted": 1, "multi_form": 0, "multi_form_rate": 0.0, "threshold": 0.6}
    duty = _score(_figures(interpretations=figures))["duties"]["policy_documents_interpreted"]
    assert (duty["value"], duty["rate"], duty["met"]) == ("1/4", 0.25, False)


@pytest.mark.parametrize(
    "multi_form, interpreted, rate, met",
    [(3, 5, 1.0, True), (2, 5, 0.6667, False), (5, 5, 1.0, True), (0, 2, 0.0, False)],
)
def test_the_multi_form_rate_reaches_60_percent_inclusive(multi_form, interpreted, rate, met):
    figures = {
        "documents": interpreted,
        "interpreted": interpreted,
        "multi_form": multi_form,
        "multi_form_rate": round(multi_form / interpreted, 4),
        "threshold": 0.6,
    }
    duty = _score(_figures(interpretations=figures))["duties"]["multi_form_interpretation"]
    assert (duty["rate"], duty["met"]) == (rate, met)
    assert duty["value"] == round(multi_form / interpreted, 4)


def test_the_score_counts_the_duties_that_apply_and_the_performance_points_their_share():
    figures = _figures(
        consultations={"total": 2, "compliant": 1},  # 15 × 0.5
        inquiries={"on_time": 1, "declined": 0, "late": 0, "overdue": 0},  # 15 × 1
    )
    scored = _score(figures)
    assert scored["score"] == round(100 * 22.5 / 30, 2) == 75.0
    assert scored["performance_points"] == 3.0  # 75 % of 4
    assert _score(figures, performance_weight=6)["performance_points"] == 4.5
    weighted = _score(figures, weights={"consultation_window": 30})
    assert weighted["score"] == round(100 * 30 / 45, 2)
    assert _score({})["score"] is None and _score({})["performance_points"] is None


def test_a_duty_added_later_is_one_row(monkeypatch):
    """A duty other engineers add to compliance (open activities, say) scores with one row, and a
    report without its section scores as before."""

    def activities(figures):
        a = figures.get("open_activities")
        if a is None:
            return None
        return rules.Measure(value=a["held"], rate=1.0 if a["held"] else 0.0, met=bool(a["held"]), records={})

    monkeypatch.setattr(rules, "DUTIES", (*rules.DUTIES, rules.Duty("open_activities", "政府开放活动", 10, activities)))
    monkeypatch.setattr(rules, "DEFAULT_WEIGHTS", {**rules.DEFAULT_WEIGHTS, "open_activities": 10})
    figures = {"consultations": {"total": 1, "compliant": 1}}
    assert _score(figures)["score"] == 100.0
    assert _score({**figures, "open_activities": {"held": 0}})["score"] == round(100 * 15 / 25, 2)


# --- Taking and reading ------------------------------------------------------------------------


def test_the_admin_takes_a_draft_the_public_does_not_see(client, tokens, evaluator, year):
    body = _ok(_take(client, tokens), 201)
    assert (body["year"], body["version"], body["status"], body["taken_on"]) == (2025, 1, "draft", "2026-03-20")
    assert body["rules"] == {"weights": rules.DEFAULT_WEIGHTS, "performance_weight": 4}
    fgw = _unit(body, "jd-fgw")
    assert fgw["duties"]["consultation_window"]["value"] == "1/2"
    # Half the consultation points (7.5 of 15), none of the 10 for invited attendance (every
    # unit owes three meetings a year): 7.5 of 25, and that of the 4 performance points.
    assert fgw["score"] == 30.0 and fgw["performance_points"] == 1.2
    jyj = _unit(body, "jd-jyj")
    assert jyj["score"] == 0.0 and jyj["duties"]["consultation_window"]["applies"] is False
    assert body["district"]["duties"]["catalogue_on_time"]["met"] is True
    assert body["deadline"] == "pending" and body["due_on"] == "2026-03-31"

    assert client.get("/api/v1/assessments/2025").status_code == 404
    assert client.get("/api/v1/assessments/2025", headers=auth(tokens["editor"])).status_code == 404
    assert _ok(client.get("/api/v1/assessments")) == []
    as_evaluator = _ok(client.get("/api/v1/assessments/2025", headers=auth(evaluator)))
    assert as_evaluator["status"] == "draft" and as_evaluator["units"] == body["units"]
    listed = _ok(client.get("/api/v1/assessments", headers=auth(evaluator)))
    assert [(a["year"], a["version"], a["units"]) for a in listed] == [(2025, 1, None)]


def test_every_figure_links_the_records_behind_it(client, tokens, year):
    fgw = _unit(_ok(_take(client, tokens), 201), "jd-fgw")
    records = fgw["duties"]["consultation_window"]["records"]
    assert records["non_compliant"] == [{"href": f"http://localhost/api/v1/consultations/{year['short'].id}"}]
    assert records["compliant"] == [{"href": f"http://localhost/api/v1/consultations/{year['good'].id}"}]
    assert fgw["compliance"]["consultations"]["total"] == 2


def test_a_draft_is_taken_again_in_place(client, tokens, year):
    _ok(_take(client, tokens), 201)
    again = _ok(_take(client, tokens, weights={"consultation_window": 30}), 201)
    assert again["version"] == 1 and again["rules"]["weights"]["consultation_window"] == 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 1


@pytest.mark.parametrize("weight, status", [(4, 201), (4.0, 201), (5.5, 201), (3.99, 422), (0, 422)])
def test_the_performance_weight_is_at_least_4_points(client, tokens, year, weight, status):
    response = _take(client, tokens, performance_weight=weight)
    if status == 422:
        problem = _problem(response, 422, "assessment-weight-too-small")
        assert "performance_weight" in problem["errors"]["json"]
    else:
        assert _ok(response, 201)["rules"]["performance_weight"] == weight


def test_weights_name_known_duties_and_score_something(client, tokens, year):
    assert _take(client, tokens, weights={"no_such_duty": 5}).status_code == 422
    assert _take(client, tokens, weights={"catalogue_on_time": -1}).status_code == 422
    zero = dict.fromkeys(rules.DUTY_NAMES, 0)
    assert _take(client, tokens, weights=zero).status_code == 422


@pytest.mark.parametrize("assessed", [1999, 2027, 99999])
def test_a_year_not_begun_is_not_assessed(client, tokens, year, assessed):
    response = _take(client, tokens, year=assessed)
    assert response.status_code == 422 and "year" in response.get_json()["errors"]["path"]


def test_only_the_admin_takes_and_publishes(client, tokens, year):
    for token in (None, tokens["editor"], tokens["partner"]):
        assert client.post("/api/v1/assessments/2025", json={}, headers=auth(token)).status_code in (401, 403)
        assert client.post("/api/v1/assessments/2025/publish", json={}, headers=auth(token)).status_code in (401, 403)


# --- Publishing --------------------------------------------------------------------------------


def test_publishing_puts_it_in_the_public_record_and_the_chain(app, client, tokens, year, today):
    _ok(_take(client, tokens), 201)
    body = _ok(_publish(client, tokens, published_on="2026-03-20"))
    assert (body["status"], body["published_on"], body["deadline"]) == ("published", "2026-03-20", "on_time")

    public = _ok(client.get("/api/v1/assessments/2025"))
    assert public["units"] == body["units"] and public["versions"][0]["status"] == "published"
    changes = _ok(client.get("/api/v1/changes"))
    [entry] = [e for e in changes["entries"] if e["type"] == "assessment_published"]
    assert entry["href"] == "http://localhost/api/v1/assessments/2025/versions/1"
    assert _ok(client.get(entry["href"]))["version"] == 1
    with db.engine.connect() as connection:
        assert all(v.broken is None for v in verifying.verify_all(connection))


def test_a_published_assessment_is_not_published_again(client, tokens, year):
    _ok(_take(client, tokens), 201)
    _ok(_publish(client, tokens))
    _problem(_publish(client, tokens), 409, "assessment-published")
    assert _publish(client, tokens, year=2024).status_code == 404


def test_two_publications_at_once_publish_once(app, client, tokens, year):
    _ok(_take(client, tokens), 201)
    db.session.rollback()
    start, answers = threading.Barrier(2, timeout=10), []

    def one():
        other = app.test_client()
        start.wait()
        answers.append(_publish(other, tokens))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [200, 409]
    [refused] = [a for a in answers if a.status_code == 409]
    assert refused.get_json()["type"] == PROBLEM_BASE + "assessment-published"
    entries = sa.select(sa.func.count()).where(PublicRecordEntry.type == "assessment_published")
    assert db.session.scalar(entries) == 1


@pytest.mark.parametrize(
    "published_on, deadline",
    [("2026-03-31", "on_time"), ("2026-04-01", "late")],
)
def test_it_is_due_by_31_march_of_the_next_year(client, tokens, year, today, published_on, deadline):
    today["value"] = D("2026-03-30")
    _ok(_take(client, tokens), 201)
    today["value"] = D("2026-04-10")
    assert _ok(_publish(client, tokens, published_on=published_on))["deadline"] == deadline


def test_a_31_march_on_a_sunday_is_still_the_due_day(client, tokens, year, today):
    """The seed says "the first quarter": a calendar day, not a count of working days, so a due
    day on a weekend stays where it is (31 March 2024 was a Sunday)."""
    assert D("2024-03-31").isoweekday() == 7 and not calendar.is_working_day(D("2024-03-31"))[0]
    assert rules.due_on(2023) == D("2024-03-31")
    today["value"] = D("2024-03-31")
    _ok(_take(client, tokens, year=2023), 201)
    assert _ok(_publish(client, tokens, year=2023))["deadline"] == "on_time"
    today["value"] = D("2024-04-01")  # the Monday after: one day late, not the next working day
    _ok(_take(client, tokens, year=2023, reason="补录"), 201)
    assert _ok(_publish(client, tokens, year=2023))["deadline"] == "late"


def test_a_version_is_not_published_before_it_was_taken(client, tokens, year, today):
    _ok(_take(client, tokens), 201)
    response = _publish(client, tokens, published_on="2026-03-19")
    assert response.status_code == 422 and "published_on" in response.get_json()["errors"]["json"]
    assert _publish(client, tokens, published_on="2026-03-21").status_code == 422  # the future


def test_a_draft_past_its_due_day_is_overdue(client, tokens, year, today):
    assert _ok(_take(client, tokens), 201)["deadline"] == "pending"
    today["value"] = D("2026-04-01")
    assert _ok(client.get("/api/v1/assessments/2025", headers=auth(tokens["admin"])))["deadline"] == "overdue"


def test_the_snapshot_is_frozen_whatever_happens_after(client, tokens, year, today):
    _ok(_take(client, tokens), 201)
    published = _ok(_publish(client, tokens))
    factories.consultation(
        db.session.get(Decision, year["good"].decision_id), opens_on=D("2025-11-01"), closes_on=D("2025-11-30")
    )
    assert _ok(client.get("/api/v1/assessments/2025")) == published
    live = _ok(client.get("/api/v1/compliance?year=2025"))
    assert next(u for u in live["units"] if u["unit"] == "jd-fgw")["consultations"]["total"] == 3


# --- Append-only -------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_published_version(client, tokens, year):
    _ok(_take(client, tokens), 201)
    _ok(_publish(client, tokens))
    for statement in (
        "UPDATE assessments SET figures = '{}' WHERE year = 2025",
        "UPDATE assessments SET published_on = NULL WHERE year = 2025",
        "DELETE FROM assessments WHERE year = 2025",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(statement)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 1


def test_the_database_lets_a_draft_be_taken_again(client, tokens, year):
    _ok(_take(client, tokens), 201)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE assessments SET taken_on = '2026-03-19' WHERE year = 2025")
        connection.exec_driver_sql("DELETE FROM assessments WHERE year = 2025")


def test_a_correction_needs_a_reason(client, tokens, year):
    _ok(_take(client, tokens), 201)
    _ok(_publish(client, tokens))
    _problem(_take(client, tokens), 422, "correction-reason-missing")
    assert _take(client, tokens, reason="   ").status_code == 422
    problem = _problem(_take(client, tokens, weights={"consultation_window": 20}), 422, "correction-reason-missing")
    assert "reason" in problem["errors"]["json"]


def test_a_correction_is_a_new_version_that_amends_the_published_one(client, tokens, year, today):
    first = _ok(_take(client, tokens), 201)
    _ok(_publish(client, tokens, published_on="2026-03-20"))
    today["value"] = D("2026-03-25")
    second = _ok(_take(client, tokens, reason="补录一件征求意见", weights={"consultation_window": 20}), 201)
    assert (second["version"], second["status"], second["corrects_version"]) == (2, "draft", 1)
    # The public reads version 1 until the correction is published.
    assert _ok(client.get("/api/v1/assessments/2025"))["version"] == 1
    published = _ok(_publish(client, tokens))
    assert published["correction_reason"] == "补录一件征求意见"
    assert [(v["version"], v["status"]) for v in published["versions"]] == [(1, "published"), (2, "published")]
    assert _ok(client.get("/api/v1/assessments/2025"))["version"] == 2
    old = _ok(client.get("/api/v1/assessments/2025/versions/1"))
    assert old["units"] == first["units"] and old["rules"] == first["rules"]
    entries = db.session.scalars(
        sa.select(PublicRecordEntry)
        .where(PublicRecordEntry.type == "assessment_published")
        .order_by(PublicRecordEntry.seq)
    ).all()
    assert [e.amends_seq for e in entries] == [None, entries[0].seq]
    assert entries[1].reason == "补录一件征求意见"
    assert [a["version"] for a in _ok(client.get("/api/v1/assessments"))] == [2]


# --- The spreadsheet ---------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_unit_then_the_district(client, tokens, evaluator, year):
    _ok(_take(client, tokens), 201)
    assert client.get("/api/v1/assessments/2025.csv").status_code == 404
    rows = _sheet(client.get("/api/v1/assessments/2025.csv", headers=auth(evaluator)))
    assert [r["unit"] for r in rows] == ["jd-fgw", "jd-gov", "jd-jyj", "district"]
    assert list(rows[0]) == sheets.COLUMNS
    fgw = rows[0]
    assert (fgw["score"], fgw["consultation_window_value"], fgw["consultation_window_met"]) == ("30.0", "1/2", "false")
    _ok(_publish(client, tokens))
    assert _sheet(client.get("/api/v1/assessments/2025.csv?version=1"))[0]["status"] == "published"
    assert client.get("/api/v1/assessments/2025.csv?version=2").status_code == 404


def test_the_csv_neutralises_what_a_spreadsheet_would_run(client, tokens, year):
    unit_services.create_unit("jd-x", name='=HYPERLINK("http://evil.example","点击")', kind="town")
    _ok(_take(client, tokens), 201)
    _ok(_publish(client, tokens))
    rows = _sheet(client.get("/api/v1/assessments/2025.csv"))
    [x] = [r for r in rows if r["unit"] == "jd-x"]
    assert x["name"].startswith("'=")

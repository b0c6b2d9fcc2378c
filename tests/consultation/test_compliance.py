"""Compliance figures against a hand-built year whose right answers are stated here; and `tick`,
which marks what became overdue exactly once."""

import csv
import datetime as dt
import io
import threading

import pytest
import sqlalchemy as sa
from flask import g

from consultation import rules as consultation_rules
from consultation.compliance.services import CSV_COLUMNS
from consultation.consultations import services as consultation_services
from consultation.consultations.models import Consultation
from consultation.inquiries.models import Inquiry
from core import calendar, obligations, tick
from core.extensions import db
from core.publication import PublicRecordEntry
from decisions.catalogues import services as catalogue_services
from decisions.models import Catalogue, Decision
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat
TODAY = D("2026-12-10")  # a Thursday

# The right answers. Per unit and for the district:
# consultations (total, compliant, non_compliant); adoption reports (on_time, late, overdue,
# pending); inquiries (the same, and declined in time); meetings with invited stakeholders (count, met);
# enterprise-related decisions (deliberated, heard, not_heard).
EXPECTED = {
    "jd-fgw": {
        "consultations": (3, 2, 1),
        "adoption_reports": (1, 1, 1, 1),
        "inquiries": (1, 2, 1, 1, 1),
        "invited_meetings": (3, True),
        "enterprise_hearing": (1, 1, 0),
    },
    "jd-gov": {
        "consultations": (0, 0, 0),
        "adoption_reports": (0, 0, 0, 0),
        "inquiries": (0, 0, 0, 0, 0),
        "invited_meetings": (0, False),
        "enterprise_hearing": (0, 0, 0),
    },
    "jd-jyj": {
        "consultations": (2, 1, 1),
        "adoption_reports": (0, 1, 0, 1),
        "inquiries": (1, 0, 0, 2, 0),
        "invited_meetings": (2, False),
        "enterprise_hearing": (1, 0, 1),
    },
    "district": {
        "consultations": (5, 3, 2),
        "adoption_reports": (1, 2, 1, 2),
        "inquiries": (2, 2, 2, 3, 1),
        "invited_meetings": (3, None),  # the rule of three is per unit
        "enterprise_hearing": (2, 1, 1),
    },
}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def today(monkeypatch):
    day = {"value": TODAY}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


def _without_reason(consultation):
    """A short online window whose reason is not on record: the service refuses to create one
    today, but records from before the rule (imported from the old portal) have them."""
    consultation.shortened_reason = None
    db.session.commit()
    return consultation


@pytest.fixture
def year(app, units, tokens, today):
    """The hand-built 2026 of three units (jd-gov leads nothing), and a late 2025 catalogue."""
    factories.catalogue(2025, published_on=D("2025-04-02"))
    f1, f2, f3, f4, j1, j2, j3 = factories.catalogued_decisions(
        [
            {},
            {},
            {"enterprise_related": True},
            {},
            {"lead_unit": "jd-jyj"},
            {"lead_unit": "jd-jyj"},
            {"lead_unit": "jd-jyj"},
        ]
    )
    made = {"f1": f1, "f2": f2, "f3": f3, "f4": f4, "j1": j1, "j2": j2, "j3": j3}
    # Consultations: 30 days; 20 days without a reason; 20 days with one; a 2-day symposium
    # (no minimum); 15 online days without a reason; and one never published (not counted).
    made["c_f3"] = factories.consultation(
        f3,
        opens_on=D("2026-09-01"),
        closes_on=D("2026-09-30"),
        audience=["public", "enterprises", "industry_associations"],
    )
    made["c_f1"] = _without_reason(
        factories.consultation(
            f1, opens_on=D("2026-08-01"), closes_on=D("2026-08-20"), shortened_reason="（原因未公布）"
        )
    )
    made["c_f2"] = factories.consultation(
        f2, opens_on=D("2026-08-01"), closes_on=D("2026-08-20"), shortened_reason="上级部署时限要求"
    )
    made["c_j1"] = factories.consultation(
        j1, opens_on=D("2026-08-05"), closes_on=D("2026-08-06"), method="symposium", channels=["meeting"]
    )
    made["c_j3"] = _without_reason(
        factories.consultation(j3, opens_on=D("2026-10-01"), closes_on=D("2026-10-15"), shortened_reason="（未公布）")
    )
    draft = factories.draft(f4, published_on=D("2026-11-01"))
    consultation_services.create_consultation(
        f4,
        by=factories.admin(),
        draft_version=draft.version,
        method="online",
        audience=["public"],
        channels=["portal"],
        opens_on=D("2026-11-01"),
        closes_on=D("2026-11-30"),
        shortened_reason=None,
        comments_public=False,
    )
    # f3 heard enterprises and their association before its meeting, and disposed of both.
    for submitter_type in ("enterprise", "industry_association"):
        factories.dispose(factories.comment(made["c_f3"], submitter_type=submitter_type, organisation="某单位"))

    for decision in made.values():
        if isinstance(decision, Decision):
            factories.legality_review(decision, completed_on=D("2026-09-01"))
    # Meetings: citizen and expert; enterprise; deputy and media; expert and media only.
    made["m1"] = factories.meeting([f1, f2, j1], held_on=D("2026-09-10"), session_no=1, attendees=["citizen", "expert"])
    made["m2"] = factories.meeting([f3], held_on=D("2026-10-20"), session_no=2, attendees=["enterprise"])
    made["m3"] = factories.meeting([f4, j2], held_on=D("2026-11-25"), session_no=3, attendees=["deputy", "media"])
    made["m4"] = factories.meeting([j3], held_on=D("2026-11-30"), session_no=4, attendees=["expert", "media"])
    # j2 became enterprise-related after its meeting (a modification of the catalogue): it was
    # deliberated without enterprises heard.
    catalogue_services.adjust(
        db.session.get(Catalogue, ("", 2026)),
        type="modify",
        decision_id=j2.id,
        reason="经评估，该事项涉及企业经营",
        approved_on=D("2026-12-01"),
        published_on=D("2026-12-02"),
        changes={"enterprise_related": True},
    )

    # Results and adoption reports: on time (the due day itself), late, overdue, pending.
    for key, issued_on in (("f1", "2026-09-28"), ("f2", "2026-09-28"), ("f3", "2026-11-02"), ("f4", "2026-12-08")):
        factories.result(made[key], issued_on=D(issued_on))
    for key, issued_on in (("j1", "2026-11-02"), ("j3", "2026-12-01")):
        factories.result(made[key], issued_on=D(issued_on))
    factories.adoption_report(f1, published_on=D("2026-10-16"))  # due 2026-10-16
    factories.adoption_report(f2, published_on=D("2026-10-19"))  # due 2026-10-16
    factories.adoption_report(f3)  # due 2026-11-16, a draft still
    factories.adoption_report(j1, published_on=D("2026-11-20"))  # due 2026-11-16
    # f4 is due 2026-12-22 and j3 2026-12-15: pending.

    # Inquiries: answered on time, answered late, unanswered and overdue, pending.
    made["i_on_time"] = factories.reply(factories.inquiry(f1, received_on=D("2026-11-02")), answered_on=D("2026-11-06"))
    made["i_late"] = factories.reply(factories.inquiry(f1, received_on=D("2026-11-02")), answered_on=D("2026-11-12"))
    # Published (选登) but not answered: still overdue.
    made["i_overdue"] = factories.publish_inquiry(factories.inquiry(f1, received_on=D("2026-11-16")))  # due 11-23
    made["i_pending"] = factories.inquiry(f1, received_on=D("2026-12-09"))  # due 2026-12-16
    # A simple one answered on the make-up Saturday after it came: on time.
    made["i_simple"] = factories.reply(
        factories.inquiry(j1, received_on=D("2026-10-09")), answered_on=D("2026-10-10"), simple=True
    )
    made["i_j_pending"] = factories.inquiry(j1, received_on=D("2026-12-04"))  # due 2026-12-11
    # Declined by its due day: apart from the answers. Declined after it: late.
    made["i_declined"] = factories.decline(
        factories.inquiry(f1, received_on=D("2026-11-02")), declined_on=D("2026-11-04")
    )
    made["i_declined_late"] = factories.decline(
        factories.inquiry(f1, received_on=D("2026-11-16")), declined_on=D("2026-11-30")
    )
    # Transferred (转办) from jd-fgw: it counts for the unit that holds it now.
    made["i_transferred"] = factories.transfer(factories.inquiry(f1, received_on=D("2026-12-09")), to_unit="jd-jyj")
    # A general question nobody was assigned: the district's only; due 2026-12-08.
    made["i_general"] = factories.general_inquiry(received_on=D("2026-12-01"))
    return {key: value.id for key, value in made.items()}


def _numbers(f):
    """The figures of one unit (or the district) in EXPECTED's shape."""
    return {
        "consultations": tuple(f["consultations"][k] for k in ("total", "compliant", "non_compliant")),
        "adoption_reports": tuple(f["adoption_reports"][k] for k in ("on_time", "late", "overdue", "pending")),
        "inquiries": tuple(f["inquiries"][k] for k in ("on_time", "late", "overdue", "pending", "declined")),
        "invited_meetings": (f["invited_meetings"]["count"], f["invited_meetings"]["met"]),
        "enterprise_hearing": tuple(f["enterprise_hearing"][k] for k in ("deliberated", "heard", "not_heard")),
    }


def _paths(records):
    base = "http://localhost/api/v1"
    return {key: sorted(link["href"].removeprefix(base) for link in links) for key, links in records.items()}


def test_the_figures_of_a_hand_built_year(client, tokens, year):
    body = _ok(client.get("/api/v1/compliance?year=2026"))
    assert body["year"] == 2026
    assert body["catalogue"] == {
        "year": 2026,
        "published_on": "2026-03-16",
        "due_on": "2026-03-31",
        "on_time": True,
        "href": "http://localhost/api/v1/catalogues/2026",
    }
    assert [u["unit"] for u in body["units"]] == ["jd-fgw", "jd-gov", "jd-jyj"]
    for unit in body["units"]:
        assert _numbers(unit) == EXPECTED[unit["unit"]], unit["unit"]
    assert _numbers(body["district"]) == EXPECTED["district"]
    assert body["units"][0]["invited_meetings"]["required"] == 3
    assert body["district"]["invited_meetings"]["required"] is None

    fgw, gov, jyj = body["units"]
    assert _paths(fgw["consultations"]["records"]) == {
        "compliant": sorted([f"/consultations/{year['c_f2']}", f"/consultations/{year['c_f3']}"]),
        "non_compliant": [f"/consultations/{year['c_f1']}"],
    }
    timeline = "/decisions/{}/timeline".format
    assert _paths(fgw["adoption_reports"]["records"]) == {
        "on_time": [timeline(year["f1"])],
        "late": [timeline(year["f2"])],
        "overdue": [timeline(year["f3"])],
        "pending": [timeline(year["f4"])],
    }
    assert _paths(jyj["adoption_reports"]["records"]) == {
        "late": [timeline(year["j1"])],
        "pending": [timeline(year["j3"])],
    }
    inquiry = "/inquiries/{}".format
    assert _paths(fgw["inquiries"]["records"]) == {
        "on_time": [inquiry(year["i_on_time"])],
        "late": sorted(inquiry(year[k]) for k in ("i_late", "i_declined_late")),
        "overdue": [inquiry(year["i_overdue"])],
        "pending": [inquiry(year["i_pending"])],
        "declined": [inquiry(year["i_declined"])],
    }
    assert _paths(jyj["inquiries"]["records"]) == {
        "on_time": [inquiry(year["i_simple"])],
        "pending": sorted(inquiry(year[k]) for k in ("i_j_pending", "i_transferred")),
    }
    assert _paths(body["district"]["inquiries"]["records"])["overdue"] == sorted(
        inquiry(year[k]) for k in ("i_overdue", "i_general")
    )
    meeting = "/meetings/{}".format
    assert _paths(fgw["invited_meetings"]["records"]) == {
        "meetings": sorted(meeting(year[m]) for m in ("m1", "m2", "m3"))
    }
    assert _paths(jyj["invited_meetings"]["records"]) == {"meetings": sorted(meeting(year[m]) for m in ("m1", "m3"))}
    assert _paths(body["district"]["invited_meetings"]["records"]) == _paths(fgw["invited_meetings"]["records"])
    assert _paths(fgw["enterprise_hearing"]["records"]) == {"heard": [timeline(year["f3"])]}
    assert _paths(jyj["enterprise_hearing"]["records"]) == {"not_heard": [timeline(year["j2"])]}
    assert all(gov[section]["records"] == {} for section in EXPECTED["jd-gov"])

    links = [
        link["href"]
        for figures in (*body["units"], body["district"])
        for section in EXPECTED["district"]
        for group in figures[section]["records"].values()
        for link in group
    ]
    # Each record once for its unit and once for the district; a meeting once per unit it served.
    assert len(links) == (5 + 6 + 9 + 5 + 2) + (5 + 6 + 10 + 3 + 2)
    # Questions not (yet) public answer the staff only.
    private = {f"http://localhost/api/v1{inquiry(year[k])}" for k in year if k.startswith("i_")} - {
        f"http://localhost/api/v1{inquiry(year[k])}" for k in ("i_on_time", "i_late", "i_overdue", "i_simple")
    }
    for link in set(links):
        assert client.get(link).status_code == (404 if link in private else 200), link  # anonymously
    for link in private:
        assert client.get(link, headers=auth(tokens["admin"])).status_code == 200, link
    assert client.get(body["catalogue"]["href"]).status_code == 200


def test_a_late_catalogue(client, year):
    body = _ok(client.get("/api/v1/compliance?year=2025"))
    assert body["catalogue"]["published_on"] == "2025-04-02"
    assert body["catalogue"]["due_on"] == "2025-03-31" and body["catalogue"]["on_time"] is False
    for figures in (*body["units"], body["district"]):
        assert _numbers(figures) == {**EXPECTED["jd-gov"], "invited_meetings": (0, figures["invited_meetings"]["met"])}
    assert _ok(client.get("/api/v1/compliance?year=2024"))["catalogue"] is None


def test_unit_filters(client, year):
    for unit in ("jd-fgw", "jd-jyj", "jd-gov"):
        body = _ok(client.get(f"/api/v1/compliance?year=2026&unit={unit}"))
        [figures] = body["units"]
        assert figures["unit"] == unit and _numbers(figures) == EXPECTED[unit]
        assert body["_links"]["self"]["href"].endswith(f"/api/v1/compliance?year=2026&unit={unit}")
        assert body["_links"]["csv"]["href"].endswith(f"/api/v1/compliance?year=2026&unit={unit}&format=csv")
    assert _ok(client.get("/api/v1/compliance?year=2026&unit=jd-nope"))["units"] == []


def test_the_query_is_validated(client, units):
    for query in ("", "year=26", "year=2026&format=xml", "year=2026&unit="):
        response = client.get(f"/api/v1/compliance?{query}")
        assert response.status_code == 422 and response.mimetype == "application/problem+json", query


def test_the_csv_has_one_row_per_unit_and_the_district_with_the_same_numbers(client, year):
    response = client.get("/api/v1/compliance?year=2026&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="juece-compliance-2026.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(header) == CSV_COLUMNS
    assert [(r[0], r[1]) for r in rows] == [
        ("jd-fgw", "嘉定区发展和改革委员会"),
        ("jd-gov", "嘉定区人民政府办公室"),
        ("jd-jyj", "嘉定区教育局"),
        ("district", "全区"),
    ]
    met = {True: "yes", False: "no", None: ""}
    # The interpretation duty's columns, after these: tests/consultation/test_interpretation_compliance.py.
    interpretation_columns = CSV_COLUMNS.index("documents_to_interpret")
    for row in rows:
        e = EXPECTED[row[0]]
        assert row[2:interpretation_columns] == [
            *map(str, e["consultations"]),
            *map(str, e["adoption_reports"]),
            *map(str, e["inquiries"]),
            str(e["invited_meetings"][0]),
            met[e["invited_meetings"][1]],
            *map(str, e["enterprise_hearing"]),
        ], row[0]
    one = client.get("/api/v1/compliance?year=2026&unit=jd-jyj&format=csv").get_data(as_text=True)
    assert [r[0] for r in csv.reader(io.StringIO(one.removeprefix("\ufeff")))] == ["unit", "jd-jyj", "district"]


# --- tick ------------------------------------------------------------------------------------


@pytest.fixture
def overdue(app, units, tokens, today):
    """Two adoption reports and two questions overdue on TODAY; one of each pending; one
    report published in time."""
    decisions = factories.catalogued_decisions([{}, {}, {}, {"lead_unit": "jd-jyj"}])
    for session, (decision, issued_on) in enumerate(
        zip(decisions, ("2026-11-02", "2026-11-05", "2026-12-08", "2026-11-02"), strict=True), 1
    ):
        factories.decided(decision, held_on=D("2026-10-20"), session_no=session, issued_on=D(issued_on))
    factories.adoption_report(decisions[3], published_on=D("2026-11-10"))
    for received_on in ("2026-11-16", "2026-11-20", "2026-12-09"):
        factories.inquiry(decisions[0], received_on=D(received_on))
    return decisions


def _marks():
    db.session.rollback()
    return (
        sorted(db.session.execute(sa.select(obligations.Obligation.decision_id, obligations.Obligation.overdue_since))),
        sorted(db.session.execute(sa.select(Inquiry.id, Inquiry.overdue_since))),
    )


def _public_record_size():
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(PublicRecordEntry))


def _overdue_entries():
    db.session.rollback()
    return db.session.execute(
        sa.select(PublicRecordEntry.decision_id, PublicRecordEntry.occurred_on, PublicRecordEntry.target)
        .where(PublicRecordEntry.type == "deadline_overdue")
        .order_by(PublicRecordEntry.seq)
    ).all()


def test_tick_marks_what_is_overdue_once_and_records_it_once(app, overdue, today):
    before = _public_record_size()
    assert tick.run() == {
        "consultations closed": 0,
        "decisions moved into consultation": 0,
        "obligations marked overdue": 2,
        "inquiries marked overdue": 2,
        "activity feedback reports marked overdue": 0,
        "rate-limit windows ended": 0,
        "security events past their retention": 0,
        "webhook deliveries past their retention": 0,
    }
    assert tick.run()["obligations marked overdue"] == 0
    assert tick.run()["inquiries marked overdue"] == 0
    reports, inquiries = _marks()
    d = [decision.id for decision in overdue]
    assert reports == [(d[0], TODAY), (d[1], TODAY), (d[2], None), (d[3], None)]
    assert [since for _, since in inquiries] == [TODAY, TODAY, None]
    # A day later the marks keep the day they were first made.
    today["value"] = TODAY + dt.timedelta(days=1)
    assert tick.run()["obligations marked overdue"] == 0
    assert _marks() == (reports, inquiries)
    # Each adoption report turned overdue is a public fact, once, on the day after it was due.
    entries = _overdue_entries()
    assert _public_record_size() == before + 2
    assert [(e.decision_id, e.target) for e in entries] == [
        (d[0], f"/decisions/{d[0]}/timeline"),
        (d[1], f"/decisions/{d[1]}/timeline"),
    ]


def test_concurrent_ticks_mark_each_row_once(app, overdue, today):
    before = _public_record_size()
    start, results, errors = threading.Barrier(2), [], []

    def run_tick():
        try:
            # As `flask tick` does, each in an application context of its own.
            with app.app_context():
                g.actor, g.writes = "tick", True
                start.wait(timeout=10)
                results.append(tick.run())
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=run_tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(results) == 2
    assert sum(r["obligations marked overdue"] for r in results) == 2
    assert sum(r["inquiries marked overdue"] for r in results) == 2
    reports, inquiries = _marks()
    assert [since for _, since in reports] == [TODAY, TODAY, None, None]
    assert [since for _, since in inquiries] == [TODAY, TODAY, None]
    assert _public_record_size() == before + 2  # one fact per report turned overdue, not two
    assert len({e.decision_id for e in _overdue_entries()}) == 2


def test_tick_closes_a_consultation_once_on_its_public_record(app, units, tokens, today):
    [decision] = factories.catalogued_decisions([{}])
    consultation = factories.consultation(decision, opens_on=D("2026-10-01"), closes_on=D("2026-11-30"))
    before = _public_record_size()
    assert tick.run()["consultations closed"] == 1
    assert tick.run()["consultations closed"] == 0
    assert _public_record_size() == before + 1
    db.session.rollback()
    assert db.session.get(Consultation, consultation.id).closed_seq is not None


def test_the_years_hearing_rule_is_each_decisions_rule(app, year):
    """Compliance asks `enterprises_heard_at` for a whole year at once: it answers what
    `enterprises_heard` answers for each enterprise-related decision, whatever the meeting day."""
    decisions = db.session.scalars(sa.select(Decision).where(Decision.enterprise_related.is_(True))).all()
    days = [D(day) for day in ("2026-08-06", "2026-09-30", "2026-10-01", "2026-10-20", "2026-11-25", "2026-12-31")]
    pairs = [(decision.id, day) for decision in decisions for day in days]
    heard = consultation_rules.enterprises_heard_at(pairs)
    answers = {
        (decision.id, day): not consultation_rules.enterprises_heard(decision, day)
        for decision in decisions
        for day in days
    }
    assert {pair for pair, ok in answers.items() if ok} == heard
    assert len(decisions) >= 2 and heard and len(heard) < len(pairs)  # both answers occur

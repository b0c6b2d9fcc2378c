"""The working-day calendar: counting, unknown years, and loading a year by API and command line."""

import contextvars
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from core import calendar, obligations, tick
from core.extensions import db
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat

# The 2027 notice as the district office would load it. Illustrative: chinesecalendar 1.11.0
# carries no 2027, so the test supplies New Year (Fri 1 – Sun 3 January), a Spring Festival
# block and one make-up Saturday.
NOTICE_2027 = {
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", *(f"2027-02-{d:02}" for d in range(6, 15))],
    "workdays": ["2027-02-20"],
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, type_suffix=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if type_suffix:
        assert body["type"] == "https://juece.example/problems/" + type_suffix
    return body


def _cli(app, *args):
    """Run a `flask` command in an application context of its own, as the shell would."""

    return contextvars.Context().run(app.test_cli_runner().invoke, args=list(args))


@pytest.fixture
def today(monkeypatch):
    day = {"value": D("2026-12-24")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


def test_the_package_knows_2026_and_not_2027():
    # The premise of the provisional tests below; a newer chinesecalendar changes it.
    assert calendar.package_knows(2026) is True
    assert calendar.package_knows(2027) is False


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The day itself is never counted, whatever it is.
        ("2026-06-01", 1, "2026-06-02"),  # Monday → Tuesday
        ("2026-06-05", 1, "2026-06-08"),  # Friday → Monday
        ("2026-06-06", 1, "2026-06-08"),  # from a Saturday
        ("2026-06-07", 1, "2026-06-08"),  # from a Sunday
        ("2026-06-01", 0, "2026-06-01"),
        # New Year 2026: 1–3 January off, Sunday 4 January worked.
        ("2026-01-01", 1, "2026-01-04"),  # from a holiday (chinesecalendar's find_workday says the 5th)
        ("2025-12-31", 1, "2026-01-04"),  # across the year end
        # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-13", 6, "2026-02-28"),
        ("2026-02-13", 10, "2026-03-05"),
        ("2026-02-14", 1, "2026-02-24"),  # from a make-up working day: not counted either
        ("2026-02-15", 1, "2026-02-24"),  # from the block's first day
        ("2026-02-22", 5, "2026-02-28"),  # from a Sunday inside the block
        # Mid-Autumn (25–27 September) and National Day (1–7 October) 2026; Sunday 20 September
        # and Saturday 10 October worked.
        ("2026-09-18", 1, "2026-09-20"),
        ("2026-09-24", 1, "2026-09-28"),
        ("2026-09-28", 10, "2026-10-16"),  # domain.md's example: the adoption report's due day
        ("2026-09-30", 5, "2026-10-13"),
        ("2026-10-01", 1, "2026-10-08"),  # from a holiday (find_workday says the 9th)
        ("2026-10-09", 1, "2026-10-10"),
        ("2026-10-10", 1, "2026-10-12"),
        ("2026-10-11", 1, "2026-10-12"),  # from a Sunday
    ],
)
def test_n_working_days_after_a_day_on_the_official_calendar(start, n, expected):
    # Years chinesecalendar knows are counted without the database.
    assert calendar.add_working_days(D(start), n) == (D(expected), calendar.OFFICIAL)


def test_the_api_counts_across_national_day(client):
    response = client.get("/api/v1/calendar/working-days?from=2026-09-28&add=10")
    assert response.mimetype == "application/json"
    assert _ok(response) == {"date": "2026-10-16", "calendar_status": "official"}
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-10-01&add=1")) == {
        "date": "2026-10-08",
        "calendar_status": "official",
    }
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-10-11&add=1"))["date"] == "2026-10-12"


def test_a_count_into_an_unknown_year_is_provisional_monday_to_friday(client):
    # 31 December (Thursday), then Friday 1 January 2027 counted as a working day: not known yet.
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-12-30&add=3")) == {
        "date": "2027-01-04",
        "calendar_status": "provisional",
    }
    assert _ok(client.get("/api/v1/calendar/working-days?from=2027-02-05&add=1")) == {
        "date": "2027-02-08",
        "calendar_status": "provisional",
    }
    # A count that stays in 2026 is official, however near the year end.
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-12-29&add=2")) == {
        "date": "2026-12-31",
        "calendar_status": "official",
    }


def test_working_days_needs_a_valid_day_and_count(client):
    for query, field in (
        ("", "from"),
        ("add=10", "from"),
        ("from=2026-09-28", "add"),
        ("from=2026-02-30&add=1", "from"),
        ("from=yesterday&add=1", "from"),
        ("from=2026-09-28&add=ten", "add"),
        ("from=2026-09-28&add=-1", "add"),
        ("from=2026-09-28&add=367", "add"),
    ):
        body = _problem(client.get(f"/api/v1/calendar/working-days?{query}"), 422, "validation")
        assert field in body["errors"]["query"], query


def test_a_known_year_shows_chinesecalendars_holidays_and_make_up_days(client):
    body = _ok(client.get("/api/v1/calendar/2026"))
    assert body["source"] == "chinesecalendar" and body["calendar_status"] == "official"
    assert body["workdays"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert {f"2026-10-0{d}" for d in range(1, 8)} <= set(body["holidays"])
    assert {f"2026-02-{d}" for d in range(15, 24)} <= set(body["holidays"])
    assert "2026-10-08" not in body["holidays"]
    assert body["_links"]["self"]["href"].endswith("/api/v1/calendar/2026")


def test_an_unknown_year_has_no_source_until_loaded(client):
    body = _ok(client.get("/api/v1/calendar/2027"))
    assert body["source"] == "none" and body["calendar_status"] == "provisional"
    assert body["holidays"] == [] and body["workdays"] == []
    _problem(client.get("/api/v1/calendar/1999"), 422)


def test_only_an_admin_loads_a_year(client, tokens):
    _problem(client.put("/api/v1/calendar/2027", json=NOTICE_2027), 401)
    for who in ("editor", "partner"):
        _problem(client.put("/api/v1/calendar/2027", json=NOTICE_2027, headers=auth(tokens[who])), 403)
    assert _ok(client.get("/api/v1/calendar/2027"))["source"] == "none"


def test_a_year_chinesecalendar_knows_is_not_loaded_by_hand(client, tokens):
    body = _problem(
        client.put(
            "/api/v1/calendar/2026",
            json={"holidays": ["2026-10-08"], "workdays": []},
            headers=auth(tokens["admin"]),
        ),
        409,
        "calendar-year-official",
    )
    assert "2026" in body["detail"]
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-10-07&add=1"))["date"] == "2026-10-08"


def test_a_notice_that_does_not_fit_its_year_is_refused(client, tokens):
    for notice, field in (
        ({"holidays": ["2026-12-31"], "workdays": []}, "holidays"),  # outside the year
        ({"holidays": [], "workdays": ["2028-01-01"]}, "workdays"),  # outside the year
        ({"holidays": ["2027-02-20"], "workdays": ["2027-02-20"]}, "workdays"),  # in both lists
        ({"holidays": [], "workdays": ["2027-02-05"]}, "workdays"),  # a Friday is no make-up day
        ({"holidays": ["2027-02-30"], "workdays": []}, "holidays"),  # not a date
        ({"holidays": ["2027-01-01"]}, "workdays"),  # missing
        ({"holidays": ["2027-01-01"], "workdays": [], "figures": 3}, "figures"),  # unknown field
    ):
        body = _problem(client.put("/api/v1/calendar/2027", json=notice, headers=auth(tokens["admin"])), 422)
        assert field in body["errors"]["json"], body
    assert _ok(client.get("/api/v1/calendar/2027"))["source"] == "none"


def _deadlines_into_2027(today):
    """A result issued on 2026-12-24 and a question of 2026-12-31, both due in 2027; and one of
    each due (and met) in 2026."""
    decisions = factories.catalogued_decisions([{}, {}])
    for decision, session, issued_on in ((decisions[0], 1, "2026-12-24"), (decisions[1], 2, "2026-11-02")):
        factories.decided(decision, held_on=D("2026-10-20"), session_no=session, issued_on=D(issued_on))
    factories.adoption_report(decisions[1], published_on=D("2026-11-10"))
    # Published (选登), so that the public reads its deadline.
    inquiry = factories.publish_inquiry(factories.inquiry(decisions[0], received_on=D("2026-12-31")))
    factories.reply(factories.inquiry(decisions[0], received_on=D("2026-11-02")), answered_on=D("2026-11-05"))
    return decisions[0], inquiry


def _load_by_api(client, app, tokens, notice):
    # Replacing a year loaded before names the version read.
    read = client.get("/api/v1/calendar/2027")
    headers = {
        **auth(tokens["admin"]),
        **({"If-Match": read.headers["ETag"]} if read.json["source"] == "loaded" else {}),
    }
    body = _ok(client.put("/api/v1/calendar/2027", json=notice, headers=headers))
    assert body["source"] == "loaded" and body["calendar_status"] == "official"


def _load_by_command(client, app, tokens, notice, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
    result = _cli(app, "calendar", "load", "2027", str(path))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("how", ["api", "command"])
def test_loading_a_year_makes_its_deadlines_official_and_recomputes_them(
    client, app, tokens, units, today, tmp_path, how
):
    today["value"] = D("2026-12-31")
    decision, inquiry = _deadlines_into_2027(today)
    d = decision.id
    [owed] = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"]
    # 25–31 December, then 1 January 2027 counted as a Friday like any other.
    assert (owed["due_on"], owed["calendar_status"], owed["status"]) == ("2027-01-07", "provisional", "pending")
    asked = _ok(client.get(f"/api/v1/inquiries/{inquiry.id}"))
    assert (asked["reply_due_on"], asked["calendar_status"]) == ("2027-01-07", "provisional")

    today["value"] = D("2027-01-08")
    with app.app_context():
        marked = tick.run()
    assert marked["obligations marked overdue"] == 1 and marked["inquiries marked overdue"] == 1
    assert _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"][0]["status"] == "overdue"

    if how == "api":
        _load_by_api(client, app, tokens, NOTICE_2027)
    else:
        output = _load_by_command(client, app, tokens, NOTICE_2027, tmp_path)
        assert output.strip() == "Loaded 2027; 2 stored deadlines recomputed."

    # 1 January is a holiday after all: both are due a day later, officially, and no longer overdue.
    [owed] = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"]
    assert (owed["due_on"], owed["calendar_status"], owed["status"]) == ("2027-01-08", "official", "pending")
    asked = _ok(client.get(f"/api/v1/inquiries/{inquiry.id}"))
    assert (asked["reply_due_on"], asked["calendar_status"], asked["status"]) == ("2027-01-08", "official", "pending")
    db.session.rollback()
    assert db.session.scalars(sa.select(obligations.Obligation.overdue_since)).all() == [None, None]
    from consultation.inquiries.models import Inquiry

    assert db.session.scalar(sa.select(Inquiry.overdue_since).where(Inquiry.id == inquiry.id)) is None
    # The deadline that stayed in 2026 was not touched (nor counted as recomputed, above).
    [kept] = _ok(client.get(f"/api/v1/decisions/{d + 1}/timeline"))["obligations"]
    assert (kept["due_on"], kept["calendar_status"], kept["status"]) == ("2026-11-16", "official", "on_time")
    assert _ok(client.get("/api/v1/calendar/working-days?from=2026-12-30&add=3")) == {
        "date": "2027-01-05",
        "calendar_status": "official",
    }
    shown = _ok(client.get("/api/v1/calendar/2027"))
    assert shown["source"] == "loaded" and shown["note"] == NOTICE_2027["source"]
    assert shown["holidays"] == NOTICE_2027["holidays"] and shown["workdays"] == ["2027-02-20"]
    # A Spring Festival Saturday worked in 2027 now counts.
    assert _ok(client.get("/api/v1/calendar/working-days?from=2027-02-05&add=1")) == {
        "date": "2027-02-15",
        "calendar_status": "official",
    }
    assert _ok(client.get("/api/v1/calendar/working-days?from=2027-02-19&add=1"))["date"] == "2027-02-20"

    with app.app_context():
        assert tick.run()["obligations marked overdue"] == 0
    today["value"] = D("2027-01-11")
    with app.app_context():
        marked = tick.run()
    assert marked["obligations marked overdue"] == 1 and marked["inquiries marked overdue"] == 1


def test_a_year_loaded_again_recomputes_what_the_first_load_fixed(client, app, tokens, units, today):
    today["value"] = D("2026-12-31")
    decision, inquiry = _deadlines_into_2027(today)
    _load_by_api(client, app, tokens, NOTICE_2027)
    corrected = {**NOTICE_2027, "holidays": [*NOTICE_2027["holidays"], "2027-01-04"]}
    _load_by_api(client, app, tokens, corrected)
    [owed] = _ok(client.get(f"/api/v1/decisions/{decision.id}/timeline"))["obligations"]
    assert (owed["due_on"], owed["calendar_status"]) == ("2027-01-11", "official")
    assert _ok(client.get(f"/api/v1/inquiries/{inquiry.id}"))["reply_due_on"] == "2027-01-11"


def test_the_command_refuses_what_the_api_refuses(app, units, tmp_path):
    path = tmp_path / "notice.json"
    path.write_text(json.dumps({"holidays": ["2026-10-08"], "workdays": []}), encoding="utf-8")
    result = _cli(app, "calendar", "load", "2026", str(path))
    assert result.exit_code == 1 and "chinesecalendar" in result.output
    path.write_text(json.dumps({"holidays": [], "workdays": ["2027-02-05"]}), encoding="utf-8")
    result = _cli(app, "calendar", "load", "2027", str(path))
    assert result.exit_code == 1 and "2027-02-05" in result.output
    path.write_text(json.dumps({"holidays": ["1 January"], "workdays": []}), encoding="utf-8")
    result = _cli(app, "calendar", "load", "2027", str(path))
    assert result.exit_code == 1
    db.session.rollback()
    assert db.session.get(calendar.CalendarYear, 2027) is None
    shown = _cli(app, "calendar", "show", "2027")
    assert shown.exit_code == 0 and "2027: none (provisional)" in shown.output


def test_replacing_a_loaded_year_needs_the_etag_of_the_year_read(client, tokens):
    admin = auth(tokens["admin"])
    first = client.put("/api/v1/calendar/2027", json=NOTICE_2027, headers=admin)  # nothing to replace yet
    assert first.status_code == 200 and first.headers["ETag"]
    read = client.get("/api/v1/calendar/2027")
    assert read.headers["ETag"] == first.headers["ETag"]
    assert client.get("/api/v1/calendar/2027", headers={"If-None-Match": read.headers["ETag"]}).status_code == 304
    corrected = {**NOTICE_2027, "holidays": [*NOTICE_2027["holidays"], "2027-01-04"]}
    _problem(client.put("/api/v1/calendar/2027", json=corrected, headers=admin), 428)
    _problem(client.put("/api/v1/calendar/2027", json=corrected, headers={**admin, "If-Match": '"stale"'}), 412)
    assert _ok(client.get("/api/v1/calendar/2027"))["holidays"] == sorted(NOTICE_2027["holidays"])
    replaced = client.put("/api/v1/calendar/2027", json=corrected, headers={**admin, "If-Match": read.headers["ETag"]})
    assert replaced.status_code == 200 and "2027-01-04" in replaced.json["holidays"]
    assert replaced.headers["ETag"] != read.headers["ETag"]
    # The ETag read before the replacement is stale now.
    _problem(
        client.put("/api/v1/calendar/2027", json=NOTICE_2027, headers={**admin, "If-Match": read.headers["ETag"]}), 412
    )

"""Government open activities (政府开放活动, issue 13, 1): a unit plans one, publishes it through
the public record, and never changes it in place after."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from consultation.activities.models import Activity, FeedbackReport
from core.extensions import db
from tests.conftest import auth
from tests.consultation.activity_helpers import PLAN, ok, on, planned, problem, published


def test_a_unit_plans_an_activity_the_public_sees_once_it_is_published(client, tokens, today):
    made = planned(client, tokens)
    assert made["field"] == "government_services_online" and made["form"] == "on_site"
    assert made["published_on"] is None and made["capacity"] == 2
    assert made["starts_at"] == "2026-08-14T01:30:00+00:00"
    assert made["feedback"]["status"] == "not_due"
    path = f"/api/v1/activities/{made['id']}"
    assert client.get(path).status_code == 404
    assert ok(client.get("/api/v1/activities")) == []
    assert [a["id"] for a in ok(client.get("/api/v1/activities", headers=auth(tokens["editor"])))] == [made["id"]]
    assert ok(client.get("/api/v1/activities", headers=auth(tokens["other_editor"]))) == []

    shown = ok(client.post(f"{path}/publication", json={"published_on": "2026-04-01"}, headers=auth(tokens["editor"])))
    assert shown["published_on"] == "2026-04-01"
    assert ok(client.get(path))["theme"] == PLAN["theme"]
    assert shown["registrations"] == {"registered": 0, "confirmed": 0, "waiting": 0, "places_left": 2}
    assert shown["feedback"] == {
        "due_on": "2026-09-04",
        "calendar_status": "official",
        "published_on": None,
        "status": "pending",
    }
    # In the public record, about no decision: /changes and its hash chain carry it.
    changes = ok(client.get("/api/v1/changes"))["entries"]
    [entry] = [e for e in changes if e["type"] == "activity_published"]
    assert entry["decision_id"] is None and entry["occurred_on"] == "2026-04-01"
    assert entry["href"].endswith(f"/api/v1/activities/{made['id']}") and entry["hash"]
    assert client.get(entry["href"]).status_code == 200
    again = client.post(f"{path}/publication", json={}, headers=auth(tokens["editor"]))
    problem(again, 409, "published-record-immutable")


def test_the_list_filters_by_unit_year_field_form_and_open_month(client, tokens, today):
    august = published(client, tokens)
    stream = published(
        client,
        tokens,
        **on("2026-05-20"),
        form="live_stream",
        place=None,
        stream_url="https://live.jiading.gov.cn/2",
        field="public_health_safety",
        open_month=False,
        capacity=None,
    )
    ids = lambda query: [a["id"] for a in ok(client.get(f"/api/v1/activities?{query}"))]  # noqa: E731
    assert ids("") == [august["id"], stream["id"]]
    assert ids("open_month=true") == [august["id"]]
    assert ids("form=live_stream") == ids("field=public_health_safety") == [stream["id"]]
    assert ids("year=2026&unit=jd-fgw") == [august["id"], stream["id"]]
    assert ids("year=2025") == ids("unit=jd-jyj") == []
    assert ids("unit=JD-FGW") == ids("")
    assert stream["registrations"]["places_left"] is None


def test_an_activity_of_the_open_month_takes_place_in_august(client, tokens):
    editor = auth(tokens["editor"])
    into_september = {**on("2026-08-31"), "ends_at": "2026-09-01T10:00:00+08:00"}
    for times in (on("2026-09-01"), on("2026-07-31", "23:00"), into_september):
        response = client.post("/api/v1/activities", json=PLAN | times, headers=editor)
        body = problem(response, 422, "open-month-outside-august")
        assert "open_month" in body["errors"]["json"]
    # Midnight in Shanghai is the 31st of July in UTC: the open month is counted in Asia/Shanghai.
    ok(client.post("/api/v1/activities", json=PLAN | on("2026-08-01", "00:30"), headers=editor), 201)
    ok(client.post("/api/v1/activities", json=PLAN | on("2026-09-01") | {"open_month": False}, headers=editor), 201)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"place": None}, "place"),
        ({"form": "vr"}, "stream_url"),
        ({"ends_at": "2026-08-14T09:00:00+08:00"}, "ends_at"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"capacity": 0}, "capacity"),
        ({"field": "一网通办"}, "field"),
        ({"starts_at": "1900-01-01T00:00:00"}, "starts_at"),
        # Longer than its column holds: refused at the door, not by PostgreSQL (a 500).
        ({"form": "live_stream", "stream_url": "https://live.jiading.gov.cn/" + "0" * 480}, "stream_url"),
    ],
)
def test_a_plan_says_where_when_and_how(client, tokens, fields, field):
    response = client.post("/api/v1/activities", json=PLAN | fields, headers=auth(tokens["admin"]))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_only_the_units_editors_and_admins_plan_and_publish_its_activities(client, tokens):
    assert planned(client, tokens, unit="JD-FGW")["unit"] == "jd-fgw"  # its code in whatever case
    other = auth(tokens["other_editor"])
    assert client.post("/api/v1/activities", json=PLAN, headers=other).status_code == 403
    assert client.post("/api/v1/activities", json=PLAN).status_code == 401
    made = ok(client.post("/api/v1/activities", json=PLAN, headers=auth(tokens["admin"])), 201)
    path = f"/api/v1/activities/{made['id']}/publication"
    # Another unit's editor does not see it, so cannot publish it.
    assert client.post(path, json={}, headers=other).status_code == 404
    assert client.post(path, json={}, headers=auth(tokens["partner"])).status_code == 403


def _refused(statement):
    db.session.rollback()
    with pytest.raises(DBAPIError):
        with db.engine.begin() as connection:
            connection.execute(statement)


def test_a_published_activity_and_its_published_feedback_are_append_only_in_the_database(client, tokens, today):
    draft = planned(client, tokens)
    shown = published(client, tokens)
    db.session.rollback()
    with db.engine.begin() as connection:  # a plan is the unit's to change until published
        connection.execute(sa.update(Activity).where(Activity.id == draft["id"]).values(theme="改"))
    _refused(sa.update(Activity).where(Activity.id == shown["id"]).values(theme="改"))
    _refused(sa.delete(Activity).where(Activity.id == shown["id"]))

    today["value"] = dt.date(2026, 8, 20)
    editor = auth(tokens["editor"])
    feedback = f"/api/v1/activities/{shown['id']}/feedback"
    ok(client.put(feedback, json={"summary": "无意见。"}, headers=editor), 201)
    ok(client.post(f"{feedback}/publication", json={}, headers=editor))
    _refused(sa.update(FeedbackReport).values(summary="改"))
    _refused(sa.delete(FeedbackReport))
    replaced = client.put(feedback, json={"summary": "改"}, headers=editor | {"If-Match": '"x"'})
    assert replaced.status_code in (409, 412)


class _Statements:
    """How many SQL statements the engine runs inside the block."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self)


def _statements_to_get(client, path, headers=None) -> int:
    with _Statements() as statements:
        assert client.get(path, headers=headers or {}).status_code == 200
    return statements.count


def test_a_list_of_activities_or_registrations_takes_as_many_statements_whatever_its_length(client, tokens, today):
    editor = auth(tokens["editor"])
    first = published(client, tokens)
    client.post(f"/api/v1/activities/{first['id']}/registrations", json={"name": "甲", "contact": "13800000001"})
    few = _statements_to_get(client, "/api/v1/activities")
    few_registrations = _statements_to_get(client, f"/api/v1/activities/{first['id']}/registrations", editor)
    for n in range(4):
        published(client, tokens)
        body = {"name": "乙", "contact": f"1390000000{n}"}
        client.post(f"/api/v1/activities/{first['id']}/registrations", json=body)
    assert _statements_to_get(client, "/api/v1/activities") == few
    assert _statements_to_get(client, f"/api/v1/activities/{first['id']}/registrations", editor) == few_registrations

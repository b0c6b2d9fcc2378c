"""A unit's own decision meetings (局长办公会, 局务会议, 党政联席会议, 主任办公会议): held by the
unit, deliberating its decisions, counted for its invited stakeholder attendance with the
topics that came from its own catalogue."""

import datetime as dt

from core import auth as accounts
from core.errors import PROBLEM_BASE
from decisions.units import services as unit_services
from tests import factories
from tests.conftest import auth

CITIZEN = {
    "category": "citizen",
    "organisation": "安亭镇居民代表",
    "opinion": "建议增设公交站点。",
    "adoption": "adopted",
}
JOINT = "joint_party_government_meeting"


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if slug is not None:
        assert body["type"] == PROBLEM_BASE + slug, body
    return body


def _town():
    """安亭镇 with an editor of its own; returns the editor's token."""
    unit_services.create_unit("jd-anting", name="安亭镇", kind="town")
    return accounts.create_account("安亭镇 编辑", role="editor", unit="jd-anting")[1]


def _reviewed_town_item(title="安亭镇老旧小区加装电梯实施办法", *, published_on=dt.date(2026, 3, 10)):
    """An item of 安亭镇's own published catalogue whose legality review is on record."""
    if factories.db.session.get(factories.Catalogue, ("jd-anting", 2026)) is None:
        factories.unit_catalogue("jd-anting", published_on=published_on)
    decision = factories.unit_decision("jd-anting", title=title)
    factories.adjustment(decision, "add", on=dt.date(2026, 3, 20))
    factories.review(decision, completed_on=dt.date(2026, 6, 1))
    return decision


def _payload(*ids, body_type=JOINT, unit="jd-anting", session_no=3, attendees=(CITIZEN,), held_on="2026-06-10"):
    body = {
        "body_type": body_type,
        "session_no": session_no,
        "held_on": held_on,
        "agenda": [{"decision_id": d, "outcome": "approved"} for d in ids],
        "attendees": list(attendees),
    }
    if unit is not None:
        body["unit"] = unit
    return body


def test_a_town_records_and_publishes_its_own_joint_meeting(client, tokens):
    town = _town()
    decision = _reviewed_town_item()
    response = client.post("/api/v1/meetings", json=_payload(decision.id), headers=auth(town))
    meeting = _ok(response, 201)
    assert meeting["unit"] == "jd-anting" and meeting["body_type"] == JOINT
    assert meeting["title"] == "安亭镇第3次党政联席会议"
    assert meeting["_links"]["unit"] == {"href": "http://localhost/api/v1/units/jd-anting"}
    url = f"/api/v1/meetings/{meeting['id']}"
    # Another unit's editor neither publishes nor replaces it.
    _problem(client.post(f"{url}/publish", json={"published_on": "2026-06-12"}, headers=auth(tokens["editor"])), 403)
    published = _ok(client.post(f"{url}/publish", json={"published_on": "2026-06-12"}, headers=auth(town)))
    assert published["status"] == "published"
    timeline = client.get(f"/api/v1/decisions/{decision.id}/timeline").get_data(as_text=True)
    assert "安亭镇第3次党政联席会议审议" in timeline
    # The public reads it; the citizen's name was never given, so never shown.
    assert _ok(client.get(url))["attendees"][0]["name"] is None


def test_a_unit_body_meeting_names_its_unit(client, tokens):
    _town()
    decision = _reviewed_town_item()
    admin = auth(tokens["admin"])
    for body_type in ("bureau_director_meeting", "bureau_affairs_meeting", JOINT, "director_office_meeting"):
        body = _problem(
            client.post("/api/v1/meetings", json=_payload(decision.id, body_type=body_type, unit=None), headers=admin),
            422,
            "meeting-unit-missing",
        )
        assert "unit" in body["errors"]["json"]


def test_a_district_body_meeting_names_no_unit(client, tokens):
    _town()
    decision = _reviewed_town_item()
    for body_type in ("executive", "plenary"):
        _problem(
            client.post(
                "/api/v1/meetings", json=_payload(decision.id, body_type=body_type), headers=auth(tokens["admin"])
            ),
            422,
            "meeting-unit-unexpected",
        )


def test_a_unit_meeting_deliberates_only_the_units_decisions(client, tokens):
    town = _town()
    own = _reviewed_town_item()
    other = factories.catalogued_decision(lead_unit="jd-fgw", title="区发改委事项")
    factories.review(other, completed_on=dt.date(2026, 6, 1))
    _problem(
        client.post("/api/v1/meetings", json=_payload(own.id, other.id), headers=auth(tokens["admin"])),
        422,
        "meeting-agenda-other-unit",
    )
    # A district item the town leads may be on its own meeting's agenda.
    led = factories.catalogued_decision(lead_unit="jd-anting", title="区级目录中安亭镇承办的事项")
    factories.review(led, completed_on=dt.date(2026, 6, 1))
    _ok(client.post("/api/v1/meetings", json=_payload(own.id, led.id), headers=auth(town)), 201)


def test_an_editor_records_only_its_own_units_meetings(client, tokens):
    _town()
    decision = _reviewed_town_item()
    _problem(client.post("/api/v1/meetings", json=_payload(decision.id), headers=auth(tokens["editor"])), 403)
    # The district's own meetings stay the admins'.
    district = factories.catalogued_decision(lead_unit="jd-fgw", title="区级事项")
    factories.review(district, completed_on=dt.date(2026, 6, 1))
    executive = _payload(district.id, body_type="executive", unit=None)
    _problem(client.post("/api/v1/meetings", json=executive, headers=auth(tokens["editor"])), 403)


def test_each_unit_numbers_its_own_sessions(client, tokens):
    town = _town()
    decision = _reviewed_town_item()
    _ok(client.post("/api/v1/meetings", json=_payload(decision.id), headers=auth(town)), 201)
    _problem(client.post("/api/v1/meetings", json=_payload(decision.id), headers=auth(town)), 409)
    # Another town's session 3 of the same body on the same day is its own.
    factories.db.session.commit()
    unit_services.create_unit("jd-malu", name="马陆镇", kind="town")
    factories.unit_catalogue("jd-malu", published_on=dt.date(2026, 3, 10))
    malu = factories.unit_decision("jd-malu", title="马陆镇葡萄产业发展规划")
    factories.adjustment(malu, "add", on=dt.date(2026, 3, 20))
    factories.review(malu, completed_on=dt.date(2026, 6, 1))
    _ok(client.post("/api/v1/meetings", json=_payload(malu.id, unit="jd-malu"), headers=auth(tokens["admin"])), 201)


def test_invited_attendance_counts_the_units_own_meetings_and_topics_from_its_catalogue(client, tokens):
    _town()
    own = _reviewed_town_item()
    led = factories.catalogued_decision(lead_unit="jd-anting", title="区级目录中安亭镇承办的事项")
    factories.review(led, completed_on=dt.date(2026, 6, 1))
    factories.meeting(
        own, led, body_type=JOINT, unit="jd-anting", attendees=[CITIZEN], published_on=dt.date(2026, 6, 12)
    )
    # Unpublished, or without stakeholders: not counted.
    factories.meeting(own, body_type=JOINT, unit="jd-anting", held_on=dt.date(2026, 6, 11), attendees=[CITIZEN])
    expert = {"category": "expert", "organisation": "同济大学"}
    factories.meeting(
        own,
        body_type=JOINT,
        unit="jd-anting",
        held_on=dt.date(2026, 6, 15),
        attendees=[expert],
        published_on=dt.date(2026, 6, 16),
    )
    body = _ok(client.get("/api/v1/units/jd-anting/invited-attendance?year=2026"))
    assert (body["meetings_with_attendees"], body["own_meetings"], body["met"]) == (1, 1, False)
    assert (body["own_meetings_topics"], body["topics_from_own_catalogue"]) == (2, 1)
    assert body["meetings"][0]["own"] is True
    report = _ok(client.get("/api/v1/compliance?year=2026&unit=jd-anting", headers=auth(tokens["admin"])))
    invited = report["units"][0]["invited_meetings"]
    assert (invited["count"], invited["own_meetings"]) == (1, 1)
    assert (invited["own_meetings_topics"], invited["topics_from_own_catalogue"]) == (2, 1)
    assert [r["href"].rsplit("/", 1)[1] for r in invited["records"]["own_meetings"]] == [
        r["href"].rsplit("/", 1)[1] for r in invited["records"]["meetings"]
    ]
    csv = client.get("/api/v1/compliance?year=2026&unit=jd-anting&format=csv", headers=auth(tokens["admin"]))
    header, town_row = csv.get_data(as_text=True).removeprefix("\ufeff").splitlines()[:2]
    columns = header.split(",")
    start = columns.index("invited_own_meetings")
    assert columns[start : start + 4] == [
        "invited_own_meetings",
        "invited_own_meetings_topics",
        "invited_topics_from_own_catalogue",
        "own_catalogue_on_time",
    ]
    # ... and its own catalogue was published by 31 March (the open activities' columns follow).
    assert town_row.split(",")[start : start + 4] == ["1", "2", "1", "yes"]
    assert invited and report["units"][0]["own_catalogue"]["href"].endswith("/units/jd-anting/catalogues/2026")
    assert report["units"][0]["own_catalogue"]["on_time"] is True


def test_a_unit_item_owes_its_adoption_report_10_working_days_after_issue_across_national_day(client, tokens, today):
    """The unit's item has the district items' timeline and deadlines: issued on Monday 28
    September, its adoption report is due on 16 October (1–7 October off, 10 October worked)."""
    today(dt.date(2026, 9, 28))
    town = _town()
    decision = _reviewed_town_item()
    factories.meeting(
        decision, body_type=JOINT, unit="jd-anting", attendees=[CITIZEN], published_on=dt.date(2026, 6, 12)
    )
    factories.result(
        decision,
        doc_number="安府发〔2026〕8号",
        signed_on=dt.date(2026, 9, 25),
        issued_on=dt.date(2026, 9, 28),
        published_on=dt.date(2026, 9, 28),
    )
    url = f"/api/v1/decisions/{decision.id}/adoption-report"
    report = _ok(client.put(url, json={"summary": "未收到意见。"}, headers=auth(town)), 201)
    assert (report["status"], report["due_on"], report["calendar_status"]) == ("pending", "2026-10-16", "official")
    # The result names the town as its issuer, from its own catalogue.
    result = _ok(client.get(f"/api/v1/decisions/{decision.id}/result"))
    assert result["issuer_unit"] == "jd-anting"

"""Meetings (会议审议): who may record them, what may be on their agenda, what the public sees,
and the yearly count of meetings with invited stakeholder attendees."""

import datetime as dt

import pytest

from core import preconditions
from core.errors import PROBLEM_BASE
from core.extensions import db
from decisions.meetings.models import Attendee
from tests import factories
from tests.conftest import auth


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


def _payload(*decision_ids, held_on="2026-06-10", session_no=15, outcome="approved", attendees=(), **extra):
    return {
        "body_type": "executive",
        "session_no": session_no,
        "held_on": held_on,
        "agenda": [{"decision_id": d, "outcome": outcome} for d in decision_ids],
        "attendees": list(attendees),
        **extra,
    }


def _reviewed(
    title="嘉定区促进民营经济高质量发展若干措施", *, lead_unit="jd-fgw", result="lawful", on=dt.date(2026, 6, 1)
):
    """A catalogued decision whose legality review is on record; returns its id."""
    return _reviewed_decision(title, lead_unit=lead_unit, result=result, on=on).id


def _reviewed_decision(
    title="嘉定区促进民营经济高质量发展若干措施", *, lead_unit="jd-fgw", result="lawful", on=dt.date(2026, 6, 1)
):
    decision = factories.catalogued_decision(title=title, lead_unit=lead_unit)
    factories.review(decision, completed_on=on, result=result)
    return decision


ENTERPRISE = {"category": "enterprise", "organisation": "上海汽车城集团", "opinion": "支持", "adoption": "adopted"}


def test_only_executive_or_plenary_meetings_decide(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    body = _problem(client.post("/api/v1/meetings", json=_payload(d, body_type="party_committee"), headers=admin), 422)
    assert "body_type" in body["errors"]["json"]
    _problem(client.post("/api/v1/meetings", json=_payload(d, body_type="director_office"), headers=admin), 422)
    plenary = _ok(client.post("/api/v1/meetings", json=_payload(d, body_type="plenary"), headers=admin), 201)
    assert plenary["title"] == "区政府第15次全体会议"


def test_meetings_are_recorded_by_the_admin_only(client, tokens):
    d = _reviewed()
    _problem(client.post("/api/v1/meetings", json=_payload(d)), 401)
    for role in ("editor", "other_editor", "partner"):
        _problem(client.post("/api/v1/meetings", json=_payload(d), headers=auth(tokens[role])), 403)
    meeting = _ok(client.post("/api/v1/meetings", json=_payload(d), headers=auth(tokens["admin"])), 201)
    url = f"/api/v1/meetings/{meeting['id']}"
    etag = client.get(url, headers=auth(tokens["admin"])).headers["ETag"]
    _problem(client.put(url, json=_payload(d), headers={"If-Match": etag}), 401)
    _problem(client.put(url, json=_payload(d), headers={**auth(tokens["editor"]), "If-Match": etag}), 403)
    _problem(client.post(f"{url}/publish", json={}), 401)
    _problem(client.post(f"{url}/publish", json={}, headers=auth(tokens["editor"])), 403)
    assert _ok(client.get(url, headers=auth(tokens["admin"])))["status"] == "draft"


def test_a_decision_goes_on_the_agenda_only_after_a_lawful_legality_review(client, tokens):
    decision = factories.catalogued_decision()
    admin = auth(tokens["admin"])
    body = _problem(
        client.post("/api/v1/meetings", json=_payload(decision.id), headers=admin), 409, "legality-review-missing"
    )
    assert str(decision.id) in body["detail"] and "2026-06-10" in body["detail"]
    # A review completed after the meeting does not count for it.
    factories.review(decision, completed_on=dt.date(2026, 6, 11))
    _problem(client.post("/api/v1/meetings", json=_payload(decision.id), headers=admin), 409, "legality-review-missing")
    factories.review(decision, completed_on=dt.date(2026, 6, 10), result="lawful_with_changes")
    _ok(client.post("/api/v1/meetings", json=_payload(decision.id), headers=admin), 201)


def test_an_unlawful_legality_review_keeps_a_decision_off_the_agenda(client, tokens):
    decision = _reviewed_decision(result="unlawful")
    d = decision.id
    admin = auth(tokens["admin"])
    body = _problem(client.post("/api/v1/meetings", json=_payload(d), headers=admin), 409, "legality-review-missing")
    assert "lawful" in body["detail"]
    # The latest review is what counts: a later lawful one lets it on.
    factories.review(decision, completed_on=dt.date(2026, 6, 5))
    _ok(client.post("/api/v1/meetings", json=_payload(d), headers=admin), 201)


def test_a_head_deciding_against_the_majority_gives_the_reason(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    payload = _payload(d)
    payload["agenda"][0] |= {"against_majority": True, "dissent": "多数成员建议延后。"}
    body = _problem(client.post("/api/v1/meetings", json=payload, headers=admin), 422)
    assert "head_reason" in body["errors"]["json"]["agenda"]["0"]
    payload["agenda"][0]["head_reason"] = "时间紧迫，需先行实施。"
    meeting = _ok(client.post("/api/v1/meetings", json=payload, headers=admin), 201)
    [item] = meeting["agenda"]
    assert (item["against_majority"], item["head_reason"], item["dissent"]) == (
        True,
        "时间紧迫，需先行实施。",
        "多数成员建议延后。",
    )


def test_an_attendees_name_is_given_only_with_consent(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    named = {"category": "citizen", "organisation": "嘉定镇街道居民", "name": "张三"}
    body = _problem(client.post("/api/v1/meetings", json=_payload(d, attendees=[named]), headers=admin), 422)
    assert "name" in body["errors"]["json"]["attendees"]["0"]
    consented = {**named, "name_consent": True}
    meeting = _ok(
        client.post("/api/v1/meetings", json=_payload(d, attendees=[consented, ENTERPRISE]), headers=admin), 201
    )
    _ok(client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={}, headers=admin))
    public = _ok(client.get(f"/api/v1/meetings/{meeting['id']}"))
    assert [a["name"] for a in public["attendees"]] == ["张三", None]


def test_the_public_never_sees_a_name_without_consent(client, tokens):
    meeting = factories.meeting(_reviewed_decision())
    # A name kept without consent (entered before the rule, say) still never leaves the service.
    db.session.add(Attendee(meeting_id=meeting.id, position=1, category="citizen", name="李四", name_consent=False))
    db.session.commit()
    admin = auth(tokens["admin"])
    _ok(client.post(f"/api/v1/meetings/{meeting.id}/publish", json={}, headers=admin))
    for headers in ({}, admin, auth(tokens["editor"])):
        response = client.get(f"/api/v1/meetings/{meeting.id}", headers=headers)
        assert [a["name"] for a in _ok(response)["attendees"]] == [None]
        assert "李四" not in response.get_data(as_text=True)
        listed = client.get("/api/v1/meetings", headers=headers)
        assert "李四" not in listed.get_data(as_text=True)


def test_publishing_a_meeting_puts_it_on_each_agenda_decisions_timeline(client, tokens):
    first, second = _reviewed(), _reviewed("嘉定区教育设施布局专项规划", lead_unit="jd-jyj")
    admin = auth(tokens["admin"])
    payload = _payload(first, second, held_on="2026-06-10")
    meeting = _ok(client.post("/api/v1/meetings", json=payload, headers=admin), 201)
    before = {d: client.get(f"/api/v1/decisions/{d}/timeline").get_json()["entries"] for d in (first, second)}
    published = _ok(
        client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={"published_on": "2026-06-12"}, headers=admin)
    )
    assert (published["status"], published["published_on"]) == ("published", "2026-06-12")
    for d in (first, second):
        entries = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["entries"]
        [new] = [e for e in entries if e not in before[d]]
        assert new["type"] == "meeting_deliberated"
        assert new["occurred_on"] == "2026-06-10"
        assert new["href"] == f"http://localhost/api/v1/meetings/{meeting['id']}"
        assert "区政府第15次常务会议" in new["title"]
        assert _ok(client.get(f"/api/v1/decisions/{d}"))["state"] == "deliberated"


def test_a_meeting_is_not_published_before_it_is_held(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    meeting = _ok(client.post("/api/v1/meetings", json=_payload(d, held_on="2026-06-10"), headers=admin), 201)
    body = _problem(
        client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={"published_on": "2026-06-09"}, headers=admin),
        422,
    )
    assert "published_on" in body["errors"]["json"]


def test_a_published_meeting_is_never_replaced(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    meeting = _ok(client.post("/api/v1/meetings", json=_payload(d), headers=admin), 201)
    url = f"/api/v1/meetings/{meeting['id']}"
    _ok(client.post(f"{url}/publish", json={}, headers=admin))
    etag = client.get(url).headers["ETag"]
    body = _problem(
        client.put(url, json=_payload(d, outcome="rejected"), headers={**admin, "If-Match": etag}),
        409,
        "published-record-immutable",
    )
    assert "meeting" in body["detail"]
    _problem(client.post(f"{url}/publish", json={}, headers=admin), 409, "published-record-immutable")
    assert [a["outcome"] for a in _ok(client.get(url))["agenda"]] == ["approved"]


def test_replacing_a_meeting_needs_if_match(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    meeting = _ok(client.post("/api/v1/meetings", json=_payload(d), headers=admin), 201)
    url = f"/api/v1/meetings/{meeting['id']}"
    etag = client.get(url, headers=admin).headers["ETag"]
    changed = _payload(d, outcome="approved_with_changes", attendees=[ENTERPRISE])
    _problem(client.put(url, json=changed, headers=admin), 428)
    _problem(client.put(url, json=changed, headers={**admin, "If-Match": '"stale"'}), 412)
    replaced = _ok(client.put(url, json=changed, headers={**admin, "If-Match": etag}))
    assert [a["outcome"] for a in replaced["agenda"]] == ["approved_with_changes"]
    assert [a["category"] for a in replaced["attendees"]] == ["enterprise"]
    _problem(client.put(url, json=_payload(d), headers={**admin, "If-Match": etag}), 412)


def test_an_unpublished_meeting_is_hidden_from_the_public(client, tokens):
    d = _reviewed()
    admin = auth(tokens["admin"])
    meeting = _ok(client.post("/api/v1/meetings", json=_payload(d), headers=admin), 201)
    url = f"/api/v1/meetings/{meeting['id']}"
    for headers in ({}, auth(tokens["partner"])):
        _problem(client.get(url, headers=headers), 404)
        assert _ok(client.get("/api/v1/meetings", headers=headers)) == []
        assert _ok(client.get(f"/api/v1/meetings?decision_id={d}", headers=headers)) == []
    assert [m["id"] for m in _ok(client.get("/api/v1/meetings", headers=admin))] == [meeting["id"]]
    assert _ok(client.get(f"/api/v1/decisions/{d}"))["state"] == "reviewing"
    assert "meeting_deliberated" not in [
        e["type"] for e in _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["entries"]
    ]
    _ok(client.post(f"{url}/publish", json={}, headers=admin))
    assert _ok(client.get(url))["status"] == "published"
    assert [m["id"] for m in _ok(client.get("/api/v1/meetings"))] == [meeting["id"]]


# --- Invited attendees ------------------------------------------------------------------------


def _attendance(client, unit="jd-fgw", year=2026):
    return _ok(client.get(f"/api/v1/units/{unit}/invited-attendance?year={year}"))


def test_a_unit_invites_stakeholders_to_three_meetings_a_year(client, tokens):
    fgw = factories.catalogued_decision()
    jyj = factories.catalogued_decision(title="嘉定区教育设施布局专项规划", lead_unit="jd-jyj")
    for decision in (fgw, jyj):
        factories.review(decision, completed_on=dt.date(2026, 5, 1))
    stakeholders = ["enterprise", "industry_association", "citizen", "deputy", "cppcc_member", "other"]

    def meeting(*decisions, held_on, categories, published=True):
        attendees = [{"category": c, "organisation": "某单位"} for c in categories]
        return factories.meeting(
            *decisions, held_on=held_on, attendees=attendees, published_on=held_on if published else None
        )

    counted = [meeting(fgw, held_on=dt.date(2026, 5, 10), categories=["enterprise", "media"])]
    # Experts and the press are invited too, but they are not the stakeholders the rule asks for.
    meeting(fgw, held_on=dt.date(2026, 5, 20), categories=["expert", "media"])
    # Not published yet; nobody invited; another unit's decision only.
    meeting(fgw, held_on=dt.date(2026, 5, 25), categories=["citizen"], published=False)
    meeting(fgw, held_on=dt.date(2026, 5, 28), categories=[])
    meeting(jyj, held_on=dt.date(2026, 5, 30), categories=["citizen"])
    body = _attendance(client)
    assert (body["meetings_with_attendees"], body["required"], body["met"]) == (1, 3, False)
    assert [m["id"] for m in body["meetings"]] == [counted[0].id]

    counted.append(meeting(fgw, jyj, held_on=dt.date(2026, 6, 5), categories=[stakeholders[1], "expert"]))
    assert _attendance(client)["meetings_with_attendees"] == 2
    counted.append(meeting(fgw, held_on=dt.date(2026, 6, 15), categories=stakeholders[2:]))
    body = _attendance(client)
    assert (body["meetings_with_attendees"], body["met"]) == (3, True)
    assert [m["id"] for m in body["meetings"]] == [m.id for m in counted]
    assert [m["held_on"] for m in body["meetings"]] == ["2026-05-10", "2026-06-05", "2026-06-15"]
    assert _attendance(client, "jd-jyj")["meetings_with_attendees"] == 2
    assert _attendance(client, year=2025)["meetings_with_attendees"] == 0
    _problem(client.get("/api/v1/units/jd-nowhere/invited-attendance?year=2026"), 404)
    _problem(client.get("/api/v1/units/jd-fgw/invited-attendance"), 422)


@pytest.mark.parametrize(
    "category", ["enterprise", "industry_association", "citizen", "deputy", "cppcc_member", "other"]
)
def test_each_stakeholder_category_counts_as_invited(client, tokens, category):
    decision = factories.catalogued_decision()
    factories.review(decision, completed_on=dt.date(2026, 5, 1))
    factories.meeting(
        decision, held_on=dt.date(2026, 5, 10), published_on=dt.date(2026, 5, 10), attendees=[{"category": category}]
    )
    assert _attendance(client)["meetings_with_attendees"] == 1


# --- The seam with public participation --------------------------------------------------------


def test_a_registered_agenda_check_keeps_a_decision_off_the_agenda(client, tokens, monkeypatch):
    monkeypatch.setattr(preconditions, "_agenda_checks", [])

    @preconditions.agenda_check("some-rule")
    def enterprises_heard(decision, held_on):
        if decision.enterprise_related:
            return [f"enterprises were not heard before {held_on}"]
        return []

    plain = _reviewed()
    related = factories.catalogued_decision(title="嘉定区涉企收费目录清单", enterprise_related=True)
    factories.review(related, completed_on=dt.date(2026, 6, 1))
    admin = auth(tokens["admin"])
    body = _problem(client.post("/api/v1/meetings", json=_payload(plain, related.id), headers=admin), 409, "some-rule")
    assert body["detail"] == f"decision {related.id}: enterprises were not heard before 2026-06-10"
    _ok(client.post("/api/v1/meetings", json=_payload(plain), headers=admin), 201)

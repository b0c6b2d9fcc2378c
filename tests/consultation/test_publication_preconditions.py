"""Publication preconditions (issue 11): the adoption report follows the issued result and the
disposition of every opinion; a meeting takes a decision only with the hearing it requires and
the records of the procedures its catalogue item lists. An admin may exempt each, with a
written reason that is published with the record and audited; an editor may not."""

import datetime as dt

import pytest
import sqlalchemy as sa

from consultation.adoption.models import AdoptionReport
from consultation.comments import services as comment_services
from consultation.consultations import services as consultation_services
from core import calendar
from core.extensions import db
from decisions.meetings.models import AgendaItem
from tests import factories as walk
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat
PROBLEMS = "https://juece.example/problems/"
REASON = "部分意见系匿名来信且内容无法核实，经区政府同意先行公开。"


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if slug:
        assert body["type"] == PROBLEMS + slug, body
    return body


@pytest.fixture
def today(monkeypatch):
    day = {"value": D("2026-10-09")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def decision(app, units, tokens, today):
    """A public decision of jd-fgw, consulted in April, with a draft adoption report."""
    [made] = factories.catalogued_decisions([{}])
    factories.consultation(made, opens_on=D("2026-04-01"), closes_on=D("2026-04-30"))
    factories.adoption_report(made)
    return made


def _decide(decision):
    """The approving meeting on 27 September and the result, issued on 28 September."""
    db.session.rollback()  # the test's session reads what requests committed since
    factories.decided(decision, held_on=D("2026-09-27"), session_no=1, issued_on=D("2026-09-28"))


def _publish(client, decision, headers, **body):
    return client.post(f"/api/v1/decisions/{decision.id}/adoption-report/publish", json=body, headers=headers)


def _report(client, decision, headers=None):
    return _ok(client.get(f"/api/v1/decisions/{decision.id}/adoption-report", headers=headers))


def _consultation(decision):
    from consultation.consultations.models import Consultation

    return db.session.scalars(sa.select(Consultation).where(Consultation.decision_id == decision.id)).first()


# --- The adoption report ---------------------------------------------------------------------


def test_result_not_issued(client, tokens, decision):
    editor = auth(tokens["editor"])
    body = _problem(_publish(client, decision, editor), 409, "result-not-issued")
    assert "no published result" in body["detail"]
    assert _report(client, decision, editor)["record_status"] == "draft"

    _decide(decision)
    # Issued on 28 September: a report dated the day before still precedes it.
    body = _problem(_publish(client, decision, editor, published_on="2026-09-27"), 409, "result-not-issued")
    assert "2026-09-28" in body["detail"] and "嘉府规" in body["detail"]
    published = _ok(_publish(client, decision, editor, published_on="2026-09-28"))
    assert published["record_status"] == "published" and published["exemptions"] == []


def test_comments_undisposed(client, tokens, decision):
    editor = auth(tokens["editor"])
    consultation = _consultation(decision)
    comments = [factories.comment(consultation, content=f"意见{n}") for n in range(14)]
    comment_services.moderate(comments[0], by=factories.admin(), action="reject", reason="广告")
    factories.dispose(comments[1], "adopted")
    _decide(decision)

    body = _problem(_publish(client, decision, editor), 409, "comments-undisposed")
    undisposed = [c.id for c in comments[2:]]
    assert body["count"] == 12 and body["comment_ids"] == undisposed[:10]
    assert "12 opinions" in body["detail"] and str(undisposed[0]) in body["detail"]
    assert "the first 10" in body["detail"]
    assert _report(client, decision, editor)["record_status"] == "draft"

    db.session.rollback()
    for comment in comments[2:]:
        factories.dispose(db.session.merge(comment), "adopted")
    assert _ok(_publish(client, decision, editor))["record_status"] == "published"


# --- The meeting's agenda --------------------------------------------------------------------


def _meeting(decision, held_on="2026-06-10", **item):
    return {
        "body_type": "executive",
        "session_no": 7,
        "held_on": held_on,
        "agenda": [{"decision_id": decision.id, "outcome": "approved", **item}],
    }


def _hearing(client, tokens, decision, *, signed_on):
    hearing = factories.consultation(
        decision, method="hearing", opens_on=D("2026-05-06"), closes_on=D("2026-05-20"), audience=("public",)
    )
    body = {
        "hearing_on": "2026-05-20",
        "participants": [{"category": "citizen", "organisation": None}],
        "participants_published_on": "2026-05-06",
        "materials_sent_on": "2026-05-13",
        "record_signed_on": signed_on,
    }
    _ok(client.put(f"/api/v1/consultations/{hearing.id}/hearing", json=body, headers=auth(tokens["editor"])))
    return hearing


@pytest.fixture
def hearing_required(app, units, tokens, today):
    """A public decision that requires a hearing (added to the catalogue if it is public), its
    draft reviewed lawful on 1 June."""
    made = walk.catalogued_decision(hearing_required=True, title="嘉定区生活垃圾分类管理办法修订")
    factories.legality_review(made, completed_on=D("2026-06-01"))
    return made


def test_hearing_missing(client, tokens, hearing_required):
    admin = auth(tokens["admin"])
    body = _problem(
        client.post("/api/v1/meetings", json=_meeting(hearing_required), headers=admin), 409, "hearing-missing"
    )
    assert f"decision {hearing_required.id}" in body["detail"] and "requires a hearing" in body["detail"]
    # Its record signed after the meeting day: the meeting did not have it.
    hearing = _hearing(client, tokens, hearing_required, signed_on="2026-06-11")
    _problem(client.post("/api/v1/meetings", json=_meeting(hearing_required), headers=admin), 409, "hearing-missing")
    assert not db.session.scalars(sa.select(AgendaItem)).all()

    db.session.rollback()
    consultation_services.record_hearing(
        hearing,
        by=factories.admin(),
        hearing_on=D("2026-05-20"),
        participants_published_on=D("2026-05-06"),
        materials_sent_on=D("2026-05-13"),
        record_signed_on=D("2026-05-20"),
    )
    made = _ok(client.post("/api/v1/meetings", json=_meeting(hearing_required), headers=admin), 201)
    assert made["agenda"][0]["exemptions"] == []


def test_hearing_missing_on_replacing_a_meetings_record(client, tokens, hearing_required):
    admin = auth(tokens["admin"])
    [other] = factories.catalogued_decisions([{}], year=2027, published_on=D("2026-09-01"))
    factories.legality_review(other, completed_on=D("2026-06-01"))
    made = _ok(client.post("/api/v1/meetings", json=_meeting(other), headers=admin), 201)
    replacement = _meeting(other)
    replacement["agenda"].append({"decision_id": hearing_required.id, "outcome": "approved"})
    etag = client.get(f"/api/v1/meetings/{made['id']}", headers=admin).headers["ETag"]
    headers = {**admin, "If-Match": etag}
    _problem(client.put(f"/api/v1/meetings/{made['id']}", json=replacement, headers=headers), 409, "hearing-missing")
    assert len(_ok(client.get(f"/api/v1/meetings/{made['id']}", headers=admin))["agenda"]) == 1


def test_procedure_missing(client, tokens, app, units, today):
    admin = auth(tokens["admin"])
    procedures = [
        "public_participation",
        "expert_review",
        "risk_assessment",
        "legality_review",
        "fair_competition_review",
        "collective_deliberation",
    ]
    [listed] = factories.catalogued_decisions([{"procedures": procedures}])
    factories.legality_review(listed, completed_on=D("2026-06-01"))
    body = _problem(client.post("/api/v1/meetings", json=_meeting(listed), headers=admin), 409, "procedure-missing")
    for named in ("public participation", "expert review", "risk assessment", "fair competition review"):
        assert named in body["detail"], named
    assert "legality" not in body["detail"] and "collective" not in body["detail"]

    # A consultation closed before the day; an expert review recorded (unpublished: it counts);
    # a risk assessment completed after the meeting day, and a consultation still open on it.
    db.session.rollback()
    factories.consultation(listed, opens_on=D("2026-04-01"), closes_on=D("2026-05-01"))
    factories.consultation(listed, opens_on=D("2026-05-11"), closes_on=D("2026-06-10"))
    walk.review(listed, "expert_review", completed_on=D("2026-05-20"))
    walk.review(listed, "risk_assessment", completed_on=D("2026-06-11"))
    body = _problem(client.post("/api/v1/meetings", json=_meeting(listed), headers=admin), 409, "procedure-missing")
    assert "risk assessment" in body["detail"] and "fair competition review" in body["detail"]
    assert "public participation" not in body["detail"] and "expert review" not in body["detail"]

    walk.review(listed, "risk_assessment", completed_on=D("2026-06-05"))
    walk.review(listed, "fair_competition_review", completed_on=D("2026-06-05"), restricts_competition=False)
    _ok(client.post("/api/v1/meetings", json=_meeting(listed), headers=admin), 201)


# --- Exemptions ------------------------------------------------------------------------------


def _audited(client, tokens, record_type):
    entries = _ok(client.get(f"/api/v1/audit?record_type={record_type}&page_size=100", headers=auth(tokens["admin"])))
    return [e for e in entries if "exemptions" in e["changes"]]


def test_an_admin_exempts_a_report_with_a_reason_published_with_it_and_audited(client, tokens, decision, today):
    admin = auth(tokens["admin"])
    factories.comment(_consultation(decision), content="未处理的意见")
    _decide(decision)
    exemption = {"rule": "comments-undisposed", "reason": REASON}
    published = _ok(_publish(client, decision, admin, exemptions=[exemption]))
    account_id = factories.admin().id
    granted = {**exemption, "by": account_id, "on": today["value"].isoformat()}
    assert published["record_status"] == "published" and published["exemptions"] == [granted]
    assert _report(client, decision)["exemptions"] == [granted]  # the public reads it

    [entry] = _audited(client, tokens, "adoption_reports")
    assert entry["account_id"] == account_id and entry["action"] == "update"
    assert entry["changes"]["exemptions"] == [None, [granted]]

    # Its correction is published under the same exemption, which it carries and shows.
    corrected = client.post(
        f"/api/v1/decisions/{decision.id}/adoption-report/correction",
        json={"summary": "更正文字。", "reason": "更正错别字。"},
        headers=auth(tokens["editor"]),
    )
    assert corrected.status_code == 201, corrected.get_json()
    assert corrected.get_json()["version"] == 2 and corrected.get_json()["exemptions"] == [granted]


def test_an_admin_exempts_an_agenda_item_with_a_reason_published_with_the_meeting(client, tokens, hearing_required):
    admin = auth(tokens["admin"])
    exemption = {"rule": "hearing-missing", "reason": "听证会因防汛应急延期，经区政府同意先行审议。"}
    made = _ok(
        client.post("/api/v1/meetings", json=_meeting(hearing_required, exemptions=[exemption]), headers=admin), 201
    )
    granted = {**exemption, "by": factories.admin().id, "on": "2026-10-09"}
    assert made["agenda"][0]["exemptions"] == [granted]
    _ok(client.post(f"/api/v1/meetings/{made['id']}/publish", json={"published_on": "2026-06-11"}, headers=admin))
    assert _ok(client.get(f"/api/v1/meetings/{made['id']}"))["agenda"][0]["exemptions"] == [granted]

    [entry] = _audited(client, tokens, "agenda_items")
    assert entry["action"] == "create" and entry["changes"]["exemptions"] == [granted]


def test_an_editor_may_not_exempt(client, tokens, decision):
    _decide(decision)
    factories.comment(_consultation(decision), content="未处理的意见")
    exemption = {"rule": "comments-undisposed", "reason": REASON}
    _problem(_publish(client, decision, auth(tokens["editor"]), exemptions=[exemption]), 403)
    db.session.rollback()
    report = db.session.scalars(sa.select(AdoptionReport).where(AdoptionReport.decision_id == decision.id)).one()
    assert report.published_on is None and report.exemptions is None


def test_an_exemption_of_a_rule_that_does_not_block_is_refused(client, tokens, decision, hearing_required):
    admin = auth(tokens["admin"])
    _decide(decision)
    # Nothing blocks the report: exempting it from a rule it meets is refused.
    body = _problem(
        _publish(client, decision, admin, exemptions=[{"rule": "comments-undisposed", "reason": REASON}]), 422
    )
    assert "does not block" in body["errors"]["json"]["exemptions"]["0"]["rule"][0]
    # A rule that is never exempted, and a reason not given in words.
    for exemption in (
        {"rule": "legality-review-missing", "reason": REASON},
        {"rule": "result-not-issued", "reason": " "},
    ):
        _problem(_publish(client, decision, admin, exemptions=[exemption]), 422)
    assert _report(client, decision, admin)["record_status"] == "draft"

    # An agenda item exempted from procedure-missing when the hearing is what is missing.
    wrong = _meeting(hearing_required, exemptions=[{"rule": "procedure-missing", "reason": REASON}])
    body = _problem(client.post("/api/v1/meetings", json=wrong, headers=admin), 422)
    assert "does not block" in body["errors"]["json"]["agenda"]["0"]["exemptions"]["0"]["rule"][0]


def test_an_exemption_waives_only_the_rule_it_names(client, tokens, decision):
    admin = auth(tokens["admin"])
    factories.comment(_consultation(decision), content="未处理的意见")
    # No result yet, and an undisposed opinion: exempting one leaves the other blocking.
    exemption = {"rule": "comments-undisposed", "reason": REASON}
    _problem(_publish(client, decision, admin, exemptions=[exemption]), 409, "result-not-issued")
    both = [exemption, {"rule": "result-not-issued", "reason": "依上级要求在决策文件印发前公开。"}]
    published = _ok(_publish(client, decision, admin, exemptions=both))
    assert [e["rule"] for e in published["exemptions"]] == ["comments-undisposed", "result-not-issued"]

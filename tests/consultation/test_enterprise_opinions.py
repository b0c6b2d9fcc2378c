"""The seam between public participation and the procedure: an enterprise-related decision
(涉企) goes on a meeting's agenda only after enterprises AND industry associations were heard
and their opinions have dispositions [district; Decree 722 Art. 62]."""

import datetime as dt

import pytest

from core import tick
from core.extensions import db
from tests import factories
from tests.conftest import auth

MISSING = "https://juece.example/problems/enterprise-opinions-missing"
HELD_ON = "2026-05-15"


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def enterprise_related(app, units, tokens, today):
    """An enterprise-related decision of jd-fgw with a published draft and a lawful legality review."""
    decision = factories.catalogued_decision(enterprise_related=True)
    factories.draft(decision)
    factories.legality_review(decision, completed_on=dt.date(2026, 5, 10))
    return decision


def _consult(decision, **fields):
    """A consultation that took comments from 2026-04-03 to 2026-05-02 (today is 2026-04-10)."""
    return factories.consultation(decision, **fields)


def _hear(consultation, *submitter_types, dispose=True, by=None):
    """Opinions from these submitters, disposed of (adopted) unless told otherwise."""
    from consultation.dispositions import services as disposition_services

    for submitter_type in submitter_types:
        fields = {"organisation": f"某{submitter_type}"}
        if by is not None:
            fields |= {"channel": "meeting", "received_on": consultation.opens_on}
        comment = factories.comment(consultation, by=by, submitter_type=submitter_type, **fields)
        if dispose:
            disposition_services.dispose(comment, by=factories.admin(), disposition="adopted")


def _agenda(client, tokens, decision_id):
    """Try to put the decision on a meeting's agenda, after the consultations closed."""
    db.session.rollback()
    meeting = {
        "body_type": "executive",
        "session_no": 9,
        "held_on": HELD_ON,
        "agenda": [{"decision_id": decision_id, "outcome": "approved"}],
    }
    return client.post("/api/v1/meetings", json=meeting, headers=auth(tokens["admin"]))


def _refused(response):
    assert response.status_code == 409, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == MISSING
    return body["detail"]


def test_an_enterprise_related_decision_needs_enterprises_and_associations_heard_before_the_agenda(
    client, tokens, enterprise_related, today
):
    detail = _refused(_agenda(client, tokens, enterprise_related.id))
    assert "have not both been heard" in detail and f"decision {enterprise_related.id}" in detail

    consultation = _consult(enterprise_related)
    _hear(consultation, "enterprise", "individual")  # no association
    today["value"] = dt.date(2026, 5, 14)
    assert "have not both been heard" in _refused(_agenda(client, tokens, enterprise_related.id))

    today["value"] = dt.date(2026, 4, 10)
    _hear(consultation, "industry_association")
    today["value"] = dt.date(2026, 5, 14)
    _ok(_agenda(client, tokens, enterprise_related.id), 201)


def test_the_consultation_that_hears_them_is_addressed_to_both_and_closed_before_the_meeting(
    client, tokens, enterprise_related, today
):
    public_only = _consult(enterprise_related, audience=("public", "enterprises"))
    _hear(public_only, "enterprise", "industry_association")
    still_open = _consult(
        enterprise_related, audience=("enterprises", "industry_associations"), closes_on=dt.date(2026, 5, 15)
    )
    _hear(still_open, "enterprise", "industry_association")
    today["value"] = dt.date(2026, 5, 14)
    assert "have not both been heard" in _refused(_agenda(client, tokens, enterprise_related.id))


@pytest.mark.parametrize("method", ["symposium", "hearing"])
def test_a_symposium_or_hearing_with_both_hears_them(client, tokens, enterprise_related, today, method):
    symposium = _consult(
        enterprise_related,
        method=method,
        audience=("specific_group",),
        channels=("meeting",),
        opens_on=dt.date(2026, 4, 8),
        closes_on=dt.date(2026, 4, 9),
    )
    _hear(symposium, "enterprise", "industry_association", by=factories.admin())
    today["value"] = dt.date(2026, 5, 14)
    _ok(_agenda(client, tokens, enterprise_related.id), 201)


def test_the_opinions_of_enterprises_and_associations_need_dispositions(client, tokens, enterprise_related, today):
    consultation = _consult(enterprise_related)
    _hear(consultation, "enterprise", "industry_association", dispose=False)
    _hear(consultation, "individual", dispose=False)  # the public's opinions are not this rule's
    today["value"] = dt.date(2026, 5, 14)
    detail = _refused(_agenda(client, tokens, enterprise_related.id))
    assert "2 opinions of enterprises or industry associations had no disposition by the meeting day" in detail
    assert "have not both been heard" not in detail

    from consultation.clusters import services as cluster_services
    from consultation.comments.models import Comment

    db.session.rollback()
    undisposed = db.session.scalars(
        db.select(Comment).where(Comment.disposition.is_(None), Comment.submitter_type != "individual")
    ).all()
    cluster_services.create_cluster(
        consultation,
        by=factories.admin(),
        summary="企业和协会建议提高贴息比例",
        comment_ids=[c.id for c in undisposed],
        disposition="not_adopted",
        reason_code="cost_or_feasibility",
        reason="财政承受能力有限",
        disposed_on=dt.date(2026, 5, 12),
    )
    # The public's opinion is accounted for in the draft adoption report (another rule).
    _ok(
        client.put(
            f"/api/v1/decisions/{enterprise_related.id}/adoption-report",
            json={"summary": "共收到意见3条。"},
            headers=auth(tokens["editor"]),
        ),
        201,
    )
    _ok(_agenda(client, tokens, enterprise_related.id), 201)


def test_a_rejected_opinion_does_not_count_as_heard(client, tokens, enterprise_related, today):
    from consultation.comments import services as comment_services

    consultation = _consult(enterprise_related)
    _hear(consultation, "enterprise")
    spam = factories.comment(consultation, submitter_type="industry_association", content="广告")
    comment_services.moderate(spam, by=factories.admin(), action="reject", reason="广告")
    today["value"] = dt.date(2026, 5, 14)
    detail = _refused(_agenda(client, tokens, enterprise_related.id))
    assert "have not both been heard" in detail and "no disposition" not in detail


def test_the_refusal_lists_everything_missing(client, tokens, enterprise_related, today):
    consultation = _consult(enterprise_related)
    _hear(consultation, "enterprise", dispose=False)
    today["value"] = dt.date(2026, 5, 14)
    detail = _refused(_agenda(client, tokens, enterprise_related.id))
    assert "have not both been heard" in detail
    assert "1 opinions of enterprises or industry associations had no disposition by the meeting day" in detail


def test_a_decision_not_related_to_enterprises_is_not_held_to_it(client, tokens, app, units, today):
    decision = factories.catalogued_decision(title="嘉定区教育设施布局规划", enterprise_related=False)
    factories.draft(decision)
    factories.legality_review(decision, completed_on=dt.date(2026, 5, 10))
    today["value"] = dt.date(2026, 5, 14)
    _ok(_agenda(client, tokens, decision.id), 201)


def test_the_closing_tick_is_not_what_makes_a_consultation_count(client, tokens, enterprise_related, today):
    """Heard means the window ended before the meeting, whether or not `tick` has run yet."""
    consultation = _consult(enterprise_related)
    _hear(consultation, "enterprise", "industry_association")
    today["value"] = dt.date(2026, 5, 14)
    _ok(_agenda(client, tokens, enterprise_related.id), 201)
    db.session.rollback()
    assert tick.run()["consultations closed"] == 1

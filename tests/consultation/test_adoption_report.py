"""The adoption report (意见收集采纳情况): who writes it, its computed figures, its reasons, its
deadline, and the meeting's precondition that how opinions were adopted is on record."""

import datetime as dt

import pytest
import sqlalchemy as sa

from consultation.comments import services as comment_services
from core import calendar, obligations, tick
from core.extensions import db
from tests import year_factories as factories
from tests.conftest import auth

D = dt.date.fromisoformat
PROBLEMS = "https://juece.example/problems/"


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
    day = {"value": D("2026-06-01")}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def decisions(app, units, tokens, today):
    """Three public decisions of jd-fgw; the first is consulted on (see `consulted`)."""
    return factories.catalogued_decisions([{}, {}, {}])


@pytest.fixture
def consulted(decisions):
    """The first decision's two consultations and their comments, with every channel and
    submitter type the figures must count; and one comment on another decision."""
    decision = decisions[0]
    online = factories.consultation(decision, opens_on=D("2026-04-01"), closes_on=D("2026-04-30"))
    symposium = factories.consultation(
        decision, opens_on=D("2026-05-10"), closes_on=D("2026-05-20"), method="symposium", channels=["meeting"]
    )
    made = {
        "enterprise": factories.comment(online, submitter_type="enterprise", channel="portal", organisation="某公司"),
        "letter": factories.comment(online, channel="letter", name="张三", contact="13800000000"),
        "app": factories.comment(online, channel="suishenban"),
        "association": factories.comment(online, submitter_type="industry_association", channel="portal"),
        "hotline": factories.comment(online, channel="hotline_12345"),
        "expert": factories.comment(symposium, submitter_type="expert", channel="meeting"),
        "enterprise_at_symposium": factories.comment(symposium, submitter_type="enterprise", channel="meeting"),
    }
    factories.dispose(made["enterprise"], "adopted")
    factories.dispose(made["letter"], "not_adopted")
    factories.dispose(made["association"], "partially_adopted")
    factories.dispose(made["expert"], "adopted")
    comment_services.moderate(made["hotline"], by=factories.admin(), action="reject", reason="与本事项无关")
    elsewhere = factories.consultation(decisions[1], opens_on=D("2026-04-01"), closes_on=D("2026-04-30"))
    factories.comment(elsewhere, submitter_type="department", channel="letter")
    return decision, online, made


def _decide(decision, *, issued_on, session_no, today):
    """Legality review, approving meeting (the day before issue) and the published result."""
    db.session.rollback()  # the test's session reads what requests committed since
    today["value"] = max(today["value"], D(issued_on))
    factories.decided(
        decision, held_on=D(issued_on) - dt.timedelta(days=1), session_no=session_no, issued_on=D(issued_on)
    )


def _report(client, decision_id, headers=None):
    return _ok(client.get(f"/api/v1/decisions/{decision_id}/adoption-report", headers=headers))


def test_only_the_lead_units_editor_or_an_admin_writes_the_report(client, tokens, consulted):
    decision, _, _ = consulted
    path = f"/api/v1/decisions/{decision.id}/adoption-report"
    text = {"summary": "共收到意见6条。"}
    _problem(client.put(path, json=text), 401)
    _problem(client.put(path, json=text, headers=auth(tokens["other_editor"])), 403)
    _problem(client.put(path, json=text, headers=auth(tokens["partner"])), 403)
    editor = auth(tokens["editor"])
    created = client.put(path, json=text, headers=editor)
    body = _ok(created, 201)
    assert body["summary"] == "共收到意见6条。" and body["record_status"] == "draft" and body["version"] == 1
    # An unpublished report is the lead unit's alone.
    _problem(client.get(path), 404)
    _problem(client.get(path, headers=auth(tokens["other_editor"])), 404)
    etag = client.get(path, headers=editor).headers["ETag"]

    _problem(client.put(path, json={"summary": "改"}, headers=editor), 428)
    _problem(client.put(path, json={"summary": "改"}, headers={**editor, "If-Match": '"stale"'}), 412)
    _problem(client.put(path, json={"summary": "改"}, headers={**auth(tokens["other_editor"]), "If-Match": etag}), 403)
    changed = _ok(client.put(path, json={"summary": "共收到意见6条，采纳2条。"}, headers={**editor, "If-Match": etag}))
    assert changed["summary"] == "共收到意见6条，采纳2条。" and changed["version"] == 1
    admin = auth(tokens["admin"])
    etag = client.get(path, headers=admin).headers["ETag"]
    assert _ok(client.put(path, json={"summary": "区政府办公室修改"}, headers={**admin, "If-Match": etag}))


def test_the_figures_are_never_typed_in(client, tokens, consulted):
    decision, _, _ = consulted
    for typed in (
        {"figures": {"received": 100}},
        {"received": 100},
        {"by_channel": {"portal": 100}},
        {"by_disposition": {"adopted": 100}},
    ):
        body = _problem(
            client.put(
                f"/api/v1/decisions/{decision.id}/adoption-report",
                json={"summary": "共收到意见100条。", **typed},
                headers=auth(tokens["editor"]),
            ),
            422,
        )
        assert set(typed) <= set(body["errors"]["json"])
    _problem(client.get(f"/api/v1/decisions/{decision.id}/adoption-report", headers=auth(tokens["editor"])), 404)


def test_the_figures_are_computed_from_the_comments_of_all_its_consultations(client, tokens, consulted, today):
    decision, _, made = consulted
    editor = auth(tokens["editor"])
    body = _ok(
        client.put(f"/api/v1/decisions/{decision.id}/adoption-report", json={"summary": "见附表。"}, headers=editor),
        201,
    )
    # The rejected 12345 comment is not counted, nor the comment on another decision.
    assert body["figures"] == {
        "received": 6,
        "by_channel": {"portal": 2, "letter": 1, "suishenban": 1, "meeting": 2},
        "by_submitter_type": {"enterprise": 2, "individual": 2, "industry_association": 1, "expert": 1},
        "by_disposition": {"adopted": 2, "not_adopted": 1, "partially_adopted": 1, "undisposed": 2},
    }
    db.session.rollback()
    factories.dispose(made["app"], "duplicate")
    figures = _report(client, decision.id, editor)["figures"]
    assert figures["by_disposition"] == {
        "adopted": 2,
        "not_adopted": 1,
        "partially_adopted": 1,
        "duplicate": 1,
        "undisposed": 1,
    }
    assert figures["received"] == 6


def test_a_report_is_not_published_while_a_concentrated_opinion_not_adopted_lacks_its_reason(
    client, tokens, consulted, today
):
    decision, online, made = consulted
    editor = auth(tokens["editor"])
    clusters = f"/api/v1/consultations/{online.id}/clusters"
    unexplained = _ok(
        client.post(
            clusters,
            json={
                "summary": "建议延长申报期限",
                "comment_ids": [made["letter"].id, made["app"].id],
                "disposition": "not_adopted",
            },
            headers=editor,
        ),
        201,
    )
    assert unexplained["reason"] is None
    # An adopted concentrated opinion needs no reason.
    _ok(
        client.post(
            clusters,
            json={"summary": "支持加大贴息", "comment_ids": [made["enterprise"].id], "disposition": "adopted"},
            headers=editor,
        ),
        201,
    )
    _ok(
        client.put(f"/api/v1/decisions/{decision.id}/adoption-report", json={"summary": "见附表。"}, headers=editor),
        201,
    )
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    publish = f"/api/v1/decisions/{decision.id}/adoption-report/publish"
    refused = _problem(client.post(publish, headers=editor), 409, "cluster-reason-missing")
    assert f"cluster {unexplained['id']}" in refused["detail"]
    assert _report(client, decision.id, editor)["record_status"] == "draft"

    cluster = f"{clusters}/{unexplained['id']}"
    _problem(client.patch(cluster, json={"reason": "申报期限已为法定最长期限"}, headers=editor), 428)
    etag = client.get(cluster).headers["ETag"]
    _problem(
        client.patch(cluster, json={"reason": "x"}, headers={**auth(tokens["other_editor"]), "If-Match": etag}), 403
    )
    # A reason in words without its code is not yet a reason on record.
    half = client.patch(cluster, json={"reason": "申报期限已为法定最长期限"}, headers={**editor, "If-Match": etag})
    _ok(half)
    _problem(client.post(publish, headers=editor), 409, "cluster-reason-missing")
    explained = _ok(
        client.patch(
            cluster, json={"reason_code": "conflicts_with_law"}, headers={**editor, "If-Match": half.headers["ETag"]}
        )
    )
    assert explained["reason_code"] == "conflicts_with_law" and explained["reason"] == "申报期限已为法定最长期限"
    # Its comments carry the reason too: their submitters read it on their receipt.
    receipt = _ok(client.get(f"/api/v1/receipts/{made['app'].receipt}"))
    assert receipt["disposition"] == "not_adopted" and receipt["reason"] == "申报期限已为法定最长期限"

    # Every opinion has its disposition before the report is published (comments-undisposed).
    _problem(client.post(publish, headers=editor), 409, "comments-undisposed")
    db.session.rollback()  # the test's session reads what requests committed since
    factories.dispose(made["enterprise_at_symposium"], "adopted")
    published = _ok(client.post(publish, headers=editor))
    assert published["record_status"] == "published" and published["status"] == "on_time"
    public = _report(client, decision.id)
    assert [c["summary"] for c in public["clusters"]] == ["建议延长申报期限", "支持加大贴息"]
    assert public["figures"]["received"] == 6
    assert "张三" not in client.get(f"/api/v1/decisions/{decision.id}/adoption-report").get_data(as_text=True)


def test_a_report_with_no_comments_is_published(client, tokens, decisions, today):
    decision = decisions[2]
    editor = auth(tokens["editor"])
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    _ok(
        client.put(
            f"/api/v1/decisions/{decision.id}/adoption-report", json={"summary": "未收到意见。"}, headers=editor
        ),
        201,
    )
    report = _ok(client.post(f"/api/v1/decisions/{decision.id}/adoption-report/publish", headers=editor))
    assert report["figures"] == {"received": 0, "by_channel": {}, "by_submitter_type": {}, "by_disposition": {}}
    assert report["clusters"] == [] and report["status"] == "on_time"


@pytest.mark.parametrize(("published_on", "status"), [("2026-10-16", "on_time"), ("2026-10-19", "late")])
def test_the_report_is_due_10_working_days_after_the_result_is_issued(
    client, tokens, decisions, today, published_on, status
):
    decision = decisions[2]
    editor = auth(tokens["editor"])
    today["value"] = D("2026-09-20")
    drafted = _ok(
        client.put(
            f"/api/v1/decisions/{decision.id}/adoption-report", json={"summary": "未收到意见。"}, headers=editor
        ),
        201,
    )
    # Drafted before the result: nothing is due yet.
    assert (drafted["status"], drafted["due_on"], drafted["calendar_status"]) == ("not_due", None, None)

    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    report = _report(client, decision.id, editor)
    assert (report["status"], report["due_on"], report["calendar_status"]) == ("pending", "2026-10-16", "official")
    today["value"] = D("2026-10-16")  # the last day allowed
    assert _report(client, decision.id, editor)["status"] == "pending"
    today["value"] = D("2026-10-17")
    assert _report(client, decision.id, editor)["status"] == "overdue"

    today["value"] = D("2026-10-20")
    published = _ok(
        client.post(
            f"/api/v1/decisions/{decision.id}/adoption-report/publish",
            json={"published_on": published_on},
            headers=editor,
        )
    )
    assert (published["status"], published["published_on"], published["due_on"]) == (
        status,
        published_on,
        "2026-10-16",
    )
    public = _report(client, decision.id)
    assert public["status"] == status and public["record_status"] == "published"


def test_the_report_is_an_obligation_on_the_timeline(client, tokens, decisions, today):
    decision = decisions[2]
    d, editor = decision.id, auth(tokens["editor"])
    assert _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"] == []
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    timeline = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))
    assert timeline["obligations"] == [
        {
            "type": "adoption_report",
            "due_on": "2026-10-16",
            "status": "pending",
            "calendar_status": "official",
            "fulfilled_on": None,
            "href": None,
        }
    ]
    _ok(client.put(f"/api/v1/decisions/{d}/adoption-report", json={"summary": "未收到意见。"}, headers=editor), 201)
    assert _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"][0]["href"] is None  # a draft

    today["value"] = D("2026-10-14")
    report = _ok(client.post(f"/api/v1/decisions/{d}/adoption-report/publish", headers=editor))
    timeline = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))
    [owed] = timeline["obligations"]
    assert owed["status"] == "on_time" and owed["fulfilled_on"] == "2026-10-14"
    assert owed["href"] == report["_links"]["self"]["href"]
    assert owed["href"].endswith(f"/api/v1/decisions/{d}/adoption-report/versions/1")
    assert client.get(owed["href"]).status_code == 200  # to anyone
    last = timeline["entries"][-1]
    assert (last["type"], last["occurred_on"], last["href"]) == (
        "adoption_report_published",
        "2026-10-14",
        owed["href"],
    )
    assert [e["type"] for e in timeline["entries"]] == [
        "catalogued",
        "meeting_deliberated",
        "result_published",
        "adoption_report_published",
    ]


def test_a_corrected_result_moves_the_due_date(client, tokens, decisions, today):
    decision = decisions[2]
    d, editor = decision.id, auth(tokens["editor"])
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    today["value"] = D("2026-10-19")
    with client.application.app_context():
        assert tick.run()["obligations marked overdue"] == 1
    assert _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"][0]["status"] == "overdue"

    # The document was in fact issued on Friday 9 October: due ten working days later, counting
    # the make-up Saturday of 10 October.
    corrected = _ok(
        client.post(
            f"/api/v1/decisions/{d}/result/correction",
            json={"issued_on": "2026-10-09", "reason": "印发日期更正"},
            headers=editor,
        ),
        201,
    )
    assert corrected["version"] == 2 and corrected["doc_number"] == f"嘉府规〔2026〕{d}号"
    timeline = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))
    [owed] = timeline["obligations"]
    assert (owed["due_on"], owed["status"], owed["calendar_status"]) == ("2026-10-22", "pending", "official")
    assert timeline["entries"][-1]["type"] == "correction"
    db.session.rollback()
    assert db.session.scalar(sa.select(obligations.Obligation.overdue_since)) is None
    with client.application.app_context():
        assert tick.run()["obligations marked overdue"] == 0


def test_a_decision_with_comments_goes_on_the_agenda_only_with_dispositions_for_every_comment(
    client, tokens, consulted, decisions, today
):
    decision, _, made = consulted
    admin = auth(tokens["admin"])
    factories.legality_review(decision, completed_on=D("2026-05-25"))
    factories.legality_review(decisions[2], completed_on=D("2026-05-25"))
    meeting = {
        "body_type": "executive",
        "session_no": 5,
        "held_on": "2026-05-28",
        "agenda": [{"decision_id": decision.id, "outcome": "approved"}],
    }
    refused = _problem(client.post("/api/v1/meetings", json=meeting, headers=admin), 409, "adoption-not-on-record")
    assert f"decision {decision.id}" in refused["detail"] and "2 opinions have no disposition" in refused["detail"]
    db.session.rollback()
    factories.dispose(made["app"], "adopted")
    refused = _problem(client.post("/api/v1/meetings", json=meeting, headers=admin), 409, "adoption-not-on-record")
    assert "1 opinions" in refused["detail"]
    factories.dispose(made["enterprise_at_symposium"], "out_of_scope")
    # A decision without comments is not held to it.
    meeting["agenda"].append({"decision_id": decisions[2].id, "outcome": "approved"})
    _ok(client.post("/api/v1/meetings", json=meeting, headers=admin), 201)


def test_a_draft_adoption_report_puts_a_decision_with_comments_on_the_agenda(client, tokens, consulted, today):
    decision, _, _ = consulted
    admin = auth(tokens["admin"])
    factories.legality_review(decision, completed_on=D("2026-05-25"))
    meeting = {
        "body_type": "executive",
        "session_no": 5,
        "held_on": "2026-05-28",
        "agenda": [{"decision_id": decision.id, "outcome": "approved"}],
    }
    _problem(client.post("/api/v1/meetings", json=meeting, headers=admin), 409, "adoption-not-on-record")
    db.session.rollback()
    factories.adoption_report(decision, summary="意见采纳情况（送审）")
    _ok(client.post("/api/v1/meetings", json=meeting, headers=admin), 201)


def test_a_decision_whose_only_comments_were_rejected_has_no_adoption_to_record(client, tokens, decisions, today):
    decision = decisions[2]
    consultation = factories.consultation(decision, opens_on=D("2026-04-01"), closes_on=D("2026-04-30"))
    spam = factories.comment(consultation, channel="letter")
    comment_services.moderate(spam, by=factories.admin(), action="reject", reason="广告")
    factories.legality_review(decision, completed_on=D("2026-05-25"))
    meeting = {
        "body_type": "executive",
        "session_no": 6,
        "held_on": "2026-05-28",
        "agenda": [{"decision_id": decision.id, "outcome": "approved"}],
    }
    _ok(client.post("/api/v1/meetings", json=meeting, headers=auth(tokens["admin"])), 201)


def test_a_report_published_before_the_result_meets_the_obligation_it_falls_due_with(client, tokens, decisions, today):
    decision = decisions[2]
    d, editor = decision.id, auth(tokens["editor"])
    today["value"] = D("2026-09-20")
    _ok(client.put(f"/api/v1/decisions/{d}/adoption-report", json={"summary": "未收到意见。"}, headers=editor), 201)
    # Before the result is issued only an admin's exemption publishes it (result-not-issued).
    exemption = {"rule": "result-not-issued", "reason": "决策文件印发前，依上级要求先行公开意见采纳情况。"}
    early = _ok(
        client.post(
            f"/api/v1/decisions/{d}/adoption-report/publish",
            json={"exemptions": [exemption]},
            headers=auth(tokens["admin"]),
        )
    )
    assert (early["status"], early["due_on"]) == ("not_due", None)
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    today["value"] = D("2026-10-20")
    [owed] = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"]
    assert (owed["status"], owed["fulfilled_on"]) == ("on_time", "2026-09-20")
    assert owed["href"] == early["_links"]["self"]["href"]
    assert _report(client, d)["status"] == "on_time"
    with client.application.app_context():
        assert tick.run()["obligations marked overdue"] == 0


def test_a_correction_after_the_due_day_does_not_make_a_report_late(client, tokens, decisions, today):
    decision = decisions[2]
    d, editor = decision.id, auth(tokens["editor"])
    _decide(decision, issued_on="2026-09-28", session_no=1, today=today)
    _ok(client.put(f"/api/v1/decisions/{d}/adoption-report", json={"summary": "未收到意见。"}, headers=editor), 201)
    today["value"] = D("2026-10-15")
    _ok(client.post(f"/api/v1/decisions/{d}/adoption-report/publish", headers=editor))
    today["value"] = D("2026-10-20")
    corrected = _ok(
        client.post(
            f"/api/v1/decisions/{d}/adoption-report/correction",
            json={"summary": "未收到意见（更正）。", "reason": "文字更正"},
            headers=editor,
        ),
        201,
    )
    assert (corrected["version"], corrected["published_on"], corrected["status"]) == (2, "2026-10-20", "on_time")
    [owed] = _ok(client.get(f"/api/v1/decisions/{d}/timeline"))["obligations"]
    assert (owed["status"], owed["fulfilled_on"]) == ("on_time", "2026-10-15")

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask import g

from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from core import calendar
from core.audit import AuditEntry
from core.extensions import db
from tests import factories

CATEGORIES = {"public_policy", "plan", "resource_policy", "public_project", "other"}

FULL = "嘉定区促进民营经济高质量发展若干措施"
RETURNED = "嘉定新城“十五五”发展规划"
CORRECTED = "嘉定区中小学学区化集团化办学实施方案"
WITHDRAWN = "嘉定区农村集体经营性建设用地入市管理办法"
LOW_ALTITUDE = "嘉定区低空经济产业发展若干措施"
CONSULTING = "嘉定区生活垃圾分类管理办法修订"
SYMPOSIUM = "安亭镇汽车城核心区道路及配套设施提升工程"
DISPOSITIONS = {"adopted", "partially_adopted", "not_adopted", "out_of_scope", "duplicate"}


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
    assert before["meetings"] >= 4 and before["drafts"] >= 8 and before["results"] >= 2 and before["follow_ups"] >= 1
    assert before["consultations"] >= 4 and before["comments"] >= 25 and before["clusters"] >= 2
    assert "nothing to create" in run(app)
    assert row_counts() == before


def test_demo_fills_in_what_is_missing(app, units):
    """Units that exist already (same code) are kept; the rest is loaded."""
    assert "created" in run(app)
    counts = row_counts()
    assert counts["catalogues"] == 3  # the district's 2025 and 2026, and 安亭镇's own 2026
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


# --- The procedures the demo walked ------------------------------------------------------------


def _ok(response):
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _decisions(client, year=2026) -> dict:
    return {d["title"]: d for d in _ok(client.get(f"/api/v1/decisions?year={year}&page_size=100"))}


def _timeline(client, decision) -> dict:
    return _ok(client.get(f"/api/v1/decisions/{decision['id']}/timeline"))


def _is_subsequence(wanted, types) -> bool:
    remaining = iter(types)
    return all(t in remaining for t in wanted)


def test_one_decision_walked_its_whole_procedure(app, client):
    run(app)
    decision = _decisions(client)[FULL]
    timeline = _timeline(client, decision)
    entries = timeline["entries"]
    types = [e["type"] for e in entries]
    days = [e["occurred_on"] for e in entries]
    assert days == sorted(days)
    assert days[0] >= "2026-03-16" and days[-1] <= calendar.today().isoformat()
    assert _is_subsequence(
        [
            "catalogued",
            "background_published",
            "draft_published",
            "draft_published",
            "review_completed",
            "meeting_deliberated",
            "result_published",
            "interpretation_published",
            "execution_reported",
        ],
        types,
    ), types
    assert types.count("draft_published") == 2
    assert timeline["decision"]["state"] == "implementing"
    assert [o["type"] for o in timeline["obligations"]] == ["adoption_report"]

    base = f"/api/v1/decisions/{decision['id']}"
    assert _ok(client.get(f"{base}/background"))["necessity"]
    drafts = _ok(client.get(f"{base}/drafts"))
    assert [(d["version"], d["kind"]) for d in drafts] == [(1, "consultation_draft"), (2, "review_draft")]
    diff = _ok(client.get(f"{base}/drafts/2/diff"))
    assert diff["against"] == 1 and diff["added"] >= 3 and diff["removed"] >= 3
    assert any(line["op"] == " " for line in diff["lines"])

    reviews = {r["kind"]: r for r in _ok(client.get(f"{base}/reviews"))}
    assert set(reviews) == {"expert_review", "risk_assessment", "fair_competition_review", "legality_review"}
    assert reviews["legality_review"]["result"] == "lawful_with_changes"
    assert reviews["risk_assessment"]["controllable"] is True
    assert reviews["fair_competition_review"]["restricts_competition"] is False
    assert all(e["no_direct_interest"] for e in reviews["expert_review"]["experts"])

    [deliberated] = [e for e in entries if e["type"] == "meeting_deliberated"]
    meeting = _ok(client.get(deliberated["href"]))
    assert meeting["title"].startswith("区政府第") and meeting["title"].endswith("次常务会议")
    assert meeting["body_type"] == "executive" and meeting["status"] == "published"
    [item] = meeting["agenda"]
    assert item["decision_id"] == decision["id"] and item["outcome"] == "approved_with_changes"
    attendees = meeting["attendees"]
    assert {"enterprise", "industry_association", "citizen"} <= {a["category"] for a in attendees}
    assert all(a["organisation"] and a["opinion"] and a["adoption"] for a in attendees)
    assert len([a for a in attendees if a["name"]]) == 1

    result = _ok(client.get(f"{base}/result"))
    assert result["doc_number"] == "嘉府规〔2026〕3号" and result["meeting_id"] == meeting["id"]
    assert meeting["held_on"] < result["signed_on"] <= result["issued_on"] <= result["published_on"]
    interpretations = _ok(client.get(f"{base}/interpretations"))
    assert any(i["title"].startswith("一图读懂") and i["form"] == "graphic" for i in interpretations)
    [report] = _ok(client.get(f"{base}/follow-ups"))
    assert report["kind"] == "execution_report" and report["occurred_on"] > result["issued_on"]

    # The adoption report as first published, and its correction with the late letter counted.
    first, second = _ok(client.get(f"{base}/adoption-report/versions"))
    assert (first["version"], first["record_status"], second["version"], second["record_status"]) == (
        1,
        "superseded",
        2,
        "published",
    )
    assert second["figures"]["received"] == first["figures"]["received"] + 1
    assert second["figures"]["by_channel"]["letter"] == first["figures"]["by_channel"]["letter"] + 1
    assert _ok(client.get(f"{base}/adoption-report"))["version"] == 2
    [correction] = [e for e in entries if e["type"] == "correction" and "/adoption-report/" in e["href"]]
    assert correction["reason"].startswith("补录") and correction["href"].endswith("/versions/2")


def test_every_timeline_link_of_the_demo_answers_the_public(app, client):
    run(app)
    walked = 0
    for year in (2025, 2026):
        for decision in _decisions(client, year).values():
            entries = _timeline(client, decision)["entries"]
            walked += len(entries) > 2
            for entry in entries:
                assert client.get(entry["href"]).status_code == 200, entry
    assert walked >= 6


def test_a_decision_returned_by_the_meeting_is_drafting_again(app, client):
    run(app)
    decision = _decisions(client)[RETURNED]
    assert decision["state"] == "drafting"
    entries = _timeline(client, decision)["entries"]
    assert entries[-1]["type"] == "meeting_deliberated"
    [item] = _ok(client.get(entries[-1]["href"]))["agenda"]
    assert item["outcome"] == "returned" and item["notes"]


def test_a_corrected_background_keeps_both_versions_linked(app, client):
    run(app)
    decision = _decisions(client)[CORRECTED]
    base = f"/api/v1/decisions/{decision['id']}/background"
    first, second = _ok(client.get(f"{base}/versions"))
    assert (first["version"], first["status"]) == (1, "superseded")
    assert (second["version"], second["status"]) == (2, "published")
    assert first["_links"]["superseded_by"] == second["_links"]["self"]
    assert second["_links"]["corrects"] == first["_links"]["self"]
    assert first["problem"] != second["problem"] and first["necessity"] == second["necessity"]
    assert _ok(client.get(base))["version"] == 2

    entries = _timeline(client, decision)["entries"]
    [published] = [e for e in entries if e["type"] == "background_published"]
    [correction] = [e for e in entries if e["type"] == "correction"]
    assert correction["amends"] == published["seq"] and correction["reason"]
    assert correction["href"] == second["_links"]["self"]["href"]
    assert published["href"] == first["_links"]["self"]["href"]


def test_a_withdrawn_item_and_a_withdrawn_record(app, client):
    run(app)
    decisions = _decisions(client)
    withdrawn = decisions[WITHDRAWN]
    assert withdrawn["state"] == "withdrawn"
    types = [e["type"] for e in _timeline(client, withdrawn)["entries"]]
    assert types[0] == "catalogued" and types[-1] == "withdrawn" and "draft_published" in types

    # An interpretation withdrawn with its reason, replaced by another; it stays readable.
    decision = decisions[CORRECTED]
    assert decision["state"] == "decided"
    entries = _timeline(client, decision)["entries"]
    [withdrawal] = [e for e in entries if e["type"] == "withdrawn"]
    interpretation = _ok(client.get(withdrawal["href"]))
    assert interpretation["status"] == "withdrawn"
    assert interpretation["withdrawal_reason"] == withdrawal["reason"]
    assert withdrawal["amends"] in {e["seq"] for e in entries if e["type"] == "interpretation_published"}
    assert any(
        e["type"] == "interpretation_published" and e["occurred_on"] >= withdrawal["occurred_on"] for e in entries
    )


def test_other_decisions_stand_at_points_along_the_way(app, client):
    run(app)
    decisions = _decisions(client)
    states = [d["state"] for d in decisions.values()]
    assert {"initiated", "drafting", "reviewing", "deliberated", "decided", "implementing", "withdrawn"} <= set(states)

    reviewing = next(d for d in decisions.values() if d["state"] == "reviewing")
    base = f"/api/v1/decisions/{reviewing['id']}"
    # Its legality review is on record but internal: the public sees the others only.
    assert "legality_review" not in {r["kind"] for r in _ok(client.get(f"{base}/reviews"))}
    assert not _ok(client.get(f"/api/v1/meetings?decision_id={reviewing['id']}"))

    drafting = [d for d in decisions.values() if d["state"] == "drafting" and d["title"] != RETURNED]
    assert drafting
    for decision in drafting:
        assert _ok(client.get(f"/api/v1/decisions/{decision['id']}/drafts"))


def test_one_unit_meets_the_invited_attendance_rule_and_another_does_not(app, client):
    run(app)
    fgw = _ok(client.get("/api/v1/units/jd-fgw/invited-attendance?year=2026"))
    assert fgw["meetings_with_attendees"] >= 3 and fgw["met"] is True
    jyj = _ok(client.get("/api/v1/units/jd-jyj/invited-attendance?year=2026"))
    assert 1 <= jyj["meetings_with_attendees"] < 3 and jyj["met"] is False
    meetings = _ok(client.get("/api/v1/meetings?year=2026&page_size=100"))
    assert len(meetings) >= 4 and all(m["held_on"] < calendar.today().isoformat() for m in meetings)


def test_interpretations_come_in_several_forms_and_one_unit_is_under_sixty_percent(app, client):
    run(app)
    decision = _decisions(client)[FULL]
    interpretations = _ok(client.get(f"/api/v1/decisions/{decision['id']}/interpretations"))
    forms = {i["form"] for i in interpretations}
    assert {"text", "graphic", "press_conference", "short_video"} <= forms
    assert all(i["text_alternative"] for i in interpretations if i["form"] != "text")
    [follow_up] = [i for i in interpretations if i["follows_id"] is not None]
    followed = _ok(client.get(follow_up["_links"]["follows"]["href"]))
    assert followed["form"] == "text" and followed["published_on"] < follow_up["published_on"]

    report = _ok(client.get("/api/v1/compliance?year=2026"))
    duty = {u["unit"]: u["interpretations"] for u in report["units"]}
    assert duty["jd-fgw"]["multi_form_rate"] == 1.0 and duty["jd-fgw"]["met"] is True
    assert duty["jd-jyj"]["interpreted"] >= 1 and duty["jd-jyj"]["multi_form_rate"] < 0.6
    assert duty["jd-jyj"]["met"] is False
    assert 0 < report["district"]["interpretations"]["multi_form_rate"] < 1


# --- Public participation ----------------------------------------------------------------------


def tick(app) -> str:
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    return result.output


def _consultations(client, decision) -> list:
    return _ok(client.get(f"/api/v1/decisions/{decision['id']}/consultations"))


def _stored_comments(consultation_id) -> list:
    return db.session.scalars(
        sa.select(Comment).where(Comment.consultation_id == consultation_id).order_by(Comment.id)
    ).all()


def test_one_consultation_is_open_today_and_others_closed_with_comments_from_every_side(app, client):
    run(app)
    decisions = _decisions(client)
    today = calendar.today().isoformat()

    [open_] = _consultations(client, decisions[CONSULTING])
    assert open_["status"] == "open" and open_["opens_on"] <= today <= open_["closes_on"]
    assert decisions[CONSULTING]["state"] == "consulting"
    [closed] = _consultations(client, decisions[FULL])
    assert closed["status"] == "closed" and closed["closes_on"] < today
    for consultation in (open_, closed):
        assert consultation["method"] == "online" and consultation["window_days"] >= 30
        assert {"public", "enterprises", "industry_associations"} <= set(consultation["audience"])
        assert {"portal", "yiwangtongban", "suishenban", "suggestion_box", "letter", "hotline_12345"} <= set(
            consultation["channels"]
        )
        counts = consultation["counts"]
        assert len(counts["by_channel"]) >= 3 and len(counts["by_submitter_type"]) >= 3, counts
    # Still being studied while open; every opinion of the closed one disposed of, in every way.
    assert open_["counts"]["by_disposition"] == {"undisposed": open_["counts"]["received"]}
    assert set(closed["counts"]["by_disposition"]) == DISPOSITIONS
    assert {"individual", "enterprise", "industry_association", "expert", "deputy"} <= set(
        closed["counts"]["by_submitter_type"]
    )

    # Today's comments came the way the public sends them: the portal and the 随申办 app.
    stored = _stored_comments(open_["id"])
    assert {c.channel for c in stored if c.received_on == calendar.today()} == {"portal", "suishenban"}
    assert all(open_["opens_on"] <= c.received_on.isoformat() <= today for c in stored)


def test_the_counts_of_every_consultation_are_those_of_its_comments(app, client):
    run(app)
    consultations = db.session.scalars(sa.select(Consultation).order_by(Consultation.id)).all()
    assert len(consultations) >= 4
    for consultation in consultations:
        counted = [c for c in _stored_comments(consultation.id) if c.moderation != "rejected"]
        counts = _ok(client.get(f"/api/v1/consultations/{consultation.id}"))["counts"]
        assert counts["received"] == len(counted) > 0
        assert counts["by_channel"] == dict(Counter(c.channel for c in counted))
        assert counts["by_submitter_type"] == dict(Counter(c.submitter_type for c in counted))
        assert counts["by_disposition"] == dict(Counter(c.disposition or "undisposed" for c in counted))
        for cluster in _ok(client.get(f"/api/v1/consultations/{consultation.id}/clusters")):
            assert cluster["comment_count"] == sum(c.cluster_id == cluster["id"] for c in counted) >= 2
            assert cluster["summary"] and cluster["reason"]
            assert cluster["disposition"] == "adopted" or cluster["reason_code"]


def test_the_public_reads_moderated_comments_without_names_or_contacts(app, client):
    run(app)
    decisions = _decisions(client)
    for title in (FULL, CONSULTING):
        [consultation] = _consultations(client, decisions[title])
        assert consultation["comments_public"] is True
        response = client.get(f"/api/v1/consultations/{consultation['id']}/comments?page_size=100")
        shown = _ok(response)
        stored = _stored_comments(consultation["id"])
        assert [c["id"] for c in shown] == [c.id for c in stored if c.moderation == "published"]
        assert shown and all("name" not in c and "contact" not in c for c in shown)
        personal = {value for c in stored for value in (c.name, c.contact) if value}
        assert personal and not any(value in response.get_data(as_text=True) for value in personal)
        if title == FULL:
            # A phone number said into the 12345 hotline is in the opinion as a marker.
            [marked] = [c for c in shown if "［已隐去：电话］" in c["content"]]
            assert marked["content"].endswith("有进展请回电［已隐去：电话］。")
        by_type = {c["submitter_type"]: c for c in shown}
        assert by_type["individual"]["organisation"] is None
        assert by_type["enterprise"]["organisation"] and by_type["industry_association"]["organisation"]

    # One comment was rejected, with its reason; the other consultations keep comments unpublished.
    rejected = db.session.scalars(sa.select(Comment).where(Comment.moderation == "rejected")).all()
    assert len(rejected) == 1 and rejected[0].moderation_reason
    [hidden] = _consultations(client, decisions[LOW_ALTITUDE])
    assert hidden["comments_public"] is False and hidden["counts"]["received"] >= 5
    assert _ok(client.get(f"/api/v1/consultations/{hidden['id']}/comments")) == []


def test_every_receipt_answers_with_the_disposition_and_its_reason(app, client):
    run(app)
    today = calendar.today()
    comments = db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()
    closed = 0
    for comment in comments:
        receipt = _ok(client.get(f"/api/v1/receipts/{comment.receipt}"))
        assert receipt["comment_id"] == comment.id
        assert receipt["content"] == (comment.content if comment.public_content is None else comment.public_content)
        if db.session.get(Consultation, comment.consultation_id).closes_on >= today:
            assert receipt["disposition"] is None  # still being studied
            continue
        closed += 1
        assert receipt["disposition"] in DISPOSITIONS and receipt["disposed_on"]
        if receipt["disposition"] != "adopted":
            assert receipt["reason_code"] and receipt["reason"], receipt
        if receipt["moderation"] == "rejected":
            assert receipt["moderation_reason"]
    assert closed >= 20


def test_enterprises_and_associations_were_heard_before_each_enterprise_related_meeting(app, client):
    run(app)
    deliberated = 0
    for decision in _decisions(client).values():
        entries = _timeline(client, decision)["entries"]
        meetings = [e for e in entries if e["type"] == "meeting_deliberated"]
        if not (decision["enterprise_related"] and meetings):
            continue
        deliberated += 1
        heard = [
            c
            for c in _consultations(client, decision)
            if c["closes_on"] < meetings[0]["occurred_on"]
            and {"enterprise", "industry_association"} <= set(c["counts"]["by_submitter_type"])
            and "undisposed" not in c["counts"]["by_disposition"]
        ]
        assert heard, decision["title"]
    assert deliberated >= 2

    # One more heard them at a symposium (座谈会).
    [symposium] = _consultations(client, _decisions(client)[SYMPOSIUM])
    assert symposium["method"] == "symposium" and symposium["status"] == "closed"
    assert set(symposium["counts"]["by_submitter_type"]) == {"enterprise", "industry_association"}
    assert symposium["counts"]["by_channel"].get("meeting")


def test_timelines_show_consultations_opened_and_after_a_tick_closed(app, client):
    run(app)
    decisions = _decisions(client)
    # The decisions that went to a meeting were consulted first (procedure-missing).
    consulted = [FULL, LOW_ALTITUDE, SYMPOSIUM, CONSULTING, CORRECTED, RETURNED]
    for title in consulted:
        entries = _timeline(client, decisions[title])["entries"]
        [opened] = [e for e in entries if e["type"] == "consultation_opened"]
        [consultation] = _consultations(client, decisions[title])
        assert opened["occurred_on"] == consultation["opens_on"]
        assert _ok(client.get(opened["href"]))["id"] == consultation["id"]
        assert "consultation_closed" not in {e["type"] for e in entries}

    # Five of these, and the 2025 market renovation plan's (its assessment's consultation).
    assert "consultations closed: 6" in tick(app)
    assert "consultations closed: 0" in tick(app)
    for title in consulted:
        entries = _timeline(client, decisions[title])["entries"]
        types = [e["type"] for e in entries]
        assert [e["occurred_on"] for e in entries] == sorted(e["occurred_on"] for e in entries)
        if title == CONSULTING:
            assert "consultation_closed" not in types
            continue
        [closed] = [e for e in entries if e["type"] == "consultation_closed"]
        [consultation] = _consultations(client, decisions[title])
        assert closed["occurred_on"] == consultation["closes_on"]
        assert types.index("consultation_opened") < types.index("consultation_closed")
        if "meeting_deliberated" in types:
            assert types.index("consultation_closed") < types.index("meeting_deliberated")
    assert _decisions(client)[CONSULTING]["state"] == "consulting"

    # The demo again, after the tick: nothing to create, nothing changed.
    before = row_counts()
    assert "nothing to create" in run(app)
    assert row_counts() == before


def test_questions_are_answered_published_declined_and_one_was_transferred(app, client):
    run(app)
    admin = {"Authorization": f"Bearer {factories.tokens()['admin']}"}
    staff = _ok(client.get("/api/v1/inquiries?page_size=100", headers=admin))
    states = Counter(i["state"] for i in staff)
    assert states["answered"] >= 3 and states["published"] == 1 and states["declined"] == 1
    declined = next(i for i in staff if i["state"] == "declined")
    assert declined["decline_reason"] and declined["declined_on"]
    # Transferred (转办) from the decision's lead unit to the one whose money it is; the
    # deadline it had on arrival is the one it was answered against.
    [moved] = [i for i in staff if i["decision_id"] is not None and i["transfers"]]
    decision = _ok(client.get(f"/api/v1/decisions/{moved['decision_id']}"))
    assert [(t["from_unit"], t["to_unit"]) for t in moved["transfers"]] == [(decision["lead_unit"], moved["unit"])]
    assert moved["state"] == "answered" and moved["status"] == "on_time"
    general = [i for i in staff if i["decision_id"] is None]
    assert general and all(i["unit"] and i["transfers"][0]["from_unit"] is None for i in general)

    public = client.get("/api/v1/inquiries?page_size=100")
    assert {i["state"] for i in _ok(public)} == {"published", "answered"}
    assert len(public.get_json()) == len(staff) - 1
    text = public.get_data(as_text=True)
    assert all(i["name"] is None or i["name"] not in text for i in staff)
    assert declined["question"] not in text
    assert all("reason" not in t for i in public.get_json() for t in i["transfers"])


def test_the_2025_assessment_is_published_scored_for_every_unit(app, client):
    run(app)
    assessment = client.get("/api/v1/assessments/2025").get_json()
    assert (assessment["status"], assessment["version"], assessment["due_on"]) == ("published", 1, "2026-03-31")
    assert assessment["rules"]["performance_weight"] >= 4
    units = {u["unit"]: u for u in assessment["units"]}
    assert len(units) == len(client.get("/api/v1/units?page_size=100").get_json())
    # The 2025 catalogue was published on time: the district's first duty, with its record.
    catalogue = assessment["district"]["duties"]["catalogue_on_time"]
    assert catalogue["met"] is True and catalogue["records"]["catalogue"][0]["href"].endswith("/catalogues/2025")
    # The commerce commission's 2025 consultation lasted 31 days: kept, with its record linked;
    # like every unit that year it invited no stakeholder to a meeting.
    markets = units["jd-swj"]["duties"]
    assert (markets["consultation_window"]["value"], markets["consultation_window"]["met"]) == ("1/1", True)
    assert markets["consultation_window"]["records"]["compliant"][0]["href"].startswith("http://localhost/api/v1/")
    assert markets["invited_attendance"]["met"] is False
    assert units["jd-swj"]["score"] == 60.0 and units["jd-swj"]["performance_points"] == 2.4
    changes = client.get("/api/v1/changes?limit=1000").get_json()["entries"]
    assert [e["href"] for e in changes if e["type"] == "assessment_published"] == [
        "http://localhost/api/v1/assessments/2025/versions/1"
    ]
    sheet = client.get("/api/v1/assessments/2025.csv")
    assert sheet.status_code == 200 and sheet.get_data().startswith("\ufeff".encode())
    assert sheet.get_data().decode("utf-8-sig").count("\r\n") == len(units) + 2  # header, units, district


def test_a_town_keeps_its_own_catalogue_and_invited_a_resident_to_its_joint_meeting(app, client):
    run(app)
    catalogue = client.get("/api/v1/units/jd-anting/catalogues/2026").get_json()
    assert catalogue["unit"] == "jd-anting" and catalogue["issuer_unit"] == "jd-anting"
    assert catalogue["status"] == "published" and catalogue["on_time"] is True
    assert [item["title"] for item in catalogue["items"]] == ["安亭镇老旧小区加装电梯三年行动方案（2026—2028年）"]
    item = catalogue["items"][0]
    meetings = client.get(f"/api/v1/meetings?decision_id={item['id']}").get_json()
    assert [(m["body_type"], m["unit"], m["title"]) for m in meetings] == [
        ("joint_party_government_meeting", "jd-anting", "安亭镇第9次党政联席会议")
    ]
    assert [a["category"] for a in meetings[0]["attendees"]] == ["citizen"]
    attendance = client.get("/api/v1/units/jd-anting/invited-attendance?year=2026").get_json()
    assert attendance["own_meetings"] == 1 and attendance["topics_from_own_catalogue"] == 1
    report = client.get("/api/v1/compliance?year=2026&unit=jd-anting").get_json()
    invited = report["units"][0]["invited_meetings"]
    assert invited["own_meetings"] == 1 and invited["topics_from_own_catalogue"] == 1
    # The district's catalogue stays where it is, without the town's item.
    district = client.get("/api/v1/catalogues/2026").get_json()
    assert item["id"] not in {i["id"] for i in district["items"]}


def test_demo_holds_two_open_activities_one_in_the_august_open_month(app, client):
    run(app)
    activities = client.get("/api/v1/activities?year=2026").get_json()
    assert len(activities) == 2
    [august] = [a for a in activities if a["open_month"]]
    assert august["starts_at"].startswith("2026-08-14")
    assert august["registrations"] == {"registered": 4, "confirmed": 3, "waiting": 1, "places_left": 0}
    assert {a["feedback"]["status"] for a in activities} == {"on_time", "late"}
    for activity in activities:
        opinions = client.get(f"/api/v1/activities/{activity['id']}/opinions").get_json()
        assert opinions and all(o["disposition"] for o in opinions)
        assert all(o["reason"] for o in opinions if o["disposition"] != "adopted")
        feedback = client.get(f"/api/v1/activities/{activity['id']}/feedback").get_json()
        assert feedback["published_on"] and feedback["opinions"]["undisposed"] == 0
    report = client.get("/api/v1/compliance?year=2026&unit=jd-fgw").get_json()
    figures = report["units"][0]["activities"]
    assert (figures["held"], figures["open_month"], figures["feedback"]["on_time"]) == (1, 1, 1)

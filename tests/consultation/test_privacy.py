"""THE PRIVACY SCAN: an individual's name, phone, e-mail and organisation never leave the service
(政府信息公开条例 Art. 15). Distinctive strings are seeded into comments by every path a comment
takes, then every public GET endpoint of the app is asked, with every id that exists, with
query parameters that might coax them out, and for its errors; no body and no header may carry
them. Enterprises and associations are shown by organisation name.

Personal data written into a comment's text is shown to the public as a marker (core.redaction),
to the lead unit's staff as written; they restore a false positive or hide more, with a reason."""

import csv
import datetime as dt
import io
import itertools
import json
import re
import urllib.parse

import pytest
import sqlalchemy as sa

from consultation.activities.models import Activity, Opinion, Registration
from consultation.clusters.models import Cluster
from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from consultation.inquiries.models import Inquiry
from core import tick
from core.accounts import Account
from core.extensions import db
from decisions.meetings.models import Meeting
from decisions.models import Adjustment, Decision
from decisions.records.models import FollowUp, Interpretation, Review
from opendata.exports.services import DATASETS
from tests import factories
from tests.conftest import auth

NAME = "隐私测试姓名甲"
PHONE = "13912345678"
EMAIL = "privacy-probe@example.cn"
INDIVIDUALS_ORGANISATION = "隐私单位乙"
PERSONAL = (NAME, PHONE, EMAIL, INDIVIDUALS_ORGANISATION)
# Written into a comment's text, where the commenter should not have put them.
TEXT_PHONE = "13598765432"
TEXT_ID = "310114199003071232"  # its check digit is right
IN_TEXT = (TEXT_PHONE, TEXT_ID)
PHONE_MARKER, ID_MARKER = "［已隐去：电话］", "［已隐去：身份证号］"

ENTERPRISE = "可公开企业丙有限公司"
ASSOCIATION = "可公开协会丁"

# Query parameters a client might try to get more out of an endpoint, and bad ones for errors.
QUERIES = [
    "fields=name,contact,organisation",
    "include=contact,name,personal",
    "expand=comments",
    "with=personal_data",
    "submitter_type=individual",
    "channel=letter",
    "disposition=not_adopted",
    "page=2&page_size=1",
    "page_size=100",
    "page=0",
    "page_size=1000",
    "updated_since=yesterday",
    "after=abc",
    "after=0&limit=1000",
    "limit=0",
    "against=1",
    "year=2026",
    "year=1800",
    "unit=jd-fgw",
    "q=意见",
    "state=consulting",
    "enterprise_related=perhaps",
    "status=draft",
    "kind=department",
]


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _variants(text):
    """How a string might appear: as is, JSON-escaped, percent-encoded."""
    return {text, json.dumps(text)[1:-1], urllib.parse.quote(text), urllib.parse.quote_plus(text)}


def _leaks(response, strings=PERSONAL + IN_TEXT):
    body = response.get_data(as_text=True)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return sorted({s for s in strings for variant in _variants(s) if variant in body or variant in headers})


@pytest.fixture
def world(app, client, units, tokens, today):
    """A decision through its whole public record, with personal data in comments from every path."""
    editor, admin, partner = auth(tokens["editor"]), auth(tokens["admin"]), auth(tokens["partner"])
    decision = factories.catalogued_decision()
    other = factories.catalogued_decision(title="嘉定区教育设施布局规划", lead_unit="jd-jyj")  # by adjustment
    # A unit's own published catalogue, with an item added by adjustment (its paths answer too).
    factories.unit_catalogue("jd-fgw", published_on=dt.date(2026, 3, 16))
    own = factories.unit_decision("jd-fgw", title="发改委本单位目录事项")
    factories.adjustment(own, "add", on=dt.date(2026, 3, 20))
    d = decision.id
    api = f"/api/v1/decisions/{d}"
    _ok(client.put(f"{api}/background", json={"necessity": "必要性", "main_content": "主要内容"}, headers=editor), 201)
    _ok(client.post(f"{api}/background/publish", json={"published_on": "2026-04-01"}, headers=editor))
    for version in (1, 2, 3):
        draft = {"kind": "consultation_draft", "title": f"第{version}稿", "text": f"第一条\n第{version}稿"}
        _ok(client.post(f"{api}/drafts", json=draft, headers=editor), 201)
    for version in (1, 2):  # version 3 stays unpublished
        _ok(client.post(f"{api}/drafts/{version}/publish", json={"published_on": "2026-04-01"}, headers=editor))

    def consultation(**fields):
        body = {
            "draft_version": 1,
            "method": "online",
            "audience": ["public", "enterprises", "industry_associations"],
            "channels": ["portal", "suishenban", "letter"],
            "opens_on": "2026-04-03",
            "closes_on": "2026-05-02",
            "comments_public": True,
            **fields,
        }
        made = _ok(client.post(f"{api}/consultations", json=body, headers=editor), 201)
        _ok(
            client.post(
                f"/api/v1/consultations/{made['id']}/publish", json={"published_on": "2026-04-02"}, headers=editor
            )
        )
        return made["id"]

    public, private = consultation(), consultation(comments_public=False, method="written")

    def comment(cid, headers=None, **body):
        body.setdefault("content", "对征求意见稿的意见。")
        return _ok(client.post(f"/api/v1/consultations/{cid}/comments", json=body, headers=headers or {}), 201)

    personal = {"name": NAME, "contact": PHONE, "organisation": INDIVIDUALS_ORGANISATION}
    online = comment(
        public, {"Idempotency-Key": "privacy-1"}, submitter_type="individual", content="个人网上意见", **personal
    )
    comment(public, {"Idempotency-Key": "privacy-1"}, submitter_type="individual", content="个人网上意见", **personal)
    letter = comment(
        public,
        editor,
        submitter_type="individual",
        channel="letter",
        received_on="2026-04-08",
        content="个人来信意见",
        **(personal | {"contact": EMAIL}),
    )
    via_app = comment(public, partner, submitter_type="individual", content="随申办个人意见", **personal)
    enterprise = comment(
        public, submitter_type="enterprise", organisation=ENTERPRISE, name=NAME, contact=EMAIL, content="企业意见"
    )
    association = comment(
        public,
        partner,
        submitter_type="industry_association",
        organisation=ASSOCIATION,
        contact=PHONE,
        content="协会意见",
    )
    expert = comment(public, submitter_type="expert", content="专家意见", **personal)
    texted = comment(
        public, submitter_type="individual", content=f"个人意见，请回电{TEXT_PHONE}，身份证{TEXT_ID}。", **personal
    )
    pending = comment(public, submitter_type="individual", content="待审核意见", **personal)
    rejected = comment(public, submitter_type="individual", content="被拒绝意见", **personal)
    hidden = comment(private, submitter_type="individual", content="不公开征集的意见", **personal)
    for c in (online, letter, via_app, enterprise, association, expert, hidden, texted):
        _ok(client.post(f"/api/v1/comments/{c['id']}/moderation", json={"action": "publish"}, headers=editor))
    _ok(
        client.post(
            f"/api/v1/comments/{rejected['id']}/moderation", json={"action": "reject", "reason": "无关"}, headers=editor
        )
    )
    not_adopted = {"disposition": "not_adopted", "reason_code": "outside_competence", "reason": "属市级事权"}
    _ok(client.put(f"/api/v1/comments/{online['id']}/disposition", json=not_adopted, headers=editor))
    _ok(client.put(f"/api/v1/comments/{enterprise['id']}/disposition", json={"disposition": "adopted"}, headers=editor))
    _ok(
        client.put(f"/api/v1/comments/{association['id']}/disposition", json={"disposition": "adopted"}, headers=editor)
    )
    cluster = {
        "summary": "多条意见建议提高贴息比例",
        "comment_ids": [letter["id"], via_app["id"], expert["id"]],
        "disposition": "partially_adopted",
        "reason_code": "cost_or_feasibility",
        "reason": "部分采纳",
    }
    _ok(client.post(f"/api/v1/consultations/{public}/clusters", json=cluster, headers=editor), 201)
    # Every opinion has its disposition before the adoption report is published (comments-undisposed).
    for c in (pending, hidden, texted):
        _ok(client.put(f"/api/v1/comments/{c['id']}/disposition", json={"disposition": "adopted"}, headers=editor))

    # An open activity of the unit, published, with registrations by individuals; another still planned.
    plan = {
        "unit": "jd-fgw",
        "theme": "走进发改委：政策制定开放日",
        "field": "livelihood",
        "form": "on_site",
        "place": "嘉定区发展和改革委员会",
        "starts_at": "2026-05-20T09:30:00+08:00",
        "ends_at": "2026-05-20T11:30:00+08:00",
        "capacity": 1,
    }
    activity = _ok(client.post("/api/v1/activities", json=plan, headers=editor), 201)["id"]
    _ok(client.post("/api/v1/activities", json=plan | {"theme": "筹备中的活动"}, headers=editor), 201)
    _ok(client.post(f"/api/v1/activities/{activity}/publication", json={}, headers=editor))
    for contact in (PHONE, EMAIL):  # a place, then the waiting list
        _ok(client.post(f"/api/v1/activities/{activity}/registrations", json={"name": NAME, "contact": contact}), 201)

    # After the consultation: legality review, the meeting (with invited attendees), the result.
    today["value"] = dt.date(2026, 6, 30)
    db.session.rollback()
    tick.run()
    review = {"kind": "legality_review", "completed_on": "2026-05-10", "summary": "合法", "result": "lawful"}
    review_id = _ok(client.post(f"{api}/reviews", json=review, headers=editor), 201)["id"]
    _ok(client.post(f"{api}/reviews/{review_id}/publish", json={"published_on": "2026-05-11"}, headers=editor))
    meeting = {
        "body_type": "executive",
        "session_no": 12,
        "held_on": "2026-05-15",
        "agenda": [{"decision_id": d, "outcome": "approved"}],
        "attendees": [
            {"category": "citizen", "decision_id": d, "opinion": "赞成", "adoption": "adopted"},
            {"category": "enterprise", "organisation": ENTERPRISE, "decision_id": d, "opinion": "建议加快"},
        ],
    }
    # How the public's opinions were adopted is on record before the meeting (a draft report).
    _ok(client.put(f"{api}/adoption-report", json={"summary": "共收到意见若干条。"}, headers=editor), 201)
    meeting_id = _ok(client.post("/api/v1/meetings", json=meeting, headers=admin), 201)["id"]
    _ok(client.post(f"/api/v1/meetings/{meeting_id}/publish", json={"published_on": "2026-05-16"}, headers=admin))
    result = {
        "title": "若干措施",
        "doc_number": "嘉府规〔2026〕3号",
        "signed_on": "2026-05-20",
        "issued_on": "2026-05-22",
    }
    _ok(client.put(f"{api}/result", json=result, headers=editor), 201)
    _ok(client.post(f"{api}/result/publish", json={"published_on": "2026-05-25"}, headers=editor))
    interpretation = {"form": "text", "title": "政策解读", "url": "https://www.jiading.gov.cn/zcjd/1.html"}
    interpretation_id = _ok(client.post(f"{api}/interpretations", json=interpretation, headers=editor), 201)["id"]
    _ok(client.post(f"{api}/interpretations/{interpretation_id}/publish", headers=editor))
    follow_up = {"kind": "execution_report", "occurred_on": "2026-06-20", "title": "执行情况", "reason": "按计划执行"}
    follow_up_id = _ok(client.post(f"{api}/follow-ups", json=follow_up, headers=editor), 201)["id"]
    _ok(client.post(f"{api}/follow-ups/{follow_up_id}/publish", headers=editor))
    _ok(client.post(f"{api}/adoption-report/publish", json={"published_on": "2026-06-01"}, headers=editor))
    # Questions from individuals, with their name and contact; one answered.
    asked = {"question": "贴息何时兑现？", "name": NAME, "contact": PHONE}
    answered = _ok(client.post(f"{api}/inquiries", json=asked), 201)
    _ok(client.post(f"{api}/inquiries", json={**asked, "contact": EMAIL}), 201)
    _ok(client.post(f"/api/v1/inquiries/{answered['id']}/reply", json={"answer": "三季度兑现。"}, headers=editor))
    # The year's assessment, published: its figures link these records, and name no one.
    _ok(client.post("/api/v1/assessments/2026", json={}, headers=admin), 201)
    _ok(client.post("/api/v1/assessments/2026/publish", json={}, headers=admin))
    # The activity's opinions, one with a phone number in its text, and its feedback report.
    opinions = f"/api/v1/activities/{activity}/opinions"
    said = {"channel": "discussion", "content": f"开放日意见，请回电{TEXT_PHONE}。", **not_adopted}
    _ok(client.post(opinions, json=said, headers=editor), 201)
    _ok(client.post(opinions, json={"channel": "questionnaire", "content": "问卷意见"}, headers=editor), 201)
    for opinion in _ok(client.get(opinions, headers=editor)):
        if opinion["disposition"] is None:
            disposed = {"disposition": "adopted"}
            _ok(client.put(f"{opinions}/{opinion['id']}/disposition", json=disposed, headers=editor))
    _ok(client.put(f"/api/v1/activities/{activity}/feedback", json={"summary": "专项反馈"}, headers=editor), 201)
    _ok(client.post(f"/api/v1/activities/{activity}/feedback/publication", json={}, headers=editor))
    return {"decision": d, "other": other.id}


def _ids(model, column="id"):
    db.session.rollback()
    return db.session.scalars(sa.select(getattr(model, column)).order_by(getattr(model, column))).all()


def _candidates():
    """Values for every path parameter: each id that exists, and one that does not."""
    versions = [1, 2, 3, 999_999]
    return {
        "version": versions,
        "review_id": [*_ids(Review), 999_999],
        "inquiry_id": [*_ids(Inquiry), 999_999],
        "interpretation_id": [*_ids(Interpretation), 999_999],
        "follow_up_id": [*_ids(FollowUp), 999_999],
        "decision_id": [*_ids(Decision), 999_999],
        "consultation_id": [*_ids(Consultation), 999_999],
        "comment_id": [*_ids(Comment), 999_999],
        "cluster_id": [*_ids(Cluster), 999_999],
        "meeting_id": [*_ids(Meeting), 999_999],
        "adjustment_id": [*_ids(Adjustment), 999_999],
        "account_id": [*_ids(Account), 999_999],
        "activity_id": [*_ids(Activity), 999_999],
        "opinion_id": [*_ids(Opinion), 999_999],
        "year": [2026, 2025],
        "code": ["jd-fgw", "jd-jyj", "no-such-unit"],
        "receipt": [*_ids(Comment, "receipt"), *_ids(Registration, "receipt"), "no-such-receipt"],
        # The open-data exports, every dataset in both formats.
        "dataset": [*DATASETS, "no-such-dataset"],
        # Webhook subscriptions are a partner's own: the public is refused them.
        "subscription_id": [1, 999_999],
    }


def _get_rules(app):
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.startswith("/api/v1")]
    return sorted(rules, key=lambda r: r.rule)


def _urls(rule, candidates):
    names = sorted(rule.arguments)
    for values in itertools.product(*(candidates[n] for n in names)):
        path = rule.rule
        for name, value in zip(names, values, strict=True):
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
        yield path


def test_no_public_endpoint_shows_an_individuals_personal_data(app, client, tokens, world):
    candidates = _candidates()
    # The seed is there: staff see the personal data, which is what the scan looks for.
    staff = client.get("/api/v1/consultations/1/comments?page_size=100", headers=auth(tokens["editor"]))
    assert set(_leaks(staff)) >= {NAME, PHONE, EMAIL, INDIVIDUALS_ORGANISATION, *IN_TEXT}
    registrations = client.get("/api/v1/activities/1/registrations", headers=auth(tokens["editor"]))
    assert set(_leaks(registrations)) == {NAME, PHONE, EMAIL}

    rules = _get_rules(app)
    answered, leaks, failures, seen = {}, [], [], ""
    callers = {"anonymous": {}, "partner": auth(tokens["partner"]), "other unit": auth(tokens["other_editor"])}
    for rule in rules:
        # Partner apps and other units' editors read as the public does: asked where comments are.
        who = callers if re.search(r"consultation|comment|receipt|cluster|activit", rule.rule) else ["anonymous"]
        for n, path in enumerate(_urls(rule, candidates)):
            for caller in who:
                headers = callers[caller]
                queries = [""] + (QUERIES if n == 0 and caller == "anonymous" else [])
                for query in queries:
                    url = f"{path}?{query}" if query else path
                    response = client.get(url, headers=headers)
                    answered.setdefault(rule.rule, set()).add(response.status_code)
                    if response.status_code >= 500:
                        failures.append((caller, url, response.status_code))
                    found = _leaks(response)
                    if found:
                        leaks.append((caller, url, response.status_code, found))
                    if caller == "anonymous" and response.status_code == 200 and "/receipts/" not in url:
                        seen += response.get_data(as_text=True)
    for path in ("/openapi.json", "/docs", "/healthz", "/readyz", "/api/v1/no-such-thing", "/api/v1/decisions/x"):
        response = client.get(path)
        if _leaks(response):
            leaks.append(("anonymous", path, response.status_code, _leaks(response)))

    assert leaks == []
    assert failures == []
    # The scan reached what it meant to: every public GET answered 200 for some ids, and the
    # opinions themselves, with enterprises' and associations' names, are public.
    staff_only = {
        "/api/v1/accounts",
        "/api/v1/accounts/<int:account_id>",
        "/api/v1/audit",
        "/api/v1/security-events",
        "/api/v1/decisions/<int:decision_id>/adoption-report/working",
        # Who registered for an open activity: its unit's staff only.
        "/api/v1/activities/<int:activity_id>/registrations",
        # A partner's own webhook subscriptions and their deliveries.
        "/api/v1/subscriptions",
        "/api/v1/subscriptions/<int:subscription_id>",
        "/api/v1/subscriptions/<int:subscription_id>/deliveries",
    }
    # Answers only with its query parameters, which the scan does not give: 422 (leaking nothing).
    needs_query = {"/api/v1/calendar/working-days"}
    assert {rule for rule, statuses in answered.items() if 200 not in statuses} == staff_only | needs_query
    # 403 to a partner; 404 to another unit's editor asking of what it may not see (an activity).
    assert {401} == set().union(*(answered[r] for r in staff_only)) - {403, 404}
    assert answered["/api/v1/calendar/working-days"] == {422}
    for shown in (
        ENTERPRISE,
        ASSOCIATION,
        "个人网上意见",
        "个人来信意见",
        "随申办个人意见",
        "属市级事权",
        "多条意见建议提高贴息比例",
        f"个人意见，请回电{PHONE_MARKER}，身份证{ID_MARKER}。",
        f"开放日意见，请回电{PHONE_MARKER}。",
        "走进发改委：政策制定开放日",
    ):
        assert shown in seen, shown
    for hidden in ("待审核意见", "被拒绝意见", "不公开征集的意见", "筹备中的活动"):
        assert hidden not in seen, hidden


def test_the_audit_log_keeps_no_name_or_contact_of_a_commenter(client, tokens, world):
    admin = auth(tokens["admin"])
    page, text = 1, ""
    while True:
        response = client.get(f"/api/v1/audit?page={page}&page_size=100", headers=admin)
        entries = _ok(response)
        text += response.get_data(as_text=True)
        if len(entries) < 100:
            break
        page += 1
    assert '"record_type":"comments"' in text  # comments are audited, with who acted on them
    assert _leaks_in(text, (NAME, PHONE, EMAIL)) == []


def _leaks_in(text, strings):
    return [s for s in strings if any(variant in text for variant in _variants(s))]


# --- Personal data in a comment's text -------------------------------------------------------

WRITTEN = f"请到城中路20号区政府反映。我住博乐路123弄4号，联系人张三，电话{TEXT_PHONE}。"
SHOWN = f"请到城中路［已隐去：地址］区政府反映。我住博乐路［已隐去：地址］，联系人张三，电话{PHONE_MARKER}。"


def _published(client, editor, cid, content, **fields):
    body = {"content": content, "submitter_type": "individual", **fields}
    made = _ok(client.post(f"/api/v1/consultations/{cid}/comments", json=body), 201)
    _ok(client.post(f"/api/v1/comments/{made['id']}/moderation", json={"action": "publish"}, headers=editor))
    return made


def _redaction(client, comment_id, headers, **body):
    return client.post(f"/api/v1/comments/{comment_id}/redaction", json=body, headers=headers)


def test_the_public_reads_personal_data_in_a_comment_as_markers_and_staff_as_written(client, tokens, consulted):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    made = _published(client, editor, cid, WRITTEN)
    plain = _published(client, editor, cid, "建议增设信号灯。")

    listed = client.get(f"/api/v1/consultations/{cid}/comments")
    assert [c["content"] for c in _ok(listed)] == [SHOWN, "建议增设信号灯。"]
    assert _leaks(listed) == [] and "hidden" not in listed.get_json()[0]
    for response in (client.get(f"/api/v1/comments/{made['id']}"), client.get(f"/api/v1/receipts/{made['receipt']}")):
        assert _ok(response)["content"] == SHOWN and _leaks(response) == []
        assert "public_content" not in response.get_json() and "redaction_overrides" not in response.get_json()

    staff = _ok(client.get(f"/api/v1/comments/{made['id']}", headers=editor))
    assert staff["content"] == WRITTEN and staff["public_content"] == SHOWN
    assert staff["hidden"] == [
        {"kind": "address", "text": "20号"},
        {"kind": "address", "text": "123弄4号"},
        {"kind": "phone", "text": TEXT_PHONE},
    ]
    assert staff["redaction_overrides"] == []
    assert _ok(client.get(f"/api/v1/consultations/{cid}/comments", headers=editor))[0]["content"] == WRITTEN
    # Computed once at the write; a text with nothing to hide keeps no second copy.
    db.session.rollback()
    assert db.session.get(Comment, made["id"]).public_content == SHOWN
    assert db.session.get(Comment, plain["id"]).public_content is None


def test_an_editor_restores_a_false_positive_and_hides_more_each_with_a_reason_on_record(client, tokens, consulted):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    made = _published(client, editor, cid, WRITTEN)

    response = _redaction(
        client, made["id"], editor, action="restore", text="城中路20号", reason="区政府的地址，不是个人地址"
    )
    restored = _ok(response)
    assert restored["content"] == WRITTEN
    assert restored["public_content"] == SHOWN.replace("城中路［已隐去：地址］", "城中路20号")
    [override] = restored["redaction_overrides"]
    editor_id = factories.account("editor", "jd-fgw").id
    assert {k: override[k] for k in ("action", "text", "reason", "by")} == {
        "action": "restore",
        "text": "城中路20号",
        "reason": "区政府的地址，不是个人地址",
        "by": editor_id,
    }
    assert dt.datetime.fromisoformat(override["at"]).tzinfo is not None
    # Its ETag is the one staff read the comment with.
    assert response.headers["ETag"] == client.get(f"/api/v1/comments/{made['id']}", headers=editor).headers["ETag"]

    hidden = _ok(_redaction(client, made["id"], editor, action="hide", text="张三", reason="来信人姓名"))
    expected = SHOWN.replace("城中路［已隐去：地址］", "城中路20号").replace("张三", "［已隐去：其他］")
    assert hidden["public_content"] == expected
    assert [o["action"] for o in hidden["redaction_overrides"]] == ["restore", "hide"]
    assert {"kind": "other", "text": "张三"} in hidden["hidden"]
    public = client.get(f"/api/v1/comments/{made['id']}")
    assert _ok(public)["content"] == expected and "张三" not in public.get_data(as_text=True)

    # Both are in the audit log, with who did it and why.
    audit = _ok(client.get(f"/api/v1/audit?record_type=comments&record_id={made['id']}", headers=auth(tokens["admin"])))
    updates = [e for e in audit if "redaction_overrides" in e["changes"]]
    assert [e["changes"]["redaction_overrides"][1][-1]["reason"] for e in reversed(updates)] == [
        "区政府的地址，不是个人地址",
        "来信人姓名",
    ]
    assert all(e["account_id"] == editor_id and e["actor"].startswith("editor:") for e in updates)
    assert updates[0]["changes"]["public_content"] == [restored["public_content"], expected]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"action": "hide", "text": "李四", "reason": "姓名"}, "not in the comment"),
        ({"action": "restore", "text": "联系人", "reason": "误判"}, "Nothing hidden"),
        ({"action": "restore", "text": "123弄", "reason": "误判"}, "Nothing hidden"),
        ({"action": "hide", "text": "123弄4号", "reason": "地址"}, "hidden already"),
    ],
    ids=["text-not-in-comment", "restore-nothing-hidden", "restore-part-of-hidden", "hide-hidden-already"],
)
def test_a_redaction_that_would_change_nothing_is_refused_and_changes_nothing(client, tokens, consulted, body, problem):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    made = _published(client, editor, cid, WRITTEN)
    response = _redaction(client, made["id"], editor, **body)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert problem in response.get_json()["detail"] and response.get_json()["errors"]["json"]["text"]
    db.session.rollback()
    stored = db.session.get(Comment, made["id"])
    assert (stored.public_content, stored.redaction_overrides) == (SHOWN, None)


def test_a_redaction_needs_a_reason(client, tokens, consulted):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    made = _published(client, editor, cid, WRITTEN)
    response = _redaction(client, made["id"], editor, action="hide", text="张三")
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]["json"]


def test_only_the_lead_units_editor_or_an_admin_overrides_a_redaction(client, tokens, consulted):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    made = _published(client, editor, cid, WRITTEN)  # published: others may read it
    body = {"action": "restore", "text": "城中路20号", "reason": "区政府地址"}
    assert _redaction(client, made["id"], auth(tokens["other_editor"]), **body).status_code == 403
    assert _redaction(client, made["id"], auth(tokens["partner"]), **body).status_code == 403
    assert _redaction(client, made["id"], {}, **body).status_code == 401
    db.session.rollback()
    assert db.session.get(Comment, made["id"]).redaction_overrides is None
    restored = _ok(_redaction(client, made["id"], auth(tokens["admin"]), **body))
    assert restored["redaction_overrides"][0]["by"] == factories.account("admin").id


def test_an_imported_letter_is_shown_with_its_personal_data_marked(client, tokens, consulted, today):
    editor, cid = auth(tokens["editor"]), consulted[1].id
    today["value"] = dt.date(2026, 5, 20)  # letters are entered after the close
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["意见内容", "提交人类型", "渠道", "收到日期", "姓名"])
    writer.writerow([f"来信：身份证{TEXT_ID}，建议延长申报期限。", "individual", "letter", "2026-04-20", "王五"])
    writer.writerow(["来信：我是赵六，建议简化申报材料。", "individual", "letter", "2026-04-21", "赵六"])
    upload = client.post(
        f"/api/v1/consultations/{cid}/comments/import",
        data={"file": (io.BytesIO(text.getvalue().encode("utf-8-sig")), "来信.csv")},
        content_type="multipart/form-data",
        headers=editor,
    )
    letter, other = _ok(upload, 201)
    for made in (letter, other):
        _ok(client.post(f"/api/v1/comments/{made['id']}/moderation", json={"action": "publish"}, headers=editor))

    listed = client.get(f"/api/v1/consultations/{cid}/comments")
    assert [c["content"] for c in _ok(listed)] == [
        f"来信：身份证{ID_MARKER}，建议延长申报期限。",
        "来信：我是赵六，建议简化申报材料。",
    ]
    assert _leaks(listed) == []
    assert _ok(client.get(f"/api/v1/comments/{letter['id']}", headers=editor))["hidden"] == [
        {"kind": "id_number", "text": TEXT_ID}
    ]
    # An editor hides the writer's name, which the rules do not know.
    _ok(_redaction(client, other["id"], editor, action="hide", text="赵六", reason="来信人姓名"))
    receipt = client.get(f"/api/v1/receipts/{other['receipt']}")
    assert _ok(receipt)[
        "content"
    ] == "来信：我是［已隐去：其他］，建议简化申报材料。" and "赵六" not in receipt.get_data(as_text=True)

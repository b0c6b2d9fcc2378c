"""The procedure's records: each kind's life (unpublished, published, corrected, withdrawn) and
each kind's own rules, one test per rule."""

import dataclasses
import datetime as dt

import pytest

from core.errors import PROBLEM_BASE, PublishedRecordImmutable
from core.extensions import db
from decisions.models import Decision
from decisions.records import services as records
from tests import factories
from tests.conftest import auth

PUBLISHED_ON = "2026-07-02"


@dataclasses.dataclass(frozen=True)
class Spec:
    """One kind of record as a client sees it."""

    path: str
    payload: dict
    change: dict  # a field a PATCH, PUT or correction changes
    entry_type: str
    stage: str = "catalogued"  # how far the decision must be walked first
    singular: bool = False

    @property
    def kind(self):
        return {k.path: k for k in records.KINDS}[self.path]

    def __str__(self):
        return self.path


SPECS = [
    Spec(
        "background",
        {"necessity": "现行扶持政策分散，亟需系统集成。", "problem": "融资难"},
        {"necessity": "现行扶持政策分散（更正）。"},
        "background_published",
        singular=True,
    ),
    Spec(
        "drafts",
        {"kind": "consultation_draft", "title": "若干措施（征求意见稿）", "text": "第一条\n第二条"},
        {"title": "若干措施（征求意见稿，更正）"},
        "draft_published",
    ),
    Spec(
        "reviews",
        {"kind": "legality_review", "completed_on": "2026-06-01", "summary": "合法", "result": "lawful"},
        {"summary": "经审查，合法（更正）。"},
        "review_completed",
    ),
    Spec(
        "result",
        {"title": "若干措施", "doc_number": "嘉府规〔2026〕3号", "signed_on": "2026-06-20", "issued_on": "2026-06-22"},
        {"title": "若干措施（更正）"},
        "result_published",
        stage="deliberated",
        singular=True,
    ),
    Spec(
        "interpretations",
        {
            "form": "graphic",
            "title": "一图读懂",
            "url": "https://www.jiading.gov.cn/zcjd/2026/3.html",
            "text_alternative": "要点",
        },
        {"title": "一图读懂（更正）"},
        "interpretation_published",
        stage="decided",
    ),
    Spec(
        "follow-ups",
        {"kind": "execution_report", "occurred_on": "2026-07-01", "title": "执行情况报告", "reason": "已落地"},
        {"title": "执行情况报告（更正）"},
        "execution_reported",
        stage="decided",
    ),
]
SINGULAR = [s for s in SPECS if s.singular]


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


def _fresh():
    """End the test's own transaction, so that it reads what the requests committed."""
    db.session.rollback()


def _prepared(spec: Spec) -> Decision:
    decision = factories.catalogued_decision()
    if spec.stage == "deliberated":
        factories.deliberated(decision)
    elif spec.stage == "decided":
        factories.decided(decision)
    return decision


def _create(client, spec: Spec, decision_id: int, headers, payload=None):
    url = f"/api/v1/decisions/{decision_id}/{spec.path}"
    payload = payload or spec.payload
    return (
        client.put(url, json=payload, headers=headers)
        if spec.singular
        else client.post(url, json=payload, headers=headers)
    )


def _action_base(spec: Spec, decision_id: int, record: dict) -> str:
    """Where a record's publish, correction and withdrawal live."""
    if spec.singular:
        return f"/api/v1/decisions/{decision_id}/{spec.path}"
    return record["_links"]["self"]["href"]


def _published(client, spec, tokens, decision_id):
    """Create and publish one record of `spec`; returns its published body."""
    editor = auth(tokens["editor"])
    record = _ok(_create(client, spec, decision_id, editor), 201)
    base = _action_base(spec, decision_id, record)
    return _ok(client.post(f"{base}/publish", json={"published_on": PUBLISHED_ON}, headers=editor))


def _timeline(client, decision_id, headers=None):
    return _ok(client.get(f"/api/v1/decisions/{decision_id}/timeline", headers=headers or {}))["entries"]


def _publications(client, decision_id):
    """The timeline less the deadlines passed: a record published late (as these are, for
    their adoption report) finds one overdue at once, a fact of its own."""
    return [e for e in _timeline(client, decision_id) if e["type"] != "deadline_overdue"]


def _feed(client):
    return _ok(client.get("/api/v1/changes?limit=1000"))["entries"]


# --- Every kind's life -----------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_record_is_created_unpublished_by_the_lead_units_editor_only(client, tokens, spec):
    d = _prepared(spec).id
    _problem(_create(client, spec, d, {}), 401)
    _problem(_create(client, spec, d, auth(tokens["other_editor"])), 403)
    _problem(_create(client, spec, d, auth(tokens["partner"])), 403)
    record = _ok(_create(client, spec, d, auth(tokens["editor"])), 201)
    assert record["status"] == "draft"
    assert record["published_on"] is None
    assert record["decision_id"] == d


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_an_unpublished_record_is_hidden_from_the_public(client, tokens, spec):
    d = _prepared(spec).id
    # The feed first: its first read records what had fallen due (an overdue report, say).
    feed_before = _feed(client)
    entries_before = _timeline(client, d)
    editor = auth(tokens["editor"])
    record = _ok(_create(client, spec, d, editor), 201)
    self_href = record["_links"]["self"]["href"]

    assert _ok(client.get(self_href, headers=editor))["status"] == "draft"
    for headers in ({}, auth(tokens["partner"]), auth(tokens["other_editor"])):
        _problem(client.get(self_href, headers=headers), 404)
        if spec.singular:
            _problem(client.get(f"/api/v1/decisions/{d}/{spec.path}", headers=headers), 404)
            listed = _ok(client.get(f"/api/v1/decisions/{d}/{spec.path}/versions", headers=headers))
        else:
            listed = _ok(client.get(f"/api/v1/decisions/{d}/{spec.path}", headers=headers))
        assert self_href not in [r["_links"]["self"]["href"] for r in listed]
    assert _timeline(client, d) == entries_before
    assert _timeline(client, d, editor) == entries_before
    assert _feed(client) == feed_before


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_publishing_a_record_appends_one_entry(client, tokens, spec):
    d = _prepared(spec).id
    # The feed first: its first read records what had fallen due (an overdue report, say).
    feed_before = _feed(client)
    entries_before = _publications(client, d)
    record = _published(client, spec, tokens, d)
    assert record["status"] == "published"
    assert record["published_on"] == PUBLISHED_ON
    self_href = record["_links"]["self"]["href"]
    assert _ok(client.get(self_href))["status"] == "published"

    entries = _publications(client, d)
    [new] = [e for e in entries if e not in entries_before]
    assert len(entries) == len(entries_before) + 1
    assert new["type"] == spec.entry_type
    assert new["href"] == self_href
    feed = _feed(client)
    assert feed[: len(feed_before)] == feed_before
    [change] = [c for c in feed[len(feed_before) :] if c["type"] != "deadline_overdue"]
    assert (change["cursor"], change["type"], change["href"], change["decision_id"]) == (
        str(new["seq"]),
        spec.entry_type,
        self_href,
        d,
    )
    # Publishing twice is refused, and appends nothing.
    _problem(
        client.post(f"{_action_base(spec, d, record)}/publish", json={}, headers=auth(tokens["editor"])),
        409,
        "published-record-immutable",
    )
    assert len(_publications(client, d)) == len(entries)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_published_record_is_never_changed_in_place(client, tokens, spec):
    d = _prepared(spec).id
    editor = auth(tokens["editor"])
    record = _published(client, spec, tokens, d)
    self_href = record["_links"]["self"]["href"]
    etag = client.get(self_href).headers["ETag"]
    if spec.singular:
        response = client.put(
            f"/api/v1/decisions/{d}/{spec.path}",
            json={**spec.payload, **spec.change},
            headers={**editor, "If-Match": etag},
        )
    else:
        response = client.patch(self_href, json=spec.change, headers={**editor, "If-Match": etag})
    body = _problem(response, 409, "published-record-immutable")
    assert "correct" in body["detail"]
    current = _ok(client.get(self_href))
    assert current["status"] == "published"
    assert all(current[k] == record[k] for k in spec.change)


@pytest.mark.parametrize("spec", SINGULAR, ids=str)
def test_replacing_an_unpublished_singular_record_needs_if_match(client, tokens, spec):
    d = _prepared(spec).id
    editor = auth(tokens["editor"])
    url = f"/api/v1/decisions/{d}/{spec.path}"
    created = _create(client, spec, d, editor)
    assert created.status_code == 201
    etag = client.get(url, headers=editor).headers["ETag"]
    changed = {**spec.payload, **spec.change}
    _problem(client.put(url, json=changed, headers=editor), 428)
    _problem(client.put(url, json=changed, headers={**editor, "If-Match": '"stale"'}), 412)
    replaced = client.put(url, json=changed, headers={**editor, "If-Match": etag})
    body = _ok(replaced)
    assert body["version"] == 1 and body["status"] == "draft"
    assert all(body[k] == v for k, v in spec.change.items())
    # The ETag it was replaced with is stale now.
    _problem(client.put(url, json=spec.payload, headers={**editor, "If-Match": etag}), 412)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_correction_supersedes_the_published_version_and_both_stay_readable(client, tokens, spec):
    d = _prepared(spec).id
    editor = auth(tokens["editor"])
    old = _published(client, spec, tokens, d)
    old_href = old["_links"]["self"]["href"]
    [original] = [e for e in _timeline(client, d) if e["href"] == old_href]

    correction = client.post(
        f"{_action_base(spec, d, old)}/correction",
        json={**spec.change, "reason": "更正文字错误。", "published_on": "2026-07-03"},
        headers=editor,
    )
    new = _ok(correction, 201)
    new_href = new["_links"]["self"]["href"]
    assert correction.headers["Location"] == new_href != old_href
    assert new["status"] == "published" and new["published_on"] == "2026-07-03"
    assert all(new[k] == v for k, v in spec.change.items())
    assert new["_links"]["corrects"]["href"] == old_href

    old_now = _ok(client.get(old_href))
    assert old_now["status"] == "superseded"
    assert old_now["_links"]["superseded_by"]["href"] == new_href
    assert all(old_now[k] == old[k] for k in spec.change)  # the old text is kept as it was
    assert _ok(client.get(new_href))["status"] == "published"
    if spec.singular:
        assert _ok(client.get(f"/api/v1/decisions/{d}/{spec.path}"))["_links"]["self"]["href"] == new_href
        versions = _ok(client.get(f"/api/v1/decisions/{d}/{spec.path}/versions"))
        assert [v["_links"]["self"]["href"] for v in versions] == [old_href, new_href]

    [entry] = [e for e in _timeline(client, d) if e["type"] == "correction"]
    assert entry["amends"] == original["seq"]
    assert entry["reason"] == "更正文字错误。"
    assert entry["href"] == new_href
    assert entry["occurred_on"] == "2026-07-03"


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_superseded_version_is_not_corrected_again(client, tokens, spec):
    d = _prepared(spec).id
    editor = auth(tokens["editor"])
    old = _published(client, spec, tokens, d)
    base = _action_base(spec, d, old)
    _ok(client.post(f"{base}/correction", json={**spec.change, "reason": "更正。"}, headers=editor), 201)
    entries = _timeline(client, d)
    if spec.singular:
        # The API corrects the current version; the superseded one is refused by the service.
        _fresh()
        superseded = db.session.scalars(
            db.select(spec.kind.model).where(spec.kind.model.decision_id == d, spec.kind.model.version == 1)
        ).one()
        with pytest.raises(PublishedRecordImmutable):
            records.correct(spec.kind, superseded, by=factories.account("editor", "jd-fgw"), reason="再次更正。")
        db.session.rollback()
    else:
        _problem(client.post(f"{base}/correction", json={"reason": "再次更正。"}, headers=editor), 409)
    assert _timeline(client, d) == entries


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_withdrawn_record_stays_readable_with_its_reason(client, tokens, spec):
    d = _prepared(spec).id
    editor = auth(tokens["editor"])
    record = _published(client, spec, tokens, d)
    href = record["_links"]["self"]["href"]
    [original] = [e for e in _timeline(client, d) if e["href"] == href]
    base = _action_base(spec, d, record)
    _problem(client.post(f"{base}/withdrawal", json={"reason": "内容有误。"}), 401)
    _problem(
        client.post(f"{base}/withdrawal", json={"reason": "内容有误。"}, headers=auth(tokens["other_editor"])), 403
    )

    withdrawn = _ok(
        client.post(f"{base}/withdrawal", json={"reason": "内容有误。", "withdrawn_on": "2026-07-05"}, headers=editor)
    )
    assert withdrawn["status"] == "withdrawn"
    public = _ok(client.get(href))
    assert (public["status"], public["withdrawn_on"], public["withdrawal_reason"]) == (
        "withdrawn",
        "2026-07-05",
        "内容有误。",
    )
    [entry] = [e for e in _timeline(client, d) if e["type"] == "withdrawn"]
    assert (entry["amends"], entry["reason"], entry["href"], entry["occurred_on"]) == (
        original["seq"],
        "内容有误。",
        href,
        "2026-07-05",
    )
    entries = _timeline(client, d)
    _problem(client.post(f"{base}/withdrawal", json={"reason": "再次撤回。"}, headers=editor), 409, "record-withdrawn")
    assert _timeline(client, d) == entries


def test_an_unpublished_record_is_not_withdrawn(client, tokens):
    d = factories.catalogued_decision().id
    editor = auth(tokens["editor"])
    _ok(client.post(f"/api/v1/decisions/{d}/drafts", json=SPECS[1].payload, headers=editor), 201)
    _problem(
        client.post(f"/api/v1/decisions/{d}/drafts/1/withdrawal", json={"reason": "撤回"}, headers=editor),
        409,
        "record-not-published",
    )


# --- The decision's rules --------------------------------------------------------------------


def test_publishing_before_the_decision_is_catalogued_is_refused(client, tokens):
    factories.catalogue(2026)
    d = factories.decision(2026).id
    editor = auth(tokens["editor"])
    _ok(client.put(f"/api/v1/decisions/{d}/background", json=SPECS[0].payload, headers=editor), 201)
    body = _problem(
        client.post(f"/api/v1/decisions/{d}/background/publish", json={}, headers=editor),
        409,
        "decision-not-catalogued",
    )
    assert "catalogue" in body["detail"]
    _fresh()
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(records.Background)
            .where(records.Background.published_on.is_not(None))
        )
        == 0
    )


def test_a_withdrawn_decision_takes_no_new_records(client, tokens):
    decision = factories.catalogued_decision()
    d = decision.id
    editor = auth(tokens["editor"])
    _ok(client.post(f"/api/v1/decisions/{d}/drafts", json=SPECS[1].payload, headers=editor), 201)
    _ok(
        client.post(
            "/api/v1/catalogues/2026/adjustments",
            json={
                "type": "withdraw",
                "decision_id": d,
                "reason": "上位政策调整，不再决策。",
                "approved_on": "2026-05-01",
            },
            headers=auth(tokens["admin"]),
        ),
        201,
    )
    assert _ok(client.get(f"/api/v1/decisions/{d}"))["state"] == "withdrawn"
    _problem(
        client.post(f"/api/v1/decisions/{d}/drafts", json=SPECS[1].payload, headers=editor), 409, "decision-withdrawn"
    )
    _problem(
        client.put(f"/api/v1/decisions/{d}/background", json=SPECS[0].payload, headers=editor),
        409,
        "decision-withdrawn",
    )
    _problem(client.post(f"/api/v1/decisions/{d}/drafts/1/publish", json={}, headers=editor), 409, "decision-withdrawn")


def test_draft_versions_are_numbered_one_two_three(client, tokens):
    d = factories.catalogued_decision().id
    editor = auth(tokens["editor"])
    versions = []
    for n in range(3):
        response = client.post(
            f"/api/v1/decisions/{d}/drafts",
            json={"kind": "consultation_draft", "title": f"第{n + 1}稿", "text": f"第{n + 1}稿"},
            headers=editor,
        )
        body = _ok(response, 201)
        versions.append(body["version"])
        assert response.headers["Location"] == f"http://localhost/api/v1/decisions/{d}/drafts/{body['version']}"
    assert versions == [1, 2, 3]
    listed = _ok(client.get(f"/api/v1/decisions/{d}/drafts", headers=editor))
    assert [v["version"] for v in listed] == [1, 2, 3]


def test_the_diff_compares_a_draft_with_the_previous_version_line_by_line(client, tokens):
    decision = factories.catalogued_decision()
    d = decision.id
    factories.draft(decision, text="第一条\n第二条\n第三条")
    factories.draft(decision, text="第一条\n第二条（修改）\n第三条")
    factories.draft(decision, text="第一条\n第二条（修改）\n第三条\n第四条", published_on=None)
    editor = auth(tokens["editor"])

    diff = _ok(client.get(f"/api/v1/decisions/{d}/drafts/2/diff"))
    assert (diff["version"], diff["against"], diff["added"], diff["removed"]) == (2, 1, 1, 1)
    assert diff["lines"] == [
        {"op": " ", "text": "第一条"},
        {"op": "-", "text": "第二条"},
        {"op": "+", "text": "第二条（修改）"},
        {"op": " ", "text": "第三条"},
    ]
    assert diff["_links"]["against"]["href"].endswith(f"/decisions/{d}/drafts/1")

    against_one = _ok(client.get(f"/api/v1/decisions/{d}/drafts/3/diff?against=1", headers=editor))
    assert (against_one["against"], against_one["added"], against_one["removed"]) == (1, 2, 1)
    previous = _ok(client.get(f"/api/v1/decisions/{d}/drafts/3/diff", headers=editor))
    assert (previous["against"], previous["added"], previous["removed"]) == (2, 1, 0)
    assert previous["lines"][-1] == {"op": "+", "text": "第四条"}
    # The public does not see an unpublished version through its diff.
    _problem(client.get(f"/api/v1/decisions/{d}/drafts/3/diff"), 404)


def test_version_one_has_no_previous_version_to_diff_against(client, tokens):
    decision = factories.catalogued_decision()
    factories.draft(decision)
    body = _problem(client.get(f"/api/v1/decisions/{decision.id}/drafts/1/diff"), 422)
    assert "against" in body["errors"]["query"]
    assert _ok(client.get(f"/api/v1/decisions/{decision.id}/drafts/1/diff?against=1"))["added"] == 0


# --- Reviews ---------------------------------------------------------------------------------


def _review(client, tokens, d, **fields):
    payload = {"completed_on": "2026-06-01", "summary": "经审查。", **fields}
    return client.post(f"/api/v1/decisions/{d}/reviews", json=payload, headers=auth(tokens["editor"]))


def test_a_legality_review_records_its_result(client, tokens):
    d = factories.catalogued_decision().id
    body = _problem(_review(client, tokens, d, kind="legality_review"), 422)
    assert "result" in body["errors"]["json"]
    _problem(_review(client, tokens, d, kind="expert_review", result="lawful", experts=[]), 422)
    assert _ok(_review(client, tokens, d, kind="legality_review", result="lawful_with_changes"), 201)["result"] == (
        "lawful_with_changes"
    )


def test_a_risk_assessment_says_whether_the_risk_is_controllable(client, tokens):
    d = factories.catalogued_decision().id
    body = _problem(_review(client, tokens, d, kind="risk_assessment", risk_points=["群体性事件"]), 422)
    assert "controllable" in body["errors"]["json"]
    assert _ok(_review(client, tokens, d, kind="risk_assessment", controllable=False), 201)["controllable"] is False


def test_an_expert_review_names_its_experts(client, tokens):
    d = factories.catalogued_decision().id
    body = _problem(_review(client, tokens, d, kind="expert_review"), 422)
    assert "experts" in body["errors"]["json"]
    _problem(_review(client, tokens, d, kind="expert_review", experts=[]), 422)


def test_an_expert_with_a_direct_interest_does_not_review(client, tokens):
    d = factories.catalogued_decision().id
    experts = [
        {"name": "王立新", "organisation": "同济大学", "no_direct_interest": True},
        {"name": "李华", "organisation": "某开发公司", "no_direct_interest": False},
    ]
    body = _problem(_review(client, tokens, d, kind="expert_review", experts=experts), 422)
    assert "李华" in body["errors"]["json"]["experts"][0]
    missing_declaration = [{"name": "王立新", "organisation": "同济大学"}]
    _problem(_review(client, tokens, d, kind="expert_review", experts=missing_declaration), 422)


def test_an_experts_dissent_is_recorded_and_published(client, tokens):
    d = factories.catalogued_decision().id
    experts = [
        {"name": "王立新", "organisation": "同济大学", "no_direct_interest": True},
        {"name": "陈敏", "organisation": "上海大学", "no_direct_interest": True, "dissent": "建议分阶段实施。"},
    ]
    review = _ok(_review(client, tokens, d, kind="expert_review", experts=experts), 201)
    _ok(client.post(f"/api/v1/decisions/{d}/reviews/{review['id']}/publish", json={}, headers=auth(tokens["editor"])))
    public = _ok(client.get(f"/api/v1/decisions/{d}/reviews/{review['id']}"))
    assert [e.get("dissent") for e in public["experts"]] == [None, "建议分阶段实施。"]


def test_a_review_starts_on_or_before_it_completes(client, tokens):
    d = factories.catalogued_decision().id
    body = _problem(
        _review(client, tokens, d, kind="legality_review", result="lawful", started_on="2026-06-02"),
        422,
    )
    assert "started_on" in body["errors"]["json"]
    _ok(_review(client, tokens, d, kind="legality_review", result="lawful", started_on="2026-06-01"), 201)


# --- The result ------------------------------------------------------------------------------


def _put_result(client, tokens, d, **fields):
    payload = {**SPECS[3].payload, **fields}
    return client.put(f"/api/v1/decisions/{d}/result", json=payload, headers=auth(tokens["editor"]))


def test_a_result_needs_an_approving_deliberation(client, tokens):
    decision = factories.catalogued_decision()
    body = _problem(_put_result(client, tokens, decision.id), 409, "result-needs-approval")
    assert "approv" in body["detail"]
    factories.deliberated(decision, outcome="returned")
    _problem(_put_result(client, tokens, decision.id), 409, "result-needs-approval")
    factories.review(decision, completed_on=dt.date(2026, 6, 14))
    factories.meeting(decision, held_on=dt.date(2026, 6, 15), outcome="approved_with_changes")
    assert _ok(_put_result(client, tokens, decision.id), 201)["meeting_id"] is not None


def test_a_result_is_signed_on_or_before_the_day_it_is_issued(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    body = _problem(_put_result(client, tokens, decision.id, signed_on="2026-06-23", issued_on="2026-06-22"), 422)
    assert "signed_on" in body["errors"]["json"]
    _ok(_put_result(client, tokens, decision.id, signed_on="2026-06-22", issued_on="2026-06-22"), 201)


def test_a_result_is_not_signed_before_the_meeting_that_approved_it(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision, held_on=dt.date(2026, 6, 10))
    body = _problem(_put_result(client, tokens, decision.id, signed_on="2026-06-09"), 422)
    assert "2026-06-10" in body["errors"]["json"]["signed_on"][0]
    _ok(_put_result(client, tokens, decision.id, signed_on="2026-06-10"), 201)


def test_a_result_is_not_published_before_it_is_issued(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    _ok(_put_result(client, tokens, decision.id, issued_on="2026-06-22"), 201)
    url = f"/api/v1/decisions/{decision.id}/result/publish"
    body = _problem(client.post(url, json={"published_on": "2026-06-21"}, headers=auth(tokens["editor"])), 422)
    assert "published_on" in body["errors"]["json"]
    _ok(client.post(url, json={"published_on": "2026-06-22"}, headers=auth(tokens["editor"])))


def test_a_result_waits_for_the_approving_meeting_to_be_published(client, tokens):
    decision = factories.catalogued_decision()
    factories.background(decision)
    factories.review(decision)
    meeting = factories.meeting(decision, outcome="approved")  # recorded, not published
    _ok(_put_result(client, tokens, decision.id), 201)
    url = f"/api/v1/decisions/{decision.id}/result/publish"
    body = _problem(client.post(url, json={}, headers=auth(tokens["editor"])), 409, "result-needs-approval")
    assert "not published" in body["detail"]
    _ok(client.post(f"/api/v1/meetings/{meeting.id}/publish", json={}, headers=auth(tokens["admin"])))
    _ok(client.post(url, json={}, headers=auth(tokens["editor"])))


def test_a_document_number_is_unique_per_issuer_and_year(client, tokens):
    first = factories.catalogued_decision()
    second = factories.catalogued_decision(title="嘉定区教育设施布局专项规划")
    for decision in (first, second):
        factories.deliberated(decision)
    factories.result(first, doc_number="嘉府发12号", issued_on=dt.date(2026, 6, 22))

    body = _problem(_put_result(client, tokens, second.id, doc_number="嘉府发12号", issued_on="2026-06-25"), 409)
    assert "clashes" in body["detail"]
    # Another issuer may use the same number.
    _ok(_put_result(client, tokens, second.id, doc_number="嘉府发12号", issuer_unit="jd-fgw"), 201)
    # So may the same issuer in another year: a number without its year is of the year issued.
    last_year = factories.catalogued_decision(2025, title="嘉定区2025年度实事项目")
    factories.background(last_year, published_on=dt.date(2025, 4, 1))
    factories.review(last_year, completed_on=dt.date(2025, 6, 1))
    factories.meeting(last_year, held_on=dt.date(2025, 6, 10))
    _ok(
        _put_result(
            client, tokens, last_year.id, doc_number="嘉府发12号", signed_on="2025-06-20", issued_on="2025-06-22"
        ),
        201,
    )


def test_a_correction_of_the_result_keeps_its_document_number(client, tokens):
    decision = factories.catalogued_decision()
    factories.decided(decision, doc_number="嘉府规〔2026〕3号")
    editor = auth(tokens["editor"])
    new = _ok(
        client.post(
            f"/api/v1/decisions/{decision.id}/result/correction",
            json={"title": "更正后标题", "reason": "错字"},
            headers=editor,
        ),
        201,
    )
    assert (new["version"], new["doc_number"]) == (2, "嘉府规〔2026〕3号")
    # Its number is still taken for every other document of the issuer and year.
    other = factories.catalogued_decision(title="嘉定区公共停车场建设方案")
    factories.deliberated(other)
    _problem(_put_result(client, tokens, other.id, doc_number="嘉府规〔2026〕3号"), 409)


# --- Follow-ups ------------------------------------------------------------------------------


def _follow_up(client, tokens, d, kind, occurred_on="2026-07-01"):
    payload = {"kind": kind, "occurred_on": occurred_on, "title": kind, "reason": "原因"}
    return client.post(f"/api/v1/decisions/{d}/follow-ups", json=payload, headers=auth(tokens["editor"]))


def test_follow_ups_need_a_published_result(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    body = _problem(_follow_up(client, tokens, decision.id, "execution_report"), 409, "result-not-published")
    assert "result" in body["detail"]
    factories.result(decision, published_on=None)
    _problem(_follow_up(client, tokens, decision.id, "suspension"), 409, "result-not-published")
    factories.publish(records.RESULT, factories.result(decision, published_on=None), on=dt.date(2026, 6, 23))
    _ok(_follow_up(client, tokens, decision.id, "execution_report"), 201)


def test_only_a_suspended_decision_is_resumed(client, tokens):
    decision = factories.catalogued_decision()
    factories.decided(decision)
    body = _problem(_follow_up(client, tokens, decision.id, "resumption"), 409, "decision-not-suspended")
    assert "decided" in body["detail"]
    factories.follow_up(decision, "suspension", occurred_on=dt.date(2026, 8, 1))
    _ok(_follow_up(client, tokens, decision.id, "resumption", occurred_on="2026-09-01"), 201)


# --- The decision's state --------------------------------------------------------------------


def _state(client, d):
    return _ok(client.get(f"/api/v1/decisions/{d}"))["state"]


def test_the_state_follows_the_procedure(client, tokens):
    decision = factories.catalogued_decision()
    d = decision.id
    seen = [_state(client, d)]
    factories.background(decision)
    seen.append(_state(client, d))
    factories.review(decision, completed_on=dt.date(2026, 6, 1))
    seen.append(_state(client, d))
    factories.meeting(decision, held_on=dt.date(2026, 6, 10), published_on=dt.date(2026, 6, 12))
    seen.append(_state(client, d))
    factories.result(decision)
    seen.append(_state(client, d))
    factories.follow_up(decision, "execution_report", occurred_on=dt.date(2026, 7, 1))
    seen.append(_state(client, d))
    factories.follow_up(decision, "suspension", occurred_on=dt.date(2026, 8, 1))
    seen.append(_state(client, d))
    factories.follow_up(decision, "resumption", occurred_on=dt.date(2026, 9, 1))
    seen.append(_state(client, d))
    factories.follow_up(decision, "post_evaluation", occurred_on=dt.date(2026, 10, 1))
    seen.append(_state(client, d))
    assert seen == [
        "initiated",
        "drafting",
        "reviewing",
        "deliberated",
        "decided",
        "implementing",
        "suspended",
        "implementing",
        "evaluated",
    ]


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        ("approved", "deliberated"),
        ("approved_with_changes", "deliberated"),
        ("rejected", "rejected"),
        ("returned", "drafting"),
        ("deferred", "reviewing"),
    ],
)
def test_a_deliberation_moves_the_state_by_its_outcome(client, tokens, outcome, state):
    decision = factories.catalogued_decision()
    factories.deliberated(decision, outcome=outcome)
    assert _state(client, decision.id) == state


def test_the_state_is_never_patched(client, tokens):
    d = factories.catalogued_decision().id
    editor = auth(tokens["editor"])
    etag = client.get(f"/api/v1/decisions/{d}").headers["ETag"]
    for headers in (editor, auth(tokens["admin"])):
        body = _problem(
            client.patch(f"/api/v1/decisions/{d}", json={"state": "decided"}, headers={**headers, "If-Match": etag}),
            422,
        )
        assert "state" in body["errors"]["json"]
    assert _state(client, d) == "initiated"


def test_a_resumption_is_corrected_like_any_record(client, tokens):
    decision = factories.catalogued_decision()
    factories.decided(decision)
    factories.follow_up(decision, "suspension", occurred_on=dt.date(2026, 8, 1))
    resumption = factories.follow_up(decision, "resumption", occurred_on=dt.date(2026, 9, 1))
    url = f"/api/v1/decisions/{decision.id}/follow-ups/{resumption.id}/correction"
    corrected = _ok(
        client.post(
            url, json={"reason": "更正恢复日期。", "occurred_on": "2026-09-02"}, headers=auth(tokens["editor"])
        ),
        201,
    )
    assert (corrected["kind"], corrected["occurred_on"]) == ("resumption", "2026-09-02")
    assert _ok(client.get(f"/api/v1/decisions/{decision.id}"))["state"] == "implementing"  # execution resumed


def test_a_superseded_follow_up_no_longer_counts_for_the_state(client, tokens):
    decision = factories.catalogued_decision()
    factories.decided(decision)
    suspension = factories.follow_up(decision, "suspension", occurred_on=dt.date(2026, 9, 10))  # a typo: 1 August
    factories.follow_up(decision, "resumption", occurred_on=dt.date(2026, 9, 1))
    assert _state(client, decision.id) == "suspended"
    url = f"/api/v1/decisions/{decision.id}/follow-ups/{suspension.id}/correction"
    _ok(
        client.post(
            url, json={"reason": "更正暂停日期。", "occurred_on": "2026-08-01"}, headers=auth(tokens["editor"])
        ),
        201,
    )
    assert _state(client, decision.id) == "implementing"  # resumed after the corrected suspension


def test_a_result_needs_its_latest_deliberation_to_approve(client, tokens):
    decision = factories.catalogued_decision()
    factories.deliberated(decision, held_on=dt.date(2026, 6, 10), outcome="approved")
    factories.meeting(decision, held_on=dt.date(2026, 6, 20), outcome="returned", published_on=dt.date(2026, 6, 21))
    response = client.put(
        f"/api/v1/decisions/{decision.id}/result",
        json={"title": "措施", "doc_number": "嘉府规〔2026〕7号", "signed_on": "2026-06-25", "issued_on": "2026-06-26"},
        headers=auth(tokens["editor"]),
    )
    assert response.status_code == 409
    assert response.get_json()["type"] == PROBLEM_BASE + "result-needs-approval"


def test_a_superseded_version_is_not_withdrawn(client, tokens):
    decision = factories.catalogued_decision()
    factories.background(decision)
    editor = auth(tokens["editor"])
    _ok(
        client.post(f"/api/v1/decisions/{decision.id}/background/correction", json={"reason": "更正"}, headers=editor),
        201,
    )
    db.session.rollback()
    old = records.get_record(records.BACKGROUND, db.session.get(Decision, decision.id), 1, viewer=None)
    with pytest.raises(PublishedRecordImmutable):
        records.withdraw(records.BACKGROUND, old, by=factories.admin(), reason="误")


def test_writing_a_singular_record_answers_with_its_etag(client, tokens):
    decision = factories.catalogued_decision()
    editor = auth(tokens["editor"])
    created = client.put(f"/api/v1/decisions/{decision.id}/background", json={"necessity": "必要"}, headers=editor)
    assert created.status_code == 201 and created.headers["ETag"]
    replaced = client.put(
        f"/api/v1/decisions/{decision.id}/background",
        json={"necessity": "必要（修改）"},
        headers={**editor, "If-Match": created.headers["ETag"]},
    )
    assert replaced.status_code == 200, replaced.get_json()

"""The interpretation duty (政策解读, section 二(一)): every form but text carries a text
alternative, a follow-up follows a published interpretation of its decision, and which
documents owe an interpretation. One test per rule; the compliance figures are in
tests/consultation/test_interpretation_compliance.py."""

import datetime as dt

import pytest

from core.errors import (
    PROBLEM_BASE,
    FollowedInterpretationUnknown,
    FollowedInterpretationUnpublished,
    TextAlternativeMissing,
)
from core.extensions import db
from decisions.records import services as records
from decisions.records.interpretations import NON_TEXT_FORMS
from decisions.records.models import Interpretation, InterpretationForm
from tests import factories
from tests.conftest import auth

SEED_FORMS = (
    "press_conference",
    "policy_briefing",
    "graphic",
    "scenario_demo",
    "animation",
    "expert_interview",
    "short_video",
)


def _problem(response, status, slug):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == PROBLEM_BASE + slug, body.get("errors")
    return body


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(Interpretation))


@pytest.fixture
def decided(app, tokens):
    decision = factories.catalogued_decision()
    factories.decided(decision)
    return decision


def _post(client, tokens, decision_id, **body):
    return client.post(f"/api/v1/decisions/{decision_id}/interpretations", json=body, headers=auth(tokens["editor"]))


def test_the_seeds_forms_are_offered_with_text_as_the_plain_form():
    assert set(SEED_FORMS) <= {form.value for form in InterpretationForm}
    assert InterpretationForm.text not in NON_TEXT_FORMS
    assert set(SEED_FORMS) <= NON_TEXT_FORMS


@pytest.mark.parametrize("form", SEED_FORMS)
def test_every_form_but_text_needs_a_text_alternative(client, tokens, decided, form):
    body = {"form": form, "title": "政策解读", "url": "https://www.jiading.gov.cn/zcjd/2026/3.html"}
    for missing in ({}, {"text_alternative": None}):
        problem = _problem(_post(client, tokens, decided.id, **body, **missing), 422, "text-alternative-missing")
        assert "text_alternative" in problem["errors"]["json"]
    assert _count() == 0
    made = _post(client, tokens, decided.id, **body, text_alternative="发布会要点：一、二、三。")
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["text_alternative"] == "发布会要点：一、二、三。"


def test_a_text_interpretation_needs_no_text_alternative(client, tokens, decided):
    made = _post(client, tokens, decided.id, form="text", title="政策解读", text="一、制定背景……")
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["text_alternative"] is None and made.get_json()["follows_id"] is None


def test_changing_the_form_or_correcting_keeps_the_text_alternative_rule(app, tokens, decided):
    editor = factories.account("editor", "jd-fgw")
    plain = factories.interpretation(decided, form="text", title="政策解读", published_on=None)
    with pytest.raises(TextAlternativeMissing):
        records.update(records.INTERPRETATION, plain, by=editor, form="short_video")
    db.session.rollback()
    assert db.session.get(Interpretation, plain.id).form == "text"
    published = factories.interpretation(decided, title="一图读懂")
    with pytest.raises(TextAlternativeMissing):
        records.correct(records.INTERPRETATION, published, by=editor, reason="更正", text_alternative="")
    db.session.rollback()
    assert db.session.get(Interpretation, published.id).superseded_by_id is None


def test_a_follow_up_follows_a_published_interpretation_of_the_same_decision(client, tokens, decided):
    first = factories.interpretation(decided, form="text", title="政策解读", published_on=dt.date(2026, 6, 24))
    made = _post(
        client,
        tokens,
        decided.id,
        form="expert_interview",
        title="专家访谈：措施实施半年看成效",
        text_alternative="访谈实录：……",
        follows_id=first.id,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["follows_id"] == first.id
    assert body["_links"]["follows"]["href"].endswith(f"/decisions/{decided.id}/interpretations/{first.id}")
    published = client.post(
        f"{body['_links']['self']['href']}/publish", json={"published_on": "2026-12-01"}, headers=auth(tokens["editor"])
    )
    assert published.status_code == 200, published.get_json()
    timeline = client.get(f"/api/v1/decisions/{decided.id}/timeline").get_json()["entries"]
    assert "政策跟踪解读：专家访谈：措施实施半年看成效" in [e["title"] for e in timeline]


def test_a_follow_up_of_an_unpublished_or_withdrawn_interpretation_is_refused(client, tokens, decided):
    unpublished = factories.interpretation(decided, form="text", title="政策解读（未发布）", published_on=None)
    withdrawn = factories.interpretation(decided, form="text", title="政策解读（已撤回）")
    records.withdraw(records.INTERPRETATION, withdrawn, by=factories.account("editor", "jd-fgw"), reason="有误。")
    before = _count()
    for followed in (unpublished.id, withdrawn.id):
        _problem(
            _post(client, tokens, decided.id, form="text", title="跟踪解读", follows_id=followed),
            409,
            FollowedInterpretationUnpublished.slug,
        )
    assert _count() == before


def test_a_follow_up_follows_an_interpretation_of_its_own_decision(client, tokens, decided):
    other = factories.catalogued_decision(title="嘉定区中小学学区化集团化办学实施方案", lead_unit="jd-fgw")
    elsewhere = factories.interpretation(other, form="text", title="另一事项的解读")
    before = _count()
    for followed in (elsewhere.id, 999999):
        problem = _problem(
            _post(client, tokens, decided.id, form="text", title="跟踪解读", follows_id=followed),
            422,
            FollowedInterpretationUnknown.slug,
        )
        assert "follows_id" in problem["errors"]["json"]
    assert _count() == before


def test_a_correction_of_a_follow_up_keeps_what_it_followed(app, tokens, decided):
    editor = factories.account("editor", "jd-fgw")
    first = factories.interpretation(decided, form="text", title="政策解读")
    follow_up = factories.interpretation(decided, form="text", title="跟踪解读", follows_id=first.id)
    records.withdraw(records.INTERPRETATION, first, by=editor, reason="有误。")
    corrected = records.correct(
        records.INTERPRETATION, follow_up, by=editor, reason="更正文字。", title="跟踪解读（更正）"
    )
    assert corrected.follows_id == first.id


def test_a_result_owes_an_interpretation_unless_its_unit_says_otherwise(client, tokens, app):
    decision = factories.catalogued_decision()
    factories.deliberated(decision)
    editor = auth(tokens["editor"])
    body = {
        "title": "若干措施",
        "doc_number": "嘉府规〔2026〕3号",
        "signed_on": "2026-06-20",
        "issued_on": "2026-06-22",
    }
    put = client.put(f"/api/v1/decisions/{decision.id}/result", json=body, headers=editor)
    assert put.status_code == 201, put.get_json()
    assert put.get_json()["interpretation_required"] is True
    current = client.get(f"/api/v1/decisions/{decision.id}/result", headers=editor)
    replaced = client.put(
        f"/api/v1/decisions/{decision.id}/result",
        json={**body, "interpretation_required": False},
        headers={**editor, "If-Match": current.headers["ETag"]},
    )
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["interpretation_required"] is False
    refused = client.put(
        f"/api/v1/decisions/{decision.id}/result",
        json={**body, "interpretation_required": "no"},
        headers={**editor, "If-Match": replaced.headers["ETag"]},
    )
    assert refused.status_code == 422


def test_a_draft_owes_an_interpretation_only_when_marked_a_policy_document(client, tokens, app):
    decision = factories.catalogued_decision()
    editor = auth(tokens["editor"])
    base = f"/api/v1/decisions/{decision.id}/drafts"
    plain = client.post(
        base, json={"kind": "consultation_draft", "title": "征求意见稿", "text": "第一条"}, headers=editor
    )
    assert plain.status_code == 201 and plain.get_json()["interpretation_required"] is False
    marked = client.post(
        base,
        json={"kind": "consultation_draft", "title": "征求意见稿", "text": "第一条", "interpretation_required": True},
        headers=editor,
    )
    assert marked.status_code == 201 and marked.get_json()["interpretation_required"] is True

"""Problem details in Chinese when the request prefers it, English otherwise; field messages
too, values kept; and a catalogue that covers every problem type's title."""

import datetime as dt
import http
import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import translation
from core.problems import PROBLEM_CATALOGUE
from tests import factories

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


def test_a_resident_who_leaves_out_a_field_reads_why_in_chinese(client):
    answer = client.post("/api/v1/consultations/1/comments", json={"content": "贴" * 5001}, headers=ZH)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["title"] == "输入无法处理"
    assert body["detail"].startswith("部分字段无效")
    assert body["errors"]["json"]["submitter_type"] == ["缺少必填字段。"]
    # A message with a value in it keeps the value.
    assert body["errors"]["json"]["content"] == ["长度须在 1 到 5000 之间。"]
    assert answer.headers["Content-Language"] == "zh"
    assert "Accept-Language" in answer.headers["Vary"]
    # The type names the rule whatever the language: clients code against it.
    assert body["type"] == "https://juece.example/problems/validation"


@pytest.mark.parametrize("language", [None, "en-GB,en;q=0.9", "fr-FR"])
def test_english_stays_the_default(client, language):
    headers = {"Accept-Language": language} if language else {}
    body = client.post("/api/v1/consultations/1/comments", json={}, headers=headers).get_json()
    assert body["errors"]["json"]["submitter_type"] == ["Missing data for required field."]
    assert body["detail"] == "Some fields are not valid: see `errors`."


def test_a_broken_rule_is_titled_in_chinese(client, tokens, monkeypatch):
    from core import calendar

    decision = factories.catalogued_decision()
    factories.draft(decision, published_on=dt.date(2026, 4, 2))
    closed = factories.consultation(
        decision, opens_on=dt.date(2026, 4, 3), closes_on=dt.date(2026, 5, 3), published_on=dt.date(2026, 4, 2)
    )
    monkeypatch.setattr(calendar, "today", lambda: dt.date(2026, 6, 1))
    body = {"content": "建议加大贴息支持。", "submitter_type": "individual"}
    answer = client.post(f"/api/v1/consultations/{closed.id}/comments", json=body, headers=ZH)
    assert answer.status_code == 409
    assert answer.get_json()["title"] == "征求意见尚未开始或已经结束"
    assert answer.get_json()["type"].endswith("/consultation-not-open")


def test_a_plain_http_error_is_titled_in_chinese(client):
    body = client.get("/api/v1/decisions/424242", headers=ZH).get_json()
    assert body["title"] == "未找到" and body["detail"] == "编号为 424242 的决策事项不存在或尚未公开。"


def test_the_catalogue_covers_every_problem_type_and_status_it_names():
    with open(translation.CATALOGUE, "rb") as source:
        catalogue = read_po(source)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert all(translated.values()), [k for k, v in translated.items() if not v]
    missing = [t.title for t in PROBLEM_CATALOGUE.values() if t.title not in translated]
    missing += [
        http.HTTPStatus(s).phrase
        for s in (400, 401, 403, 404, 405, 409, 412, 413, 414, 422, 428, 429, 431, 500)
        if http.HTTPStatus(s).phrase not in translated
    ]
    assert missing == []
    # Placeholders survive the translation: a value in the English is in the Chinese.
    for msgid, text in translated.items():
        assert sorted(translation.re.findall(r"\{(\w+)\}", msgid)) == sorted(
            translation.re.findall(r"\{(\w+)\}", text)
        ), msgid


def test_the_compiled_catalogue_is_in_step_with_its_source():
    with open(translation.CATALOGUE, "rb") as source:
        catalogue = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    with open(translation.CATALOGUE.removesuffix(".po") + ".mo", "rb") as committed:
        assert committed.read() == compiled.getvalue(), "run `make translations` and commit messages.mo"

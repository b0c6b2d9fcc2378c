"""The portal's pages, in process: what a resident reads and does, through the public API only."""

import re

from app import create_app
from tests.portal.conftest import *  # noqa: F403 (the district fixture)


def _html(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _form_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1), re.search(
        r'id="key" name="key" type="hidden" value="([^"]+)"', html
    ).group(1)


def test_the_front_page_is_this_year_catalogue_with_each_stage_linked(client, district):
    decision_id, consultation_id = district
    html = _html(client.get("/"))
    assert '<html lang="zh-CN">' in html and "重大行政决策事项目录" in html
    assert f'href="/decisions/{decision_id}"' in html
    # The stage links go to the portal's pages.
    assert f'href="/consultations/{consultation_id}">征求意见</a>' in html
    assert f'href="/decisions/{decision_id}/records/drafts/1">决策草案</a>' in html


def test_a_decision_timeline_shows_a_correction_with_its_reason(client, district):
    decision_id, _ = district
    html = _html(client.get(f"/decisions/{decision_id}"))
    for stage in ("列入目录", "制订背景", "决策草案", "征求意见", "更正"):
        assert f"<strong>{stage}</strong>" in html, stage
    assert "更正理由：更正错字" in html


def test_a_resident_comments_through_the_form_and_reads_it_back_by_the_receipt(client, district):
    _, consultation_id = district
    page = _html(client.get(f"/consultations/{consultation_id}"))
    assert "no-store" in client.get(f"/consultations/{consultation_id}").headers["Cache-Control"]
    token, key = _form_token(page)
    form = {
        "csrf_token": token,
        "key": key,
        "content": "建议加大贴息支持，电话13912345678。",
        "submitter_type": "individual",
    }
    answer = client.post(f"/consultations/{consultation_id}", data=form)
    assert answer.status_code == 303
    receipt_page = answer.headers["Location"]
    assert receipt_page.startswith("/receipts/")
    html = _html(client.get(receipt_page))
    assert "建议加大贴息支持" in html and "尚待处理" in html
    # Sent twice (a double click): one comment, the same receipt.
    again = client.post(f"/consultations/{consultation_id}", data=form)
    assert again.headers["Location"] == receipt_page


def test_the_form_without_a_token_changes_nothing(client, district):
    _, consultation_id = district
    answer = client.post(f"/consultations/{consultation_id}", data={"content": "意见", "submitter_type": "individual"})
    assert answer.status_code == 422
    assert "提出意见" in answer.get_data(as_text=True)
    assert client.get(f"/api/v1/consultations/{consultation_id}").get_json()["counts"]["received"] == 0


def test_what_the_api_refuses_is_said_in_chinese_next_to_the_field(client, district):
    _, consultation_id = district
    token, key = _form_token(_html(client.get(f"/consultations/{consultation_id}")))
    form = {"csrf_token": token, "key": key, "content": "意见", "submitter_type": "individual", "notify_outcome": "y"}
    html = _html(client.post(f"/consultations/{consultation_id}", data=form), 422)
    assert 'role="alert"' in html
    # notify_outcome without a contact: the API's 422, in Chinese.
    assert "输入无法处理" in html and "中留下联系方式" in html


def test_the_rate_limit_is_explained_in_chinese(client, district, monkeypatch):
    from portal import client as portal_client

    def limited(self, consultation_id, body, key):
        raise portal_client.ApiError(429, {"title": "Too Many Requests", "status": 429})

    monkeypatch.setattr(portal_client.Api, "comment", limited)
    _, consultation_id = district
    token, key = _form_token(_html(client.get(f"/consultations/{consultation_id}")))
    form = {"csrf_token": token, "key": key, "content": "意见", "submitter_type": "individual"}
    html = _html(client.post(f"/consultations/{consultation_id}", data=form), 429)
    assert "提交过于频繁" in html and "请稍候几分钟再提交" in html


def test_what_the_public_may_not_read_is_a_portal_404(client, district):
    html = _html(client.get("/decisions/424242"), 404)
    assert "不存在或尚未公开" in html
    # The API's own 404 is still problem+json.
    assert client.get("/api/v1/decisions/424242").mimetype == "application/problem+json"


def test_without_the_portal_the_front_is_the_api_index(tmp_path):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "RATELIMIT_STORAGE_URI": "memory://"}
    answer = create_app({**settings, "PORTAL_ENABLED": False}).test_client().get("/")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json()["_links"]["self"]["href"].endswith("/api/v1")


def test_search_finds_a_two_character_word_and_marks_it(client, district):
    decision_id, _ = district
    html = _html(client.get("/search", query_string={"q": "民营"}))
    assert "<mark>民营</mark>" in html
    assert f'href="/decisions/{decision_id}"' in html


def test_a_search_snippet_lets_through_only_its_marks():
    from portal.views import marked

    assert str(marked("<script>x</script> <mark>贴息</mark>")) == "&lt;script&gt;x&lt;/script&gt; <mark>贴息</mark>"


def test_the_compliance_picture_is_a_chart_and_its_table(client, district):
    from core import calendar

    year = calendar.today().year
    assert client.get("/compliance").headers["Location"].endswith(f"/compliance/{year}")
    html = _html(client.get(f"/compliance/{year}"))
    assert '<svg class="chart"' in html and 'role="img"' in html and "<desc" in html
    # The consulting unit is on it, its consultation counted (compliant of total).
    assert "<td>1/1</td>" in html


def test_a_draft_page_shows_what_changed_since_the_version_before(client, district):
    decision_id, _ = district
    timeline = _html(client.get(f"/decisions/{decision_id}"))
    assert f'href="/decisions/{decision_id}/records/drafts/2"' in timeline
    html = _html(client.get(f"/decisions/{decision_id}/records/drafts/2"))
    assert "与第1版相比" in html
    assert '<del><span class="visually-hidden">删除：</span>第二条 本措施自发布之日起施行。</del>' in html
    assert '<ins><span class="visually-hidden">新增：</span>第二条 本措施自印发之日起施行。</ins>' in html
    # A path the timeline never links is no page.
    assert client.get(f"/decisions/{decision_id}/records/timeline").status_code == 404


def test_a_unit_own_catalogue_has_its_page_and_its_items_link_back_to_it(client, tokens):
    from core import calendar
    from core.extensions import db
    from tests import factories

    year = calendar.today().year
    item = factories.unit_decision("jd-jyj", year, title="嘉定区教育局学区划分调整方案")
    catalogue = db.session.get(factories.Catalogue, ("jd-jyj", year))
    from decisions.catalogues import services as catalogue_services

    catalogue_services.publish_catalogue(
        catalogue, party_consent_on=calendar.today(), published_on=calendar.today(), by=factories.admin()
    )
    db.session.commit()
    assert 'href="/units/jd-jyj"' in _html(client.get("/units"))
    assert f'href="/units/jd-jyj/catalogues/{year}"' in _html(client.get("/units/jd-jyj"))
    html = _html(client.get(f"/units/jd-jyj/catalogues/{year}"))
    assert "嘉定区教育局学区划分调整方案" in html and f'href="/decisions/{item.id}"' in html
    assert f'href="/units/jd-jyj/catalogues/{year}"' in _html(client.get(f"/decisions/{item.id}"))
    assert client.get(f"/units/jd-jyj/catalogues/{year - 5}").status_code == 404


def test_a_resident_asks_a_question_about_a_decision_and_follows_it_by_its_receipt(client, district):
    decision_id, _ = district
    html = _html(client.get(f"/decisions/{decision_id}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    answer = client.post(f"/decisions/{decision_id}", data={"csrf_token": token, "question": "贴息申请需要哪些材料？"})
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/receipts/")
    receipt = _html(client.get(answer.headers["Location"]))
    assert "贴息申请需要哪些材料？" in receipt and "尚未答复" in receipt
    # Without its question: said beside the form, nothing asked.
    html = _html(client.post(f"/decisions/{decision_id}", data={"csrf_token": token}), 422)
    assert "请填写您的问题。" in html


def test_a_meeting_page_shows_its_agenda_and_what_became_of_each_attendee_opinion(client, tokens):
    import datetime as dt

    from core.extensions import db
    from tests import factories

    decision = factories.catalogued_decision(title="嘉定区停车管理办法")
    factories.review(decision, completed_on=dt.date(2026, 6, 1), result="lawful")
    resident = {"category": "citizen", "organisation": "南翔镇居民代表", "opinion": "建议增加夜间停车位。"}
    held = factories.meeting(
        decision,
        published_on=dt.date(2026, 6, 12),
        attendees=[
            {**resident, "adoption": "adopted", "adoption_note": "已增加夜间共享停车位。", "decision_id": decision.id}
        ],
    )
    db.session.commit()
    html = _html(client.get(f"/meetings/{held.id}"))
    assert f'href="/decisions/{decision.id}">嘉定区停车管理办法</a>：<strong>审议通过</strong>' in html
    assert "公众代表：南翔镇居民代表" in html and "<strong>采纳</strong>：已增加夜间共享停车位。" in html
    assert f'href="/meetings/{held.id}"' in _html(client.get(f"/decisions/{decision.id}"))

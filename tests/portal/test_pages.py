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
    # The stage links go to the portal's pages where there is one, else to the open data.
    assert f'href="/consultations/{consultation_id}">征求意见</a>' in html
    assert re.search(rf'href="http://localhost/api/v1/decisions/{decision_id}/drafts/1">决策草案</a>', html)


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


def test_without_the_portal_the_front_sends_to_the_api_index(tmp_path):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "RATELIMIT_STORAGE_URI": "memory://"}
    answer = create_app({**settings, "PORTAL_ENABLED": False}).test_client().get("/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/api/v1")

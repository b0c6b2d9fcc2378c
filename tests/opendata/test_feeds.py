"""The Atom feeds: valid Atom 1.0 read with a real XML parser, Chinese titles, links that
resolve, only what stands in public, conditional GET, and problems for bad input."""

import datetime as dt
import re

import pytest
from lxml import etree

from core.extensions import db
from tests import factories
from tests.conftest import auth

ATOM = "{http://www.w3.org/2005/Atom}"
D = dt.date.fromisoformat
CHINESE = re.compile(r"[\u4e00-\u9fff]")

WITHDRAWN_TITLE = "嘉定区义务教育阶段学校课后服务实施办法"
HIDDEN_TITLE = "嘉定区老旧小区加装电梯补贴办法"


@pytest.fixture
def district(app, units, tokens, today, client):
    """Fixed at 2026-04-28: one decision in consultation (closing on 2 May), one whose draft
    was withdrawn, one not in the published catalogue."""
    today(D("2026-04-28"))
    consulted, consultation = factories.consulted_decision()
    other = factories.catalogued_decision(lead_unit="jd-jyj", title=WITHDRAWN_TITLE)
    factories.draft(other, title=f"{WITHDRAWN_TITLE}（征求意见稿）")
    admin = auth(tokens["admin"])
    withdrawal = {"reason": "内容有误。"}
    withdrawn = client.post(f"/api/v1/decisions/{other.id}/drafts/1/withdrawal", json=withdrawal, headers=admin)
    assert withdrawn.status_code == 200, withdrawn.get_json()
    db.session.commit()  # after the request, a transaction of its own (SQLite's one writer)
    hidden = factories.decision(title=HIDDEN_TITLE)
    return {"consulted": consulted.id, "consultation": consultation.id, "withdrawn": other.id, "hidden": hidden.id}


def _feeds(district):
    return [
        "/api/v1/feeds/decisions.atom",
        "/api/v1/feeds/consultations.atom",
        f"/api/v1/decisions/{district['consulted']}/feed.atom",
        "/api/v1/units/jd-fgw/feed.atom",
    ]


def _read(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.data[:500]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response, etree.fromstring(response.data)


def _entries(root):
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "type": e.find(f"{ATOM}category").get("term"),
            "links": {(link.get("rel"), link.get("type")): link.get("href") for link in e.findall(f"{ATOM}link")},
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def _problem(response, status):
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_every_feed_is_atom_with_chinese_titles_and_links_that_resolve(client, district):
    for url in _feeds(district):
        response, root = _read(client, url)
        assert root.tag == f"{ATOM}feed", url
        for name in ("id", "title", "updated"):
            assert root.findtext(f"{ATOM}{name}"), (url, name)
        assert CHINESE.search(root.findtext(f"{ATOM}title"))
        assert root.find(f"{ATOM}author/{ATOM}name").text
        dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
        links = {link.get("rel"): link for link in root.findall(f"{ATOM}link")}
        assert links["self"].get("href") == f"http://localhost{url}"
        assert links["self"].get("type") == "application/atom+xml"
        assert links["alternate"].get("type") == "text/html"
        entries = root.findall(f"{ATOM}entry")
        assert entries, url
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert len(set(ids)) == len(ids)
        for entry in entries:
            assert entry.findtext(f"{ATOM}id").startswith("tag:juece.jiading.gov.cn,2026:")
            assert CHINESE.search(entry.findtext(f"{ATOM}title")), url
            assert entry.find(f"{ATOM}author/{ATOM}name").text
            assert CHINESE.search(entry.findtext(f"{ATOM}summary"))
            dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        for entry in _entries(root):
            assert entry["links"][("alternate", "text/html")].startswith("http://localhost/decisions/")
            for kind in (("alternate", "application/json"), ("related", "application/json")):
                href = entry["links"][kind]
                assert href.startswith("http://localhost/api/v1/")
                assert client.get(href).status_code == 200, href
        # Newest first.
        updated = [e.findtext(f"{ATOM}updated") for e in entries]
        assert updated == sorted(updated, reverse=True)


def test_the_decisions_feed_holds_catalogue_items_and_publications(client, district):
    _, root = _read(client, "/api/v1/feeds/decisions.atom")
    entries = _entries(root)
    types = {e["type"] for e in entries}
    assert {"catalogued", "draft_published", "consultation_opened"} <= types
    # Every title names its decision: a reader sees each entry alone.
    assert "嘉定区促进民营经济高质量发展若干措施：列入《嘉定区人民政府2026年度重大行政决策事项目录》（第1项）" in {
        e["title"] for e in entries
    }
    assert all(WITHDRAWN_TITLE in e["title"] or "嘉定区促进民营经济" in e["title"] for e in entries)
    consulted = f"http://localhost/api/v1/decisions/{district['consulted']}"
    assert any(e["links"][("alternate", "application/json")] == f"{consulted}/drafts/1" for e in entries)


def test_what_was_withdrawn_or_is_not_public_is_absent(client, district):
    withdrawn_draft = f"/api/v1/decisions/{district['withdrawn']}/drafts/1"
    for url in ["/api/v1/feeds/decisions.atom", f"/api/v1/decisions/{district['withdrawn']}/feed.atom"]:
        _, root = _read(client, url)
        body = etree.tostring(root, encoding="unicode")
        assert withdrawn_draft not in body, url
        assert "撤回" not in body
        assert HIDDEN_TITLE not in body
    # The withdrawn draft's decision stays in the catalogue, so its feed answers.
    _, root = _read(client, f"/api/v1/decisions/{district['withdrawn']}/feed.atom")
    assert [e["type"] for e in _entries(root)] == ["catalogued"]
    _, unit = _read(client, "/api/v1/units/jd-jyj/feed.atom")
    assert [e["type"] for e in _entries(unit)] == ["catalogued"]
    # The other unit's feed holds only its own decisions.
    _, fgw = _read(client, "/api/v1/units/JD-FGW/feed.atom")
    assert WITHDRAWN_TITLE not in etree.tostring(fgw, encoding="unicode")


def test_a_decision_not_public_or_unknown_has_no_feed(client, district):
    assert _problem(client.get(f"/api/v1/decisions/{district['hidden']}/feed.atom"), 404)["status"] == 404
    _problem(client.get("/api/v1/decisions/999999/feed.atom"), 404)
    _problem(client.get("/api/v1/units/jd-nowhere/feed.atom"), 404)


@pytest.mark.parametrize("limit", ["0", "-1", "201", "abc", "1.5"])
def test_a_bad_limit_is_a_problem(client, district, limit):
    for url in _feeds(district):
        assert _problem(client.get(f"{url}?limit={limit}"), 422)["status"] == 422


def test_limit_keeps_the_newest_entries(client, district):
    _, whole = _read(client, "/api/v1/feeds/decisions.atom")
    _, one = _read(client, "/api/v1/feeds/decisions.atom?limit=1")
    assert _entries(one) == _entries(whole)[:1]


def test_the_consultations_feed_announces_and_warns_of_the_close(client, district, today):
    _, root = _read(client, "/api/v1/feeds/consultations.atom")
    entries = _entries(root)
    assert [e["type"] for e in entries] == ["closing_soon", "consultation_opened"]
    assert entries[0]["title"].startswith("即将截止：网上征求意见：")
    assert entries[0]["links"][("alternate", "application/json")].endswith(
        f"/api/v1/consultations/{district['consultation']}"
    )
    today(D("2026-04-20"))  # not yet in its last seven days
    _, root = _read(client, "/api/v1/feeds/consultations.atom")
    assert [e["type"] for e in _entries(root)] == ["consultation_opened"]
    today(D("2026-05-03"))  # closed: the close is on the record, nothing closes soon
    _, root = _read(client, "/api/v1/feeds/consultations.atom")
    assert [e["type"] for e in _entries(root)] == ["consultation_closed", "consultation_opened"]


def test_a_feed_answers_304_until_it_changes(client, district, tokens):
    url = f"/api/v1/decisions/{district['consulted']}/feed.atom"
    first, _ = _read(client, url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    published = client.put(
        f"/api/v1/decisions/{district['consulted']}/background",
        json={"necessity": "本区民营企业占市场主体的九成以上。"},
        headers=auth(tokens["admin"]),
    )
    assert published.status_code in (200, 201), published.get_json()
    assert client.post(
        f"/api/v1/decisions/{district['consulted']}/background/publish", json={}, headers=auth(tokens["admin"])
    ).status_code in (200, 201)
    again, root = _read(client, url, headers={"If-None-Match": etag})
    assert again.headers["ETag"] != etag
    assert _entries(root)[0]["type"] == "background_published"


def test_a_withdrawal_changes_the_feed_and_its_validators(client, district, tokens):
    url = "/api/v1/units/jd-fgw/feed.atom"
    first, _ = _read(client, url)
    withdrawn = client.post(
        f"/api/v1/decisions/{district['consulted']}/drafts/1/withdrawal",
        json={"reason": "内容有误。"},
        headers=auth(tokens["admin"]),
    )
    assert withdrawn.status_code == 200, withdrawn.get_json()
    again, root = _read(client, url, headers={"If-None-Match": first.headers["ETag"]})
    assert "draft_published" not in {e["type"] for e in _entries(root)}


def test_the_portal_base_is_a_setting(client, district, monkeypatch):
    monkeypatch.setitem(client.application.config, "PORTAL_BASE_URL", "https://www.jiading.gov.cn/juece/")
    _, root = _read(client, "/api/v1/feeds/decisions.atom")
    alternate = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href") == "https://www.jiading.gov.cn/juece/"
    for entry in _entries(root):
        assert entry["links"][("alternate", "text/html")].startswith("https://www.jiading.gov.cn/juece/decisions/")
        assert entry["links"][("alternate", "application/json")].startswith("http://localhost/api/v1/")


def test_a_hidden_comment_and_its_disposition_leave_the_decision_feed(client, district):
    from consultation.comments import services as comment_services
    from consultation.consultations.models import Consultation
    from tests import year_factories

    consultation = db.session.get(Consultation, district["consultation"])
    comment = factories.comment(consultation, content="建议扩大补贴范围。")
    comment_services.moderate(comment, by=factories.admin(), action="publish")
    year_factories.dispose(comment, "adopted")
    url = f"/api/v1/decisions/{district['consulted']}/feed.atom"
    _, root = _read(client, url)
    assert {"comment_published", "disposition_set"} <= {e["type"] for e in _entries(root)}
    comment_services.moderate(comment, by=factories.admin(), action="reject", reason="含有广告内容")
    _, root = _read(client, url)
    entries = _entries(root)
    assert not {"comment_published", "disposition_set", "comment_hidden"} & {e["type"] for e in entries}
    for entry in entries:
        assert client.get(entry["links"][("alternate", "application/json")]).status_code == 200


def test_text_xml_cannot_hold_is_left_out_of_a_feed(client, app, units, tokens, today):
    # A vertical tab and a form feed pasted into a title are valid JSON text, not XML 1.0.
    today(D("2026-04-28"))
    factories.catalogued_decision(title="嘉定区\x0b停车\x0c管理办法")
    db.session.commit()
    response, root = _read(client, "/api/v1/units/jd-fgw/feed.atom")
    titles = " ".join(e["title"] for e in _entries(root))
    assert "嘉定区停车管理办法" in titles, titles
    assert b"\x0b" not in response.data and b"\x0c" not in response.data

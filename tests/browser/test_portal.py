"""The portal in a real browser: a decision's timeline with every stage link followed, a
comment submitted through the form and read back by its receipt, and every page type checked
by axe-core (WCAG 2.1 A and AA, 0 violations) and saved as a screenshot at a phone's width and
a desktop's."""

import json
import pathlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import resources_outside, screenshot
from tests.portal.conftest import district  # noqa: F401 (the fixture)

AXE = pathlib.Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(browser) -> list[dict]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (make lint-contract does)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(JSON.stringify({violations: r.violations, passes: r.passes.length})));",
        WCAG_21_AA,
    )
    result = json.loads(result)
    assert result["passes"] > 10  # axe ran its rules on this page: no violation is not no check
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _page_types(served, decision_id, consultation_id, receipt):
    return {
        "catalogue": "/",
        "timeline": f"/decisions/{decision_id}",
        "consultation": f"/consultations/{consultation_id}",
        "receipt": receipt,
        "not-found": "/decisions/424242",
        "problems": "/problems",
        "problem": "/problems/comments-undisposed",
        "search": "/search?q=民营",
        "compliance": "/compliance",
        "units": "/units",
        "draft": f"/decisions/{decision_id}/records/drafts/2",
    }


def _comment(browser, served, consultation_id, text) -> str:
    browser.get(f"{served}/consultations/{consultation_id}")
    browser.find_element(By.ID, "content").send_keys(text)
    Select(browser.find_element(By.ID, "submitter_type")).select_by_visible_text("企业")
    browser.find_element(By.ID, "organisation").send_keys("上海某科技有限公司")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda b: "/receipts/" in b.current_url)
    return browser.current_url.removeprefix(served)


def test_every_stage_link_of_a_timeline_leads_somewhere_real(served, browser, district):  # noqa: F811
    decision_id, _ = district
    browser.get(f"{served}/decisions/{decision_id}")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".timeline a")]
    assert len(links) >= 5
    for href in links:
        browser.get(href)
        if "/api/v1/" in href:
            # The open data itself: JSON, as a partner reads it.
            body = browser.find_element(By.TAG_NAME, "body").text
            assert json.loads(body), href
        else:
            assert "未找到" not in browser.title, href
            assert browser.find_element(By.TAG_NAME, "h1").text


def test_a_comment_through_the_form_is_read_back_by_its_receipt(served, browser, district):  # noqa: F811
    _, consultation_id = district
    receipt = _comment(browser, served, consultation_id, "建议将小微企业贷款贴息比例提高到50%。")
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "建议将小微企业贷款贴息比例提高到50%。" in text and "尚待处理" in text
    assert receipt.startswith("/receipts/")


def test_every_page_type_meets_wcag_2_1_aa_and_is_readable_at_375_and_1280(served, browser, district):  # noqa: F811
    decision_id, consultation_id = district
    receipt = _comment(browser, served, consultation_id, "建议简化贴息申请材料。")
    found = {}
    for name, path in _page_types(served, decision_id, consultation_id, receipt).items():
        for width in (375, 1280):
            browser.set_window_size(width, 900)
            browser.get(served + path)
            violations = _violations(browser)
            if violations:
                found[f"{name}@{width}"] = violations
            assert resources_outside(browser, served) == [], name
            # Nothing wider than the window: no sideways scrolling on a phone (WCAG 1.4.10).
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                f"{name} scrolls sideways at {width}"
            )
            screenshot(browser, name, width)
    assert found == {}


def test_the_comment_form_works_with_the_keyboard_alone(served, browser, district):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _, consultation_id = district
    browser.get(f"{served}/consultations/{consultation_id}")
    keys = ActionChains(browser)
    # The first Tab reaches the skip link, which takes the focus past the navigation.
    keys.send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.text == "跳到正文"
    for _ in range(20):
        keys.send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.get_attribute("id") == "content":
            break
    assert browser.switch_to.active_element.get_attribute("id") == "content"
    keys.send_keys("只用键盘提交的意见。").perform()
    for _ in range(10):
        keys.send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.tag_name == "button":
            break
    keys.send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 20).until(lambda b: "/receipts/" in b.current_url)
    assert "只用键盘提交的意见。" in browser.find_element(By.TAG_NAME, "main").text


def test_a_meeting_page_meets_wcag_2_1_aa(served, browser, tokens):
    import datetime as dt

    from core.extensions import db
    from tests import factories

    decision = factories.catalogued_decision(title="嘉定区停车管理办法")
    factories.review(decision, completed_on=dt.date(2026, 6, 1), result="lawful")
    attendee = {"category": "citizen", "organisation": "南翔镇居民代表", "opinion": "建议增加夜间停车位。"}
    held = factories.meeting(decision, published_on=dt.date(2026, 6, 12), attendees=[attendee])
    db.session.commit()
    held_id = held.id
    db.session.remove()
    for width in (375, 1280):
        browser.set_window_size(width, 900)
        browser.get(f"{served}/meetings/{held_id}")
        assert _violations(browser) == []
        screenshot(browser, "meeting", width)

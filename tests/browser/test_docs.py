"""/docs and /redoc in a real browser with no internet: each renders the whole contract."""

import json
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import resources_outside, screenshot


def _seen_while_scrolling(browser, script: str) -> set[str]:
    """What `script` finds in the page (a list of strings), read at every step of scrolling
    from where the page is to its bottom: both pages draw only what comes into view."""
    found = set()
    position = None
    while position != (position := browser.execute_script("return window.scrollY")):
        found.update(browser.execute_script(script))
        browser.execute_script("window.scrollBy(0, 400)")
        time.sleep(0.2)
    found.update(browser.execute_script(script))
    return found


def _contract(served) -> dict:
    with urllib.request.urlopen(served + "/openapi.json") as response:
        return json.load(response)


def _operations(served) -> list[str]:
    spec = _contract(served)
    return [f"{m} {p}" for p, item in spec["paths"].items() for m in item if m != "parameters"]


# ReDoc draws "API docs by Redocly" with its logo from its CDN; the page's policy refuses the
# image before any request leaves (the logo then hides itself), and the console says so.
_REDOCLY_LOGO_URL = "https://cdn.redoc.ly/redoc/logo-mini"
_REDOCLY_LOGO = f"Loading the image '{_REDOCLY_LOGO_URL}"


def _errors(browser) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and _REDOCLY_LOGO not in entry["message"]
    ]


def test_the_explorer_renders_every_operation_offline(served, browser):
    browser.get(served + "/docs")
    WebDriverWait(browser, 30).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    # Every operation of the contract, under its tag: Swagger UI draws only what is in view.
    seen_operations = _seen_while_scrolling(
        browser,
        "return [...document.querySelectorAll('.opblock')].map(b => b.querySelector('.opblock-summary-method')"
        ".textContent.toLowerCase() + ' ' + b.querySelector('.opblock-summary-path').getAttribute('data-path'))",
    )
    assert seen_operations == set(_operations(served))
    assert resources_outside(browser, served) == []
    assert _errors(browser) == []
    screenshot(browser, "docs", 1280)


def test_the_reference_renders_every_operation_offline(served, browser):
    browser.get(served + "/redoc")
    WebDriverWait(browser, 60).until(
        seen.presence_of_element_located((By.CSS_SELECTOR, "[data-section-id='/decisions']"))
    )
    # Every tag of the contract is in the side menu, and an operation's own address opens it.
    menu = set(
        browser.execute_script(
            "return [...document.querySelectorAll('a[href^=\"#/\"]')].map(a => a.getAttribute('href'))"
        )
    )
    assert {f"#/{tag['name']}" for tag in _contract(served)["tags"]} <= menu
    browser.get(served + "/redoc#/consultation/comment_on_consultation")
    WebDriverWait(browser, 30).until(
        lambda b: "Comment on a consultation (anyone, while it is open)" in b.find_element(By.ID, "redoc").text
    )
    # Refused by the page's policy, yet listed by the browser's resource timing.
    assert [r for r in resources_outside(browser, served) if not r.startswith(_REDOCLY_LOGO_URL)] == []
    assert _errors(browser) == []
    screenshot(browser, "redoc", 1280)

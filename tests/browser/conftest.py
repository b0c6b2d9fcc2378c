"""Tests in a real browser: Debian's chromium, driven by Selenium through chromium-driver,
against the application served over HTTP from a thread of the test's own process.

Skipped, saying why, where chromium or its driver is not installed (`apt-get install chromium
chromium-driver`); .ci/run installs them, so in CI they always run. The browser reaches only
the loopback: every other host name fails to resolve, as on a district's intranet without
the internet, so a page that needs a CDN shows it here.

Screenshots of each page type are written to tests/browser/screenshots/ (a CI artefact)."""

import pathlib
import shutil
import threading

import pytest
from werkzeug.serving import make_server

SCREENSHOTS = pathlib.Path(__file__).resolve().parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM and CHROMEDRIVER:
        return
    missing = " and ".join(name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not path)
    skip = pytest.mark.skip(reason=f"browser tests need {missing}: apt-get install chromium chromium-driver")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)


@pytest.fixture
def served(app):
    """The application over HTTP on a free port of the loopback, from a thread: its base URL.
    What the test writes must be committed for the server's requests to read it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="session")
def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--lang=zh-CN",
        # No internet: only the loopback resolves.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(_browser):
    """The browser at a phone's width unless a test resizes it; its console read afresh."""
    _browser.set_window_size(1280, 900)
    _browser.get_log("browser")  # forget what an earlier test left
    yield _browser


def screenshot(browser, name: str, width: int) -> pathlib.Path:
    """The whole page at `width` CSS pixels, as tests/browser/screenshots/{name}-{width}.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    height = browser.execute_script("return Math.max(document.body.scrollHeight, 600)")
    browser.set_window_size(width, min(height, 8000))
    path = SCREENSHOTS / f"{name}-{width}.png"
    browser.save_screenshot(str(path))
    return path


def resources_outside(browser, base: str) -> list[str]:
    """Every resource the page asked for that is not the service's own."""
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [name for name in names if not name.startswith((base, "data:", "blob:"))]

"""The API's documentation pages work without the internet: /docs (Swagger UI) and /redoc
(ReDoc) reference only this service's own files, and every one of them is served."""

import re
from html.parser import HTMLParser

import pytest


class _References(HTMLParser):
    """Every URL a page makes the browser fetch: scripts, stylesheets, images, icons, and the
    modules its scripts import."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if attrs.get("data-bundle"):  # a module the page's script imports (ReDoc)
            self.urls.append(attrs["data-bundle"])


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize(("page", "starts"), [("/docs", "SwaggerUIBundle"), ("/redoc", "data-bundle")])
def test_a_documentation_page_loads_only_its_own_files(client, page, starts):
    response = client.get(page)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    # Nothing inline: the page's policy allows scripts and styles from our own files only.
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    urls = _references(html)
    assert any(url.endswith(".js") for url in urls)
    scripts = []
    for url in urls:
        if url.startswith("data:"):
            continue  # in the page itself (its empty icon)
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = client.get(url)
        text, status, mimetype = asset.get_data(as_text=True), asset.status_code, asset.mimetype
        asset.close()  # a static file is sent from an open file
        assert status == 200, url
        if url.endswith(".js"):
            assert mimetype in ("text/javascript", "application/javascript"), url
            scripts.append(text)
        if url.endswith(".css"):
            assert mimetype == "text/css", url
            # What a stylesheet pulls in (fonts, images) is ours or inline too.
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
                assert ref.startswith(("data:", "/", "#")) or "://" not in ref, (url, ref)
    # The page's own starter script names the contract the page links.
    assert any(starts in script for script in scripts)
    contract = re.search(r'data-contract="([^"]+)"', html).group(1)
    assert client.get(contract).status_code == 200


def test_the_reference_page_alone_allows_the_styles_redoc_writes(client):
    reference = client.get("/redoc").headers["Content-Security-Policy"]
    explorer = client.get("/docs").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in reference and "worker-src blob:" in reference
    assert "'unsafe-inline'" not in explorer
    # Scripts are never inline, from anywhere else, or evaluated, on either page.
    for policy in (reference, explorer):
        assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    assert "style-src 'self';" in explorer

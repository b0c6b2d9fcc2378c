"""What a cache in front of us (a CDN, a browser) may keep, and the security headers.

One policy for every response, decided after the view (ADR 0014):

- Read with a token (staff, partners): `private, no-store`. Staff see unpublished records,
  and no shared cache may hand them to the next caller.
- A write, an error, or the health probes: `no-store`. A write's answer describes one
  moment; an error must not outlive its cause; a probe must reach a live process.
- Any other read is open data: `public, max-age=CACHE_MAX_AGE` (short: a list changes
  whenever something is published), or `CACHE_MAX_AGE_PUBLISHED` for a published version,
  whose content never changes (core.publication: a correction is a new version; its standing,
  superseded or withdrawn, may show that much later than on the timeline). Each carries a
  validator (the view's ETag, else one over the body) so a cache revalidates cheaply, and
  `Vary: Authorization`, since a token changes the body.

A view that sets Cache-Control itself is left alone.
"""

from flask import Flask, current_app, g, request

# Statuses a shared cache may keep by default or with max-age (RFC 9111 §3, RFC 9110 §15.1).
_CACHEABLE = frozenset({200, 203, 204, 300, 301, 304, 308})
_UNCACHED_PATHS = ("/healthz", "/readyz")

_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Our HTML (the explorer, the portal) loads only our own files: no inline script or style
# element, no eval, nothing from a CDN.
_HTML_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    app.after_request(_cache_policy)
    app.after_request(_security_headers)


def published_version() -> None:
    """Mark this response as a published version, which never changes: cached longer."""
    g.cache_published = True


def _cache_policy(response):
    if response.headers.get("Cache-Control"):
        return response
    if "HTTP_AUTHORIZATION" in request.environ:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code not in _CACHEABLE
        or request.path in _UNCACHED_PATHS
    ):
        response.headers["Cache-Control"] = "no-store"
        return response
    config = current_app.config
    max_age = config["CACHE_MAX_AGE_PUBLISHED"] if g.get("cache_published") else config["CACHE_MAX_AGE"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.add("Authorization")
    if response.status_code == 200 and not response.is_streamed and "ETag" not in response.headers:
        # A list or a document without a record's ETag: a tag over its body, so a cache (or
        # a client) can ask `If-None-Match` and get a 304 (core.http.answer_not_modified).
        response.add_etag()
    return response


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    html = response.mimetype == "text/html"
    headers.setdefault("Content-Security-Policy", _HTML_POLICY if html else _API_POLICY)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response

"""Absolute links: the base every `_links` and `Location` is written on."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, request
from werkzeug.sansio.utils import get_current_url

# The base of links while a response is dumped (core.serialize.Schema.dump). A list page builds 60
# links, and finding the base through Flask's context-local proxies (`g`, `current_app`) for
# each one cost as much as the rest of the dump; a context variable is read in a blink.
_rendering_base: ContextVar[str | None] = ContextVar("rendering_base", default=None)

# Where the API's paths begin: every API blueprint's prefix (core.http.api_blueprint) and
# every link's.
API_PREFIX = "/api/v1"


def base_url() -> str:
    """Scheme, host and script root for absolute links: PUBLIC_BASE_URL, else the request's own.

    The script root is the path the app is mounted under: what `X-Forwarded-Prefix` says
    behind a trusted proxy (ProxyFix sets it when PROXY_COUNT > 0), else the WSGI server's
    SCRIPT_NAME. PUBLIC_BASE_URL, when set, is the whole base (its own prefix included) and
    nothing the request says changes it. Computed once per request; list views build many links.
    """
    base = _rendering_base.get()
    if base is not None:
        return base
    base = g.get("base_url")
    if base is None:
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") or _host_base(
            request.scheme, request.host, request.script_root
        )
        g.base_url = base
    return base


@functools.lru_cache(maxsize=64)
def _host_base(scheme: str, host: str, root: str = "") -> str:
    """`request.host_url` with the script root and without its slash, remembered: werkzeug makes
    it an IRI anew for each request (a URL split and an IDNA decoding, a twentieth of a small
    read's time), and a server answers to a handful of hosts and prefixes (a bounded cache: the
    Host header is the client's)."""
    return get_current_url(scheme, host, root_path=root).rstrip("/")


def api_url(path: str) -> str:
    """The absolute URL of an API path, e.g. api_url('/decisions/7')."""
    return f"{base_url()}{API_PREFIX}{path}"


def href(path: str) -> dict:
    """A link relation to an API path, e.g. href('/decisions/7')."""
    return {"href": api_url(path)}


@contextmanager
def links_on(base: str):
    """Links dumped inside the block are written on `base` (scheme, host, prefix; "" for API
    paths): what is dumped outside a request (a webhook's body) names no request's host."""
    token = _rendering_base.set(base.rstrip("/"))
    try:
        yield
    finally:
        _rendering_base.reset(token)


def links_relative():
    """Links dumped inside the block are API paths (/api/v1/...), not absolute URLs: what is
    stored to be served again (a frozen publication) must not carry one request's host."""
    return links_on("")


@contextmanager
def links_on_base():
    """Links dumped inside the block share one lookup of the base (see `_rendering_base`)."""
    token = _rendering_base.set(base_url())
    try:
        yield
    finally:
        _rendering_base.reset(token)

"""A feed as Atom 1.0 (RFC 4287), written by feedgen, answered with its validators.

The ETag and Last-Modified come from the entries read (their ids and instants) and from where
the links point, so a reader asking `If-None-Match` or `If-Modified-Since` gets its 304
before any XML is written.
"""

import hashlib
import re

import orjson
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from flask import Response, current_app, request
from werkzeug.http import is_resource_modified

from core.links import api_url, base_url
from opendata.feeds.services import LABELS, Feed

ATOM = "application/atom+xml"
CONTENT_TYPE = f"{ATOM}; charset=utf-8"

# Ids are tag URIs (RFC 4151) under a fixed authority, not the host that serves the feed: an
# entry keeps its id whatever base the links are written on.
TAG = "tag:juece.jiading.gov.cn,2026:"


class _LinkAttributes(BaseEntryExtension):
    """feedgen 1.0.0 writes an entry's links with their `href` alone (a variable shadowed in
    FeedEntry.atom_entry), which would make each one an untyped "alternate", against RFC 4287
    §4.1.1. Its extension hook, called with the entry's element, puts back what was given."""

    given: list[dict] = []

    def extend_atom(self, entry):
        # feedgen makes its elements without a namespace: the feed's default one is Atom's.
        elements = [child for child in entry if child.tag.rpartition("}")[2] == "link"]
        for element, link in zip(elements, self.given, strict=True):
            for name in ("rel", "type", "title"):
                if link.get(name):
                    element.set(name, link[name])
        return entry


# What XML 1.0 cannot hold (§2.2): control characters but tab, line feed and carriage return,
# lone surrogates, U+FFFE and U+FFFF. The API takes them in text (a vertical tab pasted from
# a word processor, say); a feed leaves them out rather than fail to be written.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str | None) -> str | None:
    return None if value is None else _NOT_XML.sub("", value)


def portal_url(path: str) -> str:
    """The portal's page at `path`: under PORTAL_BASE_URL, else this service's own root."""
    return (current_app.config["PORTAL_BASE_URL"].rstrip("/") or base_url()) + path


def render(feed: Feed) -> bytes:
    """The feed as an Atom document, UTF-8."""
    fg = FeedGenerator()
    fg.id(TAG + feed.key)
    fg.title(_text(feed.title))
    fg.updated(feed.updated)
    fg.author({"name": _text(feed.author)})
    fg.language("zh-CN")
    fg.generator("Juece")
    fg.link(href=api_url(feed.path), rel="self", type=ATOM)
    fg.link(href=portal_url(feed.page), rel="alternate", type="text/html")
    for entry in feed.entries:
        item = fg.add_entry(order="append")
        item.id(TAG + entry.key)
        item.title(_text(entry.title))
        item.updated(entry.updated)
        item.published(entry.updated)
        item.author({"name": _text(entry.author)})
        item.link(href=portal_url(f"/decisions/{entry.decision_id}"), rel="alternate", type="text/html")
        item.link(href=api_url(entry.path), rel="alternate", type="application/json")
        item.link(href=api_url(f"/decisions/{entry.decision_id}"), rel="related", type="application/json")
        item.register_extension("juece_links", _LinkAttributes, rss=False)
        item.juece_links.given = item.link()
        item.category(term=entry.type, label=LABELS.get(entry.type, entry.type))
        item.summary(_text(entry.summary))
    return fg.atom_str(pretty=False, encoding="UTF-8")


def _etag(feed: Feed) -> str:
    seen = [
        feed.key,
        feed.updated.isoformat(),
        base_url(),
        current_app.config["PORTAL_BASE_URL"],
        [(e.key, e.updated.isoformat(), e.title) for e in feed.entries],
    ]
    return hashlib.sha1(orjson.dumps(seen)).hexdigest()


def answer(feed: Feed) -> Response:
    """The feed as a response: a 304 when the reader's copy is current, else the Atom document."""
    etag, last_modified = _etag(feed), feed.updated.replace(microsecond=0)
    if is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(render(feed), content_type=CONTENT_TYPE)
    else:
        response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = last_modified
    return response

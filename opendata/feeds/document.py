"""A feed's Atom 1.0 document (RFC 4287), written by feedgen.

Imported by opendata.feeds.atom only when it writes a document: feedgen and lxml hold about
5 MB resident, kept out of the workers that serve no feed (issue 12).
"""

import re

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from flask import current_app

from core.links import api_url, base_url
from opendata.feeds.atom import ATOM
from opendata.feeds.services import LABELS, Feed

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

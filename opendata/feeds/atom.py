"""A feed as Atom 1.0 (RFC 4287), answered with its validators (opendata.feeds.document writes it).

The ETag and Last-Modified come from the entries read (their ids and instants) and from where
the links point, so a reader asking `If-None-Match` or `If-Modified-Since` gets its 304
before any XML is written.
"""

import hashlib

import orjson
from flask import Response, current_app, request
from werkzeug.http import is_resource_modified

from core.links import base_url
from opendata.feeds.services import Feed

ATOM = "application/atom+xml"
CONTENT_TYPE = f"{ATOM}; charset=utf-8"


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
        # Imported here, not with the module: feedgen's 5 MB only in a worker that writes a feed (issue 12).
        from opendata.feeds.document import render

        response = Response(render(feed), content_type=CONTENT_TYPE)
    else:
        response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = last_modified
    return response

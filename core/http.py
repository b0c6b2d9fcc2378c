"""Small pieces every view uses: documented error responses, absolute links, JSON responses."""

import hashlib
import http
import re
from collections.abc import Mapping
from copy import deepcopy
from functools import wraps

import flask_smorest
import marshmallow as ma
import orjson
from apispec import BasePlugin
from flask import current_app, request
from flask_smorest import abort
from webargs.core import is_json
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from core.body import NUL_REFUSED, read_json
from core.links import API_PREFIX, links_on_base
from core.serialize import dumper, record

# The largest id a path may name: ids are 32-bit INTEGER columns on PostgreSQL; a larger
# number would overflow SQLite's driver (a 500) instead of finding nothing (404).
MAX_ID = 2**31 - 1

# Past the last page a list is empty; past this one, its offset would overflow the databases'
# integers. Nobody can tell the two apart, so an absurd page number is read as this one.
MAX_PAGE = 2**31 - 1


class Parser(FlaskParser):
    """webargs' parser: headers read only as the schema names them, a JSON body through
    core.body, and NUL refused in every other location.

    The NUL check goes through each location's loader, webargs' documented extension point.
    """

    def load_querystring(self, req, schema):
        return refuse_nul(super().load_querystring(req, schema))

    def load_form(self, req, schema):
        return refuse_nul(super().load_form(req, schema))

    def load_cookies(self, req, schema):
        return refuse_nul(super().load_cookies(req, schema))

    def load_view_args(self, req, schema):
        return refuse_nul(super().load_view_args(req, schema))

    def load_headers(self, req, schema):
        # Only the headers the schema reads: a client sends a dozen, and webargs would wrap and
        # scan them all on every request.
        keys = (field.data_key or name for name, field in schema.load_fields.items())
        return refuse_nul({key: req.headers[key] for key in keys if key in req.headers})

    def load_json(self, req, schema):
        """The body through core.body.read_json: every malformed or hostile body a 4xx."""
        if not is_json(req.mimetype):
            return ma.missing
        body = req.get_data(cache=True)
        return read_json(body) if body else ma.missing


def refuse_nul(data):
    """`data` of a location other than a JSON body, if no value holds NUL; else a 422.

    PostgreSQL's text cannot hold NUL (a 500 there); refused everywhere alike. A JSON body
    is checked as it is read (core.body)."""
    if isinstance(data, Mapping):
        fields = [key for key in data if _holds_nul(data.getlist(key) if hasattr(data, "getlist") else data[key])]
        if fields:
            raise ma.ValidationError({key: [NUL_REFUSED] for key in fields})
    return data


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


class PaginationParser(Parser):
    """Reads `page` and `page_size`; a page past MAX_PAGE is read as MAX_PAGE (it is empty too).

    flask-smorest hands `parse` its parameters' schema class, and webargs would build an
    instance of it on every request (more than loading the query string costs); a schema
    instance holds no state of a load, so one per class is built and kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas = {}

    def parse(self, argmap, *args, **kwargs):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            argmap = self._schemas.get(argmap) or self._schemas.setdefault(argmap, argmap())
        parameters = super().parse(argmap, *args, **kwargs)
        parameters.page = min(parameters.page, MAX_PAGE)
        return parameters


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the contract's page size: 20 by default, at most 100."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}
    PAGINATION_ARGUMENTS_PARSER = PaginationParser()
    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, **kwargs):
        """flask-smorest's `arguments`, given a schema instance: webargs builds a schema class
        anew on every request, and building one costs more than loading with it."""
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, **kwargs)

    def _is_etag_enabled(self):
        # flask-smorest finds the blueprint's Api anew for this answer (through the request's
        # blueprints and two context proxies), twice a request. Juece has one Api, without a
        # configuration prefix: its settings are the app's.
        return not current_app.config.get("ETAG_DISABLED", False)

    @staticmethod
    def _generate_etag(etag_data, extra_data=None):
        """flask-smorest's ETag, the same value: the SHA-1 of the data as JSON with sorted keys.

        flask-smorest writes that JSON through the app's provider (core.json: orjson) as a str
        and encodes it back to bytes; orjson's bytes are hashed here as they come, which saves
        a large body's decoding and encoding (a 50-entry timeline is 16 kB)."""
        if extra_data:
            etag_data = (etag_data, extra_data)
        data = orjson.dumps(etag_data, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS)
        return hashlib.sha1(data).hexdigest()

    def sends_etag(self, view=None, *, leaving_out: tuple[str, ...] = ()):
        """A decorator: a write's answer carries the ETag a GET of the resource sends, so a
        client may send `If-Match` next without reading it again. Unlike `@etag` it asks no
        `If-Match` and is not in the contract (a first write has no version to match).

        The view returns the object (under `@response`, which dumps it); the ETag is taken over
        the body, less the fields named in `leaving_out` that only this answer shows (an
        account's new token). `@blp.sends_etag` or `@blp.sends_etag(leaving_out=(...))`."""

        def decorator(view):
            @wraps(view)
            def wrapper(*args, **kwargs):
                response = view(*args, **kwargs)
                body = response.get_json()
                for name in leaving_out:
                    body.pop(name, None)
                response.set_etag(self._generate_etag(body))
                return response

            return wrapper

        return decorator if view is None else decorator(view)

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        """flask-smorest's X-Pagination metadata, the same keys in the same order.

        flask-smorest builds a PaginationMetadataSchema on every request to dump this dict of
        integers, which it returns unchanged; that schema only documents the header.
        """
        metadata = {"total": item_count}
        if item_count == 0:
            metadata["total_pages"] = 0
            return metadata
        last_page = (item_count - 1) // page_size + 1
        metadata.update(total_pages=last_page, first_page=1, last_page=last_page)
        if page <= last_page:
            metadata["page"] = page
            if page > 1:
                metadata["previous_page"] = page - 1
            if page < last_page:
                metadata["next_page"] = page + 1
        return metadata


def api_blueprint(name: str, import_name: str, *, path: str | None = None, description: str) -> Blueprint:
    """A blueprint of the API, its routes under API_PREFIX + `path`, its tag described.

    `path` is by default the resource the blueprint is named for, spelt with hyphens
    (`security_events` serves /api/v1/security-events); `path=""` when its routes spell their
    own paths under several resources."""
    if path is None:
        path = "/" + name.replace("_", "-")
    return Blueprint(name, import_name, url_prefix=API_PREFIX + path, description=description)


class OperationDefaults(BasePlugin):
    """An apispec plugin documenting what every operation of a kind has in common: the errors
    it may answer (400, not JSON, and 413, too large, where there is a body; 429, the rate
    limit, and 403, an evaluator's token, which only reads: core.auth.check_credentials, on
    every write; 401 on all), its security when open to everyone, and its operationId.

    `operation_helper` is apispec's public hook, called for each path once flask-smorest has
    written its operations and before references are resolved."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Fill in each operation of `path` with the defaults, where it does not say otherwise."""
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault(400, http.HTTPStatus.BAD_REQUEST.name)
                responses.setdefault(413, http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE.name)
            if method in ("post", "put", "patch", "delete"):
                responses.setdefault(429, "RATE_LIMITED")
                responses.setdefault(403, http.HTTPStatus.FORBIDDEN.name)
            # Any operation refuses a token that is not valid (core.auth.check_credentials).
            responses.setdefault(401, http.HTTPStatus.UNAUTHORIZED.name)
            # An operation core.auth does not guard is open to everyone: said so, since a
            # client generator otherwise reads the absence as "ask for a token".
            operation.setdefault("security", [])
            if "operationId" not in operation:
                operation["operationId"] = operation_id(operation.get("summary") or f"{method} {path}")


# Words a summary needs and a method name does not.
_FILLERS = frozenset({"a", "an", "the", "one", "its", "your"})


def operation_id(summary: str) -> str:
    """A generated client's method name, from the summary's leading words (before a comma,
    semicolon, colon or bracket): "Publish the draft (lead unit's editor, admin)" is
    `publish_draft`. A view that wants a shorter one says `@blp.doc(operationId=...)`.

    Changing those words renames the client's method: tests/test_openapi.py keeps every
    operationId unique and the committed document shows any rename for review."""
    head = re.split(r"[,;:(（]", summary, maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", re.sub(r"'s\b", "", head.lower()))
    return "_".join(word for word in words if word not in _FILLERS)


class TextConverter(UnicodeConverter):
    """`<string:...>` in routes: no NUL, which PostgreSQL cannot compare (404, not 500)."""

    def to_python(self, value):
        if "\x00" in value:
            raise ValidationError()
        return value


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a non-negative integer up to MAX_ID (documented as its maximum)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def path_parameter(name: str, description: str, example) -> dict:
    """Document a path parameter: `@blp.route("/<int:id>", parameters=[path_parameter(...)])`."""
    return {"in": "path", "name": name, "description": description, "example": example}


def conditional_get(what: str, etag: str, last_modified: str) -> tuple[list[dict], dict]:
    """Document a GET that answers 304 to its validators: (the request's `If-None-Match` and
    `If-Modified-Since` parameters, the response's `ETag` and `Last-Modified` headers), for
    `what` ("The feed's") and what each validator is made of."""
    parameters = [
        {
            "in": "header",
            "name": "If-None-Match",
            "description": f"{what} ETag you hold: 304 without a body while it is the same.",
            "schema": {"type": "string"},
        },
        {
            "in": "header",
            "name": "If-Modified-Since",
            "description": f"{what} Last-Modified you hold (ignored with If-None-Match): 304 while nothing is newer.",
            "schema": {"type": "string"},
        },
    ]
    headers = {
        "ETag": {"description": etag, "schema": {"type": "string"}},
        "Last-Modified": {"description": last_modified, "schema": {"type": "string"}},
    }
    return parameters, headers


def stacked(view, decorators):
    """`view` under `decorators`, as if written above it in that order (the first outermost):
    how core.reads and core.writes declare a view's shape once."""
    for decorator in reversed(decorators):
        view = decorator(view)
    return view


def documents(*statuses: int):
    """Document error responses (problem+json) on a view, by status code."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        wrapper._apidoc = deepcopy(getattr(func, "_apidoc", {}))
        responses = wrapper._apidoc.setdefault("response", {}).setdefault("responses", {})
        for status in statuses:
            name = http.HTTPStatus(status).name
            if name not in responses.get(status, []):
                responses.setdefault(status, []).append(name)
        return wrapper

    return decorator


# The request's head, as the app accepts it: gunicorn's own defaults, which gunicorn.conf.py
# raises so that the app, not gunicorn's HTML page, answers beyond them (problem+json).
MAX_REQUEST_LINE = 8190  # method, path and query, in bytes
MAX_HEADER_FIELD = 8190  # one header's name and value
MAX_HEADERS = 32 * 1024  # all headers together


def refuse_oversized_head() -> None:
    """Before anything else reads the request: 414 for a request line past MAX_REQUEST_LINE,
    431 for a header past MAX_HEADER_FIELD or headers past MAX_HEADERS."""
    environ = request.environ
    line = len(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "") or (
        len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1
    )
    if line > MAX_REQUEST_LINE:
        abort(414, message=f"The address is longer than {MAX_REQUEST_LINE} bytes: shorten the query.")
    total = 0
    for name, value in environ.items():
        if name.startswith("HTTP_"):
            size = len(name) + len(value)
            if size > MAX_HEADER_FIELD:
                abort(431, message=f"A header is longer than {MAX_HEADER_FIELD} bytes: {name[5:].replace('_', '-')}.")
            total += size
    if total > MAX_HEADERS:
        abort(431, message=f"The headers together are longer than {MAX_HEADERS} bytes.")


def answer_not_modified(response):
    """A 304 for a GET or HEAD whose `If-None-Match` weakly matches the answer's ETag.

    RFC 9110 §13.1.2 compares If-None-Match weakly: `W/"x"` and `"x"` both match `"x"`.
    flask-smorest compares strongly (`etag in request.if_none_match`): it answers 304 itself
    for `*` or a strong match, before rendering, and lets a weak one through as a 200. This
    after_request hook, the one place for the rest, turns that 200 into a 304 through
    werkzeug's public ETags API, whatever view set the ETag. The response keeps its other
    headers (ETag, CORS, request id); werkzeug drops the body and entity headers of a 304.
    """
    if response.status_code == 200 and request.environ.get("HTTP_IF_NONE_MATCH") and request.method in ("GET", "HEAD"):
        etag, _ = response.get_etag()
        if etag is not None and request.if_none_match.contains_weak(etag):
            response.status_code = 304
            response.set_data(b"")
    return response


def json_response(body, status: int = 200, headers: dict | None = None):
    """A JSON response from data already shaped for the client."""
    response = current_app.json.response(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def dump(schema_class, obj) -> dict:
    """`obj` dumped through its schema's compiled dumper, with the links' base looked up once."""
    with links_on_base():
        return dumper(schema_class)(record(obj))


def render(schema_class, obj, status: int = 200, headers: dict | None = None):
    """A response with `obj` dumped through its schema's compiled dumper."""
    return json_response(dump(schema_class, obj), status, headers)


# A PUT that replaces a record names the version it read; the PUT that creates it needs none.
IF_MATCH_WHEN_REPLACING = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": "The record's ETag, when the PUT replaces a record that exists (428 without it, 412 if stale)",
    "schema": {"type": "string"},
}


class JsonBoolean(ma.fields.Boolean):
    """A boolean in a JSON body: true or false, not 0, 1 or "yes" (which marshmallow accepts).

    Query strings keep marshmallow's Boolean, where "true" and "1" are how booleans are spelt.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value

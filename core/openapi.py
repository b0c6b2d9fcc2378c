"""The OpenAPI document: its front matter, and what flask-smorest leaves out of it.

The document served at `/openapi.json` is the contract (committed as openapi/openapi.json,
regenerated with `make openapi`). Views document themselves: the first line of a view's
docstring is its summary, `core.auth.requires` documents 401/403 and the security it needs,
`core.http.documents` the other errors, `core.http.path_parameter` its path parameters.
"""

from copy import deepcopy

from flask_smorest.pagination import PaginationMetadataSchema

from core.problems import ProblemApi

TITLE = "Juece 决策 — major administrative decisions and public participation"

DESCRIPTION = """\
The open API of a district government's major administrative decisions (重大行政决策): the
yearly catalogue (事项目录), each decision's procedure and public record, and the public's
participation in it.

* Reading is open to everyone. Writing needs `Authorization: Bearer TOKEN`; an account is an
  `admin` (the district government office), an `editor` bound to one unit, or a `partner` app.
  An open operation says `security: []`, yet reads a token when one is sent: it must be valid
  (401 otherwise), and staff then see unpublished records too.
* Every error is `application/problem+json` (RFC 9457). A broken rule of the procedure is 409
  with a `type` under `https://juece.example/problems/` that names the rule; invalid input is
  422 with `errors` keyed by location and field.
* Lists take `page` (from 1) and `page_size` (at most 100); page metadata is in `X-Pagination`.
* Items carry an `ETag`; `If-None-Match` gives 304, and changing an item needs its ETag in
  `If-Match` (428 without, 412 if stale).
* Text is UTF-8 and may hold any character but NUL (U+0000); text that is not valid Unicode
  (a lone surrogate such as `\\ud800`) and text of only spaces or control characters are
  refused too, each with 422 naming the field. A JSON body nested deeper than 32 levels, or
  with a key twice in one object, is 400 `malformed-request`.
* A request line past 8,190 bytes is 414; a header past 8,190 bytes, or headers past 32 KiB,
  431; a body past 1 MiB, 413.
* Dates (`*_on`) are Asia/Shanghai calendar days (`YYYY-MM-DD`); instants (`*_at`) are ISO 8601
  with their offset.
* Links (`_links`) are absolute URLs.
"""

BEARER_AUTH = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "opaque token: jc_ and 43 URL-safe characters",
    "description": "An account's token, shown once when the account is created (`flask --app wsgi "
    "accounts create`, or `POST /api/v1/accounts` by an admin) or its token renewed. Its role is "
    "`admin`, `editor` (of one unit), `partner`, or `evaluator` (the third-party assessor: reads what every "
    "unit's staff read, writes nothing).",
}

PAGINATION_HEADER = {
    "description": "Where this page lies in the list, as JSON, e.g. "
    '`{"total": 45, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, '
    '"previous_page": 1, "next_page": 3}`.',
    # The value is JSON, not OpenAPI's `simple` style: `content` says so (OpenAPI 3.1, Header Object).
    "content": {"application/json": {"schema": PaginationMetadataSchema}},
}

ETAG_HEADER = {
    "description": "The record's current tag: send it back in `If-None-Match` to read it only when "
    "it changed, or in `If-Match` to change it.",
    "schema": {"type": "string"},
}

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "description": "An ETag you hold: 304 without a body when the record has not changed.",
    "schema": {"type": "string"},
}

# `*`, or entity tags (`"…"` or `W/"…"`) separated by commas (RFC 9110, 8.8.3 and 13.1.1).
ETAGS = r'^(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)$'

IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The record's ETag as you last read it: 428 without it, 412 when the record changed since.",
    # RFC 9110's syntax: what does not parse is no precondition at all (428, like a missing one).
    "schema": {"type": "string", "pattern": ETAGS},
}

PAGINATION_PARAMETERS = {
    "page": "The page to return, from 1.",
    "page_size": "How many items a page holds (at most 100).",
}


def settings(config: dict) -> dict:
    """The flask-smorest settings that make the document and serve it (`/openapi.json`; `/docs`
    is core.explorer), from the application's settings `config`: where the API is served (its
    PUBLIC_BASE_URL, else this server, "/"), who answers for it and under which licence."""
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    server = {"url": base, "description": "The district's API"} if base else {"url": "/", "description": "This server"}
    contact = {
        key: config[setting]
        for key, setting in (("name", "CONTACT_NAME"), ("url", "CONTACT_URL"), ("email", "CONTACT_EMAIL"))
        if config[setting]
    }
    licence = {"name": config["OPEN_DATA_LICENCE"]}
    if config["OPEN_DATA_LICENCE_URL"]:
        licence["url"] = config["OPEN_DATA_LICENCE_URL"]
    return {
        "API_TITLE": TITLE,
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": DESCRIPTION, "contact": contact, "license": licence},
            "servers": [server],
            "components": {"securitySchemes": {"bearerAuth": BEARER_AUTH}},
        },
    }


def _describe_pagination(self, field, ret, **kwargs):
    """apispec parameter attribute function: describe flask-smorest's `page` and `page_size`."""
    if ret.get("in") == "query" and "description" not in ret and ret.get("name") in PAGINATION_PARAMETERS:
        return {"description": PAGINATION_PARAMETERS[ret["name"]]}
    return {}


# An operation reads from what it is to what it answers.
OPERATION_KEYS = ("summary", "description", "tags", "security", "parameters", "requestBody", "responses")


def stable(spec: dict) -> dict:
    """The document in a stable order, so that the committed file diffs well.

    Paths and components by name, an operation's fields from summary to responses, responses
    by status; parameters and properties keep the order the code gives them (it is
    deterministic, and the explorer shows it). Builds new dicts: apispec's stay as they are.
    """
    paths = {}
    for path in sorted(spec.get("paths", {})):
        item = dict(spec["paths"][path])
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                responses = dict(sorted(operation["responses"].items(), key=_status_order))
                item[method] = _ordered({**operation, "responses": responses}, OPERATION_KEYS)
        paths[path] = item
    components = {
        kind: dict(sorted(entries.items())) if isinstance(entries, dict) else entries
        for kind, entries in sorted(spec.get("components", {}).items())
    }
    spec = {**spec, "paths": paths, "components": components}
    return _ordered(spec, ("openapi", "info", "tags", "paths", "components"))


def _ordered(mapping: dict, first: tuple) -> dict:
    return {key: mapping[key] for key in (*first, *sorted(set(mapping) - set(first))) if key in mapping}


def _status_order(item):
    status = str(item[0])
    return (1, status) if status == "default" else (0, status)


class Api(ProblemApi):
    """flask-smorest's Api with the house's document: problem+json errors, described
    pagination, JSON `X-Pagination`, and a stable order."""

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_parameter_attribute_function(_describe_pagination)
        build = self.spec.to_dict
        # Both `/openapi.json` and `flask openapi write` read the document through to_dict().
        self.spec.to_dict = lambda: stable(build())

    def _register_etag_headers(self):
        # Copies: apispec may fill in what it is given, and every app builds its own document.
        self.spec.components.parameter("IF_NONE_MATCH", "header", deepcopy(IF_NONE_MATCH), lazy=True)
        self.spec.components.parameter("IF_MATCH", "header", deepcopy(IF_MATCH), lazy=True)
        self.spec.components.header("ETAG", deepcopy(ETAG_HEADER), lazy=True)

    def _register_pagination_header(self):
        self.spec.components.header("PAGINATION", deepcopy(PAGINATION_HEADER), lazy=True)

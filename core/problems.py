"""How problems appear in the contract: every problem type the service answers, the problem
schema, and flask-smorest's Api answering and documenting every error as problem+json."""

import dataclasses
import http

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Api
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import InternalServerError

from core.errors import (
    DETAILS,
    PROBLEM_BASE,
    PROBLEM_JSON,
    ServiceError,
    error_kinds,
    handle_service_error,
    handle_unexpected,
    problem,
    problem_types,
)


@dataclasses.dataclass(frozen=True)
class ProblemType:
    """One kind of problem the service answers: its name (the last part of its `type`), its
    status, its title, and what more its class says of it."""

    name: str
    status: int
    title: str
    meaning: str = ""

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.name


def _meaning(kind) -> str:
    # A class's own docstring, not one it inherits: what this rule is, where it says so.
    doc = kind.__dict__.get("__doc__") or ""
    return " ".join(doc.split())


# What the error renderer itself names (handle_http_exception), then every service error's.
RENDERER_TYPES = (
    ProblemType("validation", 422, "Some input is not valid: `errors` says which"),
    ProblemType("malformed-request", 400, "The request body is not valid JSON"),
    ProblemType("rate-limited", 429, "Too many writes: retry after `Retry-After` seconds"),
)
PROBLEM_CATALOGUE = {
    found.name: found
    for found in sorted(
        {
            *RENDERER_TYPES,
            *(ProblemType(k.slug, k.status, k.title, _meaning(k)) for k in error_kinds() if k.slug),
        },
        key=lambda t: t.name,
    )
}
PROBLEM_TYPES = [("about:blank", "A plain HTTP error: its status says it all")] + [
    (t.uri, f"{t.status}: {t.title}") for t in PROBLEM_CATALOGUE.values()
]


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem; documents every error response."""

    type = ma.fields.String(
        required=True,
        metadata={
            "description": "URI naming the kind of problem; `about:blank` for plain HTTP. Each one "
            "the service answers is listed, with its status and what it means; this service serves "
            "each one's page at `/problems/{name}` (its last part).",
            "examples": ["https://juece.example/problems/party-consent-missing"],
            "enum": [uri for uri, _ in PROBLEM_TYPES],
            "x-enum-descriptions": [title for _, title in PROBLEM_TYPES],
        },
    )
    title = ma.fields.String(
        required=True,
        metadata={
            "description": "Short summary of the kind of problem",
            "examples": ["The Party committee has not consented to the catalogue"],
        },
    )
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code", "examples": [409]})
    detail = ma.fields.String(
        metadata={
            "description": "What went wrong, in words",
            "examples": ["The Party committee's consent is not on record: give `party_consent_on`."],
        }
    )
    errors = ma.fields.Dict(
        metadata={
            "description": 'Validation errors keyed by location and field, e.g. `{"json": {"closes_on": ["..."]}}`'
        }
    )
    # Extension members of some problem types (RFC 9457, 3.2).
    count = ma.fields.Integer(
        metadata={"description": "`comments-undisposed`: how many opinions have no disposition", "examples": [12]}
    )
    comment_ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "`comments-undisposed`: the first of those opinions' ids (at most 10)"},
    )
    request_id = ma.fields.String(
        metadata={
            "description": "Identifies the request in the service's logs",
            "examples": ["6f1c0e7a9b2d4e5f8a3b1c2d3e4f5a6b"],
        }
    )


_DOCUMENTED = {
    400: "The body is not valid JSON (`type` .../malformed-request).",
    401: "No credentials where they are needed, or a token that is not valid (or whose account is deactivated).",
    403: "Your account's role, or its unit, may not do this; an evaluator's account writes nothing "
    "(`type` .../evaluator-reads-only).",
    404: "Nothing is published at this address; an unpublished record is 404 to the public.",
    409: "The record's state forbids this: a duplicate, or a rule of the procedure, named by the "
    "problem's `type` under https://juece.example/problems/.",
    412: "The record changed since you read it (`If-Match` is not its ETag): fetch it again.",
    413: "The body is larger than this service accepts.",
    422: "Some input is not valid: `errors` says which, keyed by location and field.",
    428: "Changing this record needs `If-Match` with its ETag.",
    429: "Too many writes from this caller (the public and partner apps are limited): retry after "
    "`Retry-After` seconds.",
}


def _described(status: int) -> str:
    """A documented response's description; the 409's lists every problem type, so a client
    can code against each rule by its `type`."""
    description = _DOCUMENTED.get(status, http.HTTPStatus(status).phrase)
    if status == 409:
        description += " The types:\n\n" + "\n".join(f"- `{slug}`: {title}" for slug, title in problem_types())
    return description


class ProblemApi(Api):
    """flask-smorest's Api, answering and documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": _described(status)}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {
            "description": "Any other error, e.g. 500: quote its `request_id` if you report it.",
            "schema": self.ERROR_SCHEMA,
        }
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
        response = {
            "description": _DOCUMENTED[429],
            "schema": self.ERROR_SCHEMA,
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before writing again",
                    "schema": {"type": "integer", "minimum": 0},
                }
            },
        }
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("RATE_LIMITED", response, lazy=True)

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(ServiceError, handle_service_error)
        self._app.register_error_handler(Exception, handle_unexpected)

    def handle_http_exception(self, error):
        if error.code == 304:
            # flask-smorest raises 304 for a matching If-None-Match: no body, and the ETag
            # the client holds (RFC 9110 wants it on a 304).
            response = current_app.response_class(status=304)
            held = request.if_none_match.as_set()
            if len(held) == 1:
                response.set_etag(next(iter(held)))
            return response
        if isinstance(error, InternalServerError) and error.original_exception is not None:
            return handle_unexpected(error.original_exception)
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        # Werkzeug's own headers (Allow on a 405, say), then any given to abort();
        # webargs passes headers=None when it has none.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        detail = data.get("message") or DETAILS.get(error.code) or error.description
        type_ = None
        if error.code == 422:
            type_ = PROBLEM_BASE + "validation"
            detail = data.get("message") or "Some fields are not valid: see `errors`."
        elif error.code == 400 and errors:
            type_ = PROBLEM_BASE + "malformed-request"
            detail = data.get("message") or "The request body is not valid JSON."
        elif error.code == 429:
            type_ = PROBLEM_BASE + "rate-limited"
            detail = f"Too many requests: the limit is {error.description}. Retry later."
        return problem(error.code, detail=detail, type_=type_, errors=errors, headers=headers)

"""Problem details (RFC 9457) for every error, and the named exceptions services raise.

One renderer answers every HTTP error, Flask's own 404/405 included, as
application/problem+json. A broken rule of the procedure is a `RuleBroken` subclass: 409 with
a stable `type` URI that names the rule and a `detail` that says in words what is missing.
"""

import http
import logging

import marshmallow as ma
from flask import current_app, g, jsonify, request
from flask_smorest import Api
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import InternalServerError

PROBLEM_BASE = "https://juece.example/problems/"
PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


# --- Exceptions raised by services -----------------------------------------------------------


class ServiceError(Exception):
    """A use case refused; the view layer turns it into a problem response."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ServiceError):
    status = 404
    slug = None
    title = "Not Found"


class Unauthorized(ServiceError):
    """No credentials where they are needed, or credentials that are not valid."""

    status = 401
    slug = None
    title = "Unauthorized"


class Forbidden(ServiceError):
    status = 403
    slug = None
    title = "Forbidden"


class Invalid(ServiceError):
    """Input that passed the schema but not the data it refers to (an unknown unit, say)."""

    status = 422
    # Not `validation`, which names a body the schema refused.
    slug = "unprocessable"
    title = "Unprocessable Content"

    def __init__(self, field: str, message: str, location: str = "json"):
        super().__init__(message, errors={location: {field: [message]}})

    @classmethod
    def at(cls, path: tuple, message: str, location: str = "json") -> "Invalid":
        """A problem with a nested field, e.g. at(("agenda", 0, "head_reason"), ...)."""
        tree = [message]
        for key in reversed(path):
            tree = {str(key): tree}
        error = cls(str(path[0]), message, location)
        error.extra = {"errors": {location: tree}}
        return error


class Conflict(ServiceError):
    """The record's current state does not allow this (a duplicate key, say)."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class RuleBroken(Conflict):
    """A rule of the procedure (domain.md) forbids this now."""

    slug = "rule-broken"
    title = "A rule of the procedure forbids this"


class PartyConsentMissing(RuleBroken):
    slug = "party-consent-missing"
    title = "The Party committee has not consented to the catalogue"


class CatalogueAlreadyPublished(RuleBroken):
    slug = "catalogue-published"
    title = "The catalogue is published; change it through an adjustment"


class CatalogueNotPublished(RuleBroken):
    slug = "catalogue-not-published"
    title = "The catalogue is not published yet"


class DecisionCatalogued(RuleBroken):
    slug = "decision-catalogued"
    title = "The decision is in the published catalogue; change it through an adjustment"


class DecisionWithdrawn(RuleBroken):
    slug = "decision-withdrawn"
    title = "The decision was withdrawn from the catalogue"


class AdjustmentNotApplicable(RuleBroken):
    slug = "adjustment-not-applicable"
    title = "This adjustment does not apply to the decision as it stands"


class CalendarYearOfficial(RuleBroken):
    slug = "calendar-year-official"
    title = "The official calendar already carries this year"


# The procedure's rules and public participation's (named where they are enforced too).


class PublishedRecordImmutable(RuleBroken):
    slug = "published-record-immutable"
    title = "A published record is never changed in place"


class NotPublishedYet(RuleBroken):
    slug = "record-not-published"
    title = "The record is not published"


class AlreadyWithdrawn(RuleBroken):
    slug = "record-withdrawn"
    title = "The record was withdrawn"


class DecisionNotCatalogued(RuleBroken):
    slug = "decision-not-catalogued"
    title = "The decision is not in the published catalogue"


class ResultNeedsApproval(RuleBroken):
    slug = "result-needs-approval"
    title = "A result needs an approving deliberation"


class ResultNotPublished(RuleBroken):
    slug = "result-not-published"
    title = "The decision's result is not published"


class NotSuspended(RuleBroken):
    slug = "decision-not-suspended"
    title = "Only a suspended decision is resumed"


class LegalityReviewMissing(RuleBroken):
    slug = "legality-review-missing"
    title = "No lawful legality review is on record"


class AgendaPreconditionMissing(RuleBroken):
    slug = "agenda-precondition-missing"
    title = "The decision may not go on a meeting's agenda yet"


class WindowTooShort(RuleBroken):
    slug = "consultation-window-too-short"
    title = "An online consultation lasts at least 30 calendar days"


class DraftNotPublished(RuleBroken):
    slug = "draft-not-published"
    title = "A consultation is held on a published draft"


class ConsultationNotOpen(RuleBroken):
    slug = "consultation-not-open"
    title = "The consultation is not open"


class HearingRuleBroken(RuleBroken):
    slug = "hearing-procedure"
    title = "The hearing's procedure was not followed"


class ReasonMissing(RuleBroken):
    slug = "disposition-reason-missing"
    title = "An opinion not adopted needs a reason on record"


class IdempotencyKeyReused(Conflict):
    status = 422
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was used for a different request"


class EnterpriseOpinionsMissing(RuleBroken):
    slug = "enterprise-opinions-missing"
    title = "Enterprises and industry associations have not been heard"


class InquiryAnswered(RuleBroken):
    slug = "inquiry-answered"
    title = "The question was answered already"


class InquiryDeclined(RuleBroken):
    slug = "inquiry-declined"
    title = "The question was declined"


class InquiryNotReceived(RuleBroken):
    """Only a question nobody has looked at yet may be published (选登) or declined: once
    public, it stays public until it is answered."""

    slug = "inquiry-not-received"
    title = "The question is no longer waiting to be looked at"


class ClusterReasonMissing(RuleBroken):
    slug = "cluster-reason-missing"
    title = "A concentrated opinion not adopted needs its reason"


class AdoptionNotOnRecord(RuleBroken):
    slug = "adoption-not-on-record"
    title = "How the main public opinions were adopted is not on record"


# Publication preconditions: an admin may exempt them, with a written reason (core.preconditions).


class ResultNotIssued(RuleBroken):
    slug = "result-not-issued"
    title = "The decision's result is not issued yet"


class CommentsUndisposed(RuleBroken):
    """Its problem also carries `count` and `comment_ids` (the first ones)."""

    slug = "comments-undisposed"
    title = "Some opinions have no disposition"


class HearingMissing(RuleBroken):
    slug = "hearing-missing"
    title = "The decision requires a hearing, and none is on record"


class ProcedureMissing(RuleBroken):
    slug = "procedure-missing"
    title = "A procedure the catalogue lists for the decision has no record"


class UnknownCursor(ServiceError):
    """A change-feed cursor this service never handed out."""

    status = 400
    slug = "unknown-cursor"
    title = "The cursor was never handed out"


# --- Every problem type, for the contract ----------------------------------------------------


def _kinds(base=ServiceError):
    for kind in base.__subclasses__():
        yield kind
        yield from _kinds(kind)


def rule_named(slug: str) -> type[RuleBroken] | None:
    """The RuleBroken subclass whose problem type `slug` names, if one does."""
    return next((rule for rule in _kinds(RuleBroken) if rule.slug == slug), None)


def problem_types() -> list[tuple[str, str]]:
    """(slug, title) of every 409 problem type, for the document."""
    return sorted({(c.slug, c.title) for c in _kinds(Conflict) if c.slug and c.status == 409})


# What the error renderer itself names (handle_http_exception), then every service error's.
PROBLEM_TYPES = [
    ("about:blank", "A plain HTTP error: its status says it all"),
    (PROBLEM_BASE + "validation", "Some input is not valid: `errors` says which"),
    (PROBLEM_BASE + "malformed-request", "The request body is not valid JSON"),
    (PROBLEM_BASE + "rate-limited", "Too many writes: retry after `Retry-After` seconds"),
] + sorted({(PROBLEM_BASE + k.slug, k.title) for k in _kinds() if k.slug})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem; documents every error response."""

    type = ma.fields.String(
        required=True,
        metadata={
            "description": "URI naming the kind of problem; `about:blank` for plain HTTP. Each one "
            "the service answers is listed, with what it means.",
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


# --- Rendering -------------------------------------------------------------------------------


def problem(status: int, *, detail=None, type_=None, title=None, errors=None, headers=None, members=None):
    """A problem+json response; `members` are its extension members (RFC 9457, 3.2)."""
    body = {
        "type": type_ or "about:blank",
        "title": title or http.HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    for name, value in (members or {}).items():
        body.setdefault(name, value)
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_DETAILS = {
    400: "The request could not be understood.",
    401: "This needs credentials: send `Authorization: Bearer TOKEN`.",
    403: "Your account may not do this.",
    404: "Nothing is published at this address.",
    405: "This address does not accept that method.",
    412: "The record changed since you read it: fetch it again and retry with its new ETag.",
    413: "The request body is larger than this service accepts.",
    428: "Send `If-Match` with the record's ETag to change it.",
}


# What each error means here, for the documented responses.
_DOCUMENTED = {
    400: "The body is not valid JSON (`type` .../malformed-request).",
    401: "No credentials where they are needed, or a token that is not valid (or whose account is deactivated).",
    403: "Your account's role, or its unit, may not do this.",
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
        detail = data.get("message") or _DETAILS.get(error.code) or error.description
        type_ = None
        if error.code == 422:
            type_ = PROBLEM_BASE + "validation"
            detail = data.get("message") or "Some fields are not valid: see `errors`."
        elif error.code == 400 and errors:
            type_ = PROBLEM_BASE + "malformed-request"
            detail = "The request body is not valid JSON."
        elif error.code == 429:
            type_ = PROBLEM_BASE + "rate-limited"
            detail = f"Too many requests: the limit is {error.description}. Retry later."
        return problem(error.code, detail=detail, type_=type_, errors=errors, headers=headers)


def handle_service_error(error: ServiceError):
    """A use case refused."""
    type_ = PROBLEM_BASE + error.slug if error.slug else None
    return problem(
        error.status,
        detail=error.detail,
        type_=type_,
        title=error.title,
        errors=error.extra.get("errors"),
        headers={"WWW-Authenticate": "Bearer"} if error.status == 401 else None,
        members={name: value for name, value in error.extra.items() if name != "errors"},
    )


def handle_unexpected(error: Exception):
    """Anything unforeseen: logged with the request id, never shown to the client."""
    log.exception("unhandled error in request %s", g.get("request_id"))
    return problem(
        500,
        detail="Something went wrong on our side. Quote the request id if you report it.",
    )

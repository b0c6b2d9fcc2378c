"""Problem details (RFC 9457) for every error, and the named exceptions services raise.

One renderer answers every HTTP error, Flask's own 404/405 included, as
application/problem+json. A broken rule of the procedure is a `RuleBroken` subclass: 409 with
a stable `type` URI that names the rule and a `detail` that says in words what is missing.
"""

import http
import logging

from flask import g, jsonify
from flask_babel import get_locale

from core.translation import translated, translated_messages

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


class StatusError(ServiceError):
    """An error its HTTP status says all of: no problem type of its own (about:blank), the
    status's phrase as its title."""

    slug = None
    title = None


class NotFound(StatusError):
    status = 404


class Unauthorized(StatusError):
    """No credentials where they are needed, or credentials that are not valid."""

    status = 401


class Forbidden(StatusError):
    status = 403


class ReadsOnly(Forbidden):
    """A write by an account that only reads: the evaluator (core.auth.check_credentials)."""

    slug = "evaluator-reads-only"
    title = "An evaluator's account reads and never writes"


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


class IdempotencyKeyReused(ServiceError):
    status = 422
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was used for a different request"


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


class FollowedInterpretationUnpublished(RuleBroken):
    slug = "followed-interpretation-not-published"
    title = "A follow-up interpretation follows a published interpretation"


class TextAlternativeMissing(Invalid):
    """Section 六(一): whoever cannot see a picture or hear a video gets its content in words."""

    slug = "text-alternative-missing"
    title = "An interpretation in a form other than text needs a text alternative"


class FollowedInterpretationUnknown(Invalid):
    slug = "followed-interpretation-unknown"
    title = "A follow-up interpretation follows an interpretation of the same decision"


class AssessmentPublished(RuleBroken):
    """A published assessment version is append-only (section 七(三)): correct it by taking a new
    version with a reason, and publish that."""

    slug = "assessment-published"
    title = "The assessment is published and never changes: a correction is a new version"


class AssessmentWeightTooSmall(Invalid):
    """Section 七(三): 政务公开 counts for at least 4 points of the performance assessment."""

    slug = "assessment-weight-too-small"
    title = "The assessment's weight in the performance assessment is under its floor"


class CorrectionReasonMissing(Invalid):
    """Once an assessment is published, taking it again is a correction: a new version that says why."""

    slug = "correction-reason-missing"
    title = "A correction of a published assessment says why"


class CatalogueIssuerNotUnit(Invalid):
    """A department's, town's or street's catalogue is its own (确定并发布本单位…目录)."""

    slug = "catalogue-issuer-not-unit"
    title = "A unit's catalogue is issued by that unit"


class GovernmentUnitCatalogue(Invalid):
    """The government office's catalogue is the district's, at /catalogues/{year}."""

    slug = "government-unit-catalogue"
    title = "The government's catalogue is the district's"


class CatalogueItemOtherUnit(Invalid):
    slug = "catalogue-item-other-unit"
    title = "An item of a unit's catalogue is led by that unit"


class MeetingUnitMissing(Invalid):
    slug = "meeting-unit-missing"
    title = "A unit body's meeting names the unit that holds it"


class MeetingUnitUnexpected(Invalid):
    slug = "meeting-unit-unexpected"
    title = "The district government's meetings are held by no unit"


class MeetingAgendaOtherUnit(Invalid):
    slug = "meeting-agenda-other-unit"
    title = "A unit's meeting deliberates decisions that unit leads"


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


# Government open activities (政府开放活动, consultation.activities).


class OpenMonthOutsideAugust(Invalid):
    """The open month (政府开放月) is August: an activity said to be part of it takes place then."""

    slug = "open-month-outside-august"
    title = "An activity of the open month takes place in August"


class ActivityNotPublished(RuleBroken):
    slug = "activity-not-published"
    title = "The activity is not published"


class RegistrationClosed(RuleBroken):
    slug = "registration-closed"
    title = "Registrations for the activity are closed"


class AlreadyRegistered(RuleBroken):
    slug = "already-registered"
    title = "This contact is registered for the activity already"


class ActivityNotEnded(RuleBroken):
    slug = "activity-not-ended"
    title = "The activity has not taken place yet"


class ActivityOpinionsUndisposed(RuleBroken):
    """Its problem also carries `count` and `opinion_ids` (the first ones)."""

    slug = "activity-opinions-undisposed"
    title = "Some opinions collected at the activity have no disposition"


class UnknownCursor(ServiceError):
    """A change-feed cursor this service never handed out."""

    status = 400
    slug = "unknown-cursor"
    title = "The cursor was never handed out"


# --- Every problem type, for the contract ----------------------------------------------------


def error_kinds(base=ServiceError):
    for kind in base.__subclasses__():
        yield kind
        yield from error_kinds(kind)


def rule_named(slug: str) -> type[RuleBroken] | None:
    """The RuleBroken subclass whose problem type `slug` names, if one does."""
    return next((rule for rule in error_kinds(RuleBroken) if rule.slug == slug), None)


def problem_types() -> list[tuple[str, str]]:
    """(slug, title) of every 409 problem type, for the document."""
    return sorted({(c.slug, c.title) for c in error_kinds(Conflict) if c.slug and c.status == 409})


# --- Rendering -------------------------------------------------------------------------------


def problem(status: int, *, detail=None, type_=None, title=None, errors=None, headers=None, members=None):
    """A problem+json response; `members` are its extension members (RFC 9457, 3.2). Its title,
    detail and field messages are in the language the request prefers (core.translation)."""
    body = {
        "type": type_ or "about:blank",
        "title": translated(title or http.HTTPStatus(status).phrase),
        "status": status,
    }
    if detail:
        body["detail"] = translated(detail)
    if errors:
        body["errors"] = translated_messages(errors)
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
    response.headers["Content-Language"] = str(get_locale())
    response.vary.add("Accept-Language")
    return response


DETAILS = {
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

"""The seam between the procedure (decisions) and public participation (consultation).

`decisions` must not import `consultation`, yet the procedure's rules depend on it: an
enterprise-related decision goes on a meeting's agenda only after enterprises and
associations were heard. Consultation registers such checks here; decisions asks here.
Here too is the one place that grants an admin's exemption from a precondition (`exempt`).
"""

import datetime as dt
from collections.abc import Callable

from core import calendar
from core.errors import (
    AgendaPreconditionMissing,
    CommentsUndisposed,
    Forbidden,
    HearingMissing,
    Invalid,
    ProcedureMissing,
    ResultNotIssued,
    RuleBroken,
    rule_named,
)

# Each check takes (decision, held_on) and returns what is missing, in words; [] when nothing.
AgendaCheck = Callable[[object, dt.date], list[str]]

_agenda_checks: list[tuple[str, AgendaCheck]] = []


def agenda_check(slug: str):
    """Register a precondition for putting a decision on a meeting's agenda.

    `slug` names the rule in the problem type of the 409 it causes.
    """

    def register(check: AgendaCheck) -> AgendaCheck:
        _agenda_checks.append((slug, check))
        return check

    return register


def missing_for_agenda(decision, held_on: dt.date) -> list[tuple[str, str]]:
    """(slug, what is missing) for every registered precondition the decision does not meet."""
    return [(slug, problem) for slug, check in _agenda_checks for problem in check(decision, held_on)]


def agenda_problems(decision, held_on: dt.date) -> list[RuleBroken]:
    """The registered preconditions the decision does not meet, each as the rule it breaks."""
    problems = []
    for slug, what in missing_for_agenda(decision, held_on):
        rule = rule_named(slug)
        problem = (rule or AgendaPreconditionMissing)(what)
        if rule is None:
            problem.slug = slug
        problems.append(problem)
    return problems


# --- Exemptions ------------------------------------------------------------------------------
#
# The preconditions an admin may override, each only with a written reason that is stored and
# published with the record and audited: they guard the record's completeness, and the office
# answers for an exception in public. The legality review, the enterprise precondition and the
# reasons of non-adopted opinions are never exempted.
EXEMPTIBLE = (ResultNotIssued.slug, CommentsUndisposed.slug, HearingMissing.slug, ProcedureMissing.slug)


def exempt(blocking: list[RuleBroken], exemptions, *, by, at: tuple = ("exemptions",)):
    """Waive the blocking preconditions that `exemptions` ({rule, reason}) name.

    Returns (the problems left, the exemptions granted as stored: rule, reason, the account
    `by` and the day). Only an admin exempts (403), and only a rule that blocks (422 at `at`).
    """
    exemptions = list(exemptions or ())
    if not exemptions:
        return blocking, []
    if by is None or by.role != "admin":
        raise Forbidden("Only an admin may exempt a record from a precondition of the procedure.")
    blocking_rules = {problem.slug for problem in blocking}
    seen = set()
    for number, exemption in enumerate(exemptions):
        rule = exemption["rule"]
        if rule in seen:
            raise Invalid.at((*at, number, "rule"), f"`{rule}` is exempted once.")
        seen.add(rule)
        if rule not in EXEMPTIBLE:
            raise Invalid.at((*at, number, "rule"), f"`{rule}` is never exempted.")
        if rule not in blocking_rules:
            raise Invalid.at(
                (*at, number, "rule"),
                f"`{rule}` does not block this: only a precondition that is not met may be exempted.",
            )
    on = calendar.today().isoformat()
    granted = [{"rule": e["rule"], "reason": e["reason"], "by": by.id, "on": on} for e in exemptions]
    return [problem for problem in blocking if problem.slug not in seen], granted


def enforce(record, blocking: list[RuleBroken], exemptions, *, by) -> None:
    """Raise the first blocking precondition not exempted; keep the exemptions granted on `record`."""
    left, granted = exempt(blocking, exemptions, by=by)
    if left:
        raise left[0]
    if granted:
        record.exemptions = granted


# A stage that public participation puts the decision in (e.g. "consulting" while a
# consultation is open), asked for by decisions.procedure; None when it has nothing to say.
_stage_providers: list[Callable[[object], str | None]] = []


def stage_provider(provider: Callable[[object], str | None]):
    """Register a function that may name the decision's stage from public participation."""
    _stage_providers.append(provider)
    return provider


def stage_of(decision) -> str | None:
    for provider in _stage_providers:
        stage = provider(decision)
        if stage is not None:
            return stage
    return None

"""The seam between the procedure (decisions) and public participation (consultation).

`decisions` must not import `consultation`, yet the procedure's rules depend on it: an
enterprise-related decision goes on a meeting's agenda only after enterprises and
associations were heard. Consultation registers such checks here; decisions asks here.
"""

import datetime as dt
from collections.abc import Callable

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

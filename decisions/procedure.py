"""Where a decision stands in its procedure, derived from what is on record.

`state` is never set by hand: after every change to a decision's records the service calls
`refresh_state`, which reads the facts and names the stage (domain.md, the procedure).
"""

import sqlalchemy as sa

from core.extensions import db
from decisions.meetings.models import AgendaItem, Meeting, Outcome
from decisions.models import ADJUSTED, AdjustmentType, Decision, DecisionState

# After a deliberation, where the decision stands by its outcome.
_AFTER_OUTCOME = {
    Outcome.approved: DecisionState.deliberated,
    Outcome.approved_with_changes: DecisionState.deliberated,
    Outcome.rejected: DecisionState.rejected,
    Outcome.returned: DecisionState.drafting,  # sent back for rework
    Outcome.deferred: DecisionState.reviewing,
}


def _exists(model, decision_id, *conditions) -> bool:
    query = sa.select(model.id).where(model.decision_id == decision_id, *conditions).limit(1)
    return db.session.scalar(query) is not None


def derive_state(decision: Decision) -> str:
    """The procedure's stage from the facts on record, latest stage first."""
    from decisions.records.models import Background, Draft, FollowUp, FollowUpKind, Result, Review

    if decision.adjustment == ADJUSTED[AdjustmentType.withdraw]:
        return DecisionState.withdrawn
    # A superseded version no longer says what happened: its correction does.
    live = (
        FollowUp.published_on.is_not(None),
        FollowUp.withdrawn_on.is_(None),
        FollowUp.superseded_by_id.is_(None),
    )
    latest_follow_up = db.session.scalar(
        sa.select(FollowUp.kind)
        .where(FollowUp.decision_id == decision.id, *live)
        .order_by(FollowUp.occurred_on.desc(), FollowUp.id.desc())
        .limit(1)
    )
    if latest_follow_up == FollowUpKind.suspension:
        return DecisionState.suspended
    if latest_follow_up == FollowUpKind.resumption:
        return DecisionState.implementing  # execution resumes
    if _exists(FollowUp, decision.id, FollowUp.kind == FollowUpKind.post_evaluation, *live):
        return DecisionState.evaluated
    if _exists(FollowUp, decision.id, FollowUp.kind == FollowUpKind.execution_report, *live):
        return DecisionState.implementing
    if _exists(Result, decision.id, Result.published_on.is_not(None), Result.withdrawn_on.is_(None)):
        return DecisionState.decided
    outcome = db.session.scalar(
        sa.select(AgendaItem.outcome)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.decision_id == decision.id, Meeting.published_on.is_not(None))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    )
    if outcome is not None:
        return _AFTER_OUTCOME[Outcome(outcome)]
    from core.preconditions import stage_of

    stage = stage_of(decision)
    if stage is not None:
        return stage
    if _exists(Review, decision.id, Review.withdrawn_on.is_(None)):
        return DecisionState.reviewing
    if _exists(Background, decision.id) or _exists(Draft, decision.id):
        return DecisionState.drafting
    return DecisionState.initiated


def refresh_state(decision: Decision) -> None:
    """Set the decision's state to what its record says (in the caller's transaction)."""
    db.session.flush()
    state = derive_state(decision)
    if decision.state != state:
        decision.state = state

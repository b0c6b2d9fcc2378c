"""Preconditions for putting a decision on a meeting's agenda that need public participation's
records: the hearing a decision requires, and the procedures its catalogue item lists.

Registered with core.preconditions, which the meetings ask (decisions never import
consultation). An admin may exempt either, with a written reason (core.preconditions.exempt).
"""

import datetime as dt

import sqlalchemy as sa

from consultation.models import Consultation, Method
from core import preconditions
from core.errors import HearingMissing, ProcedureMissing
from core.extensions import db
from decisions.models import Procedure
from decisions.records.models import Review, ReviewKind


@preconditions.agenda_check(HearingMissing.slug)
def hearing_held(decision, held_on: dt.date) -> list[str]:
    """A decision that requires a hearing (听证) goes to the meeting only with one on record: a
    published hearing whose record the participants signed on or before the meeting day
    [Arts. 16–17]. An announced hearing without a signed record has not been held, for all
    the meeting can know."""
    if not decision.hearing_required:
        return []
    signed = db.session.scalar(
        sa.select(Consultation.id)
        .where(
            Consultation.decision_id == decision.id,
            Consultation.method == Method.hearing,
            Consultation.published_on.is_not(None),
            Consultation.record_signed_on <= held_on,
        )
        .limit(1)
    )
    if signed is not None:
        return []
    return [
        f"it requires a hearing, and no hearing is on record by the meeting day {held_on}: a published "
        "consultation by hearing whose record the participants signed on or before that day"
    ]


# The procedures a review stands for; legality review has its own rule (legality_passed), and
# collective deliberation is the meeting itself.
REVIEWED = {
    Procedure.expert_review: (ReviewKind.expert_review, "expert review (专家论证)"),
    Procedure.risk_assessment: (ReviewKind.risk_assessment, "risk assessment (风险评估)"),
    Procedure.fair_competition_review: (ReviewKind.fair_competition_review, "fair competition review (公平竞争审查)"),
}


@preconditions.agenda_check(ProcedureMissing.slug)
def procedures_done(decision, held_on: dt.date) -> list[str]:
    """Each procedure the catalogue item lists has its record by the meeting day.

    Public participation: a published consultation (any method) that closed before the
    meeting day. Expert review, risk assessment, fair competition review: a review of that
    kind completed on or before the meeting day and not withdrawn. A review counts once
    recorded, published or not, as every rule of the procedure counts reviews (api.md): its
    publication is the lead unit's to do, and the timeline shows when it is done."""
    listed = set(decision.procedures or ())
    missing = []
    if Procedure.public_participation in listed:
        consulted = db.session.scalar(
            sa.select(Consultation.id)
            .where(
                Consultation.decision_id == decision.id,
                Consultation.published_on.is_not(None),
                Consultation.closes_on < held_on,
            )
            .limit(1)
        )
        if consulted is None:
            missing.append(f"public participation (公众参与): no published consultation closed before {held_on}")
    wanted = {kind: name for procedure, (kind, name) in REVIEWED.items() if procedure in listed}
    if wanted:
        done = set(
            db.session.scalars(
                sa.select(Review.kind).where(
                    Review.decision_id == decision.id,
                    Review.kind.in_(list(wanted)),
                    Review.completed_on <= held_on,
                    Review.withdrawn_on.is_(None),
                    Review.superseded_by_id.is_(None),
                )
            )
        )
        missing += [
            f"{name}: no review of kind {kind} completed on or before {held_on}"
            for kind, name in wanted.items()
            if kind not in done
        ]
    if not missing:
        return []
    return ["the procedures its catalogue item lists have no record by the meeting day — " + "; ".join(missing)]

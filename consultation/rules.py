"""Preconditions for putting a decision on a meeting's agenda that need public participation's
records: the hearing a decision requires, and the procedures its catalogue item lists.

Registered with core.preconditions, which the meetings ask (decisions never import
consultation). An admin may exempt either, with a written reason (core.preconditions.exempt).
"""

import datetime as dt

import sqlalchemy as sa

from consultation.comments.models import Comment, ModerationState, SubmitterType
from consultation.consultations.models import Audience, Consultation, Method
from core import preconditions
from core.errors import EnterpriseOpinionsMissing, HearingMissing, ProcedureMissing
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


@preconditions.agenda_check(EnterpriseOpinionsMissing.slug)
def enterprises_heard(decision, held_on: dt.date) -> list[str]:
    """An enterprise-related decision goes on the agenda only after enterprises AND industry
    associations were heard, and their opinions have dispositions [district]."""
    if not decision.enterprise_related:
        return []
    heard_by = (
        sa.select(Comment.consultation_id)
        .where(Comment.moderation != ModerationState.rejected)
        .group_by(Comment.consultation_id)
        .having(
            sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.enterprise, 1), else_=0)) > 0,
            sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.industry_association, 1), else_=0)) > 0,
        )
    )
    candidates = db.session.scalars(
        sa.select(Consultation).where(
            Consultation.decision_id == decision.id,
            Consultation.published_on.is_not(None),
            Consultation.closes_on < held_on,
            Consultation.id.in_(heard_by),
        )
    ).all()
    heard = [
        c
        for c in candidates
        if c.method in (Method.symposium, Method.hearing)
        or {Audience.enterprises, Audience.industry_associations} <= set(c.audience)
    ]
    missing = []
    if not heard:
        missing.append(
            "enterprises and industry associations have not both been heard: no consultation addressed to them "
            "closed before the meeting with opinions from both, nor a symposium or hearing with both"
        )
    undisposed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Comment)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(
            Consultation.decision_id == decision.id,
            Comment.submitter_type.in_((SubmitterType.enterprise, SubmitterType.industry_association)),
            Comment.moderation != ModerationState.rejected,
            # Disposed of by the meeting day: the dossier is what the meeting had before it.
            sa.or_(Comment.disposition.is_(None), Comment.disposed_on > held_on),
        )
    )
    if undisposed:
        missing.append(
            f"{undisposed} opinions of enterprises or industry associations had no disposition by the meeting day"
        )
    return missing


def enterprises_heard_at(pairs) -> set[tuple[int, dt.date]]:
    """The (decision id, meeting day) pairs, of enterprise-related decisions, for which
    `enterprises_heard` finds nothing missing: the same rule for many decisions at once, in
    three queries whatever their number. Compliance asks it of a whole year; one call of
    `enterprises_heard` per decision took about 70 ms on a district of 200,000 comments, as
    its subquery counted the opinions of every consultation there is."""
    pairs = list(pairs)
    decision_ids = sorted({decision_id for decision_id, _ in pairs})
    consultations, opinions, heard_by = {}, {}, set()
    for chunk in (decision_ids[i : i + 500] for i in range(0, len(decision_ids), 500)):
        rows = db.session.execute(
            sa.select(
                Consultation.id,
                Consultation.decision_id,
                Consultation.closes_on,
                Consultation.method,
                Consultation.audience,
            ).where(Consultation.decision_id.in_(chunk), Consultation.published_on.is_not(None))
        ).all()
        for row in rows:
            consultations.setdefault(row.decision_id, []).append(row)
        if rows:
            # Consultations with opinions from both enterprises and industry associations.
            heard_by.update(
                db.session.scalars(
                    sa.select(Comment.consultation_id)
                    .where(
                        Comment.consultation_id.in_([row.id for row in rows]),
                        Comment.moderation != ModerationState.rejected,
                    )
                    .group_by(Comment.consultation_id)
                    .having(
                        sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.enterprise, 1), else_=0)) > 0,
                        sa.func.sum(sa.case((Comment.submitter_type == SubmitterType.industry_association, 1), else_=0))
                        > 0,
                    )
                )
            )
        # Their opinions, published consultations or not (as `enterprises_heard` counts them).
        for decision_id, disposition, disposed_on in db.session.execute(
            sa.select(Consultation.decision_id, Comment.disposition, Comment.disposed_on)
            .join(Consultation, Consultation.id == Comment.consultation_id)
            .where(
                Consultation.decision_id.in_(chunk),
                Comment.submitter_type.in_((SubmitterType.enterprise, SubmitterType.industry_association)),
                Comment.moderation != ModerationState.rejected,
            )
        ):
            opinions.setdefault(decision_id, []).append((disposition, disposed_on))

    def heard(decision_id, held_on) -> bool:
        addressed = any(
            c.closes_on < held_on
            and c.id in heard_by
            and (
                c.method in (Method.symposium, Method.hearing)
                or {Audience.enterprises, Audience.industry_associations} <= set(c.audience)
            )
            for c in consultations.get(decision_id, ())
        )
        # SQL's `disposed_on > held_on` is not true when disposed_on is NULL.
        undisposed = any(
            disposition is None or (disposed_on is not None and disposed_on > held_on)
            for disposition, disposed_on in opinions.get(decision_id, ())
        )
        return addressed and not undisposed

    return {(decision_id, held_on) for decision_id, held_on in pairs if heard(decision_id, held_on)}

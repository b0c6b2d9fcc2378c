"""Concentrated opinions (较为集中意见): comments grouped, disposed of together."""

import sqlalchemy as sa

from consultation import facts
from consultation.clusters.models import Cluster
from consultation.comments.models import Comment, ModerationState
from consultation.consultations.models import Consultation
from consultation.dispositions.models import Disposition
from consultation.dispositions.services import decided_on
from core.auth import Account, ensure_may_edit
from core.errors import (
    Invalid,
    NotFound,
)
from core.extensions import db, stored
from decisions.models import Decision


def create_cluster(
    consultation: Consultation,
    *,
    by: Account,
    summary,
    comment_ids,
    disposition,
    reason_code=None,
    reason=None,
    disposed_on=None,
):
    """Group comments as one concentrated opinion with one disposition and reason.

    Its reason may follow later (PATCH): the adoption report is not published while a
    concentrated opinion not adopted lacks one."""
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.id.in_(comment_ids), Comment.consultation_id == consultation.id)
    ).all()
    missing = sorted(set(comment_ids) - {c.id for c in comments})
    if missing:
        raise Invalid("comment_ids", f"Consultation {consultation.id} has no comment {', '.join(map(str, missing))}.")
    cluster = stored(
        Cluster(
            consultation_id=consultation.id,
            summary=summary,
            disposition=disposition,
            reason_code=reason_code,
            reason=reason,
        )
    )
    facts.record_cluster(cluster, consultation, created=True)
    _apply_cluster(cluster, comments, consultation, disposed_on)
    count = sum(c.moderation != ModerationState.rejected for c in comments)
    db.session.commit()
    cluster.comment_count = count  # not a column: commit leaves it be
    return cluster


def update_cluster(cluster: Cluster, *, by: Account, disposed_on=None, **changes) -> Cluster:
    """Change a concentrated opinion's summary, disposition or reason; its comments follow."""
    consultation = db.session.get(Consultation, cluster.consultation_id)
    decision = db.session.get(Decision, consultation.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    before = {key: getattr(cluster, key) for key in changes}
    for key, value in changes.items():
        setattr(cluster, key, value)
    if before != changes:
        facts.record_cluster(cluster, consultation, created=False)
    comments = db.session.scalars(sa.select(Comment).where(Comment.cluster_id == cluster.id)).all()
    _apply_cluster(cluster, comments, consultation, disposed_on)
    count = sum(c.moderation != ModerationState.rejected for c in comments)
    db.session.commit()
    cluster.comment_count = count
    return cluster


def _apply_cluster(cluster: Cluster, comments, consultation: Consultation, disposed_on=None) -> None:
    """The cluster's disposition and reason become each of its comments', once it has them:
    a comment is never told "not adopted" without the reason why."""
    settled = cluster.disposition == Disposition.adopted or bool(cluster.reason and cluster.reason_code)
    for comment in comments:
        comment.cluster_id = cluster.id
        before = (comment.disposition, comment.reason_code, comment.reason)
        if settled:
            comment.disposition, comment.reason_code, comment.reason = (
                cluster.disposition,
                cluster.reason_code,
                cluster.reason,
            )
            comment.disposed_on = decided_on(comment, disposed_on)
        else:
            comment.disposition = comment.reason_code = comment.reason = comment.disposed_on = None
        if (comment.disposition, comment.reason_code, comment.reason) != before:
            facts.record_disposition(comment, consultation, before[0])


def get_cluster(consultation: Consultation, cluster_id: int) -> Cluster:
    """One of the consultation's clusters, with its `comment_count` (NotFound otherwise)."""
    for cluster in list_clusters(consultation):
        if cluster.id == cluster_id:
            return cluster
    raise NotFound(f"Consultation {consultation.id} has no cluster {cluster_id}.")


def list_clusters(consultation: Consultation):
    """The consultation's clusters, each with its `comment_count` (rejected ones excluded): one query."""
    counted = (
        sa.select(Comment.cluster_id, sa.func.count().label("n"))
        .where(
            Comment.consultation_id == consultation.id,
            Comment.cluster_id.is_not(None),
            Comment.moderation != ModerationState.rejected,
        )
        .group_by(Comment.cluster_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Cluster, sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.cluster_id == Cluster.id)
        .where(Cluster.consultation_id == consultation.id)
        .order_by(Cluster.id)
    ).all()
    for cluster, n in rows:
        cluster.comment_count = n
    return [cluster for cluster, _ in rows]

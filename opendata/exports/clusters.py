"""The `clusters` dataset: the concentrated opinions (集中意见) of every public consultation,
each with what became of it and how many comments it holds, as the clusters list shows them."""

from collections.abc import Iterator

import sqlalchemy as sa

from consultation.clusters.models import Cluster
from consultation.clusters.schemas import ClusterSchema
from consultation.comments.models import Comment, ModerationState
from consultation.consultations.models import Consultation
from core.publication import EntryType
from decisions import visibility
from decisions.models import Decision
from opendata.exports.datasets import DECISION_ID, ENTRIES, Dataset, Filters, columns_of, rows_with_decision

# Counted as the clusters list counts them (consultation.clusters.services): rejected ones out.
_COMMENT_COUNT = (
    sa.select(sa.func.count())
    .where(Comment.cluster_id == Cluster.id, Comment.moderation != ModerationState.rejected)
    .scalar_subquery()
    .label("comment_count")
)
_TARGET = (
    sa.literal("/consultations/")
    + sa.cast(Cluster.consultation_id, sa.String)
    + sa.literal("/clusters/")
    + sa.cast(Cluster.id, sa.String)
)


def _clusters(filters: Filters) -> sa.Select:
    statement = (
        sa.select(*Cluster.__table__.c, Consultation.decision_id, _COMMENT_COUNT)
        .join(Consultation, Consultation.id == Cluster.consultation_id)
        .join(Decision, Decision.id == Consultation.decision_id)
        .where(visibility.consultations_public(Consultation.published_on))
        .order_by(Cluster.id)
    )
    return filters.narrow(statement, lambda changes: sa.exists().where(ENTRIES.target == _TARGET, changes))


def _cluster_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    return rows_with_decision(connection, _clusters(filters), ClusterSchema)


CLUSTERS = Dataset(
    name="clusters",
    title_zh="集中意见及处理情况",
    title_en="Concentrated opinions of every public consultation, with what became of each",
    columns=columns_of(
        ClusterSchema,
        {
            "id": "集中意见编号",
            "consultation_id": "征求意见编号",
            "summary": "意见概述",
            "disposition": "采纳情况",
            "reason_code": "理由类别",
            "reason": "理由说明",
            "comment_count": "所含意见数",
            "_links": "相关链接",
        },
        (DECISION_ID,),
    ),
    statement=_clusters,
    batches=_cluster_batches,
    changed_by=ENTRIES.type.in_((EntryType.cluster_created, EntryType.cluster_changed)),
)

"""What the public record says of comments: every change to what became of an opinion is a
public fact (the change feed carries it), in words that hold no personal data and no content;
the comment, or its consultation, says the rest."""

from consultation.clusters.models import Cluster
from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from consultation.dispositions.models import Disposition
from consultation.notices.services import owe_outcome
from core import publication
from core.publication import EntryType, Fact
from decisions import visibility

DISPOSITION_WORDS = {
    Disposition.adopted: "采纳",
    Disposition.partially_adopted: "部分采纳",
    Disposition.not_adopted: "不予采纳",
    Disposition.out_of_scope: "不属于征求意见范围",
    Disposition.duplicate: "重复意见",
}


def shown_publicly(comment: Comment, consultation: Consultation) -> bool:
    """Whether the public reads the comment (decisions.visibility)."""
    return visibility.comment_public(comments_public=consultation.comments_public, moderation=comment.moderation)


def comment_target(comment: Comment, consultation: Consultation) -> str:
    """Where the public reads of a comment: the comment, when it is shown; else its consultation
    (whose figures count it)."""
    return f"/comments/{comment.id}" if shown_publicly(comment, consultation) else f"/consultations/{consultation.id}"


def record_moderation(comment: Comment, consultation: Consultation, was_shown: bool) -> None:
    shown = shown_publicly(comment, consultation)
    target = f"/comments/{comment.id}"
    if shown and not was_shown:
        publication.record_fact(
            Fact(consultation.decision_id, EntryType.comment_published, f"公开意见 #{comment.id}", target)
        )
    elif was_shown and not shown:
        # A tombstone: a mirror removes what it holds of the comment.
        published = publication.latest_entry(target, EntryType.comment_published)
        publication.record_fact(
            Fact(
                consultation.decision_id,
                EntryType.comment_hidden,
                f"不再公开意见 #{comment.id}",
                f"/consultations/{consultation.id}",
                amends_seq=published.seq if published else None,
                reason=comment.moderation_reason,
            )
        )


def record_disposition(comment: Comment, consultation: Consultation, before: str | None) -> None:
    """A disposition set or changed (or taken back while its cluster waits for a reason)."""
    after = comment.disposition
    if after == before and after is None:
        return
    target = comment_target(comment, consultation)
    previous = publication.latest_entry(
        f"/comments/{comment.id}", EntryType.disposition_set, EntryType.disposition_changed
    )
    words = DISPOSITION_WORDS.get(after, "待处理")
    publication.record_fact(
        Fact(
            consultation.decision_id,
            EntryType.disposition_set if before is None else EntryType.disposition_changed,
            f"意见 #{comment.id} 处理结果：{words}",
            target,
            occurred_on=comment.disposed_on,
            amends_seq=previous.seq if previous and before is not None else None,
            reason=comment.reason,
        )
    )
    if after is not None:
        # Published now, in this transaction: the notice owed with it commits or rolls back with it.
        owe_outcome(comment)


def record_cluster(cluster: Cluster, consultation: Consultation, created: bool) -> None:
    target = f"/consultations/{consultation.id}/clusters/{cluster.id}"
    previous = (
        None if created else publication.latest_entry(target, EntryType.cluster_created, EntryType.cluster_changed)
    )
    words = DISPOSITION_WORDS.get(cluster.disposition, cluster.disposition)
    publication.record_fact(
        Fact(
            consultation.decision_id,
            EntryType.cluster_created if created else EntryType.cluster_changed,
            f"较为集中意见 #{cluster.id}：{words}",
            target,
            amends_seq=previous.seq if previous else None,
            reason=cluster.reason,
        )
    )

"""What became of a comment, and why: a disposition needs a reason unless adopted."""

import datetime as dt

from consultation import facts
from consultation.clusters.models import Cluster
from consultation.comments.models import Comment
from consultation.comments.services import editable
from consultation.dispositions.models import Disposition
from core import calendar
from core.auth import Account
from core.errors import (
    Invalid,
    ReasonMissing,
)
from core.extensions import db


def check_reason(disposition: str, reason_code, reason) -> None:
    """The one rule of every opinion's disposition (a comment's, an open activity's): one not
    adopted carries a reason code and a reason in words."""
    if disposition != Disposition.adopted and not (reason_code and reason):
        raise ReasonMissing(
            f"An opinion {disposition.replace('_', ' ')} needs a reason code and a reason in words on record: "
            "every opinion not adopted carries its reason."
        )


def decided_on(comment: Comment, disposed_on: dt.date | None) -> dt.date:
    """The real day of a disposition: given (entered after the fact) or today."""
    today = calendar.today()
    day = disposed_on or today
    if day > today or day < comment.received_on:
        raise Invalid("disposed_on", "A disposition is decided after the comment came in, and not in the future.")
    return day


def dispose(
    comment: Comment, *, by: Account, disposition: str, reason_code=None, reason=None, cluster_id=None, disposed_on=None
):
    """Record what became of an opinion, and why."""
    consultation = editable(comment, by)
    check_reason(disposition, reason_code, reason)
    if cluster_id is not None:
        cluster = db.session.get(Cluster, cluster_id)
        if cluster is None or cluster.consultation_id != consultation.id:
            raise Invalid("cluster_id", f"Consultation {consultation.id} has no cluster {cluster_id}.")
        if cluster.disposition != disposition:
            # One concentrated opinion, one outcome: its comments share the cluster's.
            raise Invalid(
                "disposition", f"Cluster {cluster.id} was {cluster.disposition}; its comments share that disposition."
            )
    before = (comment.disposition, comment.reason_code, comment.reason)
    comment.disposition, comment.reason_code, comment.reason = disposition, reason_code, reason
    comment.cluster_id = cluster_id
    comment.disposed_on = decided_on(comment, disposed_on)
    if (comment.disposition, comment.reason_code, comment.reason) != before:
        facts.record_disposition(comment, consultation, before[0])
    db.session.commit()
    return comment

"""The use cases of public participation, by the name other code has imported them under.

Each lives with its resource (consultation/consultations, comments, dispositions, clusters,
imports); the seam the procedure asks through is consultation.rules.
"""

from consultation.clusters.services import create_cluster, get_cluster, list_clusters, update_cluster
from consultation.comments.services import (
    by_receipt,
    fingerprint,
    get_comment,
    list_comments,
    moderate,
    override_redaction,
    public_channel,
    read_comment,
    submit_comment,
)
from consultation.consultations.services import (
    close_due,
    consultation_view,
    counts,
    create_consultation,
    get_consultation,
    is_staff_of,
    list_consultation_views,
    list_consultations,
    open_due,
    publish_consultation,
    record_hearing,
    status_of,
    update_consultation,
    window_days,
)
from consultation.dispositions.services import dispose
from consultation.imports.services import import_comments
from consultation.rules import enterprises_heard, enterprises_heard_at

__all__ = [
    "by_receipt",
    "close_due",
    "consultation_view",
    "counts",
    "create_cluster",
    "create_consultation",
    "dispose",
    "enterprises_heard",
    "enterprises_heard_at",
    "fingerprint",
    "get_cluster",
    "get_comment",
    "get_consultation",
    "import_comments",
    "is_staff_of",
    "list_clusters",
    "list_comments",
    "list_consultation_views",
    "list_consultations",
    "moderate",
    "open_due",
    "override_redaction",
    "public_channel",
    "publish_consultation",
    "read_comment",
    "record_hearing",
    "status_of",
    "submit_comment",
    "update_cluster",
    "update_consultation",
    "window_days",
]

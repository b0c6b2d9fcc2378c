"""The consultation blueprint, which every resource of public participation registers its
routes on, and what those views share: path parameters, who edits, the shape of a write."""

from consultation.consultations import services
from core.auth import current_account, requires
from core.http import Blueprint, documents, path_parameter

blp = Blueprint(
    "consultation",
    __name__,
    url_prefix="/api/v1",
    description="Public consultation (意见征集): consultations on a draft, comments from every channel, their "
    "moderation and disposition with reasons, clusters of concentrated opinions, and receipts.",
)

EDITORS = ("admin", "editor")
DECISION_ID = path_parameter("decision_id", "The decision's id", 1)
CONSULTATION_ID = path_parameter("consultation_id", "The consultation's id", 1)
COMMENT_ID = path_parameter("comment_id", "The comment's id", 1)
CLUSTER_ID = path_parameter("cluster_id", "The cluster's id", 1)
RECEIPT = path_parameter(
    "receipt", "The receipt given with the comment, or with the question (`Q.`…)", "Yk3v9Qe2sXw4bN7pLm1cTg"
)


def consultation_for(consultation_id):
    """The consultation the path names, as the current account may see it (404 otherwise)."""
    return services.get_consultation(consultation_id, viewer=current_account())


def writes(on, arguments, schema, *errors: int, status: int = 200, etag: str | None = "sent", **options):
    """A write by the lead unit's editors (or an admin) on blueprint `on`: its body read by
    `arguments` (flask-smorest's `options`), its answer dumped by `schema` with `status`;
    `errors` are the statuses it documents.

    `etag`: "sent", the answer's ETag (`sends_etag`: the next write may send `If-Match`
    without reading the record again); "checked", flask-smorest's `etag`, for a change that
    names the version it read (the view calls `blp.check_etag`); None, no ETag."""

    def decorate(view):
        view = documents(*errors)(view)
        view = on.response(status, schema)(view)
        view = on.arguments(arguments, **options)(view)
        if etag == "checked":
            view = on.etag(view)
        view = requires(*EDITORS)(view)
        return on.sends_etag(view) if etag == "sent" else view

    return decorate

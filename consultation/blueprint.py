"""The consultation blueprint, which every resource of public participation registers its
routes on, and what those views share: path parameters, who edits."""

from consultation.consultations import services
from core.auth import current_account, requires
from core.http import api_blueprint, path_parameter

blp = api_blueprint(
    "consultation",
    __name__,
    path="",
    description="Public consultation (意见征集): consultations on a draft, comments from every channel, their "
    "moderation and disposition with reasons, clusters of concentrated opinions, and receipts.",
)

EDITORS = ("admin", "editor")
# Who may write what a consultation holds: its lead unit's editors (core.auth.requires checks
# the unit), and admins.
EDITORS_ONLY = requires(*EDITORS)
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

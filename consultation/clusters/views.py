"""HTTP views of concentrated opinions (较为集中意见)."""

from flask.views import MethodView

from consultation.blueprint import CLUSTER_ID, CONSULTATION_ID, EDITORS_ONLY, blp, consultation_for
from consultation.clusters import services
from consultation.clusters.schemas import ClusterInSchema, ClusterPatchSchema, ClusterSchema
from core.auth import current_account
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes


@blp.route("/consultations/<int:consultation_id>/clusters", parameters=[CONSULTATION_ID])
class Clusters(MethodView):
    @lists(blp, ClusterSchema(many=True), None, 404, paged=False)
    def get(self, consultation_id):
        """List a consultation's concentrated opinions (较为集中意见)"""
        return services.list_clusters(consultation_for(consultation_id))

    @blp.doc(operationId="create_cluster")
    @writes(blp, ClusterInSchema, 201, ClusterSchema, 404, 409, 422, access=EDITORS_ONLY, etag=SENT)
    def post(self, data, consultation_id):
        """Group comments as one concentrated opinion with its disposition (lead unit's editor, admin)

        Its disposition and reason apply to each of its comments. The reason may follow (PATCH), but the
        adoption report is not published while a concentrated opinion not adopted lacks one."""
        cluster = services.create_cluster(consultation_for(consultation_id), by=current_account(), **data)
        location = api_url(f"/consultations/{consultation_id}/clusters/{cluster.id}")
        return cluster, 201, {"Location": location}


@blp.route("/consultations/<int:consultation_id>/clusters/<int:cluster_id>", parameters=[CONSULTATION_ID, CLUSTER_ID])
class ClusterById(MethodView):
    @shows(blp, ClusterSchema)
    def get(self, consultation_id, cluster_id):
        """Show one concentrated opinion"""
        return services.get_cluster(consultation_for(consultation_id), cluster_id)

    @writes(blp, ClusterPatchSchema, 200, ClusterSchema, 404, 422, access=EDITORS_ONLY)
    def patch(self, changes, consultation_id, cluster_id):
        """Change a concentrated opinion's summary, disposition or reason (lead unit's editor, admin)

        Its comments follow. Needs `If-Match`."""
        cluster = services.get_cluster(consultation_for(consultation_id), cluster_id)
        blp.check_etag(cluster, ClusterSchema)
        return services.update_cluster(cluster, by=current_account(), **changes)

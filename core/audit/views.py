"""The audit log's API (admin)."""

from flask.views import MethodView

from core.audit import services
from core.audit.schemas import AuditEntrySchema, AuditQueryArgsSchema
from core.auth import requires
from core.http import Blueprint
from core.pagination import Paged

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Who changed what, when (admin).")


@blp.route("")
class AuditLog(MethodView):
    @requires("admin")
    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(Paged)
    def get(self, args):
        """Read the audit log, newest first (admin)

        Filter by `account`, record (`record_type`, `record_id`) and time (`since`, `until`)."""
        return services.list_entries(**args)

"""The audit log's API (admin)."""

from flask.views import MethodView

from core.audit import services
from core.audit.schemas import AuditEntrySchema, AuditQueryArgsSchema
from core.auth import requires
from core.http import api_blueprint
from core.reads import lists

blp = api_blueprint("audit", __name__, description="Who changed what, when (admin).")


@blp.route("")
class AuditLog(MethodView):
    @lists(blp, AuditEntrySchema(many=True), AuditQueryArgsSchema, access=requires("admin"))
    def get(self, args):
        """Read the audit log, newest first (admin)

        Filter by `account`, record (`record_type`, `record_id`) and time (`since`, `until`)."""
        return services.list_entries(**args)

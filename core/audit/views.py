"""The audit log's API (admin)."""

from flask.views import MethodView

from core.admin_lists import admin_list
from core.audit import services
from core.audit.schemas import AuditEntrySchema, AuditQueryArgsSchema
from core.http import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Who changed what, when (admin).")


@blp.route("")
class AuditLog(MethodView):
    @admin_list(blp, AuditQueryArgsSchema, AuditEntrySchema)
    def get(self, args):
        """Read the audit log, newest first (admin)

        Filter by `account`, record (`record_type`, `record_id`) and time (`since`, `until`)."""
        return services.list_entries(**args)

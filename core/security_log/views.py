"""The security log's API (admin)."""

from flask.views import MethodView

from core.auth import requires
from core.http import api_blueprint
from core.reads import lists
from core.security_log import services
from core.security_log.schemas import SecurityEventQueryArgsSchema, SecurityEventSchema

blp = api_blueprint("security_events", __name__, description="Refused attempts: 401, 403 and 429 (admin).")


@blp.route("")
class SecurityEvents(MethodView):
    @lists(blp, SecurityEventSchema(many=True), SecurityEventQueryArgsSchema, access=requires("admin"))
    def get(self, args):
        """Read the refused attempts, newest first (admin)

        Filter by `status`, `address` and time (`since`). At most `SECURITY_LOG_PER_MINUTE`
        events per address and minute are kept in each process; the service's log says how
        many more there were."""
        return services.list_events(**args)

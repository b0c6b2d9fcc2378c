"""The security log: every refused attempt (401, 403, 429) with address, account and route,
readable by admins at /api/v1/security-events, kept SECURITY_LOG_DAYS days (tick).

Written after the answer is decided, in a transaction of its own (the request's own may have
been rolled back), and itself limited: at most SECURITY_LOG_PER_MINUTE events per client
address per minute in each process, so that a flood of refusals cannot fill the database;
what is left out is counted in the log line of the next one kept.
"""

from core.security_log.models import REFUSALS, SecurityEvent
from core.security_log.services import forget_old_events, init_app, list_events
from core.security_log.views import blp

__all__ = ["REFUSALS", "SecurityEvent", "blp", "forget_old_events", "init_app", "list_events"]

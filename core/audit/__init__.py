"""Who changed what, when: an append-only log written in the same transaction as the change.

Every insert, update and delete of an audited model is recorded from the session's flush, so
no service can forget it; the actor comes from the request (or the command line). The log is a
hash chain (core.chain): its entries are appended at commit, under the chain's lock.
"""

from core.audit.models import AuditEntry
from core.audit.recording import REDACTED, _created, insert_logged, logged_values, record_created
from core.audit.services import list_entries
from core.audit.views import blp

__all__ = [
    "REDACTED",
    "AuditEntry",
    "_created",
    "blp",
    "insert_logged",
    "list_entries",
    "logged_values",
    "record_created",
]

"""Reading the audit log."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.filters import conditions
from core.pagination import Listing


def list_entries(**filters) -> Listing:
    """The audit log, newest first: an account's (`account`), a record's (`record_type`,
    `record_id`), between `since` and `until`."""
    where = conditions(AuditEntry, filters, columns={"account": "account_id"})
    return Listing(sa.select(AuditEntry).where(*where).order_by(AuditEntry.id.desc()))

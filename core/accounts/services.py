"""Finding and listing accounts for the accounts API (core.auth makes and changes them)."""

import dataclasses

import sqlalchemy as sa

from core.auth import Account
from core.errors import NotFound
from core.extensions import db
from core.filters import conditions
from core.pagination import Listing
from core.units import folded, stored_code


def get_account(account_id: int) -> Account:
    """The account `account_id`, or 404."""
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    return account


def list_accounts(*, unit: str | None = None, **filters) -> Listing:
    """The accounts, in the order made: of a `role`, `active` or not, the editors of a `unit`."""
    where = conditions(Account, filters)
    if unit is not None:  # a unit's code in whatever case, matched against the stored one
        where.append(Account.unit == stored_code(sa.literal(folded(unit))))
    return Listing(sa.select(Account).where(*where).order_by(Account.id))


@dataclasses.dataclass(frozen=True)
class WithToken:
    """An account and the token just made for it: what AccountWithTokenSchema shows, once."""

    account: Account
    token: str

    def __getattr__(self, name):
        return getattr(self.account, name)

"""Accounts through the API (admin): list, create, change, rotate a token."""

from core.accounts.services import get_account, list_accounts
from core.accounts.views import blp
from core.auth import Account

__all__ = ["Account", "blp", "get_account", "list_accounts"]

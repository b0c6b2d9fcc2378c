"""Accounts through the API (admin): list, create, change, rotate a token."""

from flask.views import MethodView

from core import auth
from core.accounts import services
from core.accounts.schemas import (
    AccountInSchema,
    AccountPatchSchema,
    AccountQueryArgsSchema,
    AccountSchema,
    AccountWithTokenSchema,
)
from core.auth import requires
from core.http import api_blueprint, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import writes

blp = api_blueprint("accounts", __name__, description="Accounts and their tokens (admin).")

ACCOUNT_ID = path_parameter("account_id", "The account's id", 2)


@blp.route("")
class Accounts(MethodView):
    @lists(blp, AccountSchema(many=True), AccountQueryArgsSchema, access=requires("admin"))
    def get(self, args):
        """List accounts (admin)"""
        return services.list_accounts(**args)

    # The account's ETag, as a GET of it sends: the token is shown here only, not part of it.
    # Not @blp.etag, which would take the token in, and document an ETag the contract has not.
    @blp.sends_etag(leaving_out=("token",))
    @requires("admin")
    @blp.arguments(AccountInSchema)
    @blp.response(201, AccountWithTokenSchema)
    @documents(422)
    def post(self, data):
        """Create an account (admin); its token is in the answer, and only there"""
        account, token = auth.create_account(data.pop("name"), **data)
        return services.WithToken(account, token), 201, {"Location": api_url(f"/accounts/{account.id}")}


@blp.route("/<int:account_id>", parameters=[ACCOUNT_ID])
class AccountById(MethodView):
    @shows(blp, AccountSchema, access=requires("admin"))
    def get(self, account_id):
        """Show an account (admin)"""
        return services.get_account(account_id)

    @writes(blp, AccountPatchSchema, 200, AccountSchema, 404, 422, access=requires("admin"))
    def patch(self, changes, account_id):
        """Change an account: name, role, unit, channel, or deactivate it (admin)

        Needs `If-Match`."""
        account = services.get_account(account_id)
        blp.check_etag(account, AccountSchema)
        return auth.update_account(account, **changes)


@blp.route("/<int:account_id>/token", parameters=[ACCOUNT_ID])
class AccountToken(MethodView):
    @requires("admin")
    @blp.response(200, AccountWithTokenSchema)
    @documents(404)
    def post(self, account_id):
        """Give an account a new token (admin); the old one stops working at once"""
        account = services.get_account(account_id)
        return services.WithToken(account, auth.rotate_token(account))

"""Accounts through the API (admin): list, create, change, rotate a token."""

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView
from marshmallow import validate

from core import auth
from core.auth import Account, Role, requires
from core.errors import NotFound
from core.extensions import db
from core.http import Blueprint, JsonBoolean, documents, json_response, path_parameter, render, render_many
from core.links import api_url, href
from core.serialize import Links, dumper
from core.units import folded, stored_code

F = ma.fields

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts", description="Accounts and their tokens (admin).")

ROLES = [r.value for r in Role]

ACCOUNT_ID = path_parameter("account_id", "The account's id", 2)


class AccountSchema(ma.Schema):
    id = F.Integer(metadata={"description": "The account's id", "examples": [3]})
    name = F.String(metadata={"description": "Who it is for", "examples": ["区发改委 张科员"]})
    role = F.String(metadata={"description": "admin, editor or partner", "enum": ROLES})
    unit = F.String(allow_none=True, metadata={"description": "An editor's unit code", "examples": ["jd-fgw"]})
    channel = F.String(allow_none=True, metadata={"description": "A partner app's channel", "examples": ["suishenban"]})
    active = JsonBoolean(metadata={"description": "Whether its token is accepted"})
    created_at = F.DateTime(metadata={"description": "When it was created"})
    updated_at = F.DateTime(metadata={"description": "When it last changed"})
    _links = Links(lambda a: {"self": href(f"/accounts/{a.id}")})


class AccountWithTokenSchema(AccountSchema):
    token = F.String(
        metadata={
            "description": "The bearer token: shown this once, never again",
            "examples": ["jc_q3ZkR8vYw1tN6pX0bLm2sD4fH7jK9aCeUgIoWrTyEx"],
        }
    )


class AccountInSchema(ma.Schema):
    name = F.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "Who it is for", "examples": ["区发改委 张科员"]},
    )
    role = F.String(
        required=True,
        validate=validate.OneOf(ROLES),
        metadata={"description": "admin, editor (of one unit) or partner (an app)", "examples": ["editor"]},
    )
    unit = F.String(validate=validate.Length(1, 40), metadata={"description": "Editors only", "examples": ["jd-fgw"]})
    channel = F.String(
        validate=validate.Length(1, 40), metadata={"description": "Partners only", "examples": ["suishenban"]}
    )


class AccountPatchSchema(ma.Schema):
    name = F.String(
        validate=validate.Length(1, 200), metadata={"description": "Who it is for", "examples": ["区教育局 李老师"]}
    )
    role = F.String(
        validate=validate.OneOf(ROLES), metadata={"description": "admin, editor or partner", "examples": ["editor"]}
    )
    unit = F.String(
        allow_none=True,
        validate=validate.Length(1, 40),
        metadata={"description": "The unit of an editor; dropped for other roles", "examples": ["jd-jyj"]},
    )
    channel = F.String(
        allow_none=True,
        validate=validate.Length(1, 40),
        metadata={"description": "A partner app's channel", "examples": ["suishenban"]},
    )
    active = JsonBoolean(metadata={"description": "false deactivates the account's token", "examples": [False]})


class AccountQueryArgsSchema(ma.Schema):
    role = F.String(validate=validate.OneOf(ROLES), metadata={"description": "Only accounts with this role"})
    unit = F.String(
        validate=validate.Length(1, 40),
        metadata={"description": "Only the editors of this unit", "examples": ["jd-fgw"]},
    )
    active = F.Boolean(metadata={"description": "Only active (true) or deactivated (false) accounts"})


def _get(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    return account


def _with_token(account: Account, token: str) -> dict:
    return {**dumper(AccountSchema)(account), "token": token}


@blp.route("")
class Accounts(MethodView):
    @requires("admin")
    @blp.arguments(AccountQueryArgsSchema, location="query")
    @blp.response(200, AccountSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List accounts (admin)"""
        conditions = [getattr(Account, k) == v for k, v in args.items() if k != "unit"]
        if "unit" in args:  # a unit's code in whatever case, matched against the stored one
            conditions.append(Account.unit == stored_code(sa.literal(folded(args["unit"]))))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Account).where(*conditions))
        pagination_parameters.item_count = total
        rows = db.session.scalars(
            sa.select(Account)
            .where(*conditions)
            .order_by(Account.id)
            .limit(pagination_parameters.page_size)
            .offset(pagination_parameters.first_item)
        )
        return render_many(AccountSchema, rows)

    @requires("admin")
    @blp.arguments(AccountInSchema)
    @blp.response(201, AccountWithTokenSchema)
    @documents(422)
    def post(self, data):
        """Create an account (admin); its token is in the answer, and only there"""
        account, token = auth.create_account(data.pop("name"), **data)
        item = dumper(AccountSchema)(account)
        response = json_response({**item, "token": token}, 201, {"Location": api_url(f"/accounts/{account.id}")})
        # The account's ETag, as a GET of it sends: the token is shown here only, not part of it.
        response.set_etag(blp.etag_of(item))
        return response


@blp.route("/<int:account_id>", parameters=[ACCOUNT_ID])
class AccountById(MethodView):
    @requires("admin")
    @blp.etag
    @blp.response(200, AccountSchema)
    @documents(404)
    def get(self, account_id):
        """Show an account (admin)"""
        account = _get(account_id)
        blp.set_etag(dumper(AccountSchema)(account))
        return render(AccountSchema, account)

    @requires("admin")
    @blp.etag
    @blp.arguments(AccountPatchSchema)
    @blp.response(200, AccountSchema)
    @documents(404, 422)
    def patch(self, changes, account_id):
        """Change an account: name, role, unit, channel, or deactivate it (admin)

        Needs `If-Match`."""
        account = _get(account_id)
        blp.check_etag(dumper(AccountSchema)(account))
        account = auth.update_account(account, **changes)
        blp.set_etag(dumper(AccountSchema)(account))
        return render(AccountSchema, account)


@blp.route("/<int:account_id>/token", parameters=[ACCOUNT_ID])
class AccountToken(MethodView):
    @requires("admin")
    @blp.response(200, AccountWithTokenSchema)
    @documents(404)
    def post(self, account_id):
        """Give an account a new token (admin); the old one stops working at once"""
        account = _get(account_id)
        token = auth.rotate_token(account)
        return json_response(_with_token(account, token))

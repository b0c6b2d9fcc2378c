"""What the accounts API reads and answers."""

import marshmallow as ma
from marshmallow import validate

from core.auth import Role
from core.http import JsonBoolean
from core.links import href
from core.serialize import Links, Schema, describe

F = ma.fields

ROLES = [r.value for r in Role]
ROLE_TEXT = (
    "admin (the district office), editor (of one unit), partner (an app), or evaluator (the "
    "third-party assessor of 社会评议: reads what every unit's staff read, writes nothing)"
)


def _code(text: str, example: str, **kwargs) -> F.String:
    """A unit's or a channel's code: 1 to 40 characters."""
    return F.String(validate=validate.Length(1, 40), metadata=describe(text, example), **kwargs)


class AccountSchema(Schema):
    id = F.Integer(metadata={"description": "The account's id", "examples": [3]})
    name = F.String(metadata={"description": "Who it is for", "examples": ["区发改委 张科员"]})
    role = F.String(metadata={"description": ROLE_TEXT, "enum": ROLES})
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
        required=True, validate=validate.Length(1, 200), metadata=describe("Who it is for", "区发改委 张科员")
    )
    role = F.String(
        required=True,
        validate=validate.OneOf(ROLES),
        metadata=describe(ROLE_TEXT, "editor"),
    )
    unit = _code("Editors only", "jd-fgw")
    channel = _code("Partners only", "suishenban")


class AccountPatchSchema(ma.Schema):
    name = F.String(validate=validate.Length(1, 200), metadata=describe("Who it is for", "区教育局 李老师"))
    role = F.String(validate=validate.OneOf(ROLES), metadata=describe(ROLE_TEXT, "editor"))
    unit = _code("The unit of an editor; dropped for other roles", "jd-jyj", allow_none=True)
    channel = _code("A partner app's channel", "suishenban", allow_none=True)
    active = JsonBoolean(metadata=describe("false deactivates the account's token", False))


class AccountQueryArgsSchema(ma.Schema):
    role = F.String(validate=validate.OneOf(ROLES), metadata={"description": "Only accounts with this role"})
    unit = _code("Only the editors of this unit", "jd-fgw")
    active = F.Boolean(metadata={"description": "Only active (true) or deactivated (false) accounts"})

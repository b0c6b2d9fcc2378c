"""What the security log's API reads and answers."""

import marshmallow as ma

from core.security_log.models import REFUSALS
from core.serialize import Schema


class SecurityEventSchema(Schema):
    id = ma.fields.Integer(metadata={"description": "The event's id"})
    at = ma.fields.DateTime(metadata={"description": "When it was refused"})
    status = ma.fields.Integer(metadata={"description": "401, 403 or 429", "enum": sorted(REFUSALS)})
    method = ma.fields.String(metadata={"description": "The request's method", "examples": ["PATCH"]})
    route = ma.fields.String(metadata={"description": "The path asked for", "examples": ["/api/v1/decisions/12"]})
    address = ma.fields.String(allow_none=True, metadata={"description": "The client's address"})
    account_id = ma.fields.Integer(allow_none=True, metadata={"description": "The account, when a valid token came"})
    request_id = ma.fields.String(allow_none=True, metadata={"description": "The request, as in the service's logs"})


class SecurityEventQueryArgsSchema(ma.Schema):
    status = ma.fields.Integer(validate=ma.validate.OneOf(sorted(REFUSALS)), metadata={"description": "Only these"})
    address = ma.fields.String(validate=ma.validate.Length(1, 64), metadata={"description": "Only this address"})
    since = ma.fields.AwareDateTime(metadata={"description": "At or after this instant"})

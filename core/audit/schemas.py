"""What the audit log's API reads and answers."""

import marshmallow as ma

from core.http import MAX_ID
from core.serialize import Schema


class AuditEntrySchema(Schema):
    id = ma.fields.Integer(metadata={"description": "The entry's id"})
    at = ma.fields.DateTime(metadata={"description": "When the change was committed"})
    account_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The account that made it; null for the command line"}
    )
    actor = ma.fields.String(
        metadata={"description": "Role and name of who made it", "examples": ["admin:区政府办公室"]}
    )
    action = ma.fields.String(
        metadata={"description": "create, update or delete", "enum": ["create", "update", "delete"]}
    )
    record_type = ma.fields.String(metadata={"description": "The table", "examples": ["decisions"]})
    record_id = ma.fields.String(metadata={"description": "The record's key", "examples": ["12"]})
    changes = ma.fields.Dict(metadata={"description": "Fields set (create) or {field: [before, after]} (update)"})
    request_id = ma.fields.String(allow_none=True, metadata={"description": "The request that made it"})
    hash = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "SHA-256 (hex) over `prev_hash` and the entry's canonical form (README: Verify the record)"
        },
    )
    prev_hash = ma.fields.String(
        allow_none=True, metadata={"description": "The previous entry's hash; 64 zeros before the first"}
    )


class AuditQueryArgsSchema(ma.Schema):
    account = ma.fields.Integer(
        validate=ma.validate.Range(1, MAX_ID), metadata={"description": "Only this account's changes", "examples": [3]}
    )
    record_type = ma.fields.String(metadata={"description": "Only this table's records", "examples": ["decisions"]})
    record_id = ma.fields.String(metadata={"description": "Only this record (with record_type)", "examples": ["12"]})
    since = ma.fields.AwareDateTime(metadata={"description": "At or after this instant"})
    until = ma.fields.AwareDateTime(metadata={"description": "Before this instant"})

"""The feeds' query arguments."""

import marshmallow as ma
from marshmallow import validate

# Newest entries a feed holds unless asked for fewer or more, and at most.
DEFAULT_ENTRIES = 50
MAX_ENTRIES = 200


class FeedQueryArgsSchema(ma.Schema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_ENTRIES,
        validate=validate.Range(1, MAX_ENTRIES),
        metadata={"description": f"How many of the newest entries (1–{MAX_ENTRIES})", "examples": [20]},
    )

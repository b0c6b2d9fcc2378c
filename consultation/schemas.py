"""What consultation's schemas share: bounded text without NUL, an enum's values."""

import marshmallow as ma
from marshmallow import validate

from core.serialize import describe

F = ma.fields


def enum_values(enum_class) -> list:
    """The values of an enum, for a field's documented `enum`."""
    return [m.value for m in enum_class]


def _no_nul(value: str) -> None:
    # PostgreSQL's text cannot hold NUL: storing it would fail (a 500) instead of answering 422.
    if "\x00" in value:
        raise ma.ValidationError("Text may not contain the NUL character.")


def bounded_text(shortest, longest):
    """Free text of a bounded length, without NUL."""
    return [validate.Length(shortest, longest), _no_nul]


def optional_text(longest: int, description: str, *examples) -> ma.fields.String:
    """Free text a request may leave out or null: 1 to `longest` characters, without NUL."""
    return F.String(allow_none=True, validate=bounded_text(1, longest), metadata=describe(description, *examples))

"""What consultation's schemas share: bounded text without NUL, an enum's values, the link to a
consultation, and responses documented as written out (one of several schemas, a report)."""

from collections.abc import Callable

import marshmallow as ma
from marshmallow import validate

from core.links import href, links_on_base
from core.serialize import describe, dumper, record, records

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


class Documented(dict):
    """A response's schema written out as OpenAPI, with the function that dumps a view's result
    into it: for an answer a marshmallow schema cannot name (one of several schemas, a report's
    free-form figures).

    `@blp.response` documents a dict as it stands and dumps what the view returns through its
    schema's `dump`, so such a view still returns its objects, as every other view does."""

    def __init__(self, spec: dict, dump: Callable):
        super().__init__(spec)
        self._dump = dump

    def dump(self, obj):
        """`obj` dumped, the links' base looked up once."""
        with links_on_base():
            return self._dump(obj)


def one_of(choose: Callable, *schemas: type[ma.Schema], many: bool = False) -> Documented:
    """A response that is one of `schemas` (`anyOf` in the contract), each object dumped by the
    schema `choose(obj)` names; with `many`, a list whose items may differ (a page of questions
    mixes those the viewer holds and public ones)."""
    one = {"anyOf": list(schemas)}
    if many:
        return Documented({"type": "array", "items": one}, lambda objs: [dumper(choose(o))(o) for o in records(objs)])
    return Documented(one, lambda obj: dumper(choose(obj))(record(obj)))


def consultation_link(consultation_id: int) -> dict:
    """The link of what belongs to a consultation (a comment, a receipt, a cluster) to it."""
    return {"consultation": href(f"/consultations/{consultation_id}")}

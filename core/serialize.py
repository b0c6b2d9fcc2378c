"""Fast dumping of rows and records through their marshmallow schema.

The schema stays the one definition of a representation (it documents the API and validates
what comes in); `dumper()` compiles it once into a plain function, because marshmallow's own
dump costs more than everything else a list page does. Fields the compiler does not know fall
back to the field's own `serialize`, so any schema dumps correctly, only slower.
"""

from functools import cache
from operator import attrgetter

import marshmallow as ma

# Field types whose Python value orjson writes exactly as marshmallow would.
_AS_IS = (
    ma.fields.String,
    ma.fields.Integer,
    ma.fields.Boolean,
    ma.fields.Date,
    ma.fields.DateTime,
    ma.fields.Raw,
)


class Computed(ma.fields.Function):
    """A read-only value computed from the record by `build(record)`."""

    def __init__(self, build, **kwargs):
        kwargs.setdefault("dump_only", True)
        super().__init__(serialize=build, **kwargs)
        self.build = build


class Links(Computed):
    """`_links`: link relations computed from the record, e.g. {"self": {"href": ...}}."""

    def __init__(self, build, **kwargs):
        kwargs.setdefault(
            "metadata",
            {
                "description": "Link relations, each `{href: absolute URL}`; always `self`.",
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"href": {"type": "string", "format": "uri"}},
                    "required": ["href"],
                },
            },
        )
        super().__init__(build, data_key="_links", **kwargs)


def _compile_field(name, field):
    attr = field.attribute or name
    get = attrgetter(attr)
    if isinstance(field, Computed):
        return field.build
    if isinstance(field, ma.fields.Nested):
        inner = dumper(type(field.schema)) if not field.many else None
        if field.many:
            inner_one = dumper(type(field.schema))

            def nested_many(obj):
                value = get(obj)
                return None if value is None else [inner_one(v) for v in value]

            return nested_many

        def nested(obj):
            value = get(obj)
            return None if value is None else inner(value)

        return nested
    if isinstance(field, ma.fields.List) and isinstance(field.inner, _AS_IS):

        def as_list(obj):
            value = get(obj)
            return None if value is None else list(value)

        return as_list
    if isinstance(field, _AS_IS) and not isinstance(field, ma.fields.Float):
        return get
    return lambda obj: field.serialize(name, obj)


@cache
def dumper(schema_class: type[ma.Schema]):
    """A function obj -> dict equal to `schema_class().dump(obj)`, several times faster."""
    schema = schema_class()
    getters = tuple(
        (field.data_key or name, _compile_field(name, field))
        for name, field in schema.dump_fields.items()
    )

    def dump(obj):
        return {key: get(obj) for key, get in getters}

    return dump


def dump_many(schema_class, objs) -> list[dict]:
    dump = dumper(schema_class)
    return [dump(obj) for obj in objs]

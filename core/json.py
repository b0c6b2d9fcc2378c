"""JSON through orjson: UTF-8 as is (Chinese text is not escaped), dates in ISO form."""

import orjson
from flask.json.provider import JSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS


class OrjsonProvider(JSONProvider):
    """Flask's JSON provider on orjson, several times faster than the standard library's."""

    def dumps(self, obj, **kwargs) -> str:
        # `indent` and `sort_keys` as json.dumps takes them (flask-smorest writes the OpenAPI
        # document with indent=2); orjson indents by two spaces only.
        option = _OPTIONS
        if kwargs.get("indent"):
            option |= orjson.OPT_INDENT_2
        if kwargs.get("sort_keys"):
            option |= orjson.OPT_SORT_KEYS
        return orjson.dumps(obj, option=option).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        # Flask's documented semantics: one argument is the data, several a list, keywords a dict.
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        obj = args[0] if len(args) == 1 else (args or kwargs or None)
        return self._app.response_class(orjson.dumps(obj, option=_OPTIONS), mimetype="application/json")

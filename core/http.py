"""Small pieces every view uses: documented error responses, absolute links, JSON responses."""

import http
from copy import deepcopy
from functools import wraps

from flask import current_app, g, request


def documents(*statuses: int):
    """Document error responses (problem+json) on a view, by status code."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        wrapper._apidoc = deepcopy(getattr(func, "_apidoc", {}))
        responses = wrapper._apidoc.setdefault("response", {}).setdefault("responses", {})
        for status in statuses:
            name = http.HTTPStatus(status).name
            if name not in responses.get(status, []):
                responses.setdefault(status, []).append(name)
        return wrapper

    return decorator


def base_url() -> str:
    """Scheme and host for absolute links: PUBLIC_BASE_URL, else the request's own.

    Computed once per request; list views build many links.
    """
    base = g.get("base_url")
    if base is None:
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") or request.host_url.rstrip("/")
        g.base_url = base
    return base


def href(path: str) -> dict:
    """A link relation to an API path, e.g. href('/decisions/7')."""
    return {"href": f"{base_url()}/api/v1{path}"}


def json_response(body, status: int = 200, headers: dict | None = None):
    """A JSON response from data already shaped for the client."""
    response = current_app.json.response(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def render(schema_class, obj, status: int = 200, headers: dict | None = None):
    """A response with `obj` dumped through its schema's compiled dumper."""
    from core.serialize import dumper

    return json_response(dumper(schema_class)(obj), status, headers)


def render_many(schema_class, objs, headers: dict | None = None):
    from core.serialize import dump_many

    return json_response(dump_many(schema_class, objs), 200, headers)

"""The root documents: `GET /api/v1`, a link to every collection, the contract and the docs;
`GET /`, the portal, or this same index when the portal is off.

The collections are read from the routes themselves (every GET one path segment under the API,
`/units`, `/decisions` …), so a resource added is on the index without anyone listing it.
"""

from types import SimpleNamespace

import marshmallow as ma
from flask import Blueprint, current_app
from flask.views import MethodView

from core.http import api_blueprint
from core.links import API_PREFIX, api_url, base_url
from core.reads import shows
from core.serialize import Links

blp = api_blueprint(
    "index",
    __name__,
    path="",
    description="The API's index: a link to every collection, the OpenAPI document and the explorer.",
)

# `GET /` on the host when the portal is off (app.py): the index, as JSON.
site = Blueprint("root", __name__)


def collections() -> dict[str, str]:
    """Each collection's name and absolute URL: the routes with GET that are one constant path
    segment under the API (`/api/v1/decisions`, not `/api/v1/decisions/<id>`)."""
    found = {}
    for rule in current_app.url_map.iter_rules():
        path = rule.rule.removeprefix(API_PREFIX)
        if rule.rule.startswith(API_PREFIX + "/") and "GET" in rule.methods and rule.arguments == set():
            name = path.strip("/")
            if name and "/" not in name and "." not in name:
                found[name] = api_url(path)
    return dict(sorted(found.items()))


class IndexSchema(ma.Schema):
    title = ma.fields.String(metadata={"description": "The API's name"})
    version = ma.fields.String(metadata={"description": "The API's version: its paths begin /api/{version}"})
    _links = Links(
        lambda index: index.links,
        metadata={
            "description": "`self`, `openapi` (the contract), `docs` (the explorer), and each collection by "
            "name (`decisions`, `catalogues`, `units` …), each `{href: absolute URL}`",
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"href": {"type": "string", "format": "uri"}},
                "required": ["href"],
            },
        },
    )


def index() -> SimpleNamespace:
    """The API's index: itself, the contract, the explorer and every collection."""
    root = base_url()
    links = {"self": api_url(""), "openapi": f"{root}/openapi.json", "docs": f"{root}/docs"}
    links.update(collections())
    return SimpleNamespace(
        title=current_app.config["API_TITLE"],
        version=current_app.config["API_VERSION"],
        links={name: {"href": url} for name, url in links.items()},
    )


@blp.route("")
class Index(MethodView):
    @shows(blp, IndexSchema, 304, access=None)
    def get(self):
        """Show the API's index: a link to every collection, the contract and the docs"""
        return index()


@site.get("/")
def root():
    """The host's address without the portal (PORTAL_ENABLED=false): the API's index itself."""
    return IndexSchema().dump(index())

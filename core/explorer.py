"""The API explorer at /docs: Swagger UI served from our own files, never from a CDN.

A district's intranet and the strict Content-Security-Policy of our HTML pages (core.caching)
both rule out flask-smorest's page, which loads Swagger UI from a CDN URL and starts it with
an inline script. Swagger UI is vendored from its npm package (swagger-ui-dist, version in the
folder's name, its LICENSE beside it) and started by core/static/explorer.js.
"""

from flask import Blueprint, render_template, url_for

SWAGGER_UI = "swagger-ui-5.35.0"

blp = Blueprint(
    "explorer", __name__, static_folder="static", static_url_path="/docs/static", template_folder="templates"
)


@blp.get("/docs")
def explorer():
    return render_template(
        "explorer.html",
        swagger_ui=SWAGGER_UI,
        contract=url_for("api-docs.openapi_json"),
    )

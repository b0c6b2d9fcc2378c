"""The API explorer at /docs (Swagger UI) and the reference at /redoc (ReDoc): served from our
own files, never from a CDN.

A district's intranet and the strict Content-Security-Policy of our HTML pages (core.caching)
both rule out flask-smorest's page, which loads Swagger UI from a CDN URL and starts it with
an inline script. Swagger UI is vendored from its npm package (swagger-ui-dist, version in the
folder's name, its LICENSE beside it) and started by core/static/explorer.js; ReDoc likewise
from its npm package (redoc, the standalone bundle) by core/static/redoc.js.
"""

from flask import Blueprint, render_template, url_for

SWAGGER_UI = "swagger-ui-5.35.0"
REDOC = "redoc-3.0.1"

# ReDoc styles itself with style elements it writes (styled-components) and searches in a
# worker it starts from a blob: URL. This page alone allows both; scripts stay our own files.
_REDOC_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

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


@blp.get("/redoc")
def reference():
    # Not "redoc.html": flask-smorest's templates have one, found first.
    page = render_template("reference.html", redoc=REDOC, contract=url_for("api-docs.openapi_json"))
    return page, 200, {"Content-Security-Policy": _REDOC_POLICY}

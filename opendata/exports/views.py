"""HTTP views of the exports: the data card, and each dataset as CSV or JSON Lines, streamed."""

from flask import Response, request, stream_with_context
from flask.views import MethodView
from werkzeug.http import is_resource_modified

from core import tick
from core.http import api_blueprint, documents, path_parameter
from core.reads import shows
from opendata.exports import formats, services
from opendata.exports.schemas import DataCardSchema, ExportQueryArgsSchema

blp = api_blueprint(
    "exports",
    __name__,
    description="Open data (开放数据): every dataset the public may read, whole, as CSV or JSON Lines, "
    "with a data card saying what each column means and under which licence.",
)

DATASET = path_parameter("dataset", f"The dataset: {', '.join(services.DATASETS)}", "decisions")

_HEADERS = {
    "ETag": {"description": "From the change feed's head and the filters", "schema": {"type": "string"}},
    "Last-Modified": {"description": "When the change feed's newest entry was recorded", "schema": {"type": "string"}},
    "Content-Disposition": {
        "description": 'attachment; filename="juece-decisions-2026.csv"',
        "schema": {"type": "string"},
    },
}


@blp.route("")
class DataCard(MethodView):
    @shows(blp, DataCardSchema, 304, access=None)
    def get(self):
        """Show the data card: each dataset, its columns, rows, last change, licence and formats"""
        return services.card()


def _export(fmt: str, description: str):
    """The view of one format: 304 from the validators alone, else the rows streamed."""

    @blp.arguments(ExportQueryArgsSchema, location="query")
    @blp.response(
        200, {"type": "string", "description": description}, content_type=formats.MIMETYPES[fmt], headers=_HEADERS
    )
    @documents(304, 400, 404, 422)
    def get(self, args, dataset):
        found = services.dataset(dataset)
        chosen = services.filters(**args)
        # What has fallen due (a deadline passed) is on the change feed before the validators
        # are read from it, as the change feed itself does: a status never changes unseen.
        tick.catch_up()
        etag, last_modified = services.validators(found, fmt, dict(request.args))
        headers = {
            "ETag": f'"{etag}"',
            "Content-Disposition": f'attachment; filename="{services.filename(found, fmt, chosen)}"',
        }
        mimetype = formats.MIMETYPES[fmt]
        if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
            response = Response(status=304, mimetype=mimetype, headers={"ETag": headers["ETag"]})
        else:
            response = Response(
                stream_with_context(services.stream(found, fmt, chosen)), mimetype=mimetype, headers=headers
            )
        if last_modified is not None:
            response.last_modified = last_modified
        return response

    return get


@blp.route("/<string:dataset>.csv", parameters=[DATASET])
class CsvExport(MethodView):
    get = _export(
        "csv",
        "The dataset as CSV: UTF-8 with a BOM, a header row, ISO 8601 days and instants, lists and objects as "
        "JSON text, and a cell that begins with = + - @ (or a tab or CR) written after a '",
    )
    get.__doc__ = """Export a dataset as CSV

    Streamed, whatever its size. Filter by catalogue `year`, lead `unit` and `since` (a change-feed
    cursor or a date). `If-None-Match` or `If-Modified-Since` is answered 304 while the change feed
    stands still."""


@blp.route("/<string:dataset>.jsonl", parameters=[DATASET])
class JsonLinesExport(MethodView):
    get = _export("jsonl", "The dataset as JSON Lines: one object per line, each as the list endpoints show it")
    get.__doc__ = """Export a dataset as JSON Lines

    Streamed, whatever its size: each line one row, the same fields as the list endpoints give. Filters
    and conditional requests as for CSV."""

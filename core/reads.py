"""The two shapes of a read, declared once for every resource: one resource, or a list.

A GET of the API is open to everyone and reads a token when one is sent (staff may see more),
unless it says otherwise: the admin's reads, and the reads that are the same for everyone and
read none. One resource is answered with its ETag (a repeated `If-None-Match` is a 304); a list
is answered a page at a time, its totals in `X-Pagination` (core.pagination). A view then
returns the object or the `Listing`, and flask-smorest dumps it (core.serialize), works out
the ETag and the page: no view hand-feeds them.

    @blp.route("/<int:meeting_id>")
    class MeetingById(MethodView):
        @shows(blp, MeetingSchema)
        def get(self, meeting_id): ...

The decorators are flask-smorest's own, in the order every view stacked them before, so the
contract they document is the same to the byte.
"""

from core.auth import accepts_token
from core.http import documents, stacked
from core.pagination import Paged


def shows(blp, schema, *errors: int, etag: bool = True, access=accepts_token):
    """A GET of one resource dumped by `schema`, with its ETag unless `etag` is false;
    `errors` are the statuses it documents besides 401 (404 unless given). `access` says who
    may read it: everyone, a token read when one is sent (`accepts_token`, the default); some
    roles only (`requires("admin")`); or None, everyone alike, no token read."""
    decorators = [blp.response(200, schema), documents(*(errors or (404,)))]
    if etag:
        decorators.insert(0, blp.etag)
    return lambda view: stacked(view, _with_access(access, decorators))


def lists(blp, schema, query=None, *errors: int, paged: bool = True, access=accepts_token):
    """A GET of a list, each item dumped by `schema` (an instance with `many=True`), filtered
    by the `query` arguments schema if any, a page at a time unless `paged` is false; `access`
    as for `shows`."""
    decorators = []
    if query is not None:
        decorators.append(blp.arguments(query, location="query"))
    decorators.append(blp.response(200, schema))
    if paged:
        decorators.append(blp.paginate(Paged))
    if errors:
        decorators.append(documents(*errors))
    return lambda view: stacked(view, _with_access(access, decorators))


def _with_access(access, decorators):
    # Who may read comes first (outermost): a refused caller is answered before any parsing.
    return decorators if access is None else [access, *decorators]

"""The shape of a write, declared once for every resource (core.reads declares the reads').

A write lets only some accounts in, loads its body through an input schema, and answers the
object it wrote dumped by the resource's schema, with the ETag a GET of it sends: a client may
send `If-Match` next without reading it again. The view returns the object (or `(obj, status,
headers)`), and flask-smorest dumps it and works out the ETag: no view hand-feeds them.

    @blp.route("/<int:meeting_id>/publish")
    class MeetingPublication(MethodView):
        @writes(blp, PublishInSchema, 200, MeetingSchema, 404, 409, 422, access=requires("admin"),
                etag=SENT, required=False)
        def post(self, data, meeting_id): ...

The decorators are flask-smorest's own, in the order every view stacked them before, so the
contract they document is the same to the byte.
"""

from core.http import documents, stacked

# flask-smorest's @etag: the ETag is in the contract, and a PUT or PATCH needs `If-Match`
# (the view calls `blp.check_etag`).
DOCUMENTED = "documented"
# The Blueprint's sends_etag: the ETag is answered, not in the contract, and `If-Match` is the
# view's to ask for (a first write has no version to match).
SENT = "sent"


def writes(blp, body, status, schema, *errors: int, access, etag=DOCUMENTED, parameters=None, **arguments):
    """A write: `access` says who may (`requires(...)`), `body` loads the request's body (the
    `arguments`, e.g. `required=False`, go to `blp.arguments`), and the answer is `status` with
    the object dumped by `schema`, its ETag `DOCUMENTED`, `SENT` or none (None); `errors` are the statuses
    it documents besides 401 and 403, `parameters` any more it documents (an optional If-Match)."""
    decorators = [access]
    if etag == DOCUMENTED:
        decorators.append(blp.etag)
    if parameters:
        decorators.append(blp.doc(parameters=parameters))
    decorators += [blp.arguments(body, **arguments), blp.response(status, schema), documents(*errors)]
    if etag == SENT:
        decorators.insert(0, blp.sends_etag)
    return lambda view: stacked(view, decorators)

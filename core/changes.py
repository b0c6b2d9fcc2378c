"""The change feed, `/changes`: the whole public record after a cursor, oldest first.

Before answering, the feed appends what has fallen due since `tick` last ran (a consultation
whose window ended, a deadline passed), so a partner mirroring it never waits for the
scheduler to learn of them.

Each entry shows its link of the record's hash chain (`hash`, `prev_hash`, core.chain) and
every answer the record's head, so a mirror checks the chain as it reads and keeps a head that
proves any later rewrite of what came before it.
"""

from types import SimpleNamespace

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from core import chain, publication, tick
from core.errors import UnknownCursor
from core.http import api_blueprint, documents
from core.links import api_url
from core.serialize import Computed, Schema

blp = api_blueprint(
    "changes",
    __name__,
    description="The change feed: every public fact across the service — publications, corrections, withdrawals, "
    "what became of comments and questions, deadlines passed — oldest first.",
)


class ChangeSchema(ma.Schema):
    cursor = Computed(
        lambda e: str(e.seq), metadata={"description": "Pass it as `after` to read on from here", "type": "string"}
    )
    seq = ma.fields.Integer(metadata={"description": "Its place in the public record"})
    decision_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The decision it concerns; null for a general question"}
    )
    type = ma.fields.String(metadata={"description": "What happened", "examples": ["draft_published"]})
    occurred_on = ma.fields.Date(metadata={"description": "When it happened in the world"})
    recorded_at = ma.fields.DateTime(metadata={"description": "When the service recorded it"})
    title = ma.fields.String(metadata={"description": "What it is"})
    href = Computed(
        lambda e: api_url(e.target), metadata={"description": "The record", "type": "string", "format": "uri"}
    )
    amends = ma.fields.Integer(
        attribute="amends_seq",
        allow_none=True,
        metadata={"description": "correction / withdrawn / comment_hidden / …_changed: the seq it amends"},
    )
    reason = ma.fields.String(
        allow_none=True, metadata={"description": "Why: a correction's, a withdrawal's, a disposition's"}
    )
    decision_href = Computed(
        lambda e: api_url(f"/decisions/{e.decision_id}") if e.decision_id is not None else None,
        data_key="decision",
        metadata={"description": "The decision", "type": ["string", "null"], "format": "uri"},
    )
    target = ma.fields.String(
        metadata={
            "description": "The record's path below the API root (`href` without it): what the hash covers",
            "examples": ["/decisions/7/drafts/2"],
        }
    )
    hash = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "SHA-256 (hex) of `prev_hash` followed by the canonical JSON of seq, decision_id, type, "
            "occurred_on, recorded_at, title, target, amends (as `amends_seq`) and reason, nulls left out "
            "(README: Verify the record)",
            "pattern": "^[0-9a-f]{64}$",
        },
    )
    prev_hash = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The hash of the entry before it in cursor order; 64 zeros before the first entry",
            "pattern": "^[0-9a-f]{64}$",
        },
    )


class HeadSchema(ma.Schema):
    cursor = Computed(
        lambda h: str(h.position),
        metadata={"description": 'The newest entry\'s cursor ("0" while the record is empty)', "type": "string"},
    )
    hash = ma.fields.String(
        metadata={
            "description": "The newest entry's hash (64 zeros while the record is empty)",
            "pattern": "^[0-9a-f]{64}$",
        }
    )


class ChangesSchema(Schema):
    entries = ma.fields.List(ma.fields.Nested(ChangeSchema), metadata={"description": "Oldest first"})
    next_cursor = ma.fields.String(
        metadata={"description": "Store it; ask again with `after` set to it. Unchanged when nothing new came."}
    )
    head = ma.fields.Nested(
        HeadSchema,
        metadata={
            "description": "The whole record's newest entry when this page was read (it may lie beyond the page): "
            "keep it, and a later copy of the record must chain up to it unchanged. Also in `X-Record-Head`."
        },
    )


HEAD_HEADER = "X-Record-Head"


def head_header(head: chain.Head) -> str:
    """`X-Record-Head`: the record's newest cursor and its hash, `<cursor> <hash>`."""
    return f"{head.position} {head.hash}"


class ChangesQueryArgsSchema(ma.Schema):
    after = ma.fields.String(
        load_default="0",
        validate=validate.Regexp(r"^\d{1,18}$", error="A cursor from this feed (digits)."),
        metadata={"description": "The last cursor you have seen; from the beginning when omitted", "examples": ["120"]},
    )
    limit = ma.fields.Integer(
        load_default=100,
        validate=validate.Range(1, 1000),
        metadata={"description": "How many entries at most (1–1000)"},
    )


@blp.route("")
class Changes(MethodView):
    @blp.etag
    @blp.arguments(ChangesQueryArgsSchema, location="query")
    @blp.response(
        200,
        ChangesSchema,
        headers={
            HEAD_HEADER: {
                "description": "The record's head as `body.head` has it: its newest cursor, a space, its hash",
                "schema": {"type": "string", "pattern": "^[0-9]+ [0-9a-f]{64}$"},
            }
        },
    )
    @documents(400)
    def get(self, args):
        """Read the change feed after a cursor

        A client that stores `next_cursor` and asks again misses nothing and sees nothing twice,
        also while publications commit concurrently: cursors are handed out in commit order. A
        cursor this feed never handed out is refused (400), so a client that lost its place
        learns it. Sends an ETag: `If-None-Match` gives 304 while nothing new came.

        Each entry carries its `hash` and `prev_hash`, links of one chain in cursor order: recompute
        each hash from the entry (README: Verify the record) and check that its `prev_hash` is the
        hash of the entry you read before it. `head` is the record's newest entry; a mirror that
        keeps it proves later that nothing before it was rewritten."""
        tick.catch_up()
        after = int(args["after"])
        if after > 0 and after > publication.last_seq():
            raise UnknownCursor(
                f"Cursor {after} was never handed out: the newest is {publication.last_seq()}. "
                "Read on from the last cursor you stored, or from the beginning without `after`."
            )
        entries = publication.changes_after(after, args["limit"])
        # Read after the entries: never behind the page, so a mirror at the page's end reads on
        # until its cursor reaches the head.
        head = publication.head()
        cursor = str(entries[-1].seq) if entries else str(after)
        return SimpleNamespace(entries=entries, next_cursor=cursor, head=head), {HEAD_HEADER: head_header(head)}

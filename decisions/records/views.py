"""HTTP views of the procedure's records, generated alike for every kind, and the timeline."""

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from core import caching, publication
from core.auth import accepts_token, current_account, requires
from core.http import IF_MATCH_WHEN_REPLACING, api_blueprint, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from decisions import services as decision_services
from decisions.records import interpretation_schemas, schemas, services
from decisions.records.diff import draft_diff
from decisions.records.services import BACKGROUND, DRAFT, FOLLOW_UP, INTERPRETATION, RESULT, REVIEW
from decisions.timeline import TimelineSchema, timeline

blp = api_blueprint(
    "records",
    __name__,
    path="/decisions",
    description="The procedure's records on a decision — background, drafts, reviews, result, interpretations, "
    "follow-ups — each created unpublished by the lead unit, then published, corrected or withdrawn; and the "
    "decision's timeline.",
)

# The lead unit's editors (requires checks the unit) and admins write the records.
_EDITORS = requires("admin", "editor")
DECISION_ID = path_parameter("decision_id", "The decision's id", 1)


def _decision(decision_id):
    return decision_services.get_decision(decision_id, viewer=current_account())


def _require_if_match(schema, record):
    """A PUT that replaces an existing record names the version it read."""
    if not request.if_match:
        abort(428)
    blp.check_etag(record, schema)


def _routes(kind, out_schema, in_schema, patch_schema, label, blp=blp, publish_schema=schemas.PublishInSchema):
    """Register the routes of one kind of record on `blp` (this module's unless given)."""
    correction_schema = schemas.correction_schema(patch_schema)
    publication.freezes(kind.model, out_schema)
    # Each record as its reader sees it (RecordSchema): the one representation, ETag and body.
    # The writes answer it with the ETag a GET sends (sends_etag), for the next If-Match.
    shown = out_schema(target=kind.target)
    shown_many = out_schema(many=True, target=kind.target)

    base = f"/<int:decision_id>/{kind.path}"
    name = kind.path.replace("-", "_")
    # The record's key in paths: a version number, or the record's id (review_id, ...).
    var = "version" if kind.key == "version" else f"{name.removesuffix('s')}_id"
    key_doc = path_parameter(var, f"The {label}'s {'version' if var == 'version' else 'id'}", 1)
    on_decision = [DECISION_ID]
    on_item = [DECISION_ID, key_doc]

    def item_of(decision_id, key):
        return services.get_record(kind, _decision(decision_id), key, viewer=current_account())

    if kind.singular:
        item_rule = f"{base}/versions/<int:{var}>"

        class Current(MethodView):
            @shows(blp, shown)
            def get(self, decision_id):
                return services.current_record(kind, _decision(decision_id), viewer=current_account())

            @blp.sends_etag
            @_EDITORS
            @blp.doc(parameters=[IF_MATCH_WHEN_REPLACING])
            @blp.arguments(in_schema)
            @blp.response(200, shown)
            @blp.alt_response(201, schema=out_schema, description="Created")
            @documents(404, 409, 412, 422, 428)
            def put(self, data, decision_id):
                decision = _decision(decision_id)
                record, created = services.put_singular(
                    kind, decision, by=current_account(), if_match=lambda r: _require_if_match(shown, r), **data
                )
                return record, 201 if created else 200

        Current.get.__doc__ = (
            f"Show the decision's {label}\n\n"
            "Its current version: the newest published one (staff also see an unpublished one)."
        )
        Current.put.__doc__ = (
            f"Write the decision's {label} (lead unit's editor, admin)\n\nCreates it (201), or replaces its "
            "unpublished version (200, needs `If-Match`). A published one is never changed in place (409): correct it."
        )
        blp.route(base, endpoint=f"{name}_current", parameters=on_decision)(Current)

        class Versions(MethodView):
            @lists(blp, shown_many, None, 404, paged=False)
            def get(self, decision_id):
                return services.list_records(kind, _decision(decision_id), viewer=current_account())

        Versions.get.__doc__ = (
            f"List every version of the decision's {label}, oldest first\n\nEach as it was published; its "
            "`status` says which is current (`published`) and which a correction superseded."
        )
        blp.route(f"{base}/versions", endpoint=f"{name}_versions", parameters=on_decision)(Versions)
        action_base, action_params = base, on_decision
    else:
        item_rule = f"{base}/<int:{var}>"

        class Collection(MethodView):
            @lists(blp, shown_many, None, 404, paged=False)
            def get(self, decision_id):
                return services.list_records(kind, _decision(decision_id), viewer=current_account())

            @writes(blp, in_schema, 201, shown, 404, 409, 422, access=_EDITORS, etag=SENT)
            def post(self, data, decision_id):
                record = services.create(kind, _decision(decision_id), by=current_account(), **data)
                return record, 201, {"Location": api_url(kind.target(record))}

        Collection.get.__doc__ = f"List the decision's {label}s\n\nThe public sees published ones only."
        Collection.post.__doc__ = f"Record a {label}, unpublished (lead unit's editor, admin)"
        blp.route(base, endpoint=f"{name}_collection", parameters=on_decision)(Collection)
        action_base, action_params = item_rule, on_item

    class Item(MethodView):
        @shows(blp, shown)
        def get(self, decision_id, **ids):
            record = item_of(decision_id, ids[var])
            if record.published_on is not None:
                caching.published_version()
            return record

    Item.get.__doc__ = f"Show one {label}" + (" version" if kind.singular else "")
    if not kind.singular:

        @writes(blp, patch_schema, 200, shown, 404, 409, 422, access=_EDITORS)
        def patch(self, changes, decision_id, **ids):
            record = item_of(decision_id, ids[var])
            blp.check_etag(record, shown)
            return services.update(kind, record, by=current_account(), **changes)

        patch.__doc__ = (
            f"Change an unpublished {label} (lead unit's editor, admin)\n\n"
            "Needs `If-Match`; a published one is never changed (409)."
        )
        Item.patch = patch
        Item.methods = {"GET", "PATCH"}
    blp.route(item_rule, endpoint=f"{name}_item", parameters=on_item)(Item)

    def record_for_action(decision_id, ids):
        key = ids.get(var)
        if kind.singular:
            return services.current_record(kind, _decision(decision_id), viewer=current_account())
        return item_of(decision_id, key)

    def action(path, use_case, in_schema, status, doc, **arguments):
        """Register POST `{action_base}/{path}`: `use_case` on the record, answered with its ETag."""

        def post(self, data, decision_id, **ids):
            record = use_case(kind, record_for_action(decision_id, ids), by=current_account(), **data)
            headers = {"Location": api_url(kind.target(record))} if status == 201 else None
            return record, status, headers

        post = writes(blp, in_schema, status, shown, 404, 409, 422, access=_EDITORS, etag=SENT, **arguments)(post)
        post.__doc__ = doc
        view = type(path.title(), (MethodView,), {"post": post})
        blp.route(f"{action_base}/{path}", endpoint=f"{name}_{path}", parameters=action_params)(view)

    action(
        "publish",
        services.publish,
        publish_schema,
        200,
        f"Publish the {label} (lead unit's editor, admin)\n\nFrozen from then on, and on the decision's timeline; "
        "`published_on` gives the real day when entered after the fact.",
        required=False,
    )
    action(
        "correction",
        services.correct,
        correction_schema,
        201,
        f"Publish a correction of the {label} (lead unit's editor, admin)\n\nA new version that supersedes the "
        "published one: both are kept and linked, and the timeline records the correction with its reason.",
    )
    action(
        "withdrawal",
        services.withdraw,
        schemas.WithdrawalInSchema,
        200,
        f"Withdraw the published {label}, with a reason (lead unit's editor, admin)\n\nIt stays readable, "
        "marked withdrawn; the timeline records the withdrawal.",
    )


_routes(BACKGROUND, schemas.BackgroundSchema, schemas.BackgroundInSchema, schemas.BackgroundPatchSchema, "background")
_routes(DRAFT, schemas.DraftSchema, schemas.DraftInSchema, schemas.DraftPatchSchema, "draft")
_routes(REVIEW, schemas.ReviewSchema, schemas.ReviewInSchema, schemas.ReviewPatchSchema, "review")
_routes(RESULT, schemas.ResultSchema, schemas.ResultInSchema, schemas.ResultPatchSchema, "result")
_routes(
    INTERPRETATION,
    interpretation_schemas.InterpretationSchema,
    interpretation_schemas.InterpretationInSchema,
    interpretation_schemas.InterpretationPatchSchema,
    "interpretation",
)
_routes(FOLLOW_UP, schemas.FollowUpSchema, schemas.FollowUpInSchema, schemas.FollowUpPatchSchema, "follow-up")


# Public participation's records (the adoption report) share the same life and routes.
register_record_routes = _routes


@blp.route(
    "/<int:decision_id>/drafts/<int:version>/diff",
    parameters=[DECISION_ID, path_parameter("version", "The draft's version", 2)],
)
class DraftDiff(MethodView):
    @accepts_token
    @blp.arguments(schemas.DiffQueryArgsSchema, location="query")
    @blp.response(200, schemas.DraftDiffSchema)
    @documents(404, 422)
    @blp.doc(operationId="show_draft_diff")
    def get(self, args, decision_id, version):
        """Show what changed between two versions of the draft, line by line

        Against the previous version unless `against` names another."""
        return draft_diff(_decision(decision_id), version, against=args.get("against"), viewer=current_account())


@blp.route("/<int:decision_id>/timeline", parameters=[DECISION_ID])
class Timeline(MethodView):
    @blp.doc(operationId="show_timeline")
    @shows(blp, TimelineSchema, access=None)
    def get(self, decision_id):
        """Show the decision's hyperlinked public timeline

        Everything published about it, in the order things happened, each entry linking to its
        record; and the obligations the procedure still owes, with their due dates. The same for
        every caller: unpublished work never appears."""
        return timeline(decision_id)

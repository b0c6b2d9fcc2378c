"""HTTP views of the yearly catalogue and its adjustments: parse, call one service, return the
objects."""

from flask.views import MethodView

from core.auth import current_account, requires
from core.http import api_blueprint, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from decisions.catalogues import services
from decisions.catalogues.schemas import (
    AdjustmentInSchema,
    AdjustmentSchema,
    CatalogueEmbedArgsSchema,
    CatalogueInSchema,
    CataloguePatchSchema,
    CatalogueQueryArgsSchema,
    CatalogueSchema,
    PublicationInSchema,
)

blp = api_blueprint(
    "catalogues",
    __name__,
    description="The yearly catalogue of major administrative decisions (重大行政决策事项目录) and its adjustments.",
)

YEAR = path_parameter("year", "The catalogue's year", 2026)
ADJUSTMENT_ID = path_parameter("adjustment_id", "The adjustment's id", 1)


@blp.route("")
class Catalogues(MethodView):
    @lists(blp, CatalogueSchema(many=True), CatalogueQueryArgsSchema)
    def get(self, args):
        """List catalogues, newest year first

        The public sees published catalogues only; staff also see drafts."""
        return services.list_catalogues(viewer=current_account(), **args)

    @writes(blp, CatalogueInSchema, 201, CatalogueSchema, 409, 422, access=requires("admin"))
    def post(self, data):
        """Open a year's catalogue, as a draft (admin)"""
        catalogue = services.create_catalogue(data.pop("year"), **data)
        view = services.catalogue_view(catalogue, viewer=current_account())
        return view, 201, {"Location": api_url(f"/catalogues/{catalogue.year}")}


@blp.route("/<int:year>", parameters=[YEAR])
class CatalogueByYear(MethodView):
    @shows(blp, CatalogueSchema, 404, 422)
    @blp.arguments(CatalogueEmbedArgsSchema, location="query")
    def get(self, args, year):
        """Show a year's catalogue with its items and adjustments

        `due_on` is 31 March of the year; `on_time` says whether it was published by then. With
        `embed=stages` each item carries its public record: a link to each stage of its procedure
        (background, drafts, consultation, reviews, meeting, result, interpretations, corrections
        and withdrawals), in one request for the whole catalogue."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer)
        return services.catalogue_view(catalogue, viewer=viewer, stages=args.get("embed") == "stages")

    @writes(blp, CataloguePatchSchema, 200, CatalogueSchema, 404, 409, 422, access=requires("admin"))
    def patch(self, changes, year):
        """Change a draft catalogue (admin)

        A published catalogue changes only through adjustments (409). Needs `If-Match`."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer)
        blp.check_etag(services.catalogue_view(catalogue, viewer=viewer), CatalogueSchema)
        return services.catalogue_view(services.update_catalogue(catalogue, **changes), viewer=viewer)


@blp.route("/<int:year>/publication", parameters=[YEAR])
class CataloguePublication(MethodView):
    @writes(
        blp,
        PublicationInSchema,
        200,
        CatalogueSchema,
        404,
        409,
        422,
        access=requires("admin"),
        etag=SENT,
        required=False,
    )
    def post(self, data, year):
        """Publish a year's catalogue (admin)

        Refused (409 `party-consent-missing`) until the Party committee's consent date is on
        record and not after the publication day. Its items become public."""
        viewer = current_account()
        catalogue = services.publish_catalogue(services.get_catalogue(year, viewer=viewer), **data)
        return services.catalogue_view(catalogue, viewer=viewer)


@blp.route("/<int:year>/adjustments", parameters=[YEAR])
class Adjustments(MethodView):
    @lists(blp, AdjustmentSchema(many=True), None, 404)
    def get(self, year):
        """List a catalogue's adjustments, oldest first"""
        return services.list_adjustments(services.get_catalogue(year, viewer=current_account()))

    @writes(blp, AdjustmentInSchema, 201, AdjustmentSchema, 404, 409, 422, access=requires("admin"), etag=SENT)
    def post(self, data, year):
        """Adjust the published catalogue (admin)

        `add` brings an entered decision into the catalogue (it becomes public), `modify`
        changes catalogue columns (`changes`), `postpone` gives a later `planned_completion`,
        `withdraw` withdraws the decision, `carry_over` carries it over to next year. Each
        needs a reason and its approval date, and is published."""
        catalogue = services.get_catalogue(year, viewer=current_account())
        adjustment = services.adjust(catalogue, **data)
        return adjustment, 201, {"Location": api_url(f"/catalogues/{year}/adjustments/{adjustment.id}")}


@blp.route("/<int:year>/adjustments/<int:adjustment_id>", parameters=[YEAR, ADJUSTMENT_ID])
class AdjustmentById(MethodView):
    @shows(blp, AdjustmentSchema)
    def get(self, year, adjustment_id):
        """Show one adjustment"""
        catalogue = services.get_catalogue(year, viewer=current_account())
        return services.get_adjustment(catalogue, adjustment_id)

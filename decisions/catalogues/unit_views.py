"""HTTP views of a unit's own catalogue (确定并发布本单位重大行政决策事项目录): a department,
a town or a street keeps one a year under /units/{code}/catalogues, with the district
catalogue's lifecycle, deadline and adjustments. Parse, call one service, return the objects."""

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
    CataloguePatchSchema,
    CatalogueQueryArgsSchema,
    CatalogueSchema,
    PublicationInSchema,
    UnitCatalogueInSchema,
)

blp = api_blueprint(
    "unit_catalogues",
    __name__,
    path="/units",
    description="Each department's, town's and street's own yearly catalogue of major decisions "
    "(本单位重大行政决策事项目录) and its adjustments: the district catalogue's rules, kept by the unit.",
)

CODE = path_parameter("code", "The unit's code", "jd-anting")
YEAR = path_parameter("year", "The catalogue's year", 2026)
ADJUSTMENT_ID = path_parameter("adjustment_id", "The adjustment's id", 1)
STAFF = requires("admin", "editor")


@blp.route("/<string:code>/catalogues", parameters=[CODE])
class UnitCatalogues(MethodView):
    @lists(blp, CatalogueSchema(many=True), CatalogueQueryArgsSchema, 404)
    def get(self, args, code):
        """List a unit's own catalogues, newest year first

        The public sees published catalogues only; staff also see drafts."""
        return services.list_catalogues(viewer=current_account(), unit=services.unit_of(code), **args)

    @writes(blp, UnitCatalogueInSchema, 201, CatalogueSchema, 404, 409, 422, access=STAFF)
    def post(self, data, code):
        """Open a year's catalogue of the unit, as a draft (admin, or editor of the unit)

        The unit issues it: another `issuer_unit` is refused (422 `catalogue-issuer-not-unit`).
        The government office keeps none of its own: its catalogue is the district's, at
        /catalogues (422 `government-unit-catalogue`)."""
        viewer = current_account()
        unit = services.unit_of(code)
        catalogue = services.create_catalogue(data.pop("year"), unit=unit, by=viewer, **data)
        view = services.catalogue_view(catalogue, viewer=viewer)
        return view, 201, {"Location": api_url(catalogue.path)}


@blp.route("/<string:code>/catalogues/<int:year>", parameters=[CODE, YEAR])
class UnitCatalogueByYear(MethodView):
    @shows(blp, CatalogueSchema, 404, 422)
    @blp.arguments(CatalogueEmbedArgsSchema, location="query")
    def get(self, args, code, year):
        """Show a unit's catalogue of a year with its items and adjustments

        As the district's: `due_on` is 31 March of the year, `on_time` says whether it was
        published by then, and `embed=stages` gives each item's links to every stage of its
        procedure."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer, unit=services.unit_of(code))
        return services.catalogue_view(catalogue, viewer=viewer, stages=args.get("embed") == "stages")

    @writes(blp, CataloguePatchSchema, 200, CatalogueSchema, 404, 409, 422, access=STAFF)
    def patch(self, changes, code, year):
        """Change a unit's draft catalogue (admin, or editor of the unit)

        A published catalogue changes only through adjustments (409). Needs `If-Match`."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer, unit=services.unit_of(code))
        blp.check_etag(services.catalogue_view(catalogue, viewer=viewer), CatalogueSchema)
        return services.catalogue_view(services.update_catalogue(catalogue, by=viewer, **changes), viewer=viewer)


@blp.route("/<string:code>/catalogues/<int:year>/publication", parameters=[CODE, YEAR])
class UnitCataloguePublication(MethodView):
    @writes(blp, PublicationInSchema, 200, CatalogueSchema, 404, 409, 422, access=STAFF, etag=SENT, required=False)
    def post(self, data, code, year):
        """Publish a unit's catalogue of a year (admin, or editor of the unit)

        Refused (409 `party-consent-missing`) until the consent of the unit's Party organisation
        is on record and not after the publication day. Its items become public, each with a
        `catalogued` entry on its timeline."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer, unit=services.unit_of(code))
        return services.catalogue_view(services.publish_catalogue(catalogue, by=viewer, **data), viewer=viewer)


@blp.route("/<string:code>/catalogues/<int:year>/adjustments", parameters=[CODE, YEAR])
class UnitAdjustments(MethodView):
    @lists(blp, AdjustmentSchema(many=True), None, 404)
    def get(self, code, year):
        """List the adjustments of a unit's catalogue, oldest first"""
        unit = services.unit_of(code)
        return services.list_adjustments(services.get_catalogue(year, viewer=current_account(), unit=unit))

    @writes(blp, AdjustmentInSchema, 201, AdjustmentSchema, 404, 409, 422, access=STAFF, etag=SENT)
    def post(self, data, code, year):
        """Adjust a unit's published catalogue (admin, or editor of the unit)

        As the district's: `add`, `modify`, `postpone`, `withdraw`, `carry_over`, each with its
        reason and approval date, published. A `modify` may not give the item another lead unit
        (422 `catalogue-item-other-unit`)."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer, unit=services.unit_of(code))
        adjustment = services.adjust(catalogue, by=viewer, **data)
        return adjustment, 201, {"Location": api_url(adjustment.path)}


@blp.route(
    "/<string:code>/catalogues/<int:year>/adjustments/<int:adjustment_id>", parameters=[CODE, YEAR, ADJUSTMENT_ID]
)
class UnitAdjustmentById(MethodView):
    @shows(blp, AdjustmentSchema)
    def get(self, code, year, adjustment_id):
        """Show one adjustment of a unit's catalogue"""
        catalogue = services.get_catalogue(year, viewer=current_account(), unit=services.unit_of(code))
        return services.get_adjustment(catalogue, adjustment_id)

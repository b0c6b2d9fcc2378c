"""HTTP views of units, catalogues, adjustments and decisions: parse, call one service, return the objects."""

from flask.views import MethodView

from core.auth import accepts_token, current_account, requires
from core.http import Blueprint, documents, path_parameter
from core.links import api_url
from core.pagination import Paged
from decisions import services
from decisions.schemas import (
    AdjustmentInSchema,
    AdjustmentSchema,
    CatalogueInSchema,
    CataloguePatchSchema,
    CatalogueQueryArgsSchema,
    CatalogueSchema,
    DecisionInSchema,
    DecisionPatchSchema,
    DecisionQueryArgsSchema,
    DecisionSchema,
    PublicationInSchema,
    UnitInSchema,
    UnitPatchSchema,
    UnitQueryArgsSchema,
    UnitSchema,
)

units = Blueprint(
    "units",
    __name__,
    url_prefix="/api/v1/units",
    description="The district's units: the government office, departments, towns and streets.",
)
catalogues = Blueprint(
    "catalogues",
    __name__,
    url_prefix="/api/v1/catalogues",
    description="The yearly catalogue of major administrative decisions (重大行政决策事项目录) and its adjustments.",
)
decisions = Blueprint(
    "decisions",
    __name__,
    url_prefix="/api/v1/decisions",
    description="Decisions (决策事项): the catalogue's items and where their procedure stands.",
)
blueprints = (units, catalogues, decisions)

UNIT_CODE = path_parameter("code", "The unit's code", "jd-fgw")
YEAR = path_parameter("year", "The catalogue's year", 2026)
ADJUSTMENT_ID = path_parameter("adjustment_id", "The adjustment's id", 1)
DECISION_ID = path_parameter("decision_id", "The decision's id", 1)


# --- Units -----------------------------------------------------------------------------------


@units.route("")
class Units(MethodView):
    @units.arguments(UnitQueryArgsSchema, location="query")
    @units.response(200, UnitSchema(many=True))
    @units.paginate(Paged)
    def get(self, args):
        """List the district's units

        Ordered by code. Open to everyone."""
        return services.list_units(**args)

    @requires("admin")
    @units.etag
    @units.arguments(UnitInSchema)
    @units.response(201, UnitSchema)
    @documents(409, 422)
    def post(self, data):
        """Add a unit (admin)"""
        unit = services.create_unit(data.pop("code"), **data)
        return unit, 201, {"Location": api_url(f"/units/{unit.code}")}


@units.route("/<string:code>", parameters=[UNIT_CODE])
class UnitByCode(MethodView):
    @units.etag
    @units.response(200, UnitSchema)
    @documents(404)
    def get(self, code):
        """Show one unit"""
        return services.get_unit(code)

    @requires("admin")
    @units.etag
    @units.arguments(UnitPatchSchema)
    @units.response(200, UnitSchema)
    @documents(404, 409, 422)
    def patch(self, changes, code):
        """Rename a unit or change its kind (admin)

        Its code never changes. Needs `If-Match`."""
        unit = services.get_unit(code)
        units.check_etag(unit, UnitSchema)
        return services.update_unit(unit, **changes)


# --- Catalogues ------------------------------------------------------------------------------


@catalogues.route("")
class Catalogues(MethodView):
    @accepts_token
    @catalogues.arguments(CatalogueQueryArgsSchema, location="query")
    @catalogues.response(200, CatalogueSchema(many=True))
    @catalogues.paginate(Paged)
    def get(self, args):
        """List catalogues, newest year first

        The public sees published catalogues only; staff also see drafts."""
        return services.list_catalogues(viewer=current_account(), **args)

    @requires("admin")
    @catalogues.etag
    @catalogues.arguments(CatalogueInSchema)
    @catalogues.response(201, CatalogueSchema)
    @documents(409, 422)
    def post(self, data):
        """Open a year's catalogue, as a draft (admin)"""
        catalogue = services.create_catalogue(data.pop("year"), **data)
        view = services.catalogue_view(catalogue, viewer=current_account())
        return view, 201, {"Location": api_url(f"/catalogues/{catalogue.year}")}


@catalogues.route("/<int:year>", parameters=[YEAR])
class CatalogueByYear(MethodView):
    @accepts_token
    @catalogues.etag
    @catalogues.response(200, CatalogueSchema)
    @documents(404)
    def get(self, year):
        """Show a year's catalogue with its items and adjustments

        `due_on` is 31 March of the year; `on_time` says whether it was published by then."""
        viewer = current_account()
        return services.catalogue_view(services.get_catalogue(year, viewer=viewer), viewer=viewer)

    @requires("admin")
    @catalogues.etag
    @catalogues.arguments(CataloguePatchSchema)
    @catalogues.response(200, CatalogueSchema)
    @documents(404, 409, 422)
    def patch(self, changes, year):
        """Change a draft catalogue (admin)

        A published catalogue changes only through adjustments (409). Needs `If-Match`."""
        viewer = current_account()
        catalogue = services.get_catalogue(year, viewer=viewer)
        catalogues.check_etag(services.catalogue_view(catalogue, viewer=viewer), CatalogueSchema)
        return services.catalogue_view(services.update_catalogue(catalogue, **changes), viewer=viewer)


@catalogues.route("/<int:year>/publication", parameters=[YEAR])
class CataloguePublication(MethodView):
    @requires("admin")
    @catalogues.arguments(PublicationInSchema, required=False)
    @catalogues.response(200, CatalogueSchema)
    @documents(404, 409, 422)
    def post(self, data, year):
        """Publish a year's catalogue (admin)

        Refused (409 `party-consent-missing`) until the Party committee's consent date is on
        record and not after the publication day. Its items become public."""
        viewer = current_account()
        catalogue = services.publish_catalogue(services.get_catalogue(year, viewer=viewer), **data)
        return catalogues.render_with_etag(CatalogueSchema, services.catalogue_view(catalogue, viewer=viewer))


@catalogues.route("/<int:year>/adjustments", parameters=[YEAR])
class Adjustments(MethodView):
    @accepts_token
    @catalogues.response(200, AdjustmentSchema(many=True))
    @catalogues.paginate(Paged)
    @documents(404)
    def get(self, year):
        """List a catalogue's adjustments, oldest first"""
        return services.list_adjustments(services.get_catalogue(year, viewer=current_account()))

    @requires("admin")
    @catalogues.arguments(AdjustmentInSchema)
    @catalogues.response(201, AdjustmentSchema)
    @documents(404, 409, 422)
    def post(self, data, year):
        """Adjust the published catalogue (admin)

        `add` brings an entered decision into the catalogue (it becomes public), `modify`
        changes catalogue columns (`changes`), `postpone` gives a later `planned_completion`,
        `withdraw` withdraws the decision, `carry_over` carries it over to next year. Each
        needs a reason and its approval date, and is published."""
        catalogue = services.get_catalogue(year, viewer=current_account())
        adjustment = services.adjust(catalogue, **data)
        return catalogues.render_with_etag(
            AdjustmentSchema,
            adjustment,
            201,
            {"Location": api_url(f"/catalogues/{year}/adjustments/{adjustment.id}")},
        )


@catalogues.route("/<int:year>/adjustments/<int:adjustment_id>", parameters=[YEAR, ADJUSTMENT_ID])
class AdjustmentById(MethodView):
    @accepts_token
    @catalogues.etag
    @catalogues.response(200, AdjustmentSchema)
    @documents(404)
    def get(self, year, adjustment_id):
        """Show one adjustment"""
        catalogue = services.get_catalogue(year, viewer=current_account())
        return services.get_adjustment(catalogue, adjustment_id)


# --- Decisions -------------------------------------------------------------------------------


@decisions.route("")
class Decisions(MethodView):
    @accepts_token
    @decisions.arguments(DecisionQueryArgsSchema, location="query")
    @decisions.response(200, DecisionSchema(many=True))
    @decisions.paginate(Paged)
    def get(self, args):
        """List decisions

        Filter by catalogue `year`, lead `unit`, `state`, `category`, `enterprise_related`,
        words in title or summary (`q`), or `updated_since` to sync. The public sees only
        decisions in a published catalogue."""
        return services.list_decisions(viewer=current_account(), **args)

    @requires("admin", "editor")
    @decisions.etag
    @decisions.arguments(DecisionInSchema)
    @decisions.response(201, DecisionSchema)
    @documents(409, 422)
    def post(self, data):
        """Enter a decision into a year's catalogue (admin, or editor of its lead unit)

        It stays unpublished until the catalogue is published, or, once it is, until an
        `add` adjustment brings it in."""
        decision = services.create_decision(data.pop("catalogue_year"), by=current_account(), **data)
        return decision, 201, {"Location": api_url(f"/decisions/{decision.id}")}


@decisions.route("/<int:decision_id>", parameters=[DECISION_ID])
class DecisionById(MethodView):
    @accepts_token
    @decisions.etag
    @decisions.response(200, DecisionSchema)
    @documents(404)
    def get(self, decision_id):
        """Show one decision"""
        return services.get_decision_row(decision_id, viewer=current_account())

    @requires("admin", "editor")
    @decisions.etag
    @decisions.arguments(DecisionPatchSchema)
    @decisions.response(200, DecisionSchema)
    @documents(404, 409, 422)
    def patch(self, changes, decision_id):
        """Change a decision (admin, or editor of its lead unit)

        Once it is in the published catalogue, its catalogue columns change only through an
        adjustment (409); `state` is never set by hand. Needs `If-Match`."""
        viewer = current_account()
        decision = services.get_decision(decision_id, viewer=viewer)
        decisions.check_etag(decision, DecisionSchema)
        return services.update_decision(decision, by=viewer, **changes)

    @requires("admin", "editor")
    @decisions.etag
    @decisions.response(204)
    @documents(404, 409)
    def delete(self, decision_id):
        """Delete a decision entered by mistake (admin, or editor of its lead unit)

        Only while it was never public. Needs `If-Match`."""
        viewer = current_account()
        decision = services.get_decision(decision_id, viewer=viewer)
        decisions.check_etag(decision, DecisionSchema)
        services.delete_decision(decision, by=viewer)
        return ""

"""HTTP views of the district's units: parse, call one service, return the objects."""

from flask.views import MethodView

from core.auth import requires
from core.http import api_blueprint, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import writes
from decisions.units import services
from decisions.units.schemas import UnitInSchema, UnitPatchSchema, UnitQueryArgsSchema, UnitSchema

blp = api_blueprint(
    "units", __name__, description="The district's units: the government office, departments, towns and streets."
)

UNIT_CODE = path_parameter("code", "The unit's code", "jd-fgw")


@blp.route("")
class Units(MethodView):
    @lists(blp, UnitSchema(many=True), UnitQueryArgsSchema, access=None)
    def get(self, args):
        """List the district's units

        Ordered by code. Open to everyone."""
        return services.list_units(**args)

    @writes(blp, UnitInSchema, 201, UnitSchema, 409, 422, access=requires("admin"))
    def post(self, data):
        """Add a unit (admin)"""
        unit = services.create_unit(data.pop("code"), **data)
        return unit, 201, {"Location": api_url(f"/units/{unit.code}")}


@blp.route("/<string:code>", parameters=[UNIT_CODE])
class UnitByCode(MethodView):
    @shows(blp, UnitSchema, access=None)
    def get(self, code):
        """Show one unit"""
        return services.get_unit(code)

    @writes(blp, UnitPatchSchema, 200, UnitSchema, 404, 409, 422, access=requires("admin"))
    def patch(self, changes, code):
        """Rename a unit or change its kind (admin)

        Its code never changes. Needs `If-Match`."""
        unit = services.get_unit(code)
        blp.check_etag(unit, UnitSchema)
        return services.update_unit(unit, **changes)

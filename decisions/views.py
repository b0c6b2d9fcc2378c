"""HTTP views of decisions: parse, call one service, return the objects; and the domain's
blueprints, units' and the catalogue's included."""

from flask.views import MethodView

from core.auth import current_account, requires
from core.http import api_blueprint, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import writes
from decisions import services
from decisions.catalogues import views as catalogue_views
from decisions.schemas import DecisionInSchema, DecisionPatchSchema, DecisionQueryArgsSchema, DecisionSchema
from decisions.units import views as unit_views

decisions = api_blueprint(
    "decisions", __name__, description="Decisions (决策事项): the catalogue's items and where their procedure stands."
)
blueprints = (unit_views.blp, catalogue_views.blp, decisions)

DECISION_ID = path_parameter("decision_id", "The decision's id", 1)


@decisions.route("")
class Decisions(MethodView):
    @lists(decisions, DecisionSchema(many=True), DecisionQueryArgsSchema)
    def get(self, args):
        """List decisions

        Filter by catalogue `year`, lead `unit`, `state`, `category`, `enterprise_related`,
        words in title or summary (`q`), or `updated_since` to sync. The public sees only
        decisions in a published catalogue."""
        return services.list_decisions(viewer=current_account(), **args)

    @decisions.doc(operationId="create_decision")
    @writes(decisions, DecisionInSchema, 201, DecisionSchema, 409, 422, access=requires("admin", "editor"))
    def post(self, data):
        """Enter a decision into a year's catalogue (admin, or editor of its lead unit)

        It stays unpublished until the catalogue is published, or, once it is, until an
        `add` adjustment brings it in."""
        decision = services.create_decision(data.pop("catalogue_year"), by=current_account(), **data)
        return decision, 201, {"Location": api_url(f"/decisions/{decision.id}")}


@decisions.route("/<int:decision_id>", parameters=[DECISION_ID])
class DecisionById(MethodView):
    @shows(decisions, DecisionSchema)
    def get(self, decision_id):
        """Show one decision"""
        return services.get_decision_row(decision_id, viewer=current_account())

    @writes(decisions, DecisionPatchSchema, 200, DecisionSchema, 404, 409, 422, access=requires("admin", "editor"))
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

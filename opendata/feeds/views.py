"""HTTP views of the Atom feeds: parse the limit, read one feed, answer it as Atom."""

from flask.views import MethodView

from core.http import api_blueprint, conditional_get, documents, path_parameter, stacked
from opendata.feeds import atom, services
from opendata.feeds.schemas import FeedQueryArgsSchema

blp = api_blueprint(
    "feeds",
    __name__,
    path="",
    description="Atom feeds to subscribe to in any reader: new catalogue items and each stage's publications, "
    "consultations opening and closing soon, one decision's timeline, one unit's decisions.",
)

_CONDITIONS, _VALIDATORS = conditional_get(
    "The feed's",
    "The feed's tag, over its entries and links",
    "When the feed last changed: its newest entry, or what was last taken back",
)


def feed(*errors: int):
    """A GET of an Atom feed: the `limit` argument, the Atom answer and its validators, 304."""
    return lambda view: stacked(
        view,
        [
            blp.arguments(FeedQueryArgsSchema, location="query"),
            blp.response(
                200,
                {"type": "string", "description": "An Atom 1.0 feed (RFC 4287), newest entry first"},
                content_type=atom.ATOM,
                description="The feed",
                headers=_VALIDATORS,
            ),
            documents(304, *errors, 422),
        ],
    )


@blp.route("/feeds/decisions.atom", parameters=_CONDITIONS)
class DecisionsFeed(MethodView):
    @blp.doc(operationId="subscribe_to_decisions")
    @feed()
    def get(self, args):
        """Subscribe to new catalogue items and every stage's publications

        Each entry is one publication of the public record (catalogued, background, draft,
        consultation announced, review, meeting, result, adoption report, interpretation,
        follow-ups, adjustments, corrections), its Chinese title as the record has it, linking
        to the API resource, its decision and the portal's page. What was withdrawn since
        leaves the feed (the change feed `/changes` keeps the withdrawal)."""
        return atom.answer(services.decisions_feed(limit=args["limit"]))


@blp.route("/feeds/consultations.atom", parameters=_CONDITIONS)
class ConsultationsFeed(MethodView):
    @blp.doc(operationId="subscribe_to_consultations")
    @feed()
    def get(self, args):
        """Subscribe to consultations announced, closing soon and ended

        A consultation closing within 7 days, today included, has an entry of its own
        (即将截止), dated the day it entered those days."""
        return atom.answer(services.consultations_feed(limit=args["limit"]))


@blp.route(
    "/decisions/<int:decision_id>/feed.atom",
    parameters=[path_parameter("decision_id", "The decision's id", 12), *_CONDITIONS],
)
class DecisionFeed(MethodView):
    @feed(404)
    def get(self, args, decision_id):
        """Subscribe to one decision's timeline

        Its public record newest first, as `/decisions/{id}/timeline` has it, less what was
        taken back (withdrawn, hidden). 404 while the decision is not public."""
        return atom.answer(services.decision_feed(decision_id, limit=args["limit"]))


@blp.route(
    "/units/<string:code>/feed.atom", parameters=[path_parameter("code", "The unit's code", "jd-fgw"), *_CONDITIONS]
)
class UnitFeed(MethodView):
    @blp.doc(operationId="subscribe_to_unit")
    @feed(404)
    def get(self, args, code):
        """Subscribe to what is published of the decisions a unit leads

        The same entries as `/feeds/decisions.atom`, for the decisions whose lead unit is
        `code` (in any case). 404 for an unknown unit."""
        return atom.answer(services.unit_feed(code, limit=args["limit"]))

"""HTTP views of webhook subscriptions (partners and admins): subscribe, read, change,
unsubscribe, the deliveries, a replay."""

from flask.views import MethodView

from core.auth import current_account, requires
from core.http import api_blueprint, documents, path_parameter
from core.links import api_url
from core.reads import lists, shows
from core.writes import SENT, writes
from opendata.webhooks import services
from opendata.webhooks.schemas import (
    DeliverySchema,
    ReplayInSchema,
    SubscriptionInSchema,
    SubscriptionPatchSchema,
    SubscriptionSchema,
    SubscriptionWithSecretSchema,
    WebhookPayloadSchema,
)

blp = api_blueprint(
    "subscriptions",
    __name__,
    description="Webhooks for partners: each public-record entry of the kinds subscribed to (of a unit, a decision) "
    "POSTed to the partner's URL as it commits, signed with its secret, retried for 24 hours, replayable from a "
    "cursor.",
)

SUBSCRIPTION_ID = path_parameter("subscription_id", "The subscription's id", 1)
PARTNERS = requires("partner", "admin")

# The POST the worker makes to a subscriber, as an OpenAPI callback of subscribing.
_HEADERS = {
    "X-Juece-Event": "The entry's type",
    "X-Juece-Delivery": "This attempt's id (deliveries list it)",
    "X-Juece-Timestamp": "Seconds since the epoch when it was signed",
    "X-Juece-Signature": "`sha256=` and the hex HMAC-SHA256, keyed with the secret, of `{timestamp}.{body}`",
}
_EXAMPLE = {
    "event_id": "120",
    "event": "draft_published",
    "subscription_id": 1,
    "entry": {
        "cursor": "120",
        "seq": 120,
        "decision_id": 7,
        "type": "draft_published",
        "occurred_on": "2026-04-02",
        "recorded_at": "2026-04-02T01:30:00Z",
        "title": "嘉定区促进民营经济高质量发展若干措施（征求意见稿）",
        "href": "https://juece.example.gov.cn/api/v1/decisions/7/drafts/1",
        "amends": None,
        "reason": None,
        "decision": "https://juece.example.gov.cn/api/v1/decisions/7",
        "target": "/decisions/7/drafts/1",
        "hash": "9f2c" + "0" * 60,
        "prev_hash": "77ab" + "0" * 60,
    },
}
CALLBACKS = {
    "event": {
        "{$request.body#/url}": {
            "post": {
                "summary": "An event, POSTed to the subscribed URL",
                "description": "Verify `X-Juece-Signature` before trusting the body (README: Webhooks). Answer 2xx "
                "within 10 seconds; anything else is retried after 1 minute, doubling up to an hour, for 24 hours.",
                "parameters": [
                    {"in": "header", "name": name, "required": True, "description": text, "schema": {"type": "string"}}
                    for name, text in _HEADERS.items()
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": WebhookPayloadSchema, "example": _EXAMPLE}},
                },
                "responses": {
                    "2XX": {"description": "Received: the next event follows"},
                    "4XX": {"description": "Refused: retried as any other failure, and shown in the deliveries"},
                },
                # The receiver trusts the signature header, not a token of ours.
                "security": [],
            }
        }
    }
}


@blp.route("")
class Subscriptions(MethodView):
    @lists(blp, SubscriptionSchema(many=True), access=PARTNERS)
    def get(self):
        """List your subscriptions (an admin: everyone's)"""
        return services.list_subscriptions(current_account())

    @blp.doc(callbacks=CALLBACKS, operationId="subscribe")
    @writes(blp, SubscriptionInSchema, 201, SubscriptionWithSecretSchema, 422, access=PARTNERS, etag=None)
    def post(self, data):
        """Subscribe a URL to kinds of public-record entries; the secret is in the answer, and only there

        Told of what is recorded from now on, in cursor order; to catch up on what came before,
        replay from a cursor. The URL must be http(s) on a public address."""
        subscription = services.subscribe(current_account(), **data)
        return subscription, 201, {"Location": api_url(f"/subscriptions/{subscription.id}")}


@blp.route("/<int:subscription_id>", parameters=[SUBSCRIPTION_ID])
class SubscriptionById(MethodView):
    @shows(blp, SubscriptionSchema, access=PARTNERS)
    def get(self, subscription_id):
        """Show a subscription: its state, cursor and last error"""
        return services.get_subscription(subscription_id, current_account())

    @writes(blp, SubscriptionPatchSchema, 200, SubscriptionSchema, 404, 422, access=PARTNERS, etag=SENT)
    def patch(self, changes, subscription_id):
        """Change a subscription's URL, events, filters or secret, or set a failing one active"""
        viewer = current_account()
        return services.update_subscription(services.get_subscription(subscription_id, viewer), viewer, **changes)

    @PARTNERS
    @blp.response(204)
    @documents(404)
    def delete(self, subscription_id):
        """Unsubscribe: nothing more is sent, and its deliveries are forgotten"""
        services.delete_subscription(services.get_subscription(subscription_id, current_account()))


@blp.route("/<int:subscription_id>/deliveries", parameters=[SUBSCRIPTION_ID])
class SubscriptionDeliveries(MethodView):
    @lists(blp, DeliverySchema(many=True), None, 404, access=PARTNERS)
    def get(self, subscription_id):
        """List the attempts to deliver to a subscription, the newest first"""
        return services.list_deliveries(services.get_subscription(subscription_id, current_account()))


@blp.route("/<int:subscription_id>/replay", parameters=[SUBSCRIPTION_ID])
class SubscriptionReplay(MethodView):
    @blp.doc(operationId="replay_subscription")
    @writes(blp, ReplayInSchema, 200, SubscriptionSchema, 400, 404, 422, access=PARTNERS, etag=SENT)
    def post(self, data, subscription_id):
        """Deliver again every entry of its kinds after a cursor, in order; a failing one becomes active"""
        subscription = services.get_subscription(subscription_id, current_account())
        return services.replay(subscription, int(data["after"]))

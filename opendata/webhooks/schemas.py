"""What the subscriptions API reads and answers, and the body a webhook POSTs."""

import marshmallow as ma
from marshmallow import validate

from core.changes import ChangeSchema
from core.http import MAX_ID
from core.links import href
from core.serialize import Computed, Links, Schema, describe
from opendata.webhooks.models import ACTIVE, STATES
from opendata.webhooks.services import EVENT_TYPES

F = ma.fields

_EVENTS = "Kinds of change-feed entries (`type` in /changes) to be told of"
_CURSOR = validate.Regexp(r"^\d{1,18}$", error="A cursor from the change feed (digits).")


class SubscriptionSchema(Schema):
    id = F.Integer(metadata=describe("The subscription's id", 1))
    owner_id = F.Integer(metadata=describe("The account that subscribed", 4))
    url = F.String(metadata=describe("Where each event is POSTed", "https://partner.example/juece/hook"))
    events = F.List(F.String(), metadata=describe(_EVENTS, ["draft_published", "result_published"]))
    unit = F.String(allow_none=True, metadata=describe("Only decisions this unit leads", "jd-fgw"))
    decision_id = F.Integer(allow_none=True, metadata=describe("Only this decision", 7))
    state = F.String(
        metadata={
            "description": "active, or failing: retried for 24 hours without a 2xx, no longer sent until set "
            "active again (PATCH) or replayed",
            "enum": list(STATES),
        }
    )
    last_error = F.String(allow_none=True, metadata=describe("What the last failed attempt met", "HTTP 500"))
    cursor = Computed(
        lambda s: str(s.cursor),
        metadata={
            "description": "The change-feed cursor it was told of up to: what comes after it is still to send",
            "type": "string",
        },
    )
    attempts = F.Integer(metadata=describe("Failed attempts in a row at the entry after the cursor", 0))
    next_attempt_at = F.DateTime(metadata={"description": "When the worker sends next, at the earliest"})
    created_at = F.DateTime(metadata={"description": "When it was made"})
    updated_at = F.DateTime(metadata={"description": "When it last changed"})
    _links = Links(
        lambda s: {
            "self": href(f"/subscriptions/{s.id}"),
            "deliveries": href(f"/subscriptions/{s.id}/deliveries"),
            "replay": href(f"/subscriptions/{s.id}/replay"),
        }
    )


class SubscriptionWithSecretSchema(SubscriptionSchema):
    secret = F.String(
        metadata=describe(
            "The key of every signature (X-Juece-Signature): shown this once, never again",
            "q3ZkR8vYw1tN6pX0bLm2sD4fH7jK9aCeUgIoWrTyEx",
        )
    )


class SubscriptionInSchema(ma.Schema):
    url = F.String(
        required=True,
        validate=validate.Length(1, 2000),
        metadata=describe(
            "An http(s) URL on a public address (not loopback, link-local or private)",
            "https://partner.example/juece/hook",
        ),
    )
    events = F.List(
        F.String(validate=validate.OneOf(EVENT_TYPES)),
        required=True,
        validate=validate.Length(1, len(EVENT_TYPES)),
        metadata=describe(_EVENTS, ["draft_published", "consultation_opened"], items={"enum": EVENT_TYPES}),
    )
    unit = F.String(validate=validate.Length(1, 40), metadata=describe("Only decisions this unit leads", "jd-fgw"))
    decision_id = F.Integer(strict=True, validate=validate.Range(1, MAX_ID), metadata=describe("Only this decision", 7))
    secret = F.String(
        validate=validate.Length(16, 200),
        metadata=describe("The signing key (16–200 characters); made for you when omitted", "a-long-random-secret"),
    )


class SubscriptionPatchSchema(ma.Schema):
    url = F.String(
        validate=validate.Length(1, 2000),
        metadata=describe("A new URL, checked as at first", "https://partner.example/h"),
    )
    events = F.List(
        F.String(validate=validate.OneOf(EVENT_TYPES)),
        validate=validate.Length(1, len(EVENT_TYPES)),
        metadata=describe(_EVENTS, ["result_published"], items={"enum": EVENT_TYPES}),
    )
    unit = F.String(allow_none=True, validate=validate.Length(1, 40), metadata=describe("null: every unit's", "jd-jyj"))
    decision_id = F.Integer(
        strict=True, allow_none=True, validate=validate.Range(1, MAX_ID), metadata=describe("null: every decision", 7)
    )
    secret = F.String(validate=validate.Length(16, 200), metadata=describe("A new signing key", "another-long-secret"))
    state = F.String(
        validate=validate.OneOf([ACTIVE]),
        metadata=describe("active: take up a failing subscription again where it stopped", ACTIVE),
    )


class ReplayInSchema(ma.Schema):
    after = F.String(
        required=True,
        data_key="from",
        validate=_CURSOR,
        metadata=describe('Deliver again every entry of its kinds after this cursor ("0": from the start)', "120"),
    )


class DeliverySchema(Schema):
    id = F.String(metadata=describe("The attempt's id, sent as X-Juece-Delivery", "5f0c8e0a9b7d4c3e8a1f2b3c4d5e6f70"))
    event_id = Computed(
        lambda d: str(d.seq), metadata={"description": "The entry's cursor: the event's id", "type": "string"}
    )
    event = F.String(attribute="type", metadata=describe("The entry's type", "draft_published"))
    attempt = F.Integer(metadata=describe("Its number among the attempts at this entry", 1))
    attempted_at = F.DateTime(metadata={"description": "When it was sent"})
    status_code = F.Integer(allow_none=True, metadata=describe("The receiver's status; null if none came", 500))
    error = F.String(allow_none=True, metadata=describe("Why it failed; null when delivered", "HTTP 500"))
    delivered = F.Boolean(metadata={"description": "Whether the receiver answered 2xx"})
    next_retry_at = F.DateTime(
        allow_none=True, metadata={"description": "When it is tried again; null when delivered or given up"}
    )


class WebhookPayloadSchema(ma.Schema):
    """The JSON body of every webhook POST."""

    event_id = F.String(metadata=describe("The entry's cursor: the same in every retry and replay", "120"))
    event = F.String(metadata=describe("The entry's type, as X-Juece-Event", "draft_published"))
    subscription_id = F.Integer(metadata=describe("The subscription it is sent for", 1))
    entry = F.Nested(ChangeSchema, metadata={"description": "The change-feed entry as /changes shows it"})

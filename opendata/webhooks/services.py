"""Subscribing, changing a subscription, replaying, and reading its deliveries.

A partner sees and changes only its own subscriptions (another's is 404, as if absent); an
admin sees every one. A new subscription starts at the public record's head: it is told of
what is recorded from now on, and a replay goes back to any cursor.
"""

import secrets

import sqlalchemy as sa

from core import publication
from core.auth import Account, Role
from core.errors import Invalid, NotFound, UnknownCursor
from core.extensions import db, stored, utcnow
from core.pagination import Listing
from core.units import unit_code
from decisions.services import get_decision
from opendata.webhooks.addresses import ensure_public
from opendata.webhooks.models import ACTIVE, Delivery, Subscription

# Every kind of entry of the change feed, each an event a partner may subscribe to.
EVENT_TYPES = sorted(value for name, value in vars(publication.EntryType).items() if not name.startswith("_"))


def _targets(fields: dict, viewer: Account) -> dict:
    """The unit's code as stored and a decision the viewer may see, or 422."""
    if fields.get("unit") is not None:
        code = unit_code(fields["unit"])
        if code is None:
            raise Invalid("unit", f"No unit has the code {fields['unit']!r}.")
        fields["unit"] = code
    if fields.get("decision_id") is not None:
        try:
            get_decision(fields["decision_id"], viewer=viewer)
        except NotFound as error:
            raise Invalid("decision_id", error.detail) from error
    return fields


def subscribe(by: Account, *, url: str, events: list[str], secret: str | None = None, **filters) -> Subscription:
    """A new subscription of `by`'s, told of what is recorded from now on. Its secret (made
    here unless given) is the caller's to keep: the answer shows it this once."""
    ensure_public(url)
    subscription = Subscription(
        owner_id=by.id,
        url=url,
        events=sorted(set(events)),
        secret=secret or secrets.token_urlsafe(32),
        cursor=publication.last_seq(),
        next_attempt_at=utcnow(),
        **_targets(filters, by),
    )
    stored(subscription)
    db.session.commit()
    return subscription


def list_subscriptions(viewer: Account) -> Listing:
    """The viewer's subscriptions (an admin's: everyone's), in the order made."""
    statement = sa.select(Subscription).order_by(Subscription.id)
    if viewer.role != Role.admin:
        statement = statement.where(Subscription.owner_id == viewer.id)
    return Listing(statement)


def get_subscription(subscription_id: int, viewer: Account) -> Subscription:
    """The subscription, if it is the viewer's or the viewer is an admin; else 404."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or (viewer.role != Role.admin and subscription.owner_id != viewer.id):
        raise NotFound(f"You have no subscription {subscription_id}.")
    return subscription


def _due_again(subscription: Subscription) -> None:
    """Active again, its next attempt now, its count of failures from zero."""
    subscription.state = ACTIVE
    subscription.attempts = 0
    subscription.failing_since = None
    subscription.next_attempt_at = utcnow()
    # A worker that holds it now loses its lease, and moves its cursor no more.
    subscription.claimed_until = subscription.claimed_by = None


def update_subscription(subscription: Subscription, viewer: Account, **changes) -> Subscription:
    """Change its URL, events, filters or secret; `state: active` takes up a failing one again
    where it stopped (its last error kept until a delivery succeeds)."""
    if "url" in changes:
        ensure_public(changes["url"])
    if "events" in changes:
        changes["events"] = sorted(set(changes["events"]))
    state = changes.pop("state", None)
    for key, value in _targets(changes, viewer).items():
        setattr(subscription, key, value)
    if state == ACTIVE:
        _due_again(subscription)
    db.session.commit()
    return subscription


def delete_subscription(subscription: Subscription) -> None:
    """Unsubscribe: the subscription and its deliveries are gone; nothing more is sent."""
    db.session.execute(sa.delete(Delivery).where(Delivery.subscription_id == subscription.id))
    db.session.delete(subscription)
    db.session.commit()


def replay(subscription: Subscription, after: int) -> Subscription:
    """Deliver again every entry of its kinds after cursor `after` (0: the whole record), in
    order, then on as before; a failing subscription becomes active."""
    newest = publication.last_seq()
    if after > newest:
        raise UnknownCursor(f"Cursor {after} was never handed out: the newest is {newest}.")
    subscription.cursor = after
    _due_again(subscription)
    db.session.commit()
    return subscription


def list_deliveries(subscription: Subscription) -> Listing:
    """Every attempt to deliver to the subscription, the newest first."""
    return Listing(
        sa.select(Delivery)
        .where(Delivery.subscription_id == subscription.id)
        .order_by(Delivery.attempted_at.desc(), Delivery.id)
    )

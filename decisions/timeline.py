"""The decision's timeline: its public record in the order things happened, and what the
procedure still owes. One indexed query on the public record, the same for every caller."""

import functools
from types import SimpleNamespace

import marshmallow as ma
import sqlalchemy as sa

from core import deadlines, publication
from core.errors import NotFound
from core.extensions import read_connection
from core.links import api_url, href
from core.obligations import Obligation
from core.serialize import Computed, Links, RecordList, Schema, describe
from decisions import visibility
from decisions.models import Decision

F = ma.fields


class TimelineEntrySchema(ma.Schema):
    seq = F.Integer(metadata=describe("Its place in the public record; also the change feed's cursor", 42))
    type = F.String(metadata=describe("What happened", "draft_published"))
    occurred_on = F.Date(metadata=describe("When it happened in the world"))
    recorded_at = F.DateTime(metadata=describe("When the service recorded it"))
    title = F.String(
        metadata=describe("What it is", "决策草案（第1版）：嘉定区促进民营经济高质量发展若干措施（征求意见稿）")
    )
    href = Computed(
        lambda e: api_url(e.target),
        metadata=describe("The record; answers 200 to anyone", type="string", format="uri"),
    )
    amends = F.Integer(
        attribute="amends_seq",
        allow_none=True,
        metadata=describe("correction / withdrawn: the seq of the entry it amends"),
    )
    reason = F.String(allow_none=True, metadata=describe("correction / withdrawn: why"))


class ObligationSchema(ma.Schema):
    type = F.String(metadata=describe("What is owed", "adoption_report"))
    due_on = F.Date(metadata=describe("The last day allowed"))
    status = F.String(
        metadata=describe(
            "pending, on_time, late or overdue", enum=["not_due", "pending", "on_time", "late", "overdue"]
        )
    )
    calendar_status = F.String(
        metadata=describe(
            "official, or provisional when a year's holidays are not known yet", enum=["official", "provisional"]
        )
    )
    fulfilled_on = F.Date(allow_none=True, metadata=describe("When it was met"))
    href = F.String(allow_none=True, metadata=describe("The record that meets it, once it exists"))


class TimelineDecisionSchema(ma.Schema):
    id = F.Integer(metadata=describe("The decision's id", 12))
    title = F.String(metadata=describe("Title"))
    catalogue_year = F.Integer(metadata=describe("Catalogue year", 2026))
    lead_unit = F.String(metadata=describe("Lead unit's code", "jd-fgw"))
    state = F.String(metadata=describe("Where its procedure stands"))
    _links = Links(lambda d: {"self": href(f"/decisions/{d.id}")})


class TimelineSchema(Schema):
    decision = F.Nested(TimelineDecisionSchema, metadata=describe("The decision"))
    entries = RecordList(TimelineEntrySchema, metadata=describe("The public record, in the order things happened"))
    obligations = RecordList(ObligationSchema, metadata=describe("What the procedure owes or owed"))
    _links = Links(
        lambda t: {
            "self": href(f"/decisions/{t.decision.id}/timeline"),
            "decision": href(f"/decisions/{t.decision.id}"),
        }
    )


@functools.cache
def _decision_and_obligations():
    """The public decision with what its procedure owes: a row per obligation, or one row
    whose obligation columns are NULL. One statement where there were two (the decision's
    row, then its obligations as ORM objects), built once; visible as the public sees it."""
    return (
        sa.select(
            Decision.id,
            Decision.title,
            Decision.catalogue_year,
            Decision.lead_unit,
            Decision.state,
            Obligation.type.label("obligation_type"),
            Obligation.due_on,
            Obligation.calendar_status,
            Obligation.fulfilled_on,
            Obligation.fulfilled_by,
        )
        .outerjoin(Obligation, Obligation.decision_id == Decision.id)
        .where(Decision.id == sa.bindparam("decision_id"), visibility.decisions_shown_to(visibility.audience(None)))
        .order_by(Obligation.due_on)
    )


def timeline(decision_id: int) -> SimpleNamespace:
    """The decision's public timeline; 404 while the decision is not public."""
    rows = read_connection().execute(_decision_and_obligations(), {"decision_id": decision_id}).all()
    if not rows:
        raise NotFound(f"No decision {decision_id} is published.")
    entries = publication.timeline_entries(decision_id)
    owed = [obligation_shown(o) for o in rows if o.obligation_type is not None]
    return SimpleNamespace(decision=rows[0], entries=entries, obligations=owed)


def obligation_shown(o) -> SimpleNamespace:
    """An obligation as ObligationSchema writes it, from a row of its columns (its type as
    `obligation_type`): the timeline's, and the deadlines export's."""
    return SimpleNamespace(
        type=o.obligation_type,
        due_on=o.due_on,
        status=deadlines.status(o.due_on, o.fulfilled_on),  # Obligation.status
        calendar_status=o.calendar_status,
        fulfilled_on=o.fulfilled_on,
        href=api_url(o.fulfilled_by) if o.fulfilled_by else None,
    )

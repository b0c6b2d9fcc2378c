"""The decision's timeline: its public record in the order things happened, and what the
procedure still owes. One indexed query on the public record, the same for every caller."""

from types import SimpleNamespace

import marshmallow as ma

from core import obligations, publication
from core.http import href
from core.serialize import Computed, Links
from decisions import services as decision_services

F = ma.fields

def _describe(text, *examples, **extra):
    meta = {"description": text, **extra}
    if examples:
        meta["examples"] = list(examples)
    return meta


class TimelineEntrySchema(ma.Schema):
    seq = F.Integer(metadata=_describe("Its place in the public record; also the change feed's cursor", 42))
    type = F.String(metadata=_describe("What happened", "draft_published"))
    occurred_on = F.Date(metadata=_describe("When it happened in the world"))
    recorded_at = F.DateTime(metadata=_describe("When the service recorded it"))
    title = F.String(
        metadata=_describe("What it is", "决策草案（第1版）：嘉定区促进民营经济高质量发展若干措施（征求意见稿）")
    )
    href = Computed(
        lambda e: href(e.target)["href"],
        metadata=_describe("The record; answers 200 to anyone", type="string", format="uri"),
    )
    amends = F.Integer(
        attribute="amends_seq",
        allow_none=True,
        metadata=_describe("correction / withdrawn: the seq of the entry it amends"),
    )
    reason = F.String(allow_none=True, metadata=_describe("correction / withdrawn: why"))


class ObligationSchema(ma.Schema):
    type = F.String(metadata=_describe("What is owed", "adoption_report"))
    due_on = F.Date(metadata=_describe("The last day allowed"))
    status = F.String(
        metadata=_describe(
            "pending, on_time, late or overdue", enum=["not_due", "pending", "on_time", "late", "overdue"]
        )
    )
    calendar_status = F.String(
        metadata=_describe(
            "official, or provisional when a year's holidays are not known yet", enum=["official", "provisional"]
        )
    )
    fulfilled_on = F.Date(allow_none=True, metadata=_describe("When it was met"))
    href = F.String(allow_none=True, metadata=_describe("The record that meets it, once it exists"))


class TimelineDecisionSchema(ma.Schema):
    id = F.Integer(metadata=_describe("The decision's id", 12))
    title = F.String(metadata=_describe("Title"))
    catalogue_year = F.Integer(metadata=_describe("Catalogue year", 2026))
    lead_unit = F.String(metadata=_describe("Lead unit's code", "jd-fgw"))
    state = F.String(metadata=_describe("Where its procedure stands"))
    _links = Links(lambda d: {"self": href(f"/decisions/{d.id}")})


class TimelineSchema(ma.Schema):
    decision = F.Nested(TimelineDecisionSchema, metadata=_describe("The decision"))
    entries = F.List(
        F.Nested(TimelineEntrySchema), metadata=_describe("The public record, in the order things happened")
    )
    obligations = F.List(F.Nested(ObligationSchema), metadata=_describe("What the procedure owes or owed"))
    _links = Links(
        lambda t: {
            "self": href(f"/decisions/{t.decision.id}/timeline"),
            "decision": href(f"/decisions/{t.decision.id}"),
        }
    )


def timeline(decision_id: int) -> SimpleNamespace:
    """The decision's public timeline; 404 while the decision is not public."""
    decision = decision_services.get_decision_row(decision_id, viewer=None)
    entries = publication.timeline_entries(decision_id)
    owed = [
        SimpleNamespace(
            type=o.type, due_on=o.due_on, status=o.status, calendar_status=o.calendar_status,
            fulfilled_on=o.fulfilled_on, href=href(o.fulfilled_by)["href"] if o.fulfilled_by else None,
        )
        for o in obligations.of_decision(decision_id)
    ]
    return SimpleNamespace(decision=decision, entries=entries, obligations=owed)

"""Use cases of the procedure's records: create, change, publish, correct, withdraw.

Every kind of record follows the same life (created unpublished by the lead unit, published
once, then only corrected or withdrawn); `Kind` says what differs: its table, how it is keyed,
the public-record entry it appends, and its own rules.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

import sqlalchemy as sa

from core import obligations, preconditions, publication
from core.auth import Account, ensure_may_edit
from core.errors import (
    DecisionNotCatalogued,
    Invalid,
    NotFound,
    NotSuspended,
    ResultNeedsApproval,
    ResultNotPublished,
)
from core.extensions import conflict_on_clash, db, stored
from core.publication import EntryType, Fact
from decisions import procedure, visibility
from decisions.meetings.models import APPROVING, AgendaItem, Meeting
from decisions.models import Catalogue, Decision, DecisionState
from decisions.records import interpretations
from decisions.records.models import (
    Background,
    Draft,
    FollowUp,
    FollowUpKind,
    Interpretation,
    LegalityResult,
    Result,
    Review,
    ReviewKind,
)


@dataclasses.dataclass(frozen=True)
class Kind:
    """How one kind of record differs from the others."""

    name: str  # in words, for messages: "background"
    model: type
    entry_type: str | Callable  # the public-record row its publication appends
    versioned: bool = False  # numbered 1, 2, ... within its decision, not by its own id
    singular: bool = False  # one current record per decision (PUT), corrected by new versions
    # Its own rules, raising named exceptions; `corrects` is the published record a correction
    # replaces, whose event happened already (a resumption needs no suspension to resume again).
    check: Callable = lambda decision, values, corrects=None: None
    before_publish: Callable = lambda record, day: None
    # What blocks publishing `record` on `day` that an admin may exempt: RuleBroken problems.
    preconditions: Callable = lambda record, day: []
    after_publish: Callable = lambda record, day: None  # what publishing (or correcting) sets off
    occurred_on: Callable = lambda record, day: day  # when it happened in the world

    @property
    def key(self) -> str:
        """What tells its records apart under one decision: a singular record is versioned."""
        return "version" if self.versioned or self.singular else "id"

    @property
    def path(self) -> str:
        """Its place under /decisions/{id}/: the name, plural unless there is one per decision."""
        path = self.name.replace(" ", "-")
        return path if self.singular else f"{path}s"

    def target(self, record) -> str:
        key = getattr(record, self.key)
        if self.singular:
            return f"/decisions/{record.decision_id}/{self.path}/versions/{key}"
        return f"/decisions/{record.decision_id}/{self.path}/{key}"

    def entry_type_of(self, record) -> str:
        return self.entry_type(record) if callable(self.entry_type) else self.entry_type


# --- Rules of each kind ----------------------------------------------------------------------


def _check_review(decision, v, corrects=None):
    kind = v["kind"]
    if v.get("started_on") and v["started_on"] > v["completed_on"]:
        raise Invalid("started_on", "A review starts on or before the day it completes.")
    if kind == ReviewKind.legality_review:
        if not v.get("result"):
            raise Invalid("result", "A legality review records its result: lawful, lawful_with_changes or unlawful.")
        if v.get("submitted_on") and v["submitted_on"] > v["completed_on"]:
            raise Invalid("submitted_on", "A draft is submitted for legality review before the review completes.")
    elif v.get("result"):
        raise Invalid("result", "Only a legality review has a result.")
    if kind == ReviewKind.risk_assessment and v.get("controllable") is None:
        raise Invalid("controllable", "A risk assessment says whether the risk is controllable.")
    if kind == ReviewKind.expert_review:
        if not v.get("experts"):
            raise Invalid("experts", "An expert review names its experts.")
        interested = [e["name"] for e in v["experts"] if not e["no_direct_interest"]]
        if interested:
            raise Invalid(
                "experts",
                f"Experts with a direct interest do not take part in the review (Art. 20): {', '.join(interested)}.",
            )


def approving_item(decision_id: int):
    """The decision's latest deliberation, if it approved: (agenda item, meeting), or None.

    A later meeting that returned, deferred or rejected it outweighs an earlier approval."""
    latest = db.session.execute(
        sa.select(AgendaItem, Meeting)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.decision_id == decision_id)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    ).first()
    return latest if latest is not None and latest[0].outcome in APPROVING else None


_DOC_YEAR = re.compile(r"[〔\[(（](\d{4})[〕\])）]")


def _check_result(decision, v, corrects=None):
    approval = approving_item(decision.id)
    if approval is None:
        raise ResultNeedsApproval(
            f"Decision {decision.id} has no approving deliberation on record: a result follows a meeting "
            "that approved it (outcome approved or approved_with_changes)."
        )
    _, meeting = approval
    if v["signed_on"] > v["issued_on"]:
        raise Invalid("signed_on", "A document is signed (成文) on or before the day it is issued (印发).")
    if v["signed_on"] < meeting.held_on:
        raise Invalid(
            "signed_on",
            f"The document is signed on {v['signed_on']}, before the meeting that approved it ({meeting.held_on}).",
        )
    v["meeting_id"] = meeting.id
    if not v.get("issuer_unit"):
        v["issuer_unit"] = db.session.get(Catalogue, (decision.catalogue_unit, decision.catalogue_year)).issuer_unit
    year = _DOC_YEAR.search(v["doc_number"])
    v["doc_year"] = int(year.group(1)) if year else v["issued_on"].year


def _result_before_publish(record, day):
    if day < record.issued_on:
        raise Invalid("published_on", f"A result is published on or after the day it is issued ({record.issued_on}).")
    meeting = db.session.get(Meeting, record.meeting_id)
    if meeting.published_on is None:
        raise ResultNeedsApproval(
            f"The meeting that approved it ({meeting.title}, {meeting.held_on}) is not published: publish its "
            "deliberation first, so the timeline shows the approval before the result."
        )


def _check_follow_up(decision, v, corrects=None):
    if not _published(Result, decision.id):
        raise ResultNotPublished(
            f"Decision {decision.id} has no published result: execution, evaluation and suspension follow it."
        )
    resuming = v.get("kind") == FollowUpKind.resumption and corrects is None
    if resuming and decision.state != DecisionState.suspended:
        raise NotSuspended(f"Decision {decision.id} is {decision.state}, not suspended.")


def _published(model, decision_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(model.id)
            .where(model.decision_id == decision_id, model.published_on.is_not(None), model.withdrawn_on.is_(None))
            .limit(1)
        )
        is not None
    )


_FOLLOW_UP_ENTRIES = {
    FollowUpKind.execution_report: EntryType.execution_reported,
    FollowUpKind.post_evaluation: EntryType.post_evaluated,
    FollowUpKind.suspension: EntryType.suspended,
    FollowUpKind.resumption: EntryType.resumed,
}


BACKGROUND = Kind("background", Background, EntryType.background_published, singular=True)
DRAFT = Kind("draft", Draft, EntryType.draft_published, versioned=True)
REVIEW = Kind(
    "review",
    Review,
    EntryType.review_completed,
    check=_check_review,
    occurred_on=lambda r, day: r.completed_on,
)


def _result_owes_adoption_report(record, day):
    # The adoption report falls due 10 working days after the document is issued.
    obligations.owe(record.decision_id, obligations.ADOPTION_REPORT, counted_from=record.issued_on)


RESULT = Kind(
    "result",
    Result,
    EntryType.result_published,
    singular=True,
    check=_check_result,
    before_publish=_result_before_publish,
    after_publish=_result_owes_adoption_report,
)
INTERPRETATION = Kind("interpretation", Interpretation, EntryType.interpretation_published, check=interpretations.check)
FOLLOW_UP = Kind(
    "follow-up",
    FollowUp,
    lambda r: _FOLLOW_UP_ENTRIES[r.kind],
    check=_check_follow_up,
    occurred_on=lambda r, day: r.occurred_on,
)

KINDS = (BACKGROUND, DRAFT, REVIEW, RESULT, INTERPRETATION, FOLLOW_UP)


# --- Reading ---------------------------------------------------------------------------------


def list_records(record_kind: Kind, decision: Decision, *, viewer: Account | None):
    model = record_kind.model
    shown = visibility.records_shown(viewer, model.published_on, lead_unit=decision.lead_unit)
    return db.session.scalars(
        sa.select(model).where(model.decision_id == decision.id, shown).order_by(getattr(model, record_kind.key))
    ).all()


def get_record(record_kind: Kind, decision: Decision, key: int, *, viewer: Account | None):
    model = record_kind.model
    shown = visibility.records_shown(viewer, model.published_on, lead_unit=decision.lead_unit)
    record = db.session.scalar(
        sa.select(model).where(
            model.decision_id == decision.id,
            getattr(model, record_kind.key) == key,
            shown,
        )
    )
    if record is None:
        raise NotFound(f"Decision {decision.id} has no published {record_kind.name} {key}.")
    return record


def current_record(record_kind: Kind, decision: Decision, *, viewer: Account | None):
    """A singular record's current version: the newest one `viewer` may see."""
    model = record_kind.model
    shown = visibility.records_shown(viewer, model.published_on, lead_unit=decision.lead_unit)
    record = db.session.scalar(
        sa.select(model).where(model.decision_id == decision.id, shown).order_by(model.version.desc()).limit(1)
    )
    if record is None:
        raise NotFound(f"Decision {decision.id} has no published {record_kind.name}.")
    return record


# --- Writing ---------------------------------------------------------------------------------


def _ensure_may_write(decision: Decision, by: Account) -> None:
    ensure_may_edit(by, decision.lead_unit)
    if decision.state == DecisionState.withdrawn:
        from core.errors import DecisionWithdrawn

        raise DecisionWithdrawn(f"Decision {decision.id} was withdrawn: it takes no new records.")


def _next_version(record_kind: Kind, decision_id: int) -> int:
    model = record_kind.model
    last = db.session.scalar(sa.select(sa.func.max(model.version)).where(model.decision_id == decision_id))
    return (last or 0) + 1


def _clash_is_conflict(record_kind: Kind):
    """409 for a write that breaks a unique rule of its kind (a document number, say)."""
    return conflict_on_clash(f"That {record_kind.name} clashes with one on record (a document number, say).")


def _column_default(model, field: str):
    """What a field holds when a replacement omits it: its column's default, else None."""
    default = model.__table__.c[field].default
    return default.arg if default is not None and default.is_scalar else None


def create(record_kind: Kind, decision: Decision, *, by: Account, **values):
    """Record a new, unpublished record on the decision."""
    _ensure_may_write(decision, by)
    record_kind.check(decision, values)
    record = record_kind.model(decision_id=decision.id, **values)
    if record_kind.key == "version":
        record.version = _next_version(record_kind, decision.id)
    with _clash_is_conflict(record_kind):
        stored(record)
        procedure.refresh_state(decision)
        db.session.commit()
    return record


def put_singular(record_kind: Kind, decision: Decision, *, by: Account, if_match=None, **values):
    """Create the singular record, or replace its unpublished current version.

    Returns (record, created)."""
    _ensure_may_write(decision, by)
    model = record_kind.model
    current = db.session.scalar(
        sa.select(model).where(model.decision_id == decision.id).order_by(model.version.desc()).limit(1)
    )
    if current is None:
        return create(record_kind, decision, by=by, **values), True
    publication.ensure_unpublished(current, record_kind.name)
    if if_match is not None:
        if_match(current)
    record_kind.check(decision, values)
    for field in record_kind.model.content:
        setattr(current, field, values.get(field, _column_default(model, field)))
    for field in ("meeting_id", "doc_year"):
        if field in values:
            setattr(current, field, values[field])
    with _clash_is_conflict(record_kind):
        db.session.commit()
    return current, False


def update(record_kind: Kind, record, *, by: Account, **changes):
    """Change an unpublished record."""
    decision = db.session.get(Decision, record.decision_id)
    _ensure_may_write(decision, by)
    publication.ensure_unpublished(record, record_kind.name)
    values = {field: getattr(record, field) for field in record_kind.model.content} | changes
    record_kind.check(decision, values)
    for field, value in values.items():
        setattr(record, field, value)
    with _clash_is_conflict(record_kind):
        db.session.commit()
    return record


def publish(record_kind: Kind, record, *, by: Account, published_on: dt.date | None = None, exemptions=()):
    """Publish a record: frozen from now on, and on the decision's timeline (`exemptions`: an admin's)."""
    decision = db.session.get(Decision, record.decision_id)
    _ensure_may_write(decision, by)
    if decision.catalogued_on is None:
        raise DecisionNotCatalogued(
            f"Decision {decision.id} is not in the published catalogue yet, so nothing of it can be "
            "public: publish the catalogue, or add the decision to it by an adjustment."
        )
    publication.ensure_unpublished(record, record_kind.name)
    day = publication.publication_day(published_on)
    record_kind.before_publish(record, day)
    preconditions.enforce(record, record_kind.preconditions(record, day), exemptions, by=by)
    publication.publish(
        record,
        Fact(
            decision.id,
            record_kind.entry_type_of(record),
            record.entry_title(decision),
            record_kind.target(record),
            occurred_on=record_kind.occurred_on(record, day),
        ),
        published_on=day,
    )
    record_kind.after_publish(record, day)
    procedure.refresh_state(decision)
    db.session.commit()
    return record


def correct(record_kind: Kind, record, *, by: Account, reason: str, published_on=None, **changes):
    """Publish a correction of a published record: a new version that supersedes it."""
    decision = db.session.get(Decision, record.decision_id)
    _ensure_may_write(decision, by)
    values = {field: getattr(record, field) for field in record_kind.model.content} | changes
    record_kind.check(decision, values, corrects=record)
    new = record_kind.model(decision_id=decision.id, **values)
    if record_kind.key == "version":
        new.version = _next_version(record_kind, decision.id)
    _corrected_meets_preconditions(record_kind, record, new, publication.publication_day(published_on))
    with _clash_is_conflict(record_kind):
        publication.correct(
            record,
            new,
            decision_id=decision.id,
            title=new.entry_title(decision),
            target=record_kind.target,
            reason=reason,
            published_on=published_on,
        )
        record_kind.after_publish(new, new.published_on)
        procedure.refresh_state(decision)
        db.session.commit()
    return new


def _corrected_meets_preconditions(record_kind: Kind, old, new, day) -> None:
    """A correction publishes anew: what would block publishing it blocks it, but for the rules
    the version it corrects was exempted from (the exemptions carry over)."""
    exempted = getattr(old, "exemptions", None) or []
    waived = {exemption["rule"] for exemption in exempted}
    blocking = [rule for rule in record_kind.preconditions(new, day) if rule.slug not in waived]
    if blocking:
        raise blocking[0]
    if exempted:
        new.exemptions = exempted


def withdraw(record_kind: Kind, record, *, by: Account, reason: str, withdrawn_on=None):
    """Withdraw a published record, with its reason; it stays readable, marked withdrawn."""
    decision = db.session.get(Decision, record.decision_id)
    ensure_may_edit(by, decision.lead_unit)
    publication.withdraw(
        record,
        decision_id=decision.id,
        title=record.entry_title(decision),
        target=record_kind.target(record),
        reason=reason,
        withdrawn_on=withdrawn_on,
    )
    procedure.refresh_state(decision)
    db.session.commit()
    return record


def legality_passed(decision_id: int, *, by: dt.date):
    """The latest legality review completed by `by`, if it found the draft lawful."""
    review = db.session.scalar(
        sa.select(Review)
        .where(
            Review.decision_id == decision_id,
            Review.kind == ReviewKind.legality_review,
            Review.completed_on <= by,
            Review.withdrawn_on.is_(None),
            Review.superseded_by_id.is_(None),
        )
        .order_by(Review.completed_on.desc(), Review.id.desc())
        .limit(1)
    )
    return review is not None and review.result in (LegalityResult.lawful, LegalityResult.lawful_with_changes)

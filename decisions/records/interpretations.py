"""The interpretation duty (政策解读, section 二(一) of the seed): what an interpretation must
carry, and which of a year's policy documents owe one, were interpreted, and in which forms.

Which documents owe one: a decision's result unless its unit says it is not a policy document
for enterprises and citizens (`interpretation_required`, true by default: the model knows no
separate notion of a normative document, and a major decision's result is one), and a
published draft the unit marks so (false by default). Superseded and withdrawn versions owe
nothing; a correction carries the duty on.

Which interpretation interprets which document: the latest of its decision's documents that
was published on or before the interpretation was (so an interpretation of the consultation
draft does not count for the result issued later).
"""

import dataclasses
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from core.errors import FollowedInterpretationUnknown, FollowedInterpretationUnpublished, TextAlternativeMissing
from core.extensions import db
from decisions.models import Decision
from decisions.records.models import Draft, Interpretation, InterpretationForm, Result

# The share of a unit's interpreted documents, in a year, that have at least one
# interpretation in a form other than text (多元化解读率): the seed asks for 60 % or more.
MULTI_FORM_THRESHOLD = 0.6
NON_TEXT_FORMS = frozenset(form for form in InterpretationForm if form != InterpretationForm.text)


def check(decision, values, corrects=None):
    """An interpretation's own rules: a text alternative for every form but text, and a
    follow-up follows a published interpretation of the same decision."""
    form = values.get("form")
    if form in NON_TEXT_FORMS and not (values.get("text_alternative") or "").strip():
        raise TextAlternativeMissing(
            "text_alternative",
            f"An interpretation in the form {form} gives its content in words too (`text_alternative`), "
            "for those who cannot see or hear it.",
        )
    follows_id = values.get("follows_id")
    # A correction keeps what its version followed, whatever became of that one since.
    if follows_id is None or (corrects is not None and corrects.follows_id == follows_id):
        return
    followed = db.session.get(Interpretation, follows_id)
    if followed is None or followed.decision_id != decision.id:
        raise FollowedInterpretationUnknown(
            "follows_id", f"Decision {decision.id} has no interpretation {follows_id} to follow."
        )
    if followed.withdrawn_on is not None or followed.superseded_by_id is not None:
        state = "withdrawn" if followed.withdrawn_on is not None else f"corrected by {followed.superseded_by_id}"
        raise FollowedInterpretationUnpublished(
            f"Interpretation {follows_id} was {state}: a follow-up follows one the public reads as it stands."
        )
    if followed.published_on is None:
        raise FollowedInterpretationUnpublished(
            f"Interpretation {follows_id} is not published: publish it before the one that follows it."
        )


@dataclasses.dataclass
class Document:
    """A policy document that owes an interpretation, and the interpretations that interpret it."""

    unit: str
    decision_id: int
    path: str
    published_on: dt.date
    interpretations: list = dataclasses.field(default_factory=list)  # [(path, form)]

    @property
    def interpreted(self) -> bool:
        return bool(self.interpretations)

    @property
    def multi_form(self) -> bool:
        return any(form in NON_TEXT_FORMS for _, form in self.interpretations)


def _standing(model):
    return (model.published_on.is_not(None), model.withdrawn_on.is_(None), model.superseded_by_id.is_(None))


def documents(year: int, *, unit: str | None = None) -> list[Document]:
    """The documents of the year's decisions (of `unit`'s) that owe an interpretation, each with
    the standing interpretations that interpret it: three queries, whatever the year holds."""
    scope = [Decision.catalogue_year == year, *([Decision.lead_unit == unit] if unit else [])]
    # A result owes its interpretation from the day its document was first published.
    first_published = (
        sa.select(Result.decision_id, sa.func.min(Result.published_on).label("on"))
        .where(Result.published_on.is_not(None))
        .group_by(Result.decision_id)
        .subquery()
    )
    found = [
        Document(code, decision_id, f"/decisions/{decision_id}/result/versions/{version}", on)
        for decision_id, version, code, on in db.session.execute(
            sa.select(Result.decision_id, Result.version, Decision.lead_unit, first_published.c.on)
            .join(Decision, Decision.id == Result.decision_id)
            .join(first_published, first_published.c.decision_id == Result.decision_id)
            .where(Result.interpretation_required.is_(True), *_standing(Result), *scope)
        )
    ]
    found += [
        Document(code, decision_id, f"/decisions/{decision_id}/drafts/{version}", on)
        for decision_id, version, code, on in db.session.execute(
            sa.select(Draft.decision_id, Draft.version, Decision.lead_unit, Draft.published_on)
            .join(Decision, Decision.id == Draft.decision_id)
            .where(Draft.interpretation_required.is_(True), *_standing(Draft), *scope)
        )
    ]
    by_decision = defaultdict(list)
    # Oldest first, a result after a draft of the same day: the result is the later document.
    for document in sorted(found, key=lambda d: (d.published_on, "/result/" in d.path)):
        by_decision[document.decision_id].append(document)
    for interpretation_id, decision_id, published_on, form in db.session.execute(
        sa.select(Interpretation.id, Interpretation.decision_id, Interpretation.published_on, Interpretation.form)
        .join(Decision, Decision.id == Interpretation.decision_id)
        .where(*_standing(Interpretation), *scope)
        .order_by(Interpretation.id)
    ):
        interpreted = [d for d in by_decision.get(decision_id, ()) if d.published_on <= published_on]
        if interpreted:
            path = f"/decisions/{decision_id}/interpretations/{interpretation_id}"
            interpreted[-1].interpretations.append((path, form))
    return sorted(found, key=lambda d: (d.decision_id, d.published_on, d.path))

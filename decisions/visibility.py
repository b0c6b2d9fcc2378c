"""What the public may see of each record, and what staff see besides: each rule once, called
from every read it applies to.

A rule comes as a plain predicate (`…_shown`, for a record or a row already read) and, where
queries need it, as an SQL condition (`…s_shown`). Consultation's records (consultations,
comments, questions) are given as their columns and stored values, so that consultation
calls these rules and decisions never imports consultation.
"""

import functools

import sqlalchemy as sa

from core.auth import Account, Role, is_staff, staff_of
from decisions.meetings.models import Meeting
from decisions.models import Catalogue, Decision

# The stored values in which consultation's records are public; its enums (ModerationState,
# InquiryState) hold the same values (tests/decisions/test_visibility.py).
COMMENT_PUBLISHED = "published"
PUBLIC_QUESTION_STATES = ("published", "answered")


def audience(viewer: Account | None) -> str:
    """Whose view a statement built once serves: admin (and the evaluator, who reads what
    every unit's staff read), editor (of the unit bound as `viewer_unit`, see
    `audience_params`) or public."""
    if viewer is not None and viewer.role in (Role.admin, Role.editor):
        return viewer.role
    if viewer is not None and viewer.role == Role.evaluator:
        return Role.admin
    return "public"


def audience_params(viewer: Account | None) -> dict:
    """The bound parameters that a statement built for `audience(viewer)` takes."""
    return {"viewer_unit": viewer.unit} if audience(viewer) == Role.editor else {}


def _public_or_held(public, unit_column, audience: str, unit):
    """`public`, or every row of `unit_column` for that unit's editors, or everything for admins."""
    if audience == Role.admin:
        return sa.true()
    if audience == Role.editor:
        return sa.or_(public, unit_column == unit)
    return public


# --- Decisions, the catalogue's items ----------------------------------------------------------


def decision_public(catalogued_on) -> bool:
    """The public sees a decision once it is in the published catalogue (and so the questions
    asked on its page)."""
    return catalogued_on is not None


def decision_shown(viewer: Account | None, *, catalogued_on, lead_unit: str) -> bool:
    """`decision_public`, and its lead unit's staff see it before that."""
    return decision_public(catalogued_on) or staff_of(viewer, lead_unit)


_DECISION_PUBLIC = Decision.catalogued_on.is_not(None)  # decision_public, in SQL


def decisions_shown(viewer: Account | None):
    """`decision_shown` as a condition on `decisions`."""
    return _public_or_held(_DECISION_PUBLIC, Decision.lead_unit, audience(viewer), viewer and viewer.unit)


@functools.cache
def decisions_shown_to(audience: str):
    """`decisions_shown` for statements built once: an editor's unit is the parameter
    `viewer_unit` (`audience_params`)."""
    return _public_or_held(_DECISION_PUBLIC, Decision.lead_unit, audience, sa.bindparam("viewer_unit"))


# --- Catalogues and meetings -------------------------------------------------------------------


def catalogue_shown(viewer: Account | None, *, published_on) -> bool:
    """The public sees a year's catalogue once it is published; staff of every unit see the draft."""
    return published_on is not None or is_staff(viewer)


def catalogues_shown(viewer: Account | None):
    """`catalogue_shown` as a condition on `catalogues`."""
    return sa.true() if is_staff(viewer) else Catalogue.published_on.is_not(None)


def meeting_shown(viewer: Account | None, *, published_on) -> bool:
    """The public sees a meeting once its deliberation is published; staff of every unit see
    it before that (a meeting deliberates several units' decisions)."""
    return catalogue_shown(viewer, published_on=published_on)


def meetings_shown(viewer: Account | None):
    """`meeting_shown` as a condition on `meetings`."""
    return sa.true() if is_staff(viewer) else Meeting.published_on.is_not(None)


# --- A decision's stage records and consultations ----------------------------------------------


def records_shown(viewer: Account | None, published_on, *, lead_unit: str):
    """A condition on a decision's stage records (background, drafts, reviews, results,
    interpretations, follow-ups) or consultations, given their `published_on` column: the
    public sees the published ones; the decision's lead unit's staff their drafts too."""
    return sa.true() if staff_of(viewer, lead_unit) else published_on.is_not(None)


def consultations_public(published_on):
    """`consultation_shown` to the public, as a condition over many consultations, given their
    `published_on` column, with `decisions` joined (the open-data exports)."""
    return sa.and_(published_on.is_not(None), _DECISION_PUBLIC)


def consultation_shown(viewer: Account | None, *, published_on, catalogued_on, lead_unit: str) -> bool:
    """The public sees a published consultation of a catalogued decision; its lead unit's
    staff see it before that too."""
    if published_on is not None and decision_public(catalogued_on):
        return True
    return staff_of(viewer, lead_unit)


# --- Comments ----------------------------------------------------------------------------------


def comment_public(*, comments_public: bool, moderation: str) -> bool:
    """A comment is public once published, in a consultation whose comments are shown to all."""
    return comments_public and moderation == COMMENT_PUBLISHED


def comments_public(moderation, comments_public):
    """`comment_public` as a condition over many consultations' comments, given the comments'
    `moderation` and the consultations' `comments_public` columns (the open-data exports)."""
    return sa.and_(comments_public.is_(True), moderation == COMMENT_PUBLISHED)


def comments_shown(viewer: Account | None, moderation, *, comments_public: bool, lead_unit: str):
    """`comment_public` as a condition on a consultation's comments, given their `moderation`
    column: the lead unit's staff read every comment."""
    if staff_of(viewer, lead_unit):
        return sa.true()
    if not comments_public:
        return sa.false()
    return moderation == COMMENT_PUBLISHED


# --- Questions from the public -----------------------------------------------------------------


def question_shown(viewer: Account | None, *, state: str, unit: str | None) -> bool:
    """The public reads published and answered questions; the holding unit's staff (and
    admins) every one it holds."""
    return state in PUBLIC_QUESTION_STATES or staff_of(viewer, unit)


def questions_shown(viewer: Account | None, state, unit):
    """`question_shown` as a condition, given the questions' `state` and `unit` columns."""
    return _public_or_held(state.in_(PUBLIC_QUESTION_STATES), unit, audience(viewer), viewer and viewer.unit)

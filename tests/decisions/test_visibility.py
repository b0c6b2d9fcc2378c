"""decisions.visibility names consultation's public states by their stored values, since
decisions does not import consultation: they are the values of consultation's enums."""

from consultation.comments.models import ModerationState
from consultation.inquiries.models import InquiryState
from decisions import visibility


def test_a_published_comment_is_the_moderation_state_of_that_name():
    assert visibility.COMMENT_PUBLISHED == ModerationState.published


def test_public_questions_are_the_published_and_answered_states():
    assert visibility.PUBLIC_QUESTION_STATES == (InquiryState.published, InquiryState.answered)

"""A decision as a resident meets it in the portal: in this year's published catalogue, its
background published then corrected with a reason, its draft published, a consultation open
today."""

import pytest

from consultation.consultations.models import Consultation
from core import calendar
from core.extensions import db
from decisions.models import Decision
from decisions.records import services as records
from tests import factories


@pytest.fixture
def district(app, tokens):
    """(decision id, consultation id): committed, for servers that read with their own connections."""
    consultation_id = factories.consultation_open_today()
    decision = db.session.get(Decision, db.session.get(Consultation, consultation_id).decision_id)
    background = factories.background(decision, published_on=calendar.today())
    records.correct(records.BACKGROUND, background, by=factories.admin(), reason="更正错字", necessity="必要性（更正）")
    db.session.commit()
    ids = decision.id, consultation_id
    db.session.remove()
    return ids

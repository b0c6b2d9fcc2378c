"""Fixtures of the public-participation tests: a settable today, and a decision out for comment."""

import datetime as dt

import pytest

from core import calendar
from tests import factories


@pytest.fixture
def today(monkeypatch):
    """`core.calendar.today()` as the test sets it: `today["value"] = date`; inside the usual window."""
    day = {"value": dt.date(2026, 4, 10)}
    monkeypatch.setattr(calendar, "today", lambda: day["value"])
    return day


@pytest.fixture
def consulted(app, units, tokens, today):
    """A catalogued decision of jd-fgw with a published draft and an open online consultation
    (2026-04-03 to 2026-05-02, comments public): (decision, consultation)."""
    return factories.consulted_decision()

"""Compliance (for the district office's yearly assessment): for each unit and for the district,
which deadlines and duties of the procedure were kept. A fixed number of queries for the whole
year, whatever the number of units; every figure carries the records behind it."""

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from consultation.compliance import activities, interpretations
from consultation.consultations.models import MIN_WINDOW_DAYS, Consultation, Method
from consultation.inquiries.models import Inquiry
from consultation.rules import enterprises_heard_at
from core import calendar, deadlines, obligations
from core.extensions import db
from core.units import unit_code
from decisions.meetings.models import INVITED_MEETINGS_PER_YEAR, STAKEHOLDERS, AgendaItem, Attendee, Meeting
from decisions.models import DISTRICT, Catalogue, Decision, Unit

STATUSES = ("on_time", "late", "overdue", "pending")
# A question declined by its due day is settled in time, but it was not answered: counted
# apart, so that "answered on time" stays what it says. A decline after the due day is late.
INQUIRY_OUTCOMES = (*STATUSES, "declined")


def _blank():
    return {
        "consultations": {"total": 0, "compliant": 0, "non_compliant": 0, "records": defaultdict(list)},
        "adoption_reports": {**dict.fromkeys(STATUSES, 0), "records": defaultdict(list)},
        "inquiries": {**dict.fromkeys(INQUIRY_OUTCOMES, 0), "records": defaultdict(list)},
        "invited_meetings": {
            "count": 0,
            "required": INVITED_MEETINGS_PER_YEAR,
            "met": False,
            # Of `count`, the unit's own meetings; the topics they deliberated, and how many of
            # those came from the unit's own catalogue (the district asks for topics from it).
            "own_meetings": 0,
            "own_meetings_topics": 0,
            "topics_from_own_catalogue": 0,
            "records": defaultdict(list),
        },
        "enterprise_hearing": {"deliberated": 0, "heard": 0, "not_heard": 0, "records": defaultdict(list)},
        "interpretations": interpretations.blank(),
        "activities": activities.blank(),
    }


def compliance(year: int, *, unit: str | None = None) -> dict:
    """The year's compliance figures per unit and for the district, and where they are read
    (as JSON and as CSV), the unit named as it was asked."""
    query = f"/compliance?year={year}" + (f"&unit={unit}" if unit else "")
    if unit:  # the unit's code as stored, given in whatever case
        unit = unit_code(unit) or unit
    unit_filter = [Decision.lead_unit == unit] if unit else []
    units = db.session.execute(
        sa.select(Unit.code, Unit.name).where(*([Unit.code == unit] if unit else [])).order_by(Unit.code)
    ).all()
    figures = {code: _blank() for code, _ in units}
    district = _blank()

    def count(code, section, key, path, amount=1):
        for target in (figures.get(code), district):
            if target is None:
                continue
            target[section][key] = target[section].get(key, 0) + amount
            if path:
                target[section]["records"][key].append(path)

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    # Consultations on the year's decisions: a window of 30 days or more, or a stated reason.
    for cid, code, opens_on, closes_on, method, reason in db.session.execute(
        sa.select(
            Consultation.id,
            Decision.lead_unit,
            Consultation.opens_on,
            Consultation.closes_on,
            Consultation.method,
            Consultation.shortened_reason,
        )
        .join(Decision, Decision.id == Consultation.decision_id)
        .where(Decision.catalogue_year == year, Consultation.published_on.is_not(None), *unit_filter)
    ):
        days = (closes_on - opens_on).days + 1
        ok = method != Method.online or days >= MIN_WINDOW_DAYS or bool(reason)
        count(code, "consultations", "total", None)
        count(code, "consultations", "compliant" if ok else "non_compliant", f"/consultations/{cid}")

    # Adoption reports owed by the year's decisions.
    for decision_id, code, due_on, fulfilled_on in db.session.execute(
        sa.select(
            obligations.Obligation.decision_id,
            Decision.lead_unit,
            obligations.Obligation.due_on,
            obligations.Obligation.fulfilled_on,
        )
        .join(Decision, Decision.id == obligations.Obligation.decision_id)
        .where(
            obligations.Obligation.type == obligations.ADOPTION_REPORT, Decision.catalogue_year == year, *unit_filter
        )
    ):
        status = deadlines.status(due_on, fulfilled_on)
        count(code, "adoption_reports", status, f"/decisions/{decision_id}/timeline")

    # Questions received in the year, answered on time or not, or declined; each counts for
    # the unit holding it now (a transfer keeps the deadline, so the one answering owns it),
    # a general one not yet assigned for the district only.
    for inquiry_id, code, due_on, answered_on, declined_on in db.session.execute(
        sa.select(Inquiry.id, Inquiry.unit, Inquiry.reply_due_on, Inquiry.answered_on, Inquiry.declined_on).where(
            Inquiry.received_on.between(first, last), *([Inquiry.unit == unit] if unit else [])
        )
    ):
        status = deadlines.status(due_on, answered_on or declined_on)
        outcome = "declined" if declined_on is not None and status == "on_time" else status
        count(code, "inquiries", outcome, f"/inquiries/{inquiry_id}")

    # Published meetings of the year with invited stakeholders, for each unit whose decision
    # they deliberated: the district government's, and the unit's own (whose agenda holds only
    # the unit's decisions), one row per topic. A meeting counts once per unit.
    with_stakeholders = sa.select(Attendee.meeting_id).where(Attendee.category.in_(STAKEHOLDERS))
    seen = defaultdict(set)
    for meeting_id, held_by, code, catalogue_unit in db.session.execute(
        sa.select(Meeting.id, Meeting.unit, Decision.lead_unit, Decision.catalogue_unit)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .join(Decision, Decision.id == AgendaItem.decision_id)
        .where(
            Meeting.published_on.is_not(None),
            Meeting.held_on.between(first, last),
            Meeting.id.in_(with_stakeholders),
            *unit_filter,
        )
        .order_by(Meeting.id)
    ):
        path = f"/meetings/{meeting_id}"
        for key, target in ((code, figures.get(code)), (None, district)):
            if target is None:
                continue
            invited = target["invited_meetings"]
            if held_by is not None and held_by == code:
                invited["own_meetings_topics"] += 1
                invited["topics_from_own_catalogue"] += catalogue_unit == held_by
            if meeting_id in seen[key]:
                continue
            seen[key].add(meeting_id)
            invited["count"] += 1
            invited["records"]["meetings"].append(path)
            if held_by is not None:
                invited["own_meetings"] += 1
                invited["records"]["own_meetings"].append(path)

    # Enterprise-related decisions deliberated in the year: heard before the meeting? The rule
    # is `enterprises_heard`'s, asked of the whole year at once (once per decision, it took
    # seconds on a district of fifty units).
    deliberated = db.session.execute(
        sa.select(Decision.id, Decision.lead_unit, Meeting.held_on)
        .join(AgendaItem, AgendaItem.decision_id == Decision.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Decision.enterprise_related.is_(True),
            Meeting.published_on.is_not(None),
            Meeting.held_on.between(first, last),
            *unit_filter,
        )
    ).all()
    heard_before = enterprises_heard_at((decision_id, held_on) for decision_id, _, held_on in deliberated)
    for decision_id, code, held_on in deliberated:
        heard = (decision_id, held_on) in heard_before
        count(code, "enterprise_hearing", "deliberated", None)
        count(code, "enterprise_hearing", "heard" if heard else "not_heard", f"/decisions/{decision_id}/timeline")

    interpretations.add(year, unit=unit, figures=figures, district=district)
    activities.add(year, unit=unit, figures=figures, district=district)

    for target in (*figures.values(), district):
        meetings = target["invited_meetings"]
        meetings["met"] = meetings["count"] >= INVITED_MEETINGS_PER_YEAR
    district["invited_meetings"]["required"] = None  # the rule is per unit
    district["invited_meetings"]["met"] = None

    # The district's catalogue, and each unit's own of the year (one query for all): published
    # by 31 March? A unit without one has null.
    catalogues = {
        c.unit: _catalogue_figure(c)
        for c in db.session.scalars(
            sa.select(Catalogue).where(
                Catalogue.year == year, Catalogue.unit.in_([DISTRICT, *figures]) if unit else sa.true()
            )
        )
    }
    return {
        "year": year,
        "catalogue": catalogues.get(DISTRICT),
        "units": [
            {"unit": code, "name": name, "own_catalogue": catalogues.get(code), **figures[code]} for code, name in units
        ],
        "district": district,
        "_links": {"self": {"path": query}, "csv": {"path": f"{query}&format=csv"}},
    }


def _catalogue_figure(catalogue: Catalogue) -> dict:
    return {
        "year": catalogue.year,
        "published_on": catalogue.published_on,
        "due_on": catalogue.due_on,
        "on_time": catalogue.on_time(calendar.today()),
        "path": catalogue.path,
    }


CSV_COLUMNS = (
    "unit",
    "name",
    "consultations_total",
    "consultations_compliant",
    "consultations_non_compliant",
    "adoption_reports_on_time",
    "adoption_reports_late",
    "adoption_reports_overdue",
    "adoption_reports_pending",
    "inquiries_on_time",
    "inquiries_late",
    "inquiries_overdue",
    "inquiries_pending",
    "inquiries_declined",
    "invited_meetings",
    "invited_meetings_met",
    "enterprise_decisions_deliberated",
    "enterprise_decisions_heard",
    "enterprise_decisions_not_heard",
    "documents_to_interpret",
    "documents_not_interpreted",
    "documents_interpreted_multi_form",
    "multi_form_interpretation_rate",
    "multi_form_interpretation_met",
    "invited_own_meetings",
    "invited_own_meetings_topics",
    "invited_topics_from_own_catalogue",
    "own_catalogue_on_time",
    "activities_held",
    "activities_open_month",
    "activities_with_opinions",
    "activity_feedback_on_time",
    "activity_feedback_late",
    "activity_feedback_overdue",
    "activity_feedback_pending",
)


def _yes_no(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "no")


def csv_rows(report: dict):
    """One row per unit, then the district's, for the yearly assessment's spreadsheet."""

    def row(code, name, f):
        return (
            code,
            name,
            f["consultations"]["total"],
            f["consultations"]["compliant"],
            f["consultations"].get("non_compliant", 0),
            *(f["adoption_reports"][s] for s in STATUSES),
            *(f["inquiries"][s] for s in INQUIRY_OUTCOMES),
            f["invited_meetings"]["count"],
            _yes_no(f["invited_meetings"]["met"]),
            f["enterprise_hearing"]["deliberated"],
            f["enterprise_hearing"]["heard"],
            f["enterprise_hearing"].get("not_heard", 0),
            f["interpretations"]["documents"],
            f["interpretations"]["not_interpreted"],
            f["interpretations"]["multi_form"],
            "" if f["interpretations"]["multi_form_rate"] is None else f["interpretations"]["multi_form_rate"],
            _yes_no(f["interpretations"]["met"]),
            f["invited_meetings"]["own_meetings"],
            f["invited_meetings"]["own_meetings_topics"],
            f["invited_meetings"]["topics_from_own_catalogue"],
            "" if f.get("own_catalogue") is None else _yes_no(f["own_catalogue"]["on_time"]),
            f["activities"]["held"],
            f["activities"]["open_month"],
            f["activities"]["with_opinions"],
            *(f["activities"]["feedback"][s] for s in activities.FEEDBACK),
        )

    yield CSV_COLUMNS
    for unit in report["units"]:
        yield row(unit["unit"], unit["name"], unit)
    yield row("district", "全区", report["district"])

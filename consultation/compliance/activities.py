"""The open-activity duty's figures (政府开放活动, section 三(三)) in the compliance report: per
unit, the activities held in the year (published, and their last day past), those of the August
open month, those that collected opinions by questionnaire or in discussion, and whether each
one's feedback report (专项反馈) was published on time. Which activity is due what:
consultation.activities.rules."""

import datetime as dt

import sqlalchemy as sa

from consultation.activities import rules
from consultation.activities.models import Activity, Opinion, OpinionChannel
from core import calendar
from core.extensions import db

FEEDBACK = ("on_time", "late", "overdue", "pending")
COUNTS = ("held", "open_month", "questionnaire", "discussion", "with_opinions")


def blank() -> dict:
    return {
        **dict.fromkeys(COUNTS, 0),
        "feedback": dict.fromkeys(FEEDBACK, 0),
        "records": {key: [] for key in (*COUNTS, *(f"feedback_{s}" for s in FEEDBACK))},
    }


def _collected(channel: str):
    return (
        sa.select(sa.func.count(Opinion.id))
        .where(Opinion.activity_id == Activity.id, Opinion.channel == channel)
        .correlate(Activity)
        .scalar_subquery()
    )


def add(year: int, *, unit: str | None, figures: dict, district: dict) -> None:
    """Count the activities held in `year` (those of `unit`) into each unit's figures and the district's."""
    today = calendar.today()
    first = dt.datetime(year, 1, 1, tzinfo=calendar.SHANGHAI)
    rows = db.session.execute(
        sa.select(
            Activity,
            _collected(OpinionChannel.questionnaire).label("questionnaire"),
            _collected(OpinionChannel.discussion).label("discussion"),
        )
        .where(
            Activity.published_on.is_not(None),
            Activity.ends_at >= first,
            Activity.ends_at < first.replace(year=year + 1),
            *([Activity.unit == unit] if unit else []),
        )
        .order_by(Activity.id)
    ).all()
    for activity, questionnaire, discussion in rows:
        if activity.ends_on > today:
            continue  # not held yet
        path = f"/activities/{activity.id}"
        outcomes = ["held"]
        if activity.open_month:
            outcomes.append("open_month")
        if questionnaire:
            outcomes.append("questionnaire")
        if discussion:
            outcomes.append("discussion")
        if questionnaire or discussion:
            outcomes.append("with_opinions")
        feedback = rules.feedback_status(activity, activity.feedback_published_on)["status"]
        for target in (figures.get(activity.unit), district):
            if target is None:
                continue
            section = target["activities"]
            for outcome in outcomes:
                section[outcome] += 1
                section["records"][outcome].append(path)
            section["feedback"][feedback] += 1
            section["records"][f"feedback_{feedback}"].append(
                f"{path}/feedback" if feedback in ("on_time", "late") else path
            )

"""The rules of an open activity that both its services and its representation read: what a
plan must hold, where a registration stands, when the feedback report is due."""

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from consultation.activities.models import AT_A_PLACE, OPEN_MONTH, Activity, Opinion, Registration, RegistrationState
from core import calendar, deadlines
from core.errors import Invalid, OpenMonthOutsideAugust
from core.extensions import db


def check_plan(values: dict) -> None:
    """The rules of a plan: it ends after it starts, is joined at a place or followed at a URL
    as its form says, and an activity of the open month takes place in August."""
    if values["ends_at"] <= values["starts_at"]:
        raise Invalid("ends_at", "An activity ends after it starts.")
    if values["form"] in AT_A_PLACE and not values.get("place"):
        raise Invalid("place", f"An activity in the form {values['form']} needs its place.")
    if values["form"] not in AT_A_PLACE and not values.get("stream_url"):
        raise Invalid("stream_url", f"An activity in the form {values['form']} needs the URL it is followed at.")
    if values.get("open_month"):
        days = [values[k].astimezone(calendar.SHANGHAI).date() for k in ("starts_at", "ends_at")]
        if any(day.month != OPEN_MONTH for day in days) or days[0].year != days[1].year:
            raise OpenMonthOutsideAugust(
                "open_month",
                f"The open month (政府开放月) is August: this activity runs from {days[0]} to {days[1]} "
                "(Asia/Shanghai). Plan it in August, or set `open_month` false.",
            )


def state_of(registration: Registration, activity: Activity) -> tuple[str, int | None]:
    """(confirmed or waiting, the place on the waiting list or None)."""
    if activity.capacity is None or registration.position <= activity.capacity:
        return RegistrationState.confirmed, None
    return RegistrationState.waiting, registration.position - activity.capacity


def feedback_due(activity: Activity) -> tuple[dt.date, str]:
    """The feedback report is published within ACTIVITY_FEEDBACK_WORKING_DAYS working days
    after the activity's last day, on the official calendar: (due day, calendar status)."""
    return calendar.add_working_days(activity.ends_on, current_app.config["ACTIVITY_FEEDBACK_WORKING_DAYS"])


def feedback_status(activity: Activity, published_on: dt.date | None) -> dict:
    """Where the activity's feedback stands: due on, on the calendar, published on, and
    not_due (the activity is not published), pending, on_time, late or overdue."""
    if activity.published_on is None:
        return {"due_on": None, "calendar_status": None, "published_on": None, "status": "not_due"}
    due_on, status = feedback_due(activity)
    return {
        "due_on": due_on,
        "calendar_status": status,
        "published_on": published_on,
        "status": deadlines.status(due_on, published_on),
    }


def opinion_counts(activity_id: int) -> dict:
    """The activity's opinions: how many, by channel and by disposition (undisposed as null)."""
    rows = db.session.execute(
        sa.select(Opinion.channel, Opinion.disposition, sa.func.count())
        .where(Opinion.activity_id == activity_id)
        .group_by(Opinion.channel, Opinion.disposition)
    ).all()
    counts = {"total": 0, "by_channel": {}, "by_disposition": {}, "undisposed": 0}
    for channel, disposition, n in rows:
        counts["total"] += n
        counts["by_channel"][channel] = counts["by_channel"].get(channel, 0) + n
        if disposition is None:
            counts["undisposed"] += n
        else:
            counts["by_disposition"][disposition] = counts["by_disposition"].get(disposition, 0) + n
    return counts

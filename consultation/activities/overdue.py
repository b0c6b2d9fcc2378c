"""A feedback report not published by its due day is announced in the public record, once, as
the other deadlines are (`deadline_overdue`): `tick`, or the change feed catching up before it
answers, appends it the day after the due day.

The entry itself is the mark. A published activity is frozen by its trigger (migration 0024),
so it keeps no `overdue_since` as an obligation does; an activity whose overdue entry is on
record is not announced again, and a feedback report published late changes nothing of it.
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from consultation.activities import rules
from consultation.activities.models import Activity, FeedbackReport
from core import publication, tick
from core.extensions import db
from core.publication import EntryType, Fact, PublicRecordEntry

ENTRIES = PublicRecordEntry.__table__.c
_TARGET = sa.literal("/activities/") + sa.cast(Activity.id, sa.String)


def _candidates(today: dt.date) -> sa.Select:
    """Published activities that may be overdue: ended long enough ago, feedback unpublished,
    not announced yet. Their due days are reckoned in Python, on the official calendar."""
    # A due day is never sooner than as many calendar days after the activity as the working
    # days it is given (working days are days); one less, for an activity's last day in
    # Asia/Shanghai falling a day after its UTC one.
    soonest = dt.timedelta(days=current_app.config["ACTIVITY_FEEDBACK_WORKING_DAYS"] - 1)
    latest_end = dt.datetime.combine(today - soonest, dt.time(), tzinfo=dt.UTC)
    return sa.select(Activity).where(
        Activity.published_on.is_not(None),
        Activity.ends_at < latest_end,
        ~sa.exists().where(FeedbackReport.activity_id == Activity.id, FeedbackReport.published_on.is_not(None)),
        ~sa.exists().where(ENTRIES.type == EntryType.deadline_overdue, ENTRIES.target == _TARGET),
    )


def _overdue(activities, today: dt.date) -> list[tuple[Activity, dt.date]]:
    found = []
    for activity in activities:
        due_on, _ = rules.feedback_due(activity)
        if due_on < today:
            found.append((activity, due_on))
    return found


def _due(today: dt.date) -> bool:
    # Few rows at most: a district's activities of the last weeks whose feedback is missing.
    return bool(_overdue(db.session.scalars(_candidates(today)), today))


@tick.task("activity feedback reports marked overdue", due=_due)
def mark_overdue(today: dt.date) -> int:
    overdue = _overdue(db.session.scalars(_candidates(today).order_by(Activity.id)), today)
    for activity, due_on in overdue:
        title = f"政府开放活动专项反馈逾期未公布（应于{due_on}前公布）：{activity.theme}"
        # The first day late, as an obligation's (core.obligations).
        late = due_on + dt.timedelta(days=1)
        publication.record_fact(
            Fact(None, EntryType.deadline_overdue, title, f"/activities/{activity.id}", late), on=today
        )
    db.session.commit()
    return len(overdue)

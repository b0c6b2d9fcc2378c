"""Government open activities (政府开放活动): a unit plans one and publishes it; the public
registers while it is ahead (a seat within capacity, else a place on the waiting list); after it,
the unit records the opinions collected by questionnaire or in discussion, disposes of each with
a reason, and publishes its dedicated feedback report (专项反馈) within
ACTIVITY_FEEDBACK_WORKING_DAYS working days of the activity's last day.

Who sees what: the public, published activities and, once the feedback is published, the
opinions as the public reads them; the unit's staff (its editors, admins, the evaluator)
everything, registrants' names and contacts included. Those never leave the unit."""

import datetime as dt
import secrets

import sqlalchemy as sa

from consultation.activities import rules
from consultation.activities.models import Activity, FeedbackReport, Opinion, Registration
from consultation.dispositions.services import check_reason
from core import calendar, publication, redaction
from core.auth import Account, Role, ensure_may_edit, ensure_reads_as_staff, entering_for, owner_of, staff_of
from core.errors import (
    ActivityNotEnded,
    ActivityNotPublished,
    ActivityOpinionsUndisposed,
    AlreadyRegistered,
    Invalid,
    NotFound,
    PublishedRecordImmutable,
    RegistrationClosed,
)
from core.extensions import db, stored
from core.pagination import Listing
from core.privacy import keyed_hash
from core.publication import EntryType, Fact
from core.units import unit_code

# A comment's receipt has no dot and a question's starts with "Q.": the prefix tells a
# registration's apart at the one receipt door, GET /receipts/{receipt}.
RECEIPT_PREFIX = "A."
# The undisposed opinions a refusal names, of however many there are.
NAMED_IN_REFUSAL = 20


def is_receipt(code: str) -> bool:
    """Whether `code` is a registration's receipt."""
    return code.startswith(RECEIPT_PREFIX)


# --- Who sees what ---------------------------------------------------------------------------


def _shown(viewer: Account | None):
    """The condition on activities that `viewer` may read: published ones, and its unit's own."""
    if viewer is not None and viewer.role in (Role.admin, Role.evaluator):
        return sa.true()
    if viewer is not None and viewer.role == Role.editor:
        return sa.or_(Activity.published_on.is_not(None), Activity.unit == viewer.unit)
    return Activity.published_on.is_not(None)


def get_activity(activity_id: int, *, viewer: Account | None, lock: bool = False) -> Activity:
    """One activity as `viewer` may see it (NotFound otherwise); with `lock`, its row held until
    commit (SELECT … FOR UPDATE on PostgreSQL; SQLite's writes are serialised already)."""
    statement = sa.select(Activity).where(Activity.id == activity_id, _shown(viewer))
    if lock:
        statement = statement.with_for_update(of=Activity)
    activity = db.session.scalar(statement)
    if activity is None:
        raise NotFound(f"No activity {activity_id} is published.")
    return activity


@owner_of("activity_id")
def _activity_unit(activity_id: int, viewer: Account) -> str:
    return get_activity(activity_id, viewer=viewer).unit


def is_staff_of(viewer: Account | None, activity: Activity) -> bool:
    """Whether `viewer` reads the activity as its unit's staff: registrations, opinions as written."""
    return staff_of(viewer, activity.unit)


def list_activities(*, viewer: Account | None, unit=None, year=None, field=None, form=None, open_month=None):
    """The activities `viewer` may read, latest first: filtered by unit (its code in whatever
    case), year (of the start, in Asia/Shanghai), field, form and open month."""
    conditions = [_shown(viewer)]
    if unit is not None:
        conditions.append(Activity.unit == (unit_code(unit) or unit))
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=calendar.SHANGHAI)
        conditions.append(Activity.starts_at >= start)
        conditions.append(Activity.starts_at < start.replace(year=year + 1))
    for column, value in ((Activity.field, field), (Activity.form, form), (Activity.open_month, open_month)):
        if value is not None:
            conditions.append(column == value)
    return Listing(sa.select(Activity).where(*conditions).order_by(Activity.starts_at.desc(), Activity.id.desc()))


# --- Planning and publishing -----------------------------------------------------------------


def plan(*, by: Account, unit: str, **values) -> Activity:
    """Plan an activity of `unit` (its editors, admins; the code in whatever case); it is the
    unit's own until published."""
    stored_code = unit_code(unit)
    ensure_may_edit(by, stored_code or unit)
    if stored_code is None:
        raise Invalid("unit", f"No unit has the code {unit!r}.")
    unit = stored_code
    rules.check_plan(values)
    activity = Activity(unit=unit, **values)
    db.session.add(activity)
    db.session.commit()
    return activity


def publish(activity: Activity, *, by: Account, published_on: dt.date | None = None) -> Activity:
    """Publish a planned activity: it is in the public record and /changes, and takes
    registrations until its day; from now on it is never changed in place."""
    ensure_may_edit(by, activity.unit)
    publication.publish(
        activity,
        Fact(None, EntryType.activity_published, f"政府开放活动：{activity.theme}", f"/activities/{activity.id}"),
        published_on=published_on,
    )
    db.session.commit()
    return activity


def _ensure_published(activity: Activity) -> None:
    if activity.published_on is None:
        raise ActivityNotPublished(f"Activity {activity.id} is not published yet: publish it first.")


# --- Registrations ---------------------------------------------------------------------------


def contact_key(contact: str) -> str:
    """The contact as one person writes it in several ways (spaces, dashes, case), keyed."""
    plain = "".join(contact.split()).replace("-", "").lower()
    return keyed_hash(plain.encode("utf-8", "surrogatepass"))


def register(
    activity_id: int, *, by: Account | None, name: str, contact: str, registered_on: dt.date | None = None
) -> Registration:
    """Take one registration while the activity is published and ahead: a seat within its
    capacity, else the next place on its waiting list. The unit's staff enter one taken by
    phone or at a counter with its real day. The activity's row is locked until commit, so
    concurrent registrations take the places one after the other."""
    activity = get_activity(activity_id, viewer=by, lock=True)
    staff = entering_for(by, activity.unit, "registrations")
    _ensure_published(activity)
    today = calendar.today()
    if registered_on is not None and not staff:
        raise Invalid("registered_on", "Only the unit's staff entering a registration give the day it was taken.")
    registered_on = registered_on or today
    if registered_on > today or registered_on < activity.published_on:
        raise Invalid(
            "registered_on", "A registration is taken after the activity is published, and not in the future."
        )
    if registered_on >= activity.starts_on:
        raise RegistrationClosed(
            f"Activity {activity.id} takes place on {activity.starts_on}: registrations closed when that day "
            "began (Asia/Shanghai)."
        )
    key = contact_key(contact)
    same_contact = sa.func.count(Registration.id).filter(Registration.contact_key == key)
    last, repeats = db.session.execute(
        sa.select(sa.func.max(Registration.position), same_contact).where(Registration.activity_id == activity.id)
    ).one()
    if repeats:
        raise AlreadyRegistered(
            f"This contact is registered for activity {activity.id} already: the receipt given then shows its place."
        )
    registration = stored(
        Registration(
            activity_id=activity.id,
            position=(last or 0) + 1,
            name=name,
            contact=contact,
            contact_key=key,
            receipt=RECEIPT_PREFIX + secrets.token_urlsafe(18),
            registered_on=registered_on,
            entered_by=by.id if staff else None,
        )
    )
    db.session.commit()
    return registration


def list_registrations(activity: Activity, *, viewer: Account | None) -> Listing:
    """Who registered, in order (the unit's staff only: names and contacts)."""
    ensure_reads_as_staff(viewer, activity.unit)
    return Listing(
        sa.select(Registration).where(Registration.activity_id == activity.id).order_by(Registration.position)
    )


def by_receipt(receipt: str) -> Registration:
    """The registration a receipt was given for (NotFound otherwise)."""
    registration = db.session.scalar(sa.select(Registration).where(Registration.receipt == receipt))
    if registration is None:
        raise NotFound("No registration has that receipt.")
    return registration


# --- Opinions and their dispositions ---------------------------------------------------------


def feedback_of(activity: Activity) -> FeedbackReport | None:
    """The activity's feedback report, published or not; None before it is written."""
    return db.session.scalar(sa.select(FeedbackReport).where(FeedbackReport.activity_id == activity.id))


def _ensure_feedback_unpublished(activity: Activity) -> None:
    report = feedback_of(activity)
    if report is not None and report.published_on is not None:
        raise PublishedRecordImmutable(
            f"The feedback report on activity {activity.id} was published on {report.published_on}: the opinions "
            "and their dispositions it reports are not changed after it."
        )


def _ensure_ended(activity: Activity, day: dt.date, what: str) -> None:
    if day < activity.ends_on:
        raise ActivityNotEnded(f"Activity {activity.id} takes place until {activity.ends_on}: {what} after it.")


def _disposition(opinion: Opinion, *, disposition, reason_code, reason, disposed_on) -> None:
    check_reason(disposition, reason_code, reason)
    today = calendar.today()
    day = disposed_on or today
    if day > today or day < opinion.received_on:
        raise Invalid("disposed_on", "A disposition is decided after the opinion came in, and not in the future.")
    opinion.disposition, opinion.reason_code, opinion.reason, opinion.disposed_on = (
        disposition,
        reason_code,
        reason,
        day,
    )


def record_opinion(
    activity: Activity,
    *,
    by: Account,
    channel: str,
    content: str,
    received_on: dt.date | None = None,
    disposition: str | None = None,
    reason_code=None,
    reason=None,
    disposed_on=None,
) -> Opinion:
    """Record an opinion collected at the activity (by questionnaire or in discussion), once it
    took place; its disposition may come with it or later."""
    ensure_may_edit(by, activity.unit)
    _ensure_published(activity)
    today = calendar.today()
    _ensure_ended(activity, today, "its opinions are recorded")
    _ensure_feedback_unpublished(activity)
    received_on = received_on or today
    if received_on < activity.starts_on or received_on > today:
        raise Invalid("received_on", "An opinion is collected at or after the activity, and not in the future.")
    opinion = Opinion(
        activity_id=activity.id,
        channel=channel,
        content=content,
        public_content=redaction.public_text(content),
        received_on=received_on,
        entered_by=by.id,
    )
    if disposition is not None:
        _disposition(opinion, disposition=disposition, reason_code=reason_code, reason=reason, disposed_on=disposed_on)
    db.session.add(opinion)
    db.session.commit()
    return opinion


def get_opinion(activity: Activity, opinion_id: int, *, viewer: Account | None) -> Opinion:
    """One opinion of the activity, as `viewer` may see it (NotFound otherwise)."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.activity_id != activity.id or not _opinions_shown(activity, viewer):
        raise NotFound(f"Activity {activity.id} has no opinion {opinion_id} that is published.")
    return opinion


def dispose(opinion: Opinion, *, by: Account, **disposition) -> Opinion:
    """Record what became of an opinion, and why (one not adopted needs its reason)."""
    activity = db.session.get(Activity, opinion.activity_id)
    ensure_may_edit(by, activity.unit)
    _ensure_feedback_unpublished(activity)
    _disposition(opinion, **({"reason_code": None, "reason": None, "disposed_on": None} | disposition))
    db.session.commit()
    return opinion


def _opinions_shown(activity: Activity, viewer: Account | None) -> bool:
    """The public reads an activity's opinions with the feedback report that answers them."""
    return is_staff_of(viewer, activity) or activity.feedback_published_on is not None


def list_opinions(activity: Activity, *, viewer: Account | None, channel=None, disposition=None) -> Listing:
    """The activity's opinions in the order recorded: the public's once the feedback is published."""
    conditions = [Opinion.activity_id == activity.id]
    if not _opinions_shown(activity, viewer):
        conditions.append(sa.false())
    for column, value in ((Opinion.channel, channel), (Opinion.disposition, disposition)):
        if value is not None:
            conditions.append(column == value)
    return Listing(sa.select(Opinion).where(*conditions).order_by(Opinion.id))


# --- The feedback report (专项反馈) ------------------------------------------------------------


def get_feedback(activity: Activity, *, viewer: Account | None) -> FeedbackReport:
    """The activity's feedback report as `viewer` may see it: the public's once published."""
    report = feedback_of(activity)
    if report is None or (report.published_on is None and not is_staff_of(viewer, activity)):
        raise NotFound(f"No feedback report on activity {activity.id} is published.")
    return report


def write_feedback(activity: Activity, *, by: Account, summary: str, url: str | None = None):
    """Write (or rewrite, until it is published) the activity's feedback report; returns
    (the report, whether it is new)."""
    ensure_may_edit(by, activity.unit)
    _ensure_published(activity)
    report = feedback_of(activity)
    created = report is None
    if created:
        report = FeedbackReport(activity_id=activity.id, summary=summary, url=url)
        db.session.add(report)
    else:
        publication.ensure_unpublished(report, "feedback report")
        report.summary, report.url = summary, url
    db.session.commit()
    return report, created


def publish_feedback(activity: Activity, *, by: Account, published_on: dt.date | None = None) -> FeedbackReport:
    """Publish the feedback report, once the activity took place and every opinion collected
    has its disposition; the opinions are public with it, and fixed from then on."""
    ensure_may_edit(by, activity.unit)
    report = feedback_of(activity)
    if report is None:
        raise NotFound(f"No feedback report on activity {activity.id} is written: PUT it first.")
    publication.ensure_unpublished(report, "feedback report")
    day = publication.publication_day(published_on)
    _ensure_ended(activity, day, "its feedback is published")
    undisposed = db.session.scalars(
        sa.select(Opinion.id)
        .where(Opinion.activity_id == activity.id, Opinion.disposition.is_(None))
        .order_by(Opinion.id)
    ).all()
    if undisposed:
        raise ActivityOpinionsUndisposed(
            f"{len(undisposed)} opinion(s) collected at activity {activity.id} have no disposition: the feedback "
            "reports what became of every one.",
            count=len(undisposed),
            opinion_ids=undisposed[:NAMED_IN_REFUSAL],
        )
    publication.publish(
        report,
        Fact(
            None,
            EntryType.activity_feedback_published,
            f"开放活动专项反馈：{activity.theme}",
            f"/activities/{activity.id}/feedback",
        ),
        published_on=day,
    )
    db.session.commit()
    return report

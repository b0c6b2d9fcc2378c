"""What each Atom feed holds: the newest entries of the public record in its scope, read from
the record like the timeline and the change feed (their Chinese titles are the record's), less
what has since been taken back (a withdrawal, a hidden comment) and the taking back itself: a
feed shows what stands. The change feed keeps the whole story.

Only what concerns a decision the public sees is read (decisions.visibility); the record holds
nothing else that is not public.
"""

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from consultation.consultations.models import Consultation
from core import calendar, tick
from core.errors import NotFound
from core.extensions import read_connection
from core.publication import STAGE_PUBLICATIONS, EntryType, PublicRecordEntry
from decisions import visibility
from decisions.models import Decision, Unit
from decisions.units.services import get_unit

E = PublicRecordEntry

# Rows that take an earlier one back: the entry they amend leaves the feeds, and so do they.
TAKEN_BACK = (EntryType.withdrawn, EntryType.comment_hidden)

# New catalogue items and what each stage of the procedure published.
STAGES = (
    EntryType.catalogued,
    *STAGE_PUBLICATIONS,
    EntryType.suspended,
    EntryType.resumed,
    EntryType.adjusted,
    EntryType.correction,
)
CONSULTATIONS = (EntryType.consultation_opened, EntryType.consultation_closed)

# A consultation "closes soon" in its last days, today included.
CLOSING_SOON_DAYS = 7
_LAST_DAYS = dt.timedelta(days=CLOSING_SOON_DAYS - 1)

# Before anything is in a feed's scope: a fixed instant, so the feed's validators stay put.
NOTHING_YET = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Each entry type in words, for an entry's category and summary.
LABELS = {
    EntryType.catalogued: "列入目录",
    EntryType.background_published: "公开制订背景",
    EntryType.draft_published: "公开决策草案",
    EntryType.consultation_opened: "公布意见征集",
    EntryType.consultation_closed: "意见征集结束",
    EntryType.review_completed: "完成审查",
    EntryType.meeting_deliberated: "会议审议",
    EntryType.result_published: "公开决策结果",
    EntryType.adoption_report_published: "公开意见采纳情况",
    EntryType.interpretation_published: "公开政策解读",
    EntryType.execution_reported: "公开执行情况",
    EntryType.post_evaluated: "公开决策后评估",
    EntryType.suspended: "暂停执行",
    EntryType.resumed: "恢复执行",
    EntryType.adjusted: "目录调整",
    EntryType.correction: "更正",
    EntryType.comment_published: "公开意见",
    EntryType.disposition_set: "意见处理",
    EntryType.disposition_changed: "意见处理变更",
    EntryType.cluster_created: "意见归类",
    EntryType.cluster_changed: "意见归类变更",
    EntryType.inquiry_published: "公开留言",
    EntryType.inquiry_answered: "答复留言",
    EntryType.deadline_overdue: "逾期",
    EntryType.assessment_published: "公开年度考核评估",
    EntryType.activity_published: "政府开放活动",
    EntryType.activity_feedback_published: "开放活动专项反馈",
    "closing_soon": "意见征集即将截止",
}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One entry of a feed. `key` names it for ever (its Atom id); `path` is the API resource."""

    key: str
    type: str
    title: str
    updated: dt.datetime
    path: str
    decision_id: int
    author: str
    summary: str


@dataclasses.dataclass(frozen=True)
class Feed:
    """A feed: `key` names it for ever, `path` is its own API path, `page` its portal page."""

    key: str
    title: str
    path: str
    page: str
    author: str
    updated: dt.datetime
    entries: list[Entry]


def _standing(entry):
    """`entry` is no taking back, and nothing later took back what was published where it
    points, in its decision: a withdrawn draft's entries, a hidden comment's disposition."""
    later, amended = aliased(PublicRecordEntry), aliased(PublicRecordEntry)
    return sa.and_(
        entry.type.not_in(TAKEN_BACK),
        ~sa.exists().where(
            later.type.in_(TAKEN_BACK),
            later.seq > entry.seq,
            later.decision_id == entry.decision_id,
            amended.seq == later.amends_seq,
            amended.target == entry.target,
        ),
    )


def _public(statement):
    """`statement` about decisions, kept to those the public sees, with their lead unit's name."""
    return (
        statement.outerjoin(Unit, Unit.code == Decision.lead_unit)
        .where(visibility.decisions_shown(None))
        .add_columns(
            Decision.title.label("decision_title"), sa.func.coalesce(Unit.name, Decision.lead_unit).label("author")
        )
    )


def _instant(value) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _day_begins(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), calendar.SHANGHAI).astimezone(dt.UTC)


def _titled(title: str, decision_title: str) -> str:
    """The record's title, naming its decision when it does not (a reader sees entries alone)."""
    return title if decision_title in title else f"{decision_title}：{title}"


def _summary(label: str, occurred_on, decision_title: str, reason: str | None) -> str:
    text = f"{label}（{occurred_on}）：{decision_title}"
    return f"{text}。理由：{reason}" if reason else text


def _record_entries(scope, types, limit: int) -> tuple[list[Entry], dt.datetime]:
    """The newest `limit` standing entries of `types` in `scope`, newest first, and when the
    scope last changed (a taking back counts: the feed changed though it holds nothing new)."""
    if types is not None:
        scope = sa.and_(scope, E.type.in_(types + TAKEN_BACK))
    columns = (E.seq, E.type, E.title, E.target, E.decision_id, E.occurred_on, E.recorded_at, E.reason)
    base = _public(sa.select(*columns).join(Decision, Decision.id == E.decision_id)).where(scope)
    connection = read_connection()
    rows = connection.execute(base.where(_standing(E)).order_by(E.seq.desc()).limit(limit)).all()
    last = connection.execute(
        sa.select(E.recorded_at)
        .join(Decision, Decision.id == E.decision_id)
        .where(scope)
        .where(visibility.decisions_shown(None))
        .order_by(E.seq.desc())
        .limit(1)
    ).scalar()
    entries = [
        Entry(
            key=f"record/{row.seq}",
            type=row.type,
            title=_titled(row.title, row.decision_title),
            updated=_instant(row.recorded_at),
            path=row.target,
            decision_id=row.decision_id,
            author=row.author,
            summary=_summary(LABELS.get(row.type, row.type), row.occurred_on, row.decision_title, row.reason),
        )
        for row in rows
    ]
    return entries, _instant(last) if last is not None else NOTHING_YET


# Who writes the district's feeds, every unit's decisions in them.
DISTRICT = "重大行政决策公开"


def _feed(key: str, title: str, path: str, entries: list[Entry], last_change, *, page="/", author=DISTRICT) -> Feed:
    updated = max([last_change, *(e.updated for e in entries)])
    return Feed(key, title, path, page, author, updated, entries)


def decisions_feed(*, limit: int) -> Feed:
    """New catalogue items and every stage's publications, across the district."""
    tick.catch_up()
    entries, last = _record_entries(sa.true(), STAGES, limit)
    return _feed("decisions", "重大行政决策：目录事项与各阶段公开", "/feeds/decisions.atom", entries, last)


def unit_feed(code: str, *, limit: int) -> Feed:
    """What was published of the decisions `code` leads; 404 for an unknown unit."""
    unit = get_unit(code)
    tick.catch_up()
    entries, last = _record_entries(Decision.lead_unit == unit.code, STAGES, limit)
    path = f"/units/{unit.code}"
    title = f"{unit.name}：重大行政决策公开"
    return _feed(f"unit/{unit.code}", title, f"{path}/feed.atom", entries, last, page=path, author=unit.name)


def decision_feed(decision_id: int, *, limit: int) -> Feed:
    """The decision's timeline, newest first; 404 while the decision is not public."""
    statement = _public(sa.select(Decision.id)).where(Decision.id == decision_id)
    decision = read_connection().execute(statement).first()
    if decision is None:
        raise NotFound(f"No decision {decision_id} is published.")
    tick.catch_up()
    entries, last = _record_entries(E.decision_id == decision_id, None, limit)
    path = f"/decisions/{decision_id}"
    title, author = f"{decision.decision_title}：决策过程", decision.author
    return _feed(f"decision/{decision_id}", title, f"{path}/feed.atom", entries, last, page=path, author=author)


def consultations_feed(*, limit: int) -> Feed:
    """Consultations announced and ended, and those closing within CLOSING_SOON_DAYS."""
    tick.catch_up()
    entries, last = _record_entries(sa.true(), CONSULTATIONS, limit)
    # Newest first; a warning dated the instant of its announcement comes after it.
    entries = sorted(
        entries + _closing_soon(calendar.today()), key=lambda e: (e.updated, e.type == "closing_soon"), reverse=True
    )[:limit]
    return _feed("consultations", "重大行政决策：意见征集", "/feeds/consultations.atom", entries, last)


def _closing_soon(today: dt.date) -> list[Entry]:
    """An entry for each open consultation in its last CLOSING_SOON_DAYS days, dated the day it
    entered them (midnight in Shanghai; its announcement if later), so that it stays the same entry until it closes."""
    opened = aliased(PublicRecordEntry)
    last_day = today + _LAST_DAYS
    rows = read_connection().execute(
        _public(
            sa.select(Consultation.id, Consultation.decision_id, Consultation.closes_on)
            .add_columns(opened.title, opened.recorded_at)
            .join(opened, opened.seq == Consultation.public_seq)
            .join(Decision, Decision.id == Consultation.decision_id)
        ).where(
            visibility.records_shown(None, Consultation.published_on, lead_unit=""),
            _standing(opened),
            Consultation.opens_on <= today,
            Consultation.closes_on.between(today, last_day),
        )
    )
    return [
        Entry(
            key=f"consultation/{row.id}/closing",
            type="closing_soon",
            title=f"即将截止：{row.title}",
            updated=max(_instant(row.recorded_at), _day_begins(row.closes_on - _LAST_DAYS)),
            path=f"/consultations/{row.id}",
            decision_id=row.decision_id,
            author=row.author,
            summary=f"意见征集于{row.closes_on}截止：{row.decision_title}",
        )
        for row in rows
    ]

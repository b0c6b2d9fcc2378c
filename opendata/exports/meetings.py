"""The `meetings` and `attendees` datasets: every published meeting (常务会议, 全体会议, and the units'
own: 局长办公会, 党政联席会议, …) with its agenda — the
decisions deliberated and their outcome — and its invited attendees, as the meetings list
shows each (an attendee's name only where they consented); and each invited attendee (列席) of
them on a row of its own, for counting who was heard."""

from collections.abc import Iterator

import sqlalchemy as sa

from core.serialize import dumper
from decisions import visibility
from decisions.meetings.models import AgendaItem, Attendee, Meeting
from decisions.meetings.schemas import AttendeeSchema, MeetingSchema
from decisions.models import Decision
from opendata.exports.datasets import (
    ENTRIES,
    Column,
    Dataset,
    Filters,
    columns_of,
    in_year,
    objects_streamed,
    unit_code,
)

_TARGET = sa.literal("/meetings/") + sa.cast(Meeting.id, sa.String)


def _meetings(filters: Filters) -> sa.Select:
    statement = sa.select(Meeting).where(visibility.meetings_shown(None)).order_by(Meeting.id)
    if filters.year is not None:
        # As the meetings list reads `year`: held in it.
        statement = statement.where(in_year(Meeting.held_on, filters.year))
    if filters.unit is not None:
        # The unit's own meetings deliberate only its decisions, so they are among these.
        deliberating = (
            sa.select(AgendaItem.meeting_id)
            .join(Decision, Decision.id == AgendaItem.decision_id)
            .where(Decision.lead_unit == unit_code(filters.unit))
        )
        statement = statement.where(Meeting.id.in_(deliberating))
    changes = filters.changes()
    if changes is not None:
        statement = statement.where(sa.exists().where(ENTRIES.target == _TARGET, changes))
    return statement


def _attendees(filters: Filters) -> sa.Select:
    meetings = _meetings(filters).with_only_columns(Meeting.id).order_by(None)
    return sa.select(Attendee).where(Attendee.meeting_id.in_(meetings)).order_by(Attendee.meeting_id, Attendee.position)


def _attendee_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    # As the meeting shows each (a name only with consent), and the meeting it attended.
    dump = dumper(AttendeeSchema)
    return objects_streamed(connection, _attendees(filters), lambda a: {"meeting_id": a.meeting_id, **dump(a)})


def _meeting_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    # Meetings are objects with their agenda and attendees.
    return objects_streamed(connection, _meetings(filters), dumper(MeetingSchema))


MEETINGS = Dataset(
    name="meetings",
    title_zh="政府常务会议、全体会议及各单位决策会议审议情况",
    title_en="Published meetings: the decisions deliberated and their outcomes, and the invited attendees",
    columns=columns_of(
        MeetingSchema,
        {
            "id": "会议编号",
            "title": "会议名称",
            "body_type": "会议类型",
            "unit": "召开会议的单位代码（空为区政府会议）",
            "session_no": "会议届次",
            "held_on": "召开日期",
            "status": "公开状态",
            "published_on": "公开日期",
            "agenda": "审议事项及结果",
            "attendees": "列席人员（类别、单位；本人同意时公开姓名）",
            "created_at": "登记时间",
            "updated_at": "最近更新时间",
            "_links": "相关链接",
        },
    ),
    statement=_meetings,
    batches=_meeting_batches,
    changed_by=ENTRIES.target.startswith("/meetings/"),
)

ATTENDEES = Dataset(
    name="attendees",
    title_zh="会议列席人员及其意见采纳情况",
    title_en="Invited attendees of the published meetings, whom they represent and how their opinion was adopted",
    columns=(
        Column("meeting_id", "integer", "会议编号", "The meeting attended"),
        *columns_of(
            AttendeeSchema,
            {
                "category": "代表类别",
                "organisation": "所在单位",
                "name": "姓名（本人同意时公开）",
                "decision_id": "发表意见所针对的决策事项编号",
                "opinion": "发表的意见",
                "adoption": "采纳情况",
                "adoption_note": "采纳情况说明",
            },
        ),
    ),
    statement=_attendees,
    batches=_attendee_batches,
    changed_by=ENTRIES.target.startswith("/meetings/"),
)

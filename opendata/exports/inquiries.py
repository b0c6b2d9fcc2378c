"""The `inquiries` dataset: the public's questions (政策留言 on a decision's page, general
网上咨询) that are public — published (选登) or answered — with their answers and whether each
was answered on time, as the inquiries list shows them to the public (personal data hidden)."""

from collections.abc import Iterator

import sqlalchemy as sa

from consultation.inquiries.models import Inquiry
from consultation.inquiries.schemas import InquirySchema
from core.serialize import dumper
from decisions import visibility
from decisions.models import Decision
from opendata.exports.datasets import ENTRIES, Dataset, Filters, columns_of, in_year, objects_streamed, unit_code

_TARGET = sa.literal("/inquiries/") + sa.cast(Inquiry.id, sa.String)


def _inquiries(filters: Filters) -> sa.Select:
    # A question asked on a decision's page is public only once the decision is.
    public_decisions = sa.select(Decision.id).where(visibility.decisions_shown(None))
    statement = (
        sa.select(Inquiry)
        .where(
            visibility.questions_shown(None, Inquiry.state, Inquiry.unit),
            sa.or_(Inquiry.decision_id.is_(None), Inquiry.decision_id.in_(public_decisions)),
        )
        .order_by(Inquiry.id)
    )
    if filters.year is not None:
        statement = statement.where(in_year(Inquiry.received_on, filters.year))
    if filters.unit is not None:
        statement = statement.where(Inquiry.unit == unit_code(filters.unit))
    changes = filters.changes()
    if changes is not None:
        statement = statement.where(sa.exists().where(ENTRIES.target == _TARGET, changes))
    return statement


def _inquiry_batches(connection: sa.Connection, filters: Filters) -> Iterator[list[dict]]:
    # The public's representation, never the holder's staff's (no asker, no receipt).
    return objects_streamed(connection, _inquiries(filters), dumper(InquirySchema))


INQUIRIES = Dataset(
    name="inquiries",
    title_zh="公开的政策留言、网上咨询及答复",
    title_en="The public's questions that are public (published or answered), with their answers",
    columns=columns_of(
        InquirySchema,
        {
            "id": "留言编号",
            "decision_id": "所问决策事项编号（一般咨询为空）",
            "question": "留言内容（已隐去个人信息）",
            "state": "办理状态",
            "unit": "办理单位代码",
            "channel": "提交渠道",
            "received_on": "收到日期",
            "published_on": "公开日期",
            "reply_due_on": "答复期限",
            "calendar_status": "工作日历状态",
            "simple": "是否简单咨询",
            "answer": "答复内容",
            "answered_on": "答复日期",
            "status": "是否按期答复",
            "transfers": "转办记录",
            "_links": "相关链接",
        },
    ),
    statement=_inquiries,
    batches=_inquiry_batches,
    changed_by=ENTRIES.target.startswith("/inquiries/"),
)

"""The demo district's government open activities (政府开放活动): one of the August open month,
one in spring, each with registrations (the public's, and by phone), the opinions collected by
questionnaire and in discussion, every one disposed of with its reason, and a published
feedback report (专项反馈): the August one on time, the spring one late.

Loaded through the services, as demo.py loads the rest; found again by their natural keys (an
activity's unit, theme and start; a registration's contact; an opinion's text), so a second
run creates nothing."""

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from consultation.activities import services
from consultation.activities.models import Activity, FeedbackReport, Opinion, Registration
from core.auth import Account
from core.calendar import SHANGHAI
from core.extensions import db

D = dt.date


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


NOT_ADOPTED = dict(disposition="not_adopted", reason_code="outside_competence")

ACTIVITIES = [
    dict(
        plan=dict(
            unit="jd-fgw",
            theme="走进一网通办：嘉定区行政服务中心开放日",
            field="government_services_online",
            form="on_site",
            description="参观区行政服务中心，体验“一网通办”“免申即享”办事流程，与窗口工作人员座谈交流。",
            place="嘉定区行政服务中心（嘉定区洪德路1288号）",
            starts_at=_at(D(2026, 8, 14), 9, 30),
            ends_at=_at(D(2026, 8, 14), 11, 30),
            capacity=3,
            open_month=True,
        ),
        published_on=D(2026, 7, 27),
        registrations=[
            ("陈某某", "13800000101", D(2026, 7, 28)),
            ("李某某", "13800000102", D(2026, 7, 29)),
            ("王某某", "wang.demo@example.cn", D(2026, 8, 3)),
            ("赵某某", "13800000104", D(2026, 8, 5)),  # beyond capacity: the waiting list
        ],
        opinions=[
            dict(
                channel="discussion",
                content="建议行政服务中心在周六上午增设综合窗口，方便上班族办事。",
                disposition="adopted",
            ),
            dict(
                channel="questionnaire",
                content="自助服务终端的操作指引字太小，建议增加语音提示和大字模式。",
                disposition="partially_adopted",
                reason_code="cost_or_feasibility",
                reason="语音提示已于9月上线；大字模式需终端升级，列入明年计划。",
            ),
            dict(
                channel="questionnaire",
                content="建议将市级事项的办理时限统一压缩到3个工作日。",
                reason="办理时限由市级部门确定，已将意见转报市政务服务办。",
                **NOT_ADOPTED,
            ),
        ],
        disposed_on=D(2026, 8, 25),
        feedback=dict(
            summary="本次开放活动共收集意见3条（座谈1条、问卷2条），采纳1条、部分采纳1条；未采纳1条，"
            "系属市级事权，已转报市政务服务办。",
            url="https://www.jiading.gov.cn/zwgk/kfhd/2026/1.html",
        ),
        feedback_published_on=D(2026, 9, 2),  # due 4 September: on time
    ),
    dict(
        plan=dict(
            unit="jd-wjw",
            theme="云上看疾控：传染病监测预警流程演示",
            field="public_health_safety",
            form="live_stream",
            description="云直播演示传染病监测预警流程，线上问卷收集意见。",
            stream_url="https://live.jiading.gov.cn/wjw/2026-05",
            starts_at=_at(D(2026, 5, 20), 14, 0),
            ends_at=_at(D(2026, 5, 20), 15, 30),
            capacity=None,
            open_month=False,
        ),
        published_on=D(2026, 5, 6),
        registrations=[("周某某", "13800000201", D(2026, 5, 8)), ("吴某某", "13800000202", D(2026, 5, 12))],
        opinions=[
            dict(
                channel="questionnaire",
                content="建议在社区公告栏同步发布传染病预警信息，方便老年人了解。",
                disposition="adopted",
            ),
        ],
        disposed_on=D(2026, 6, 1),
        feedback=dict(summary="共收集问卷意见1条，已采纳：预警信息同步在各社区公告栏发布。"),
        feedback_published_on=D(2026, 6, 19),  # due 11 June: late
    ),
]


def _activity(plan: dict) -> Activity | None:
    return db.session.scalar(
        sa.select(Activity).where(
            Activity.unit == plan["unit"], Activity.theme == plan["theme"], Activity.starts_at == plan["starts_at"]
        )
    )


def load(office: Account, created: Counter) -> None:
    """Load the demo's open activities, doing only what is not on record yet."""
    for spec in ACTIVITIES:
        activity = _activity(spec["plan"])
        if activity is None:
            activity = services.plan(by=office, **spec["plan"])
            created["activities"] += 1
        if activity.published_on is None:
            services.publish(activity, by=office, published_on=spec["published_on"])
            created["activity publications"] += 1
        for name, contact, day in spec["registrations"]:
            key = services.contact_key(contact)
            exists = sa.select(Registration.id).where(
                Registration.activity_id == activity.id, Registration.contact_key == key
            )
            if db.session.scalar(exists) is None:
                services.register(activity.id, by=office, name=name, contact=contact, registered_on=day)
                created["registrations"] += 1
        for fields in spec["opinions"]:
            exists = sa.select(Opinion.id).where(
                Opinion.activity_id == activity.id, Opinion.content == fields["content"]
            )
            if db.session.scalar(exists) is None:
                services.record_opinion(
                    activity, by=office, received_on=activity.ends_on, disposed_on=spec["disposed_on"], **fields
                )
                created["activity opinions"] += 1
        report = db.session.scalar(sa.select(FeedbackReport).where(FeedbackReport.activity_id == activity.id))
        if report is None:
            report, _ = services.write_feedback(activity, by=office, **spec["feedback"])
            created["feedback reports"] += 1
        if report.published_on is None:
            services.publish_feedback(activity, by=office, published_on=spec["feedback_published_on"])
            created["feedback publications"] += 1

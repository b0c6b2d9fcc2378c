"""Plain factory functions: records made through the services, as the API would."""

import datetime as dt

from core import auth
from core.extensions import db
from decisions import services
from decisions.catalogues import services as catalogue_services
from decisions.meetings import services as meetings
from decisions.meetings.models import Meeting
from decisions.models import DISTRICT, Catalogue, Unit
from decisions.records import services as records
from decisions.units import services as unit_services

UNITS = [
    ("jd-gov", "嘉定区人民政府办公室", "government"),
    ("jd-fgw", "嘉定区发展和改革委员会", "department"),
    ("jd-jyj", "嘉定区教育局", "department"),
]


def district_units() -> list[Unit]:
    return [unit_services.create_unit(code, name=name, kind=kind) for code, name, kind in UNITS]


def tokens() -> dict:
    return {
        "admin": auth.create_account("区政府办公室", role="admin")[1],
        "editor": auth.create_account("发改委 编辑", role="editor", unit="jd-fgw")[1],
        "other_editor": auth.create_account("教育局 编辑", role="editor", unit="jd-jyj")[1],
        "partner": auth.create_account("随申办", role="partner", channel="suishenban")[1],
    }


def evaluator_token() -> str:
    """A token of the third-party assessor (社会评议), who reads what every unit's staff read."""
    return auth.create_account("第三方评估机构", role="evaluator")[1]


def admin():
    return db.session.scalar(db.select(auth.Account).where(auth.Account.role == "admin"))


def catalogue(year=2026, *, published_on=None, title=None):
    catalogue = catalogue_services.create_catalogue(
        year, title=title or f"嘉定区人民政府{year}年度重大行政决策事项目录", issuer_unit="jd-gov"
    )
    if published_on:
        catalogue_services.publish_catalogue(
            catalogue, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
        )
    return catalogue


def publish_catalogue(year=2026, *, published_on):
    """Publish a year's catalogue, the Party committee having consented ten days before."""
    catalogue = db.session.get(Catalogue, (DISTRICT, year))
    return catalogue_services.publish_catalogue(
        catalogue, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
    )


def unit_catalogue(unit="jd-fgw", year=2026, *, published_on=None, title=None):
    """`unit`'s own catalogue of `year`, published when given a day (consent ten days before)."""
    title = title or f"{unit} {year}年度重大行政决策事项目录"
    made = catalogue_services.create_catalogue(year, unit=unit, title=title, by=admin())
    if published_on:
        catalogue_services.publish_catalogue(
            made, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on, by=admin()
        )
    return made


def unit_decision(unit="jd-fgw", year=2026, *, title="嘉定区发改委2026年度项目资金管理办法", **fields):
    """A decision in `unit`'s own catalogue of `year` (opened as a draft when there is none)."""
    if db.session.get(Catalogue, (unit, year)) is None:
        unit_catalogue(unit, year)
    return decision(year, lead_unit=unit, title=title, catalogue_unit=unit, **fields)


def decision(year=2026, *, lead_unit="jd-fgw", title="嘉定区促进民营经济高质量发展若干措施", **fields):
    fields.setdefault("category", "public_policy")
    fields.setdefault("planned_completion", f"{year}-Q3")
    fields.setdefault("summary", "围绕优化营商环境、支持民营企业发展，制定若干措施。")
    return services.create_decision(year, by=admin(), lead_unit=lead_unit, title=title, **fields)


# --- Walking a decision through its procedure ------------------------------------------------
#
# Each helper records through the services, as the API would, and publishes when given a day.
# The default days make one plausible 2026 procedure: catalogue published 16 March, background
# 1 April, draft 2 April, legality review 1 June, meeting 10 June (published 12 June), result
# signed 20 June, issued 22 June, published 23 June.

CATALOGUE_PUBLISHED_ON = dt.date(2026, 3, 16)
HELD_ON = dt.date(2026, 6, 10)


def account(role="admin", unit=None):
    """An account made by `tokens()`: the admin, or the editor of `unit`."""
    query = db.select(auth.Account).where(auth.Account.role == role)
    if unit is not None:
        query = query.where(auth.Account.unit == unit)
    return db.session.scalars(query).first()


def catalogued_decision(year=2026, *, published_on=None, **fields):
    """A decision in the published catalogue of `year`.

    Opens the catalogue when it does not exist, publishes it when it is a draft, and adds the
    decision by an `add` adjustment when the catalogue is public already.
    """
    _settled()
    published_on = published_on or (CATALOGUE_PUBLISHED_ON if year == 2026 else dt.date(year, 3, 16))
    existing = db.session.get(Catalogue, (DISTRICT, year))
    made = existing or catalogue(year)
    item = decision(year, **fields)
    if made.published_on is None:
        catalogue_services.publish_catalogue(
            made, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
        )
    else:
        adjustment(item, "add", on=max(published_on, made.published_on))
    return item


ADJUSTMENT_REASONS = {
    "add": "经区政府同意，增列入目录。",
    "modify": "根据工作实际，调整事项名称。",
    "postpone": "受上位规划调整影响，需延期。",
    "withdraw": "上位政策调整，不再作出决策。",
    "carry_over": "年内无法完成，结转至下一年度。",
}


def adjustment(decision, type, *, on, reason=None, **fields):
    """An adjustment of the published catalogue, approved and published on the day `on`."""
    _settled()
    return catalogue_services.adjust(
        db.session.get(Catalogue, (decision.catalogue_unit, decision.catalogue_year)),
        by=admin(),
        type=type,
        decision_id=decision.id,
        reason=reason or ADJUSTMENT_REASONS[type],
        approved_on=on,
        published_on=on,
        **fields,
    )


def _settled():
    """End the test's own transaction, if it has one open.

    Tests interleave these helpers with requests. On SQLite a transaction that read before a
    request wrote cannot write after it ("database is locked"), so each helper starts afresh.
    """
    db.session.commit()


def _by(by):
    _settled()
    return by or admin()


def publish(kind, record, *, on, by=None):
    """Publish a record of the procedure on the day `on`."""
    return records.publish(kind, record, by=_by(by), published_on=on)


def background(decision, *, published_on=dt.date(2026, 4, 1), by=None, **fields):
    """The decision's background (制订背景), published unless `published_on` is None."""
    fields.setdefault("necessity", "本区民营企业占市场主体的九成以上，现行扶持政策分散。")
    record, _ = records.put_singular(records.BACKGROUND, decision, by=_by(by), **fields)
    return publish(records.BACKGROUND, record, on=published_on, by=by) if published_on else record


def draft(decision, *, published_on=dt.date(2026, 4, 2), by=None, **fields):
    """The next version of the draft, published unless `published_on` is None."""
    fields.setdefault("kind", "consultation_draft")
    fields.setdefault("title", f"{decision.title}（征求意见稿）")
    fields.setdefault("text", "第一条 为优化营商环境，制定本措施。\n第二条 本措施自发布之日起施行。")
    record = records.create(records.DRAFT, decision, by=_by(by), **fields)
    return publish(records.DRAFT, record, on=published_on, by=by) if published_on else record


def review(decision, kind="legality_review", *, completed_on=dt.date(2026, 6, 1), published_on=None, by=None, **fields):
    """A procedure review; a legality review is `lawful` unless told, and unpublished unless given a day."""
    fields.setdefault("summary", "经审查，未发现问题。")
    if kind == "legality_review":
        fields.setdefault("result", "lawful")
    elif kind == "risk_assessment":
        fields.setdefault("controllable", True)
    elif kind == "expert_review":
        fields.setdefault(
            "experts", [{"name": "王立新", "organisation": "同济大学", "no_direct_interest": True, "dissent": None}]
        )
    record = records.create(records.REVIEW, decision, by=_by(by), kind=kind, completed_on=completed_on, **fields)
    return publish(records.REVIEW, record, on=published_on, by=by) if published_on else record


def meeting(
    *decisions, held_on=HELD_ON, outcome="approved", published_on=None, body_type="executive", attendees=(), unit=None
):
    """A meeting deliberating `decisions`, each with `outcome`, the district's or `unit`'s own;
    published when given a day."""
    _settled()
    last = db.session.scalar(db.select(db.func.max(Meeting.session_no)))
    recorded = meetings.record_meeting(
        body_type=body_type,
        unit=unit,
        session_no=(last or 0) + 1,
        held_on=held_on,
        agenda=[{"decision_id": d.id, "outcome": outcome} for d in decisions],
        attendees=[dict(a) for a in attendees],
    )
    return meetings.publish_meeting(recorded, published_on=published_on) if published_on else recorded


def result(
    decision,
    *,
    doc_number="嘉府规〔2026〕3号",
    signed_on=dt.date(2026, 6, 20),
    issued_on=dt.date(2026, 6, 22),
    published_on=dt.date(2026, 6, 23),
    by=None,
    **fields,
):
    """The decision's result (决策结果), published unless `published_on` is None; needs an approving meeting."""
    fields.setdefault("title", decision.title)
    record, _ = records.put_singular(
        records.RESULT, decision, by=_by(by), doc_number=doc_number, signed_on=signed_on, issued_on=issued_on, **fields
    )
    return publish(records.RESULT, record, on=published_on, by=by) if published_on else record


def interpretation(decision, *, published_on=dt.date(2026, 6, 24), by=None, **fields):
    """An interpretation (政策解读), published unless `published_on` is None."""
    fields.setdefault("form", "graphic")
    if fields["form"] != "text":
        fields.setdefault("text_alternative", "图解要点：一、设立专项资金；二、贷款贴息。")
    fields.setdefault("title", f"一图读懂《{decision.title}》")
    record = records.create(records.INTERPRETATION, decision, by=_by(by), **fields)
    return publish(records.INTERPRETATION, record, on=published_on, by=by) if published_on else record


def follow_up(decision, kind="execution_report", *, occurred_on, published_on=None, by=None, **fields):
    """A follow-up (execution report, post-evaluation, suspension, resumption), published on
    `published_on`, or on the day it happened."""
    titles = {"execution_report": "执行情况报告", "post_evaluation": "决策后评估报告", "suspension": "暂停执行"}
    fields.setdefault("title", titles.get(kind, "恢复执行"))
    fields.setdefault("reason", "各项措施已落地。")
    record = records.create(records.FOLLOW_UP, decision, by=_by(by), kind=kind, occurred_on=occurred_on, **fields)
    return publish(records.FOLLOW_UP, record, on=published_on or occurred_on, by=by)


def deliberated(decision, *, held_on=HELD_ON, outcome="approved", published_on=dt.date(2026, 6, 12)):
    """Walk a catalogued decision to its meeting: background, draft, lawful review, meeting."""
    background(decision)
    draft(decision)
    review(decision, completed_on=held_on - dt.timedelta(days=9))
    return meeting(decision, held_on=held_on, outcome=outcome, published_on=published_on)


def decided(decision, **result_fields):
    """Walk a catalogued decision to its published result; returns the result."""
    deliberated(decision)
    return result(decision, **result_fields)


# --- Public participation ----------------------------------------------------------------------

# The window most consultation tests use: 30 calendar days, announced the day before it opens.
OPENS_ON = dt.date(2026, 4, 3)
CLOSES_ON = dt.date(2026, 5, 2)
ANNOUNCED_ON = dt.date(2026, 4, 2)


def consultation(
    decision,
    *,
    draft_version=1,
    method="online",
    audience=("public", "enterprises", "industry_associations"),
    channels=("portal", "suishenban", "letter"),
    opens_on=OPENS_ON,
    closes_on=CLOSES_ON,
    comments_public=True,
    shortened_reason=None,
    published_on=ANNOUNCED_ON,
):
    """A consultation on a published draft, announced on `published_on` (None: left unpublished)."""
    from consultation.consultations import services as consultation_services

    made = consultation_services.create_consultation(
        decision,
        by=admin(),
        draft_version=draft_version,
        method=method,
        audience=list(audience),
        channels=list(channels),
        opens_on=opens_on,
        closes_on=closes_on,
        comments_public=comments_public,
        shortened_reason=shortened_reason,
    )
    if published_on is not None:
        consultation_services.publish_consultation(made, by=admin(), published_on=published_on)
    return made


def consulted_decision(
    *, enterprise_related=False, title="嘉定区促进民营经济高质量发展若干措施", **consultation_fields
):
    """A catalogued decision with a published draft and a consultation on it: (decision, consultation)."""
    made = catalogued_decision(enterprise_related=enterprise_related, title=title)
    draft(made)
    return made, consultation(made, **consultation_fields)


def comment(
    consultation, *, by=None, content="建议进一步加大对小微企业的支持力度。", submitter_type="individual", **values
):
    """A comment submitted through the service (anonymously unless `by`); needs the window open,
    or staff entering it with its `received_on` and `channel`."""
    from consultation.comments import services as comment_services
    from consultation.comments.models import Comment

    made, _ = comment_services.submit_comment(
        consultation.id, by=by, content=content, submitter_type=submitter_type, **values
    )
    return db.session.get(Comment, made.id)


def legality_review(decision, *, completed_on, result="lawful"):
    from decisions.records import services as records

    return records.create(
        records.REVIEW,
        decision,
        by=admin(),
        kind="legality_review",
        completed_on=completed_on,
        summary="经审查，草案合法。",
        result=result,
    )


def consultation_open_today() -> int:
    """A published online consultation open on the real today, committed, for a server in
    another process (tests.serving), whose calendar is its own: its id."""
    from core import calendar

    day = calendar.today()
    decision = catalogued_decision(year=day.year)
    draft(decision, published_on=day - dt.timedelta(days=2))
    opened = consultation(
        decision,
        opens_on=day - dt.timedelta(days=1),
        closes_on=day + dt.timedelta(days=40),
        published_on=day - dt.timedelta(days=2),
    )
    db.session.commit()  # the workers read it through connections of their own
    opened_id = opened.id
    db.session.remove()  # and no transaction of the test's may hold SQLite's lock meanwhile
    return opened_id

"""Plain factory functions: records made through the services, as the API would."""

import datetime as dt

from core import auth
from core.extensions import db
from decisions import services
from decisions.models import Unit

UNITS = [
    ("jd-gov", "嘉定区人民政府办公室", "government"),
    ("jd-fgw", "嘉定区发展和改革委员会", "department"),
    ("jd-jyj", "嘉定区教育局", "department"),
]


def district_units() -> list[Unit]:
    return [services.create_unit(code, name=name, kind=kind) for code, name, kind in UNITS]


def tokens() -> dict:
    return {
        "admin": auth.create_account("区政府办公室", role="admin")[1],
        "editor": auth.create_account("发改委 编辑", role="editor", unit="jd-fgw")[1],
        "other_editor": auth.create_account("教育局 编辑", role="editor", unit="jd-jyj")[1],
        "partner": auth.create_account("随申办", role="partner", channel="suishenban")[1],
    }


def admin():
    return db.session.scalar(db.select(auth.Account).where(auth.Account.role == "admin"))


def catalogue(year=2026, *, published_on=None, title=None):
    catalogue = services.create_catalogue(
        year, title=title or f"嘉定区人民政府{year}年度重大行政决策事项目录", issuer_unit="jd-gov"
    )
    if published_on:
        services.publish_catalogue(
            catalogue, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
        )
    return catalogue


def decision(year=2026, *, lead_unit="jd-fgw", title="嘉定区促进民营经济高质量发展若干措施", **fields):
    fields.setdefault("category", "public_policy")
    fields.setdefault("planned_completion", f"{year}-Q3")
    fields.setdefault("summary", "围绕优化营商环境、支持民营企业发展，制定若干措施。")
    return services.create_decision(year, by=admin(), lead_unit=lead_unit, title=title, **fields)


# --- Public participation ----------------------------------------------------------------------

# The window most consultation tests use: 30 calendar days, announced the day before it opens.
OPENS_ON = dt.date(2026, 4, 3)
CLOSES_ON = dt.date(2026, 5, 2)
ANNOUNCED_ON = dt.date(2026, 4, 2)


def catalogued_decision(year=2026, *, catalogue_published_on=dt.date(2026, 3, 16), **fields):
    """A decision in the published catalogue of `year` (added by adjustment if it is out already).

    Needs `core.calendar.today()` on or after `catalogue_published_on`."""
    from decisions.models import Catalogue

    listed = db.session.get(Catalogue, year) or catalogue(year)
    made = decision(year, **fields)
    if listed.published_on is None:
        services.publish_catalogue(
            listed,
            party_consent_on=catalogue_published_on - dt.timedelta(days=10),
            published_on=catalogue_published_on,
        )
    else:
        services.adjust(
            listed,
            type="add",
            decision_id=made.id,
            reason="经区政府同意增列",
            approved_on=catalogue_published_on,
            published_on=catalogue_published_on,
        )
    return made


def draft(
    decision, *, published_on=dt.date(2026, 4, 1), title="征求意见稿", text="第一条 为优化营商环境，制定本措施。"
):
    """A consultation draft of the decision, published on `published_on` (None: left unpublished)."""
    from decisions.records import services as records

    made = records.create(
        records.DRAFT, decision, by=admin(), kind="consultation_draft", title=title, text=text, explanation="起草说明"
    )
    if published_on is not None:
        records.publish(records.DRAFT, made, by=admin(), published_on=published_on)
    return made


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
    from consultation import services as consulting

    made = consulting.create_consultation(
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
        consulting.publish_consultation(made, by=admin(), published_on=published_on)
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
    from consultation import services as consulting

    made, _ = consulting.submit_comment(consultation, by=by, content=content, submitter_type=submitter_type, **values)
    return made


def account(role, unit=None):
    """The first account of `role` (and `unit`)."""
    query = db.select(auth.Account).where(auth.Account.role == role)
    if unit is not None:
        query = query.where(auth.Account.unit == unit)
    return db.session.scalars(query.order_by(auth.Account.id)).first()


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

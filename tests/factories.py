"""Plain factory functions: records made through the services, as the API would."""

import datetime as dt

from core import auth
from core.extensions import db
from decisions import services
from decisions.models import Catalogue, Unit

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
        publish(year, published_on=published_on)
    return catalogue


def publish(year=2026, *, published_on):
    """Publish a year's catalogue, the Party committee having consented ten days before."""
    catalogue = db.session.get(Catalogue, year)
    return services.publish_catalogue(
        catalogue, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
    )


def decision(year=2026, *, lead_unit="jd-fgw", title="嘉定区促进民营经济高质量发展若干措施", **fields):
    fields.setdefault("category", "public_policy")
    fields.setdefault("planned_completion", f"{year}-Q3")
    fields.setdefault("summary", "围绕优化营商环境、支持民营企业发展，制定若干措施。")
    return services.create_decision(year, by=admin(), lead_unit=lead_unit, title=title, **fields)

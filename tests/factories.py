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


# --- The procedure's records, made through the services as the admin would ------------------
# Each takes the real-world days; `core.calendar.today` must lie on or after them (tests
# monkeypatch it), since nothing is published in the future.


def catalogued_decisions(specs, *, year=2026, published_on=dt.date(2026, 3, 16)):
    """A year's catalogue holding one decision per spec (keyword dicts for `decision`), then
    published, so that every one of them is public; returns the decisions."""
    made = catalogue(year)
    decisions = [decision(year, title=f"决策事项{year}-{i}", **spec) for i, spec in enumerate(specs, 1)]
    services.publish_catalogue(made, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on)
    return decisions


def draft(decision, *, published_on, title="征求意见稿", text="第一条"):
    from decisions.records import services as records
    from decisions.records.services import DRAFT

    record = records.create(DRAFT, decision, by=admin(), kind="consultation_draft", title=title, text=text)
    return records.publish(DRAFT, record, by=admin(), published_on=published_on)


def consultation(
    decision,
    *,
    opens_on,
    closes_on,
    published_on=None,
    method="online",
    audience=("public",),
    channels=("portal", "letter"),
    shortened_reason=None,
    comments_public=False,
):
    """A published consultation on a freshly published draft."""
    from consultation import services as consultation_services

    published_on = published_on or opens_on
    version = draft(decision, published_on=published_on).version
    made = consultation_services.create_consultation(
        decision,
        by=admin(),
        draft_version=version,
        method=method,
        audience=list(audience),
        channels=list(channels),
        opens_on=opens_on,
        closes_on=closes_on,
        shortened_reason=shortened_reason,
        comments_public=comments_public,
    )
    return consultation_services.publish_consultation(made, by=admin(), published_on=published_on)


def comment(consultation, *, content="意见", submitter_type="individual", channel="letter", received_on=None, **fields):
    """A comment entered by staff with its real day (the consultation's first by default)."""
    from consultation import services as consultation_services

    made, _ = consultation_services.submit_comment(
        consultation,
        by=admin(),
        content=content,
        submitter_type=submitter_type,
        channel=channel,
        received_on=received_on or consultation.opens_on,
        **fields,
    )
    return made


def dispose(comment, disposition="adopted", *, reason_code=None, reason=None):
    from consultation import services as consultation_services

    if disposition != "adopted":
        reason_code, reason = reason_code or "other", reason or "理由"
    return consultation_services.dispose(
        comment, by=admin(), disposition=disposition, reason_code=reason_code, reason=reason
    )


def legality_review(decision, *, completed_on):
    from decisions.records import services as records
    from decisions.records.services import REVIEW

    return records.create(
        REVIEW, decision, by=admin(), kind="legality_review", completed_on=completed_on, summary="合法", result="lawful"
    )


def meeting(decisions, *, held_on, session_no, attendees=(), published_on=None, outcome="approved"):
    """A published executive meeting that deliberated `decisions`; attendees as categories or dicts."""
    from decisions.meetings import services as meetings

    made = meetings.record_meeting(
        body_type="executive",
        session_no=session_no,
        held_on=held_on,
        agenda=[{"decision_id": d.id, "outcome": outcome} for d in decisions],
        attendees=[a if isinstance(a, dict) else {"category": a, "organisation": f"{a}代表"} for a in attendees],
    )
    return meetings.publish_meeting(made, published_on=published_on or held_on)


def result(decision, *, issued_on, signed_on=None, published_on=None, doc_number=None):
    """The decision's published result; it owes the adoption report."""
    from decisions.records import services as records
    from decisions.records.services import RESULT

    record = records.create(
        RESULT,
        decision,
        by=admin(),
        title=decision.title,
        doc_number=doc_number or f"嘉府规〔{issued_on.year}〕{decision.id}号",
        signed_on=signed_on or issued_on,
        issued_on=issued_on,
    )
    return records.publish(RESULT, record, by=admin(), published_on=published_on or issued_on)


def decided(decision, *, held_on, session_no, issued_on, attendees=(), published_on=None):
    """Legality review, an approving meeting and the published result, in one go."""
    legality_review(decision, completed_on=held_on)
    made = meeting([decision], held_on=held_on, session_no=session_no, attendees=attendees)
    return made, result(decision, issued_on=issued_on, published_on=published_on)


def adoption_report(decision, *, summary="共收到意见若干条，采纳情况如下。", published_on=None):
    """The decision's adoption report, published on `published_on` if given."""
    from consultation.adoption.services import ADOPTION_REPORT
    from decisions.records import services as records

    report = records.create(ADOPTION_REPORT, decision, by=admin(), summary=summary)
    if published_on is not None:
        report = records.publish(ADOPTION_REPORT, report, by=admin(), published_on=published_on)
    return report


def inquiry(decision, *, received_on, question="请问何时实施？", channel="hotline_12345", **fields):
    """A question staff entered from another channel (12345, say) with its real day."""
    from consultation.inquiries import services as inquiries

    return inquiries.ask(decision, by=admin(), question=question, channel=channel, received_on=received_on, **fields)


def reply(inquiry, *, answered_on, simple=False, answer="答复如下。"):
    from consultation.inquiries import services as inquiries

    return inquiries.reply(inquiry, by=admin(), answer=answer, simple=simple, answered_on=answered_on)

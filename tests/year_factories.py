"""Factories for a year of records whose deadlines and compliance the tests count.

Each takes the real-world days; `core.calendar.today` must lie on or after them (tests
monkeypatch it), since nothing is published in the future. They differ from tests/factories.py's
walk of one decision: they build many decisions' records quickly, by exact days.
"""

import datetime as dt

from decisions.catalogues import services as catalogue_services
from tests.factories import admin, catalogue, decision  # noqa: F401 (the tests use them from here too)


def catalogued_decisions(specs, *, year=2026, published_on=dt.date(2026, 3, 16)):
    """A year's catalogue holding one decision per spec (keyword dicts for `decision`), then
    published, so that every one of them is public; returns the decisions."""
    made = catalogue(year)
    decisions = [decision(year, title=f"决策事项{year}-{i}", **spec) for i, spec in enumerate(specs, 1)]
    catalogue_services.publish_catalogue(
        made, party_consent_on=published_on - dt.timedelta(days=10), published_on=published_on
    )
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
    from consultation.consultations import services as consultation_services

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
    from consultation.comments import services as comment_services
    from consultation.comments.models import Comment
    from core.extensions import db

    made, _ = comment_services.submit_comment(
        consultation.id,
        by=admin(),
        content=content,
        submitter_type=submitter_type,
        channel=channel,
        received_on=received_on or consultation.opens_on,
        **fields,
    )
    return db.session.get(Comment, made.id)


def dispose(comment, disposition="adopted", *, reason_code=None, reason=None, disposed_on=None):
    """A disposition decided on `disposed_on` (the day the comment came, by default)."""
    from consultation.dispositions import services as disposition_services

    if disposition != "adopted":
        reason_code, reason = reason_code or "other", reason or "理由"
    return disposition_services.dispose(
        comment,
        by=admin(),
        disposition=disposition,
        reason_code=reason_code,
        reason=reason,
        disposed_on=disposed_on or comment.received_on,
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


def general_inquiry(*, received_on, question="请问如何办理？", channel="hotline_12345"):
    """A general question (网上咨询) the district office entered; nobody holds it yet."""
    from consultation.inquiries import services as inquiries

    return inquiries.ask_generally(by=admin(), question=question, channel=channel, received_on=received_on)


def publish_inquiry(inquiry):
    from consultation.inquiries import services as inquiries

    return inquiries.publish(inquiry, by=admin())


def decline(inquiry, *, declined_on, reason="不属于本政策咨询范围。"):
    from consultation.inquiries import services as inquiries

    return inquiries.decline(inquiry, by=admin(), reason=reason, declined_on=declined_on)


def transfer(inquiry, *, to_unit, reason="属其他单位职责。"):
    from consultation.inquiries import services as inquiries

    return inquiries.transfer(inquiry, by=admin(), to_unit=to_unit, reason=reason)

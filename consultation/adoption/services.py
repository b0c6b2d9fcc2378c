"""The adoption report (意见收集采纳情况): a record like the procedure's others, with its own
rules. Its figures come from the comments; its deadline is the decision's obligation."""

import sqlalchemy as sa

from consultation.adoption.models import AdoptionReport
from consultation.clusters.models import Cluster
from consultation.comments.models import Comment, ModerationState
from consultation.consultations.models import Consultation
from consultation.consultations.services import counts
from consultation.dispositions.models import Disposition
from core import obligations, preconditions
from core.auth import ensure_reads_as_staff
from core.errors import AdoptionNotOnRecord, ClusterReasonMissing, CommentsUndisposed, NotFound, ResultNotIssued
from core.extensions import db
from core.publication import EntryType
from decisions.records.models import Result
from decisions.records.services import Kind


def clusters_of(decision_id: int):
    return db.session.scalars(
        sa.select(Cluster)
        .join(Consultation, Consultation.id == Cluster.consultation_id)
        .where(Consultation.decision_id == decision_id)
        .order_by(Cluster.id)
    ).all()


def figures(decision_id: int) -> dict:
    """Comments received on all the decision's consultations, by channel, submitter type and
    disposition: computed in SQL."""
    ids = sa.select(Consultation.id).where(Consultation.decision_id == decision_id)
    return counts(ids)


def _before_publish(report, day):
    unexplained = [
        c
        for c in clusters_of(report.decision_id)
        if c.disposition != Disposition.adopted and not (c.reason and c.reason_code)
    ]
    if unexplained:
        raise ClusterReasonMissing(
            "Concentrated opinions not adopted need their reason before the report is published: "
            + "; ".join(f"cluster {c.id} ({c.summary[:30]})" for c in unexplained)
            + "."
        )


# How many undisposed opinions a problem names by id: enough to start on, short enough to read.
FIRST_IDS = 10


def _result_not_issued(report, day) -> list:
    """The report tells what became of the opinions in the decision as issued: it follows the
    result, the current version of which is published and issued on or before `day`."""
    result = db.session.scalar(
        sa.select(Result)
        .where(
            Result.decision_id == report.decision_id,
            Result.published_on.is_not(None),
            Result.withdrawn_on.is_(None),
            Result.superseded_by_id.is_(None),
        )
        .limit(1)
    )
    if result is None:
        return [
            ResultNotIssued(
                f"Decision {report.decision_id} has no published result: the adoption report is published once "
                "the decision document is issued and its result published."
            )
        ]
    if result.issued_on > day:
        return [
            ResultNotIssued(
                f"The decision document {result.doc_number} is issued on {result.issued_on}, after {day}: the "
                "adoption report is published on or after the day the document is issued."
            )
        ]
    return []


def _opinions_received(decision_id: int):
    """The ids of the opinions received on the decision's consultations, those moderation
    rejected aside: what the report and the meeting's dossier account for."""
    return (
        sa.select(Comment.id)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(Consultation.decision_id == decision_id, Comment.moderation != ModerationState.rejected)
    )


def _comments_undisposed(report, day) -> list:
    """Every opinion received (those moderation rejected aside) has its disposition."""
    undisposed = _opinions_received(report.decision_id).where(Comment.disposition.is_(None))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(undisposed.subquery()))
    if not count:
        return []
    ids = db.session.scalars(undisposed.order_by(Comment.id).limit(FIRST_IDS)).all()
    named = ", ".join(map(str, ids)) + (f" (the first {FIRST_IDS})" if count > FIRST_IDS else "")
    return [
        CommentsUndisposed(
            f"{count} opinions on the decision's consultations have no disposition: comments {named}. Dispose of "
            "each (or reject it in moderation) before the adoption report is published.",
            count=count,
            comment_ids=ids,
        )
    ]


def _preconditions(report, day) -> list:
    return _result_not_issued(report, day) + _comments_undisposed(report, day)


def _fulfils_obligation(report, day):
    obligations.fulfil(
        report.decision_id,
        obligations.ADOPTION_REPORT,
        on=day,
        by=f"/decisions/{report.decision_id}/adoption-report/versions/{report.version}",
    )


@obligations.met_by(obligations.ADOPTION_REPORT)
def _published_before_due(decision_id: int):
    """A report published before the result was (the obligation did not exist yet) meets it."""
    report = db.session.execute(
        sa.select(AdoptionReport.version, AdoptionReport.published_on)
        .where(AdoptionReport.decision_id == decision_id, AdoptionReport.published_on.is_not(None))
        .order_by(AdoptionReport.published_on, AdoptionReport.version)
        .limit(1)
    ).first()
    if report is None:
        return None
    return report.published_on, f"/decisions/{decision_id}/adoption-report/versions/{report.version}"


ADOPTION_REPORT = Kind(
    "adoption report",
    AdoptionReport,
    EntryType.adoption_report_published,
    singular=True,
    before_publish=_before_publish,
    preconditions=_preconditions,
    after_publish=_fulfils_obligation,
)


def working_report(decision, *, by) -> AdoptionReport:
    """The newest version, for the lead unit's staff to read with today's figures."""
    ensure_reads_as_staff(by, decision.lead_unit)
    report = db.session.scalar(
        sa.select(AdoptionReport)
        .where(AdoptionReport.decision_id == decision.id)
        .order_by(AdoptionReport.version.desc())
        .limit(1)
    )
    if report is None:
        raise NotFound(f"Decision {decision.id} has no adoption report yet: write one with PUT.")
    return report


@preconditions.agenda_check(AdoptionNotOnRecord.slug)
def adoption_on_record(decision, held_on) -> list[str]:
    """The meeting's dossier includes how the main public opinions were adopted [Art. 29]: a
    draft adoption report, or a disposition for every opinion received."""
    comments = _opinions_received(decision.id)
    if db.session.scalar(comments.limit(1)) is None:
        return []
    if db.session.scalar(sa.select(AdoptionReport.id).where(AdoptionReport.decision_id == decision.id).limit(1)):
        return []
    undisposed = db.session.scalar(
        sa.select(sa.func.count()).select_from(comments.where(Comment.disposition.is_(None)).subquery())
    )
    if undisposed:
        return [
            f"how the public's opinions were adopted is not on record: no adoption report, and {undisposed} "
            "opinions have no disposition"
        ]
    return []

"""The yearly assessment's use cases: take a scored snapshot of a year's compliance, publish it,
correct it by a new version, and read it as the viewer may."""

import copy
import functools
from types import SimpleNamespace

import sqlalchemy as sa

from consultation.assessments import rules
from consultation.assessments.models import Assessment
from consultation.compliance import services as compliance
from core import calendar, deadlines, publication
from core.auth import Account, Role
from core.errors import (
    AssessmentPublished,
    AssessmentWeightTooSmall,
    CorrectionReasonMissing,
    Invalid,
    NotFound,
)
from core.extensions import conflict_on_clash, db, utcnow
from core.pagination import Listing

# Who reads a version before it is published: the district office, and the third-party
# assessor who checks its figures (社会评议). A unit's editors see it once it is public.
READS_DRAFTS = (Role.admin, Role.evaluator)


def _reads_drafts(viewer: Account | None) -> bool:
    return viewer is not None and viewer.role in READS_DRAFTS


def snapshot(year: int, rule_set: dict) -> dict:
    """The year's compliance report as it stands today, each unit and the district scored."""
    report = compliance.compliance(year)

    def scored(figures: dict, **identity) -> dict:
        figures = {key: value for key, value in figures.items() if key not in ("unit", "name")}
        return _plain({**identity, **rules.score(figures, rule_set), "compliance": figures})

    return {
        "units": [scored(unit, unit=unit["unit"], name=unit["name"]) for unit in report["units"]],
        # The district's catalogue is the district row's duty.
        "district": scored({**report["district"], "catalogue": report["catalogue"]}),
    }


def _plain(value):
    """The report as JSON stores it: its defaultdicts plain, its days ISO strings."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _newest(year: int, *, locked: bool = False) -> Assessment | None:
    statement = sa.select(Assessment).where(Assessment.year == year).order_by(Assessment.version.desc()).limit(1)
    # Locked, a publication and a second publication (or a retake of the draft) at once are one
    # after the other on PostgreSQL: the second reads the version published and is answered by
    # name, not refused by the trigger (SQLite writes one at a time).
    return db.session.scalar(statement.with_for_update() if locked else statement)


def take(year: int, *, weights: dict | None = None, performance_weight: float | None = None, reason=None) -> Assessment:
    """Take the year's assessment: a draft version scored by the rule set given (the defaults
    otherwise). A draft not yet published is taken again in place; once a version is published,
    a new one corrects it and says why."""
    if not rules.FIRST_YEAR <= year <= calendar.today().year:
        raise Invalid("year", f"Years from {rules.FIRST_YEAR} to this one are assessed, not {year}.", location="path")
    rule_set = rules.rule_set(weights, performance_weight)
    if rule_set["performance_weight"] < rules.MIN_PERFORMANCE_WEIGHT:
        raise AssessmentWeightTooSmall(
            "performance_weight",
            f"政务公开 counts for at least {rules.MIN_PERFORMANCE_WEIGHT} points of the performance assessment, "
            f"not {rule_set['performance_weight']}.",
        )
    if not any(weight > 0 for weight in rule_set["weights"].values()):
        raise Invalid("weights", "At least one duty needs a weight above 0, or nothing is scored.")
    reason = (reason or "").strip() or None
    newest = _newest(year, locked=True)
    if newest is not None and newest.published_on is None:
        assessment = newest  # a draft: taken again
        if reason is not None and assessment.corrects_id is not None:
            assessment.correction_reason = reason
    elif newest is not None:
        if reason is None:
            raise CorrectionReasonMissing(
                "reason",
                f"The {year} assessment (version {newest.version}) was published on {newest.published_on}: "
                "a correction is a new version, and it says why (`reason`).",
            )
        assessment = Assessment(year=year, version=newest.version + 1, corrects_id=newest.id, correction_reason=reason)
    else:
        assessment = Assessment(year=year, version=1)
    assessment.rules = rule_set
    assessment.figures = snapshot(year, rule_set)
    assessment.taken_on = calendar.today()
    assessment.taken_at = utcnow()
    with conflict_on_clash(f"The {year} assessment was being taken at the same time: take it again."):
        db.session.add(assessment)
        db.session.commit()
    return assessment


def publish(year: int, *, published_on=None) -> Assessment:
    """Publish the year's newest version, through the public record; it never changes after."""
    assessment = _newest(year, locked=True)
    if assessment is None:
        raise NotFound(f"No assessment of {year} is taken yet.")
    if assessment.published_on is not None:
        raise AssessmentPublished(
            f"The {year} assessment (version {assessment.version}) was published on {assessment.published_on}: "
            f"it never changes. Take a correction (POST /assessments/{year} with a `reason`) and publish that."
        )
    day = publication.publication_day(published_on)
    if day < assessment.taken_on:
        raise Invalid(
            "published_on", f"Version {assessment.version} was taken on {assessment.taken_on}: it is published after."
        )
    corrected = db.session.get(Assessment, assessment.corrects_id) if assessment.corrects_id else None
    title = f"{year}年度政务公开工作考核评估结果" + (f"（第{assessment.version}版更正）" if corrected else "")
    publication.publish(
        assessment,
        publication.Fact(
            None,
            publication.EntryType.assessment_published,
            title,
            target(assessment),
            amends_seq=_entry_seq(corrected) if corrected else None,
            reason=assessment.correction_reason,
        ),
        published_on=day,
    )
    db.session.commit()
    return assessment


def _entry_seq(assessment: Assessment) -> int:
    """The public-record entry that published `assessment` (a correction amends it)."""
    return publication.latest_entry(target(assessment), publication.EntryType.assessment_published).seq


def target(assessment: Assessment) -> str:
    return f"/assessments/{assessment.year}/versions/{assessment.version}"


# --- Reading ---------------------------------------------------------------------------------


def _shown(viewer: Account | None):
    return sa.true() if _reads_drafts(viewer) else Assessment.published_on.is_not(None)


def get(year: int, *, viewer: Account | None, version: int | None = None) -> Assessment:
    """The year's newest version the viewer may read (or `version`); drafts are 404 to the public."""
    statement = sa.select(Assessment).where(Assessment.year == year, _shown(viewer))
    if version is not None:
        statement = statement.where(Assessment.version == version)
    assessment = db.session.scalar(statement.order_by(Assessment.version.desc()).limit(1))
    if assessment is None:
        which = f"version {version} of the {year} assessment" if version else f"an assessment of {year}"
        raise NotFound(f"There is no {which} published.")
    return assessment


def versions(year: int, *, viewer: Account | None) -> list[Assessment]:
    """Every version of the year the viewer may read, oldest first."""
    return db.session.scalars(
        sa.select(Assessment).where(Assessment.year == year, _shown(viewer)).order_by(Assessment.version)
    ).all()


def list_assessments(*, viewer: Account | None) -> Listing:
    """Each year's newest version the viewer may read, newest year first."""
    newest = (
        sa.select(Assessment.year, sa.func.max(Assessment.version).label("version"))
        .where(_shown(viewer))
        .group_by(Assessment.year)
        .subquery()
    )
    statement = (
        sa.select(Assessment)
        .join(newest, sa.and_(newest.c.year == Assessment.year, newest.c.version == Assessment.version))
        .order_by(Assessment.year.desc())
    )
    count = sa.select(sa.func.count(sa.distinct(Assessment.year))).where(_shown(viewer))
    return Listing(statement, count=count, shape=functools.partial(view, viewer=viewer, summary=True))


def view(assessment: Assessment, *, viewer: Account | None, summary: bool = False) -> SimpleNamespace:
    """The version as the schema dumps it: its deadline's standing and, unless `summary`, its
    figures and every version of its year the viewer may read."""
    due = rules.due_on(assessment.year)
    shown = {
        "year": assessment.year,
        "version": assessment.version,
        "status": "draft" if assessment.published_on is None else "published",
        "rules": assessment.rules,
        "taken_on": assessment.taken_on,
        "taken_at": assessment.taken_at,
        "published_on": assessment.published_on,
        "due_on": due,
        "deadline": deadlines.status(due, assessment.published_on),
        "corrects_version": None,
        "correction_reason": assessment.correction_reason,
        "district": {key: assessment.figures["district"][key] for key in ("score", "performance_points")},
        "path": target(assessment),
    }
    if assessment.corrects_id is not None:
        shown["corrects_version"] = assessment.version - 1
    if not summary:
        shown["units"] = copy.deepcopy(assessment.figures["units"])
        shown["district"] = copy.deepcopy(assessment.figures["district"])
        shown["versions"] = [
            {
                "version": v.version,
                "status": "draft" if v.published_on is None else "published",
                "published_on": v.published_on,
                "correction_reason": v.correction_reason,
                "path": target(v),
            }
            for v in versions(assessment.year, viewer=viewer)
        ]
    else:
        shown["units"] = shown["versions"] = None
    return SimpleNamespace(**shown)

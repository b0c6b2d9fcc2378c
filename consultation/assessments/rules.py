"""The assessment's rules, in one place: the duties it scores, their default weights, the
performance weight's floor, and its due day.

Each duty is one row of `DUTIES`: a name, what the seed calls it, a default weight, and how it
is measured from one unit's figures in the compliance report (consultation.compliance). A duty
that compliance learns later (a unit's own catalogue and meetings, open activities) is one row
more: a measure that reads its section and answers None while the section is not there, so a
report without it scores as before.

A duty measures the share of the unit's cases in which it was kept (`rate`, 0 to 1) and whether
it was kept entirely or its threshold reached (`met`); None when the unit had nothing to keep
(no consultation held, no question received): such a duty neither earns nor costs points. A
unit's score is 100 × Σ weight × rate ÷ Σ weight, over the duties that apply to it; its share
of the performance assessment (绩效考核) is score ÷ 100 × the performance weight.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

# 政务公开 counts for at least 4 points of the units' performance assessment (section 七(三)).
MIN_PERFORMANCE_WEIGHT = 4
DEFAULT_PERFORMANCE_WEIGHT = 4

# Published in the first quarter of the next year: by 31 March, a calendar day (the seed says
# "first quarter", not a number of working days), whatever weekday it falls on.
DUE_MONTH_DAY = (3, 31)
# The first year assessed: compliance reads no earlier one (its `year` starts there too).
FIRST_YEAR = 2000


def due_on(year: int) -> dt.date:
    """The day the assessment of `year` is due: 31 March of the next year."""
    return dt.date(year + 1, *DUE_MONTH_DAY)


@dataclasses.dataclass(frozen=True)
class Measure:
    """How far a unit kept one duty: `value` as the seed states it, `rate` the share kept
    (0 to 1), `met` the duty kept (or its threshold reached), `records` the paths behind it."""

    value: float | int | str | None
    rate: float
    met: bool
    records: dict[str, list[str]]


@dataclasses.dataclass(frozen=True)
class Duty:
    name: str
    title: str
    weight: float  # the default points, of 100 across all duties
    measure: Callable[[dict], Measure | None]


def _records(section: dict, *keys: str) -> dict[str, list[str]]:
    return {key: list(section.get("records", {}).get(key, [])) for key in keys}


def _kept(kept: int, of: int, records: dict) -> Measure | None:
    """kept of `of` cases: every one for the duty to be met; nothing to measure without any."""
    if not of:
        return None
    return Measure(value=f"{kept}/{of}", rate=kept / of, met=kept == of, records=records)


def _catalogue(figures: dict) -> Measure | None:
    # The district's catalogue is the district row's (`catalogue`); a unit's own catalogue
    # (确定并发布本单位…目录) is its row's `own_catalogue`, null for a unit that keeps none.
    catalogue = figures.get("catalogue") or figures.get("own_catalogue")
    if not catalogue or catalogue.get("on_time") is None:
        return None  # none, or still due
    on_time = bool(catalogue["on_time"])
    records = {"catalogue": [catalogue["path"]]} if catalogue.get("path") else {}
    return Measure(value=catalogue.get("published_on"), rate=float(on_time), met=on_time, records=records)


def _consultations(figures: dict) -> Measure | None:
    c = figures.get("consultations")
    if c is None:
        return None
    return _kept(c["compliant"], c["total"], _records(c, "compliant", "non_compliant"))


def _adoption_reports(figures: dict) -> Measure | None:
    a = figures.get("adoption_reports")
    if a is None:
        return None
    # A report not due yet is not counted either way.
    due = a["on_time"] + a["late"] + a["overdue"]
    return _kept(a["on_time"], due, _records(a, "on_time", "late", "overdue"))


def _inquiries(figures: dict) -> Measure | None:
    i = figures.get("inquiries")
    if i is None:
        return None
    # A question declined by its due day kept the deadline (compliance counts it apart).
    kept = i["on_time"] + i["declined"]
    return _kept(kept, kept + i["late"] + i["overdue"], _records(i, "on_time", "declined", "late", "overdue"))


def _invited_meetings(figures: dict) -> Measure | None:
    m = figures.get("invited_meetings")
    if m is None or not m.get("required"):
        return None  # the rule of three is each unit's, not the district's
    return Measure(
        value=m["count"],
        rate=min(m["count"] / m["required"], 1.0),
        met=m["count"] >= m["required"],
        records=_records(m, "meetings"),
    )


def _enterprise_hearing(figures: dict) -> Measure | None:
    e = figures.get("enterprise_hearing")
    if e is None:
        return None
    return _kept(e["heard"], e["deliberated"], _records(e, "heard", "not_heard"))


def _interpreted(figures: dict) -> Measure | None:
    i = figures.get("interpretations")
    if i is None:
        return None
    return _kept(i["interpreted"], i["documents"], _records(i, "interpreted", "not_interpreted"))


def _multi_form(figures: dict) -> Measure | None:
    i = figures.get("interpretations")
    if i is None or i.get("multi_form_rate") is None:
        return None
    rate, threshold = i["multi_form"] / i["interpreted"], i["threshold"]
    return Measure(
        value=i["multi_form_rate"],
        rate=min(rate / threshold, 1.0),
        met=rate >= threshold,
        records=_records(i, "multi_form", "interpreted"),
    )


# The duties scored, keyed by name, their default weights adding up to 100 (README, ADR 0022).
DUTIES = (
    Duty("catalogue_on_time", "决策事项目录按时发布（3月31日前）", 10, _catalogue),
    Duty("consultation_window", "征求意见不少于30日（或说明理由）", 15, _consultations),
    Duty("adoption_report_on_time", "意见采纳情况按时公开（10个工作日内）", 15, _adoption_reports),
    Duty("inquiries_answered_on_time", "政民互动按时答复（5个工作日内）", 15, _inquiries),
    Duty("invited_attendance", "决策会议邀请利益相关方列席（每年不少于3次）", 10, _invited_meetings),
    Duty("enterprise_hearing", "涉企决策听取企业和行业协会意见", 10, _enterprise_hearing),
    Duty("policy_documents_interpreted", "政策文件同步解读", 15, _interpreted),
    Duty("multi_form_interpretation", "多元化解读率不低于60%", 10, _multi_form),
)
DUTY_NAMES = tuple(duty.name for duty in DUTIES)
DEFAULT_WEIGHTS = {duty.name: duty.weight for duty in DUTIES}


def rule_set(weights: dict | None = None, performance_weight: float | None = None) -> dict:
    """The rule set stored with a version: every duty's weight (the defaults, but those given)."""
    return {
        "weights": {**DEFAULT_WEIGHTS, **(weights or {})},
        "performance_weight": DEFAULT_PERFORMANCE_WEIGHT if performance_weight is None else performance_weight,
    }


def score(figures: dict, rules: dict) -> dict:
    """One unit's (or the district's) duties measured and scored by `rules`."""
    weights, duties = rules["weights"], {}
    earned = possible = 0.0
    for duty in DUTIES:
        weight = weights.get(duty.name, 0)
        measure = duty.measure(figures)
        if measure is None:
            duties[duty.name] = {"applies": False, "weight": weight, "points": None, "records": {}}
            continue
        points = weight * measure.rate
        earned, possible = earned + points, possible + weight
        duties[duty.name] = {
            "applies": True,
            "value": measure.value,
            "rate": round(measure.rate, 4),
            "met": measure.met,
            "weight": weight,
            "points": round(points, 2),
            "records": measure.records,
        }
    total = round(100 * earned / possible, 2) if possible else None
    performance = None if total is None else round(total / 100 * rules["performance_weight"], 2)
    return {"score": total, "performance_points": performance, "duties": duties}

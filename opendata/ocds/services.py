"""One decision as an OCDS record (ADR 0019): every published version of each stage record as a
release, and the compiled release, where each stage holds its records' current versions.

Read from the records export's own query (opendata.exports.records): the public record's
entries of the decision with the documents they froze, in one statement. The validators come
first, from one indexed lookup (the decision, its newest entry and when it changed): every
change to what this document shows appends an entry to the public record or touches the
decision's row, so while neither moves a 304 is answered without an entry being read.
"""

import dataclasses
import datetime as dt
import functools
import hashlib

import orjson
import sqlalchemy as sa
from flask import current_app

from core.errors import NotFound
from core.extensions import read_connection
from core.links import base_url, href
from core.publication import EntryType
from decisions import visibility
from decisions.models import Decision
from opendata.exports.records import ENTRIES, KINDS, decision_records, written

# OCDS's only initiation type: the process began with a call (here: the catalogue item).
INITIATION_TYPE = "tender"


@dataclasses.dataclass(frozen=True)
class Stage:
    """A stage of the procedure as the record names it, and the OCDS tags of its releases: the
    first publication of a version, a correction, a withdrawal."""

    name: str
    published: str
    corrected: str
    withdrawn: str


def _phase(name: str, phase: str, *, amended: str = "Update", cancelled: str = "Update") -> Stage:
    return Stage(name, phase, phase + amended, phase + cancelled)


# The procedure's stages in its order (core.publication.STAGE_PUBLICATIONS), each with the OCDS
# phase it stands for: preparing the decision is planning, the call for the public's opinions
# is the tender, the decision taken (deliberated, issued, with what of the opinions it adopted)
# is the award, and what follows it is the implementation. OCDS has no tag for withdrawing a
# planning or implementation release: its update tag, and `standing`, say so.
STAGES = {
    EntryType.background_published: _phase("background", "planning"),
    EntryType.draft_published: _phase("draft", "planning"),
    EntryType.consultation_opened: _phase("consultation", "tender", amended="Amendment", cancelled="Cancellation"),
    EntryType.review_completed: _phase("review", "planning"),
    EntryType.meeting_deliberated: _phase("meeting", "award", cancelled="Cancellation"),
    EntryType.result_published: _phase("result", "award", cancelled="Cancellation"),
    EntryType.adoption_report_published: _phase("adoption_report", "award", cancelled="Cancellation"),
    EntryType.interpretation_published: _phase("interpretation", "implementation"),
    EntryType.execution_reported: _phase("execution_report", "implementation"),
    EntryType.post_evaluated: _phase("post_evaluation", "implementation"),
}
STAGE_NAMES = tuple(stage.name for stage in STAGES.values())


class Standing:
    """Where the version a release published stands now."""

    current = "current"
    superseded = "superseded"
    withdrawn = "withdrawn"


def ocid(decision_id: int) -> str:
    """The decision's Open Contracting ID: the prefix (OCDS_PREFIX) and its id, which never
    changes (its catalogue year and number may, through an adjustment)."""
    return f"{current_app.config['OCDS_PREFIX']}{decision_id}"


@functools.cache
def _decision_and_newest():
    """The public decision with its newest entry of the records dataset: one row, none while
    the decision is not public. Built once, the decision's id a bound parameter."""
    columns = (Decision.id, Decision.title, Decision.catalogue_year, Decision.lead_unit, Decision.state)
    return (
        sa.select(
            *columns,
            Decision.updated_at,
            sa.func.max(ENTRIES.seq).label("newest_seq"),
            sa.func.max(ENTRIES.recorded_at).label("newest_at"),
        )
        .select_from(Decision)
        .outerjoin(ENTRIES.seq.table, sa.and_(ENTRIES.decision_id == Decision.id, ENTRIES.type.in_(KINDS)))
        .where(Decision.id == sa.bindparam("decision_id"), visibility.decisions_shown_to(visibility.audience(None)))
        .group_by(*columns, Decision.updated_at)
    )


@dataclasses.dataclass(frozen=True)
class Validators:
    decision: sa.Row
    etag: str
    last_modified: dt.datetime


def validators(decision_id: int) -> Validators:
    """The record's ETag and Last-Modified, from one indexed lookup; 404 while the decision
    is not public. The tag covers what the body is made of: the decision's row as it stands,
    the newest entry, the links' base and the OCID's prefix."""
    decision = read_connection().execute(_decision_and_newest(), {"decision_id": decision_id}).first()
    if decision is None:
        raise NotFound(f"No decision {decision_id} is published.")
    asked = orjson.dumps([decision.updated_at, decision.newest_seq, base_url(), ocid(decision.id)], default=str)
    etag = f"record-{decision.id}-{decision.newest_seq or 0}-{hashlib.sha1(asked).hexdigest()[:16]}"
    changed = [moment for moment in (decision.updated_at, decision.newest_at) if moment is not None]
    return Validators(decision, etag, max(changed))


def record(found: Validators) -> dict:
    """The decision's OCDS record: its releases, oldest first, and the compiled release."""
    decision = found.decision
    the_ocid = ocid(decision.id)
    rows = written(read_connection().execute(decision_records(decision.id)).all())
    releases, versions = _releases(the_ocid, rows)
    compiled = {name: [] for name in STAGE_NAMES}
    for release in versions:
        if release["standing"] == Standing.current:
            compiled[release["stage"]].append(_compiled_version(release))
    return {
        "ocid": the_ocid,
        "releases": releases,
        "compiledRelease": {
            "ocid": the_ocid,
            "id": f"{the_ocid}-compiled",
            "date": releases[-1]["date"] if releases else None,
            "tag": ["compiled"],
            "initiationType": INITIATION_TYPE,
            "decision": {
                "id": decision.id,
                "title": decision.title,
                "catalogue_year": decision.catalogue_year,
                "lead_unit": decision.lead_unit,
                "state": decision.state,
                "_links": {"self": href(f"/decisions/{decision.id}")},
            },
            "stages": compiled,
        },
        "_links": {
            "self": href(f"/decisions/{decision.id}/record"),
            "decision": href(f"/decisions/{decision.id}"),
            "timeline": href(f"/decisions/{decision.id}/timeline"),
        },
    }


def _releases(the_ocid: str, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each row of a stage (or amending one) as a release, and those that published a version,
    each standing as the later rows left it. Rows amending what is no stage (the catalogue, a
    comment) are not the record's."""
    releases, versions, by_seq = [], [], {}
    for row in rows:
        kind = row["type"]
        amended = by_seq.get(row["amends"])
        if kind in STAGES:
            stage_of = kind
        elif amended is not None:
            stage_of = amended["_stage_of"]
        else:
            continue
        stage = STAGES[stage_of]
        if kind == EntryType.withdrawn:
            tag, standing = stage.withdrawn, Standing.withdrawn
            amended["standing"] = Standing.withdrawn
        else:
            tag = stage.corrected if kind == EntryType.correction else stage.published
            standing = Standing.current
            if amended is not None:
                amended["standing"] = Standing.superseded
        document = row.pop("document")
        release = {
            "ocid": the_ocid,
            "id": f"{the_ocid}-{row['seq']}",
            "date": row["recorded_at"],
            "tag": [tag],
            "initiationType": INITIATION_TYPE,
            "stage": stage.name,
            "standing": standing,
            "amends": None if amended is None else amended["id"],
            "entry": row,
            "document": document,
            "_stage_of": stage_of,
        }
        by_seq[row["seq"]] = release
        releases.append(release)
        if kind != EntryType.withdrawn:
            versions.append(release)
    for release in releases:
        del release["_stage_of"]
    return releases, versions


def _compiled_version(release: dict) -> dict:
    """A current version in the compiled release: its document, and which release published it."""
    entry = release["entry"]
    return {
        "release": release["id"],
        "seq": entry["seq"],
        "title": entry["title"],
        "occurred_on": entry["occurred_on"],
        "href": entry["href"],
        "document": release["document"],
    }

"""The OCDS record's shape, for the spec: the service writes it as plain JSON (opendata.ocds.services)."""

import marshmallow as ma

from core.changes import ChangeSchema
from core.serialize import describe
from opendata.ocds.services import STAGE_NAMES, STAGES, Standing

F = ma.fields

_TAGS = sorted({tag for stage in STAGES.values() for tag in (stage.published, stage.corrected, stage.withdrawn)})
_LINK = {"type": "object", "properties": {"href": {"type": "string", "format": "uri"}}}


def _links(text: str, *names: str) -> F.Dict:
    return F.Dict(
        metadata=describe(text, type="object", properties={name: _LINK for name in names}, required=list(names))
    )


class OcdsReleaseSchema(ma.Schema):
    ocid = F.String(metadata=describe("The decision's Open Contracting ID", "ocds-juece-12"))
    id = F.String(metadata=describe("The release's id: the ocid and the entry's seq", "ocds-juece-12-42"))
    date = F.DateTime(metadata=describe("When the service recorded the entry (its `recorded_at`)"))
    tag = F.List(
        F.String(metadata={"enum": _TAGS}),
        metadata=describe(
            "OCDS release tag of the stage's phase: planning (background, draft, review), tender (consultation), "
            "award (meeting, result, adoption report), implementation (interpretation, follow-ups); its "
            "…Update / tenderAmendment for a correction, …Cancellation (or …Update where OCDS has none) for a "
            "withdrawal",
            ["planning"],
        ),
    )
    initiationType = F.String(metadata=describe("Always tender, OCDS's only initiation type", enum=["tender"]))
    stage = F.String(metadata=describe("The procedure's stage (extension)", enum=list(STAGE_NAMES)))
    standing = F.String(
        metadata=describe(
            "Where the version this release published stands now (extension): current; superseded by a "
            "correction; withdrawn. A withdrawal's own release is withdrawn",
            enum=[Standing.current, Standing.superseded, Standing.withdrawn],
        )
    )
    amends = F.String(
        allow_none=True,
        metadata=describe("A correction's or withdrawal's: the id of the release it amends", "ocds-juece-12-40"),
    )
    entry = F.Nested(
        ChangeSchema, metadata=describe("The public record's entry, as /changes and the records export show it")
    )
    document = F.Dict(
        allow_none=True,
        metadata=describe(
            "The version as it was published (its frozen document), as the records export has it; null for a "
            "withdrawal and for what is not frozen on publication (a consultation, a meeting: read it at "
            "`entry.href`)"
        ),
    )


class OcdsCompiledVersionSchema(ma.Schema):
    release = F.String(metadata=describe("The release that published this version", "ocds-juece-12-42"))
    seq = F.Integer(metadata=describe("Its entry's place in the public record"))
    title = F.String(metadata=describe("What it is"))
    occurred_on = F.Date(metadata=describe("When it was published in the world"))
    href = F.String(metadata=describe("The record", type="string", format="uri"))
    document = F.Dict(allow_none=True, metadata=describe("The version as published; null where none is frozen"))


# One list per stage, in the procedure's order.
OcdsStagesSchema = ma.Schema.from_dict(
    {
        name: F.List(
            F.Nested(OcdsCompiledVersionSchema),
            metadata=describe(f"The current version of each {name} record, in the order published; empty when none"),
        )
        for name in STAGE_NAMES
    },
    name="OcdsStagesSchema",
)


class OcdsDecisionSchema(ma.Schema):
    id = F.Integer(metadata=describe("The decision's id", 12))
    title = F.String(metadata=describe("Title"))
    catalogue_year = F.Integer(metadata=describe("Catalogue year", 2026))
    lead_unit = F.String(metadata=describe("Lead unit's code", "jd-fgw"))
    state = F.String(metadata=describe("Where its procedure stands"))
    _links = _links("Link relations", "self")


class OcdsCompiledReleaseSchema(ma.Schema):
    ocid = F.String(metadata=describe("The decision's Open Contracting ID"))
    id = F.String(metadata=describe("The ocid and `-compiled`", "ocds-juece-12-compiled"))
    date = F.DateTime(allow_none=True, metadata=describe("The newest release's date; null while none"))
    tag = F.List(F.String(metadata={"enum": ["compiled"]}), metadata=describe("Always compiled", ["compiled"]))
    initiationType = F.String(metadata=describe("Always tender", enum=["tender"]))
    decision = F.Nested(OcdsDecisionSchema, metadata=describe("The decision as it stands (extension)"))
    stages = F.Nested(
        OcdsStagesSchema,
        metadata=describe(
            "Each stage's records at their current version (extension): a correction replaces the version it "
            "corrects, a withdrawn version is left out"
        ),
    )


class OcdsRecordSchema(ma.Schema):
    ocid = F.String(metadata=describe("The decision's Open Contracting ID: OCDS_PREFIX and its id", "ocds-juece-12"))
    releases = F.List(
        F.Nested(OcdsReleaseSchema),
        metadata=describe(
            "Every published version of each stage record, corrections and withdrawals included, oldest first"
        ),
    )
    compiledRelease = F.Nested(OcdsCompiledReleaseSchema, metadata=describe("Where the decision stands now"))
    _links = _links("Link relations", "self", "decision", "timeline")

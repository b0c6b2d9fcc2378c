"""The adoption report on the wire."""

import marshmallow as ma
from marshmallow import validate

from consultation.adoption.services import clusters_of, figures
from consultation.clusters.schemas import ClusterSchema
from core import obligations
from core.serialize import Computed, Links, Schema, dump_many
from decisions.records.schemas import EXEMPTIONS_OUT, RecordSchema, _version_links, exemptions_of, status_of

F = ma.fields


def _obligation(report):
    return {o.type: o for o in obligations.of_decision(report.decision_id)}.get(obligations.ADOPTION_REPORT)


def _deadline_status(report) -> str:
    # The obligation's: met by the first version published, not by a later correction.
    obligation = _obligation(report)
    return "not_due" if obligation is None else obligation.status


class AdoptionReportSchema(RecordSchema, Schema):
    version = F.Integer(metadata={"description": "Version; a correction is the next one", "examples": [1]})
    summary = F.String(metadata={"description": "The drafting department's account of the opinions and their adoption"})
    figures = Computed(
        lambda r: figures(r.decision_id),
        metadata={
            "description": "Comments received, by channel, submitter type and disposition: computed",
            "type": "object",
            "properties": {
                "received": {"type": "integer"},
                "by_channel": {"type": "object", "additionalProperties": {"type": "integer"}},
                "by_submitter_type": {"type": "object", "additionalProperties": {"type": "integer"}},
                "by_disposition": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        },
    )
    clusters = Computed(
        lambda r: dump_many(ClusterSchema, clusters_of(r.decision_id)),
        metadata={
            "description": "The concentrated opinions (较为集中意见), each with its disposition and reason",
            "type": "array",
            "items": {"$ref": "#/components/schemas/Cluster"},
        },
    )
    record_status = Computed(
        status_of,
        metadata={
            "description": "draft, published, superseded or withdrawn",
            "type": "string",
            "enum": ["draft", "published", "superseded", "withdrawn"],
        },
    )
    due_on = Computed(
        lambda r: getattr(_obligation(r), "due_on", None),
        metadata={
            "description": "10 working days after the result is issued; null before",
            "type": ["string", "null"],
            "format": "date",
        },
    )
    report_status = Computed(
        _deadline_status,
        data_key="status",
        metadata={
            "description": "not_due, pending, on_time, late or overdue",
            "type": "string",
            "enum": ["not_due", "pending", "on_time", "late", "overdue"],
        },
    )
    calendar_status = Computed(
        lambda r: getattr(_obligation(r), "calendar_status", None),
        metadata={
            "description": "official, or provisional while the year's holidays are unknown",
            "type": ["string", "null"],
        },
    )
    exemptions = Computed(exemptions_of, metadata=EXEMPTIONS_OUT)
    _links = Links(_version_links("adoption-report"))

    class Meta:
        # `status` here is the deadline's (api.md); the record's own state is `record_status`.
        exclude = ("status",)


class AdoptionReportInSchema(ma.Schema):
    summary = F.String(
        required=True,
        validate=validate.Length(1, 100000),
        metadata={"description": "What came in and how it was adopted", "examples": ["本次共收到意见86条，采纳31条……"]},
    )


class AdoptionReportPatchSchema(ma.Schema):
    summary = F.String(validate=validate.Length(1, 100000))

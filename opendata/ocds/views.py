"""HTTP view of a decision's OCDS record: validators first, a 304 from them alone, else the record."""

from flask import Response, request
from flask.views import MethodView
from werkzeug.http import is_resource_modified

from core.http import api_blueprint, conditional_get, documents, json_response, path_parameter
from opendata.ocds import services
from opendata.ocds.schemas import OcdsRecordSchema

blp = api_blueprint(
    "ocds",
    __name__,
    path="/decisions",
    description="One decision as an OCDS record (Open Contracting Data Standard): every published version of each "
    "stage as a release, and the compiled release of where it stands, in one file per decision.",
)

_CONDITIONS, _VALIDATORS = conditional_get(
    "The record's",
    "From the decision's newest entry and its row",
    "When its newest entry was recorded, or its row last changed",
)

_BASE = "https://juece.example/api/v1"


def _example_entry(seq: int, kind: str, title: str, target: str, on: str, amends=None, reason=None) -> dict:
    return {
        "cursor": str(seq),
        "seq": seq,
        "decision_id": 12,
        "type": kind,
        "occurred_on": on,
        "recorded_at": f"{on}T02:00:00+00:00",
        "title": title,
        "href": _BASE + target,
        "amends": amends,
        "reason": reason,
        "decision": f"{_BASE}/decisions/12",
        "target": target,
        "hash": f"{seq:064x}",
        "prev_hash": f"{seq - 1:064x}",
    }


_TITLE = "制订背景：嘉定区促进民营经济高质量发展若干措施"
_CORRECTED = {"necessity": "更正后的背景说明。", "published_on": "2026-04-03"}
_EXAMPLE = {
    "ocid": "ocds-juece-12",
    "releases": [
        {
            "ocid": "ocds-juece-12",
            "id": "ocds-juece-12-40",
            "date": "2026-04-01T02:00:00+00:00",
            "tag": ["planning"],
            "initiationType": "tender",
            "stage": "background",
            "standing": "superseded",
            "amends": None,
            "entry": _example_entry(40, "background_published", _TITLE, "/decisions/12/background", "2026-04-01"),
            "document": {"necessity": "本区民营企业占市场主体的九成以上。", "published_on": "2026-04-01"},
        },
        {
            "ocid": "ocds-juece-12",
            "id": "ocds-juece-12-42",
            "date": "2026-04-03T02:00:00+00:00",
            "tag": ["planningUpdate"],
            "initiationType": "tender",
            "stage": "background",
            "standing": "current",
            "amends": "ocds-juece-12-40",
            "entry": _example_entry(
                42,
                "correction",
                f"更正：{_TITLE}",
                "/decisions/12/background/versions/2",
                "2026-04-03",
                40,
                "更正笔误。",
            ),
            "document": _CORRECTED,
        },
    ],
    "compiledRelease": {
        "ocid": "ocds-juece-12",
        "id": "ocds-juece-12-compiled",
        "date": "2026-04-03T02:00:00+00:00",
        "tag": ["compiled"],
        "initiationType": "tender",
        "decision": {
            "id": 12,
            "title": "嘉定区促进民营经济高质量发展若干措施",
            "catalogue_year": 2026,
            "lead_unit": "jd-fgw",
            "state": "drafting",
            "_links": {"self": {"href": f"{_BASE}/decisions/12"}},
        },
        "stages": {
            "background": [
                {
                    "release": "ocds-juece-12-42",
                    "seq": 42,
                    "title": f"更正：{_TITLE}",
                    "occurred_on": "2026-04-03",
                    "href": f"{_BASE}/decisions/12/background/versions/2",
                    "document": _CORRECTED,
                }
            ],
            **{name: [] for name in services.STAGE_NAMES if name != "background"},
        },
    },
    "_links": {
        "self": {"href": f"{_BASE}/decisions/12/record"},
        "decision": {"href": f"{_BASE}/decisions/12"},
        "timeline": {"href": f"{_BASE}/decisions/12/timeline"},
    },
}


@blp.route(
    "/<int:decision_id>/record", parameters=[path_parameter("decision_id", "The decision's id", 12), *_CONDITIONS]
)
class DecisionRecord(MethodView):
    @blp.response(200, OcdsRecordSchema, headers=_VALIDATORS, example=_EXAMPLE)
    @documents(304, 404)
    def get(self, decision_id):
        """Show the whole decision as one OCDS record

        Every published version of each stage record as a release (corrections and withdrawals
        included, oldest first; a withdrawn version is marked `standing: withdrawn`), and the
        compiled release: each stage's records at their current version. 404 while the decision
        is not public; `If-None-Match` or `If-Modified-Since` is answered 304 while nothing about
        it changed."""
        found = services.validators(decision_id)
        etag = f'"{found.etag}"'
        if not is_resource_modified(request.environ, etag=found.etag, last_modified=found.last_modified):
            response = Response(status=304, headers={"ETag": etag})
        else:
            response = json_response(services.record(found), headers={"ETag": etag})
        response.last_modified = found.last_modified
        return response

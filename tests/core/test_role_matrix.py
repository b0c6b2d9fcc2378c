"""Who may write what: every write operation against every kind of caller.

401 for anonymous callers, 403 for a role (or an editor's unit) that may not, the success code
for those that may. A refused call leaves no trace in the audit log; an allowed one does.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from core.audit import AuditEntry
from core.auth import create_account
from core.extensions import db
from tests import factories
from tests.conftest import auth

CALLERS = ("anonymous", "partner", "editor", "other_editor", "admin", "evaluator")
CALLER_IDS = {
    "anonymous": "anonymous",
    "partner": "partner",
    "editor": "editor-of-jd-fgw",
    "other_editor": "editor-of-jd-jyj",
    "admin": "admin",
    "evaluator": "evaluator",
}


@dataclass
class Write:
    """One write operation: `path` and `body` may name records of the `world` fixture."""

    name: str
    method: str
    path: str
    body: dict | None = None
    if_match: bool = False
    allowed: dict = field(default_factory=dict)  # caller -> status; the rest get 401 / 403


def only(status, *callers, **others):
    """`status` for each of `callers`; `others` maps a caller to an exception to that."""
    return {**{caller: status for caller in callers}, **others}


WRITES = [
    Write(
        "POST-units",
        "POST",
        "/units",
        {"code": "jd-scjgj", "name": "嘉定区市场监督管理局", "kind": "department"},
        allowed=only(201, "admin"),
    ),
    Write("PATCH-unit", "PATCH", "/units/jd-fgw", {"kind": "other"}, if_match=True, allowed=only(200, "admin")),
    Write(
        "POST-catalogues",
        "POST",
        "/catalogues",
        {"year": 2028, "title": "嘉定区人民政府2028年度重大行政决策事项目录", "issuer_unit": "jd-gov"},
        allowed=only(201, "admin"),
    ),
    Write(
        "PATCH-draft-catalogue",
        "PATCH",
        "/catalogues/2027",
        {"title": "2027年度目录（修订）"},
        if_match=True,
        allowed=only(200, "admin"),
    ),
    Write(
        "POST-catalogue-publication",
        "POST",
        "/catalogues/2027/publication",
        {"party_consent_on": "2026-12-01", "published_on": "2026-12-15"},
        allowed=only(200, "admin"),
    ),
    Write(
        "POST-adjustment",
        "POST",
        "/catalogues/2026/adjustments",
        {
            "type": "add",
            "decision_id": "{entered}",
            "reason": "经区政府常务会议研究同意。",
            "approved_on": "2026-06-15",
        },
        allowed=only(201, "admin"),
    ),
    # A unit's own catalogue: its editors and the admins write it.
    Write(
        "POST-unit-catalogues",
        "POST",
        "/units/jd-fgw/catalogues",
        {"year": 2028, "title": "嘉定区发展和改革委员会2028年度重大行政决策事项目录"},
        allowed=only(201, "admin", "editor"),
    ),
    Write(
        "PATCH-draft-unit-catalogue",
        "PATCH",
        "/units/jd-fgw/catalogues/2027",
        {"title": "发改委2027年度目录（修订）"},
        if_match=True,
        allowed=only(200, "admin", "editor"),
    ),
    Write(
        "POST-unit-catalogue-publication",
        "POST",
        "/units/jd-fgw/catalogues/2027/publication",
        {"party_consent_on": "2026-12-01", "published_on": "2026-12-15"},
        allowed=only(200, "admin", "editor"),
    ),
    Write(
        "POST-unit-adjustment",
        "POST",
        "/units/jd-fgw/catalogues/2026/adjustments",
        {"type": "add", "decision_id": "{own_entered}", "reason": "经局务会议研究同意。", "approved_on": "2026-06-15"},
        allowed=only(201, "admin", "editor"),
    ),
    Write(
        "POST-decision-of-jd-fgw",
        "POST",
        "/decisions",
        {
            "catalogue_year": 2026,
            "title": "嘉定区新城产业发展规划",
            "category": "plan",
            "lead_unit": "jd-fgw",
            "planned_completion": "2026-Q4",
        },
        allowed=only(201, "admin", "editor"),
    ),
    Write(
        "PATCH-catalogued-decision-of-jd-fgw",
        "PATCH",
        "/decisions/{catalogued}",
        {"summary": "更新后的摘要。"},
        if_match=True,
        allowed=only(200, "admin", "editor"),
    ),
    Write(
        # Another unit's editor cannot even see an unpublished decision: 404, as to the public.
        "PATCH-unpublished-decision-of-jd-fgw",
        "PATCH",
        "/decisions/{entered}",
        {"title": "新标题"},
        if_match=True,
        allowed=only(200, "admin", "editor", other_editor=404),
    ),
    Write(
        "DELETE-unpublished-decision-of-jd-fgw",
        "DELETE",
        "/decisions/{entered}",
        if_match=True,
        allowed=only(204, "admin", "editor", other_editor=404),
    ),
    Write(
        # Those who may write it hear the rule (never deleted once public); others 403.
        "DELETE-catalogued-decision-of-jd-fgw",
        "DELETE",
        "/decisions/{catalogued}",
        if_match=True,
        allowed=only(409, "admin", "editor"),
    ),
    Write(
        "POST-accounts",
        "POST",
        "/accounts",
        {"name": "区教育局 李科员", "role": "editor", "unit": "jd-jyj"},
        allowed=only(201, "admin"),
    ),
    Write(
        "PATCH-account", "PATCH", "/accounts/{account}", {"active": False}, if_match=True, allowed=only(200, "admin")
    ),
    Write("POST-account-token", "POST", "/accounts/{account}/token", allowed=only(200, "admin")),
]


def expected_status(write: Write, caller: str) -> int:
    if caller == "anonymous":
        return 401
    return write.allowed.get(caller, 403)


@pytest.fixture
def world(app, units, tokens, today):
    """The 2026 catalogue published with one item of jd-fgw and another entered since;
    the 2027 catalogue a draft; one more account to change."""
    today(dt.date(2026, 3, 10))
    factories.catalogue(2026)
    catalogued = factories.decision(2026, title="嘉定区促进民营经济高质量发展若干措施")
    factories.publish_catalogue(2026, published_on=dt.date(2026, 3, 10))
    entered = factories.decision(2026, title="嘉定区综合交通枢纽建设项目", category="public_project")
    factories.catalogue(2027)
    factories.unit_catalogue("jd-fgw", 2026, published_on=dt.date(2026, 3, 10))
    own_entered = factories.unit_decision("jd-fgw", 2026, title="发改委本单位年中增列事项")
    factories.unit_catalogue("jd-fgw", 2027)
    account, _token = create_account("外部应用", role="partner", channel="new_media")
    today(dt.date(2026, 12, 20))
    return {"catalogued": catalogued.id, "entered": entered.id, "account": account.id, "own_entered": own_entered.id}


def fill(value, world):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


def audit_count() -> int:
    db.session.rollback()  # a fresh snapshot: the request committed in its own session
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(
    ("write", "caller"),
    [
        pytest.param(write, caller, id=f"{write.name}-by-{CALLER_IDS[caller]}-{expected_status(write, caller)}")
        for write in WRITES
        for caller in CALLERS
    ],
)
def test_write_is_allowed_only_to_its_roles(client, tokens, evaluator, world, write, caller):
    url = "/api/v1" + fill(write.path, world)
    headers = auth({**tokens, "evaluator": evaluator}.get(caller))
    if write.if_match:
        # A current ETag for everyone, so that only the caller decides the answer.
        etag = client.get(url, headers=auth(tokens["admin"])).headers["ETag"]
        headers["If-Match"] = etag
    before = audit_count()

    response = client.open(url, method=write.method, json=fill(write.body, world), headers=headers)

    expected = expected_status(write, caller)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
        assert audit_count() == before, "a refused write changed something"
    else:
        assert audit_count() > before, "an allowed write left no audit entry"
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_matrix_covers_every_write_route(app):
    """Every write route of units, catalogues, decisions and accounts is in the table (records on a
    decision, under /decisions/<id>/..., have their own)."""
    urls = app.url_map.bind("localhost")
    world = {"entered": 1, "catalogued": 2, "account": 3, "own_entered": 4}
    covered = {(urls.match("/api/v1" + fill(w.path, world), method=w.method)[0], w.method) for w in WRITES}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/v1/units", "/api/v1/catalogues", "/api/v1/decisions", "/api/v1/accounts"))
        and not rule.rule.startswith("/api/v1/decisions/<int:decision_id>/")
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert routes - covered == set(), "write routes missing from the role matrix"

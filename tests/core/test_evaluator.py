"""The evaluator, the third-party assessor of 社会评议 (issue 13, 4): it reads everything a unit's
staff read, of every unit, and writes nothing.

Writes: every write operation in the app's url_map, sent with an evaluator's token, is refused
403 `evaluator-reads-only` before anything else (with a record's real id and with one that does
not exist), and no row of any table changes; a write route added later is walked too. Reads:
every GET of the API answers the evaluator what it answers an admin, but the administration's
own (accounts, the audit and security logs, partners' webhooks)."""

import pytest
import sqlalchemy as sa

from app import create_app
from consultation.comments.models import Comment
from consultation.consultations.models import Consultation
from consultation.inquiries.models import Inquiry
from core import auth as accounts
from core.errors import PROBLEM_BASE, Forbidden, ReadsOnly
from core.extensions import db
from core.security_log.models import SecurityEvent
from tests.conftest import auth
from tests.consultation import conftest as consultation_fixtures
from tests.consultation import test_privacy as privacy

# The privacy scan's world: a decision through its whole public record, with comments pending,
# rejected and in a consultation whose comments are not public, an unpublished draft, an
# unanswered question, a working adoption report, and a decision of a second unit.
world = privacy.world
today = consultation_fixtures.today  # the settable today that world moves on

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Write operations open to an evaluator's token, as (rule, method): none. The assessor acts as
# staff, so it does not comment or ask as the public either (without a token it is the public).
OPEN_TO_EVALUATOR: frozenset = frozenset()
# Reads of the administration, not of a unit's staff: refused to the evaluator (403).
ADMINISTRATION = {
    "/api/v1/accounts",
    "/api/v1/accounts/<int:account_id>",
    "/api/v1/audit",
    "/api/v1/security-events",
    "/api/v1/subscriptions",
    "/api/v1/subscriptions/<int:subscription_id>",
    "/api/v1/subscriptions/<int:subscription_id>/deliveries",
}
READS_ONLY = PROBLEM_BASE + "evaluator-reads-only"


def _api_rules(app):
    # The API's: the portal's form (POST /consultations/<id>) sends no token of its visitor to
    # the API, so whoever uses it, an evaluator too, comments as the public does.
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]


def _write_operations(app):
    """Every (rule, method) of the API that writes, but those open to the evaluator."""
    for rule in sorted(_api_rules(app), key=lambda r: r.rule):
        for method in sorted(rule.methods & WRITES):
            if (rule.rule, method) not in OPEN_TO_EVALUATOR:
                yield rule, method


def _everything():
    """Every row of every table, as text, but the security log's (where refusals are logged)."""
    db.session.rollback()  # a fresh snapshot: each request committed in its own session
    snapshot = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name == SecurityEvent.__tablename__:
                continue
            rows = connection.execute(sa.select(table)).all()
            snapshot[table.name] = sorted(repr(tuple(row)) for row in rows)
    return snapshot


def test_every_write_operation_refuses_the_evaluator_first_and_changes_nothing(
    app, client, evaluator, world, monkeypatch
):
    # The app lives the whole session: earlier tests may have spent this minute's budget of
    # security events from 127.0.0.1, and every refusal of the walk is to be logged.
    monkeypatch.setitem(app.config, "SECURITY_LOG_PER_MINUTE", 10**9)
    candidates = privacy._candidates()
    # A record's real id (the first that exists), and one that does not: the refusal comes first.
    ids = {name: [values[0], values[-1]] for name, values in candidates.items()}
    before = _everything()
    assert before["comments"] and before["public_record"] and before["audit_log"]
    assert before["activity_registrations"] and before["activity_opinions"] and before["activity_feedback"]

    answered, walked = [], set()
    for rule, method in _write_operations(app):
        names = sorted(rule.arguments)
        unknown = [name for name in names if name not in ids]
        assert unknown == [], f"{rule.rule}: give the walk a value for {unknown}"
        for path in privacy._urls(rule, ids):
            headers = {**auth(evaluator), "If-Match": '"any"', "Idempotency-Key": f"evaluator-{method}-{path}"}
            response = client.open(path, method=method, json={"title": "评估方不应写入"}, headers=headers)
            problem = response.get_json(silent=True) or {}
            answered.append((method, path, response.status_code, response.mimetype, problem.get("type")))
        walked.add((rule.rule, method))

    refused = [a for a in answered if a[2:] != (403, "application/problem+json", READS_ONLY)]
    assert refused == []
    assert _everything() == before, "a refused write changed something"
    # The walk reached the writes it is meant to: the district office's, a unit's, the public's.
    assert {
        ("/api/v1/accounts", "POST"),
        ("/api/v1/catalogues/<int:year>", "PATCH"),
        ("/api/v1/decisions/<int:decision_id>", "DELETE"),
        ("/api/v1/decisions/<int:decision_id>/result", "PUT"),
        ("/api/v1/comments/<int:comment_id>/disposition", "PUT"),
        ("/api/v1/consultations/<int:consultation_id>/comments", "POST"),
        ("/api/v1/decisions/<int:decision_id>/inquiries", "POST"),
        ("/api/v1/assessments/<int:year>", "POST"),
        ("/api/v1/assessments/<int:year>/publish", "POST"),
        # Open activities: a unit's plan, the public's registration, the opinions and the feedback.
        ("/api/v1/activities", "POST"),
        ("/api/v1/activities/<int:activity_id>/publication", "POST"),
        ("/api/v1/activities/<int:activity_id>/registrations", "POST"),
        ("/api/v1/activities/<int:activity_id>/opinions", "POST"),
        ("/api/v1/activities/<int:activity_id>/opinions/<int:opinion_id>/disposition", "PUT"),
        ("/api/v1/activities/<int:activity_id>/feedback", "PUT"),
        ("/api/v1/activities/<int:activity_id>/feedback/publication", "POST"),
    } <= walked
    assert len(walked) == sum(len(rule.methods & WRITES) for rule in _api_rules(app))
    # Each refusal is a refused attempt like any other, in the security log.
    db.session.rollback()
    logged = db.session.scalars(sa.select(SecurityEvent.status).where(SecurityEvent.method.in_(WRITES))).all()
    assert logged and set(logged) == {403}


def test_a_write_route_added_later_refuses_the_evaluator_too(app, evaluator):
    """The refusal is the request's, not each view's: a new write view is never run for it."""
    # An app of its own over the same database: Flask takes no new route once an app served.
    later = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "RATELIMIT_ENABLED": False})
    ran = []
    later.add_url_rule(
        "/api/v1/units/<string:code>/probe", "probe", lambda code: ran.append(code) or ("", 204), methods=["POST"]
    )
    try:
        response = later.test_client().post("/api/v1/units/jd-fgw/probe", json={}, headers=auth(evaluator))
    finally:
        with later.app_context():
            db.engine.dispose()

    assert response.status_code == 403
    assert response.get_json()["type"] == READS_ONLY
    assert ran == []


def _answer(response):
    """A read's answer as a client sees it: its status, ETag and body (a problem's without its
    request id, which each request has its own)."""
    if response.mimetype == "application/problem+json":
        return response.status_code, {k: v for k, v in response.get_json().items() if k != "request_id"}
    return response.status_code, response.headers.get("ETag"), response.get_data()


def test_the_evaluator_reads_every_get_as_an_admin_does(app, client, tokens, evaluator, world):
    candidates = privacy._candidates()
    admin, assessor = auth(tokens["admin"]), auth(evaluator)
    differ, refused, shown = [], [], 0
    for rule in privacy._get_rules(app):
        for path in privacy._urls(rule, candidates):
            as_evaluator = client.get(path, headers=assessor)
            if rule.rule in ADMINISTRATION:
                if as_evaluator.status_code != 403 or as_evaluator.mimetype != "application/problem+json":
                    refused.append((path, as_evaluator.status_code))
                continue
            as_admin = client.get(path, headers=admin)
            seen = [_answer(r) for r in (as_admin, as_evaluator)]
            if seen[0] != seen[1]:
                differ.append((path, as_admin.status_code, as_evaluator.status_code))
            shown += as_evaluator.status_code == 200
    assert differ == []
    assert refused == []
    assert shown > 100, shown


def _staff_only(client, path, evaluator):
    """What `path` answers the evaluator, after checking that the public is not shown it."""
    public = client.get(path)
    as_evaluator = client.get(path, headers=auth(evaluator))
    assert as_evaluator.status_code == 200, as_evaluator.get_json()
    assert public.get_data() != as_evaluator.get_data()
    return public, as_evaluator.get_json()


def test_the_evaluator_reads_undisposed_unpublished_and_private_records(client, evaluator, world):
    d = world["decision"]
    db.session.rollback()
    public_consultation, private_consultation = db.session.scalars(sa.select(Consultation.id).order_by("id")).all()

    public, comments = _staff_only(
        client, f"/api/v1/consultations/{public_consultation}/comments?page_size=100", evaluator
    )
    texts = {c["content"] for c in comments}
    assert {"待审核意见", "被拒绝意见"} <= texts  # pending and rejected: the public reads neither
    assert "待审核意见" not in public.get_data(as_text=True)
    assert privacy.NAME in {c["name"] for c in comments}  # the commenter's name, as staff read it
    _, hidden = _staff_only(client, f"/api/v1/consultations/{private_consultation}/comments", evaluator)
    assert [c["content"] for c in hidden] == ["不公开征集的意见"]
    undisposed = db.session.scalar(sa.select(Comment.id).where(Comment.content == "被拒绝意见"))
    assert client.get(f"/api/v1/comments/{undisposed}", headers=auth(evaluator)).get_json()["disposition"] is None

    public, draft = _staff_only(client, f"/api/v1/decisions/{d}/drafts/3", evaluator)
    assert public.status_code == 404 and draft["status"] == "draft"
    public, report = _staff_only(client, f"/api/v1/decisions/{d}/adoption-report/working", evaluator)
    assert public.status_code == 401 and report["version"] >= 1

    # The question nobody has answered yet, with its deadline: the public sees neither.
    waiting = db.session.scalar(sa.select(Inquiry.id).where(Inquiry.state == "received"))
    public, question = _staff_only(client, f"/api/v1/inquiries/{waiting}", evaluator)
    assert public.status_code == 404
    assert question["reply_due_on"] and question["status"] in ("pending", "overdue")


def test_the_evaluator_reads_every_units_unpublished_decisions(client, tokens, evaluator, world):
    entered = {
        unit: client.post(
            "/api/v1/decisions",
            json={
                "catalogue_year": 2026,
                "title": f"{unit} 未公开事项",
                "category": "plan",
                "lead_unit": unit,
                "planned_completion": "2026-Q4",
            },
            headers=auth(tokens["admin"]),
        ).get_json()["id"]
        for unit in ("jd-fgw", "jd-jyj")
    }
    listed = {d["id"] for d in client.get("/api/v1/decisions?page_size=100", headers=auth(evaluator)).get_json()}
    public = {d["id"] for d in client.get("/api/v1/decisions?page_size=100").get_json()}
    assert set(entered.values()) <= listed
    assert not set(entered.values()) & public
    for decision_id in entered.values():
        assert client.get(f"/api/v1/decisions/{decision_id}", headers=auth(evaluator)).status_code == 200


# --- The account and the services -------------------------------------------------------------


def test_an_admin_creates_an_evaluator_which_belongs_to_no_unit(client, tokens):
    admin = auth(tokens["admin"])
    refused = client.post(
        "/api/v1/accounts", json={"name": "评估", "role": "evaluator", "unit": "jd-fgw"}, headers=admin
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    made = client.post("/api/v1/accounts", json={"name": "第三方评估机构", "role": "evaluator"}, headers=admin)
    assert made.status_code == 201, made.get_json()
    assert (made.get_json()["role"], made.get_json()["unit"]) == ("evaluator", None)
    token = made.get_json()["token"]
    assert client.get("/api/v1/decisions", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/accounts/1/token", headers=auth(token)).get_json()["type"] == READS_ONLY


def test_the_database_accepts_the_evaluator_role_and_no_unknown_one(app, units):
    accounts.create_account("第三方评估机构", role="evaluator")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(accounts.Account).values(name="x", role="auditor", token_hash="0" * 64, active=True)
        )
        db.session.flush()
    db.session.rollback()


def test_the_services_refuse_the_evaluator_whatever_the_route(app, units, evaluator):
    account = db.session.scalar(sa.select(accounts.Account).where(accounts.Account.role == "evaluator"))
    for unit in ("jd-fgw", "jd-jyj", None):
        assert account.reads_as_staff_of(unit)
        assert not account.may_edit_unit(unit)
        with pytest.raises(Forbidden):
            accounts.ensure_may_edit(account, unit)
    with pytest.raises(ReadsOnly):
        accounts.entering_for(account, "jd-fgw", "comments")


def test_the_contract_documents_the_refusal_on_every_write(client):
    spec = client.get("/openapi.json").get_json()
    assert READS_ONLY in spec["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
    missing = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete") and "403" not in operation["responses"]
    ]
    assert missing == []
    assert "`evaluator`" in spec["components"]["securitySchemes"]["bearerAuth"]["description"]

"""The whole API against its own OpenAPI document, by property-based testing (schemathesis).

Every operation of the served spec gets generated requests, valid and invalid, once as the
public and once as an admin, over a database seeded with a small district. No response may be
a server error, and each must conform to the spec: a documented status code, its content
type, its body schema and its headers; valid input must be accepted, invalid input refused.

Examples per operation are bounded and generation is derandomized, so a run is quick and the
same on every machine.
"""

import contextvars
import datetime as dt

import pytest
import schemathesis
import sqlalchemy as sa
from flask.globals import _cv_app
from hypothesis import HealthCheck, settings

from core.auth import Account, hash_token
from core.body import BLANK, NOT_UNICODE, NUL_REFUSED
from core.errors import PROBLEM_BASE
from core.extensions import db
from decisions.catalogues import services as catalogue_services
from tests import factories
from tests.conftest import auth

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixtures seed the database once per test, not once per example, on purpose: the
    # examples run against one district, as requests do against a server.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

CONFIG = """
seed = 20260331

[generation]
# With the seed above and derandomized Hypothesis: the same requests on every run.
deterministic = true
# The API ignores query parameters it does not know, as HTTP APIs do (caches and trackers add
# their own); OpenAPI cannot declare a closed set of query parameters anyway.
allow-extra-parameters = false

[checks.positive_data_acceptance]
# Valid input may still be refused for what it refers to: 422 for an unknown unit or decision
# (input that passes the schema but not the data, core.errors.Invalid), 412 for an If-Match
# that is not the record's ETag, 428 for a PUT that replaces an existing record without one (a
# PUT that creates needs none: OpenAPI cannot make a header conditionally required). A 422 from
# schema validation itself is still a failure: see schema_valid_input_passes_validation below.
# 400 for a change-feed cursor that was never handed out, and for nothing else: see
# only_an_unknown_cursor_is_a_bad_request below.
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428", "429"]

[checks.negative_data_rejection]
# 412 refuses too: an If-Match that is no valid list of ETags matches no record's ETag; so does
# 413, for a body longer than MAX_CONTENT_LENGTH.
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428", "429", "5xx"]

[checks.missing_required_header]
# 428 Precondition Required is the answer to a missing If-Match (RFC 6585, section 3).
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]
"""

ADMIN_AUTH = """
[auth.openapi.bearerAuth]
bearer = "{token}"
"""


def schema_valid_input_passes_validation(ctx, response, case):
    """Input the spec calls valid is never refused by the service's own schema validation."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = response.json()
    # Text with NUL, text that is not Unicode, and text of only spaces or control characters
    # are refused (the info says so; a schema cannot, short of a pattern on every string).
    if set(_leaves(body.get("errors"))) <= {NUL_REFUSED, NOT_UNICODE, BLANK}:
        return None
    if body.get("type") == PROBLEM_BASE + "validation":
        raise AssertionError(
            f"Schema-valid input failed validation, so the spec does not say what is valid: {body.get('errors')}"
        )
    return None


def _leaves(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _leaves(value)
    elif isinstance(errors, list):
        for value in errors:
            yield from _leaves(value)
    elif errors is not None:
        yield errors


def status_named_by_the_operation(ctx, response, case):
    """The status is one the operation documents by its code; `default` (any other error, as
    problem+json) would let schemathesis' own status check accept anything."""
    if case.method.upper() != case.operation.method.upper():
        return None  # a probe with another method, for the 405 checks
    documented = {str(code) for code in case.operation.responses.status_codes} - {"default"}
    if str(response.status_code) not in documented:
        raise AssertionError(f"Status {response.status_code} is not documented; the operation has {sorted(documented)}")
    return None


def only_an_unknown_cursor_is_a_bad_request(ctx, response, case):
    """Input the spec calls valid is answered 400 only when it names a cursor never handed out."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    if response.json().get("type") != PROBLEM_BASE + "unknown-cursor":
        raise AssertionError(f"Schema-valid input answered 400: {response.json()}")
    return None


CHECKS = [schema_valid_input_passes_validation, only_an_unknown_cursor_is_a_bad_request, status_named_by_the_operation]


def outside_the_test_context(call, *args, **kwargs):
    """Run `call` with no application context, so each request pushes its own, as a server does.

    The test holds an app context (for the factories); a request that found it would share its
    `g` and its database session (see IsolatedClient in conftest.py).
    """

    def alone():
        _cv_app.set(None)
        return call(*args, **kwargs)

    return contextvars.copy_context().run(alone)


def seed_district():
    """A published catalogue with an adjustment, next year's draft, and their decisions.

    The spec's examples name these: unit jd-fgw, catalogue 2026, decision 1, adjustment 1.
    """
    factories.catalogue(2026)
    factories.decision(2026, title="嘉定区促进民营经济高质量发展若干措施", enterprise_related=True)
    factories.decision(2026, lead_unit="jd-jyj", title="嘉定区义务教育阶段学校布局规划（2026—2035年）", category="plan")
    late = factories.decision(2026, title="嘉定区公共停车场建设三年行动计划", category="public_project")
    factories.publish_catalogue(2026, published_on=dt.date(2026, 3, 10))
    catalogue_services.adjust(
        catalogue_services.get_catalogue(2026, viewer=factories.admin()),
        type="postpone",
        decision_id=late.id,
        planned_completion="2026-12",
        reason="受上位规划调整影响，需延期至第四季度。",
        approved_on=dt.date(2026, 3, 16),
        published_on=dt.date(2026, 3, 18),
    )
    factories.catalogue(2027)
    factories.decision(2027, title="嘉定区优化营商环境行动方案（2027年版）")


def load(app, config: str):
    config = schemathesis.Config.from_str(config)
    return outside_the_test_context(schemathesis.openapi.from_wsgi, "/openapi.json", app, config=config)


@pytest.fixture
def public_api(app, tokens, today):
    seed_district()
    return load(app, CONFIG)


@pytest.fixture
def admin_api(app, tokens, today):
    seed_district()
    return load(app, CONFIG + ADMIN_AUTH.format(token=tokens["admin"]))


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32 renames the test node per operation through `node._nodeid`, which
    # pytest 9.2 no longer has (it keeps the id in `_id`); give it the attribute to work on.
    # The per-operation results still come out as subtests, labelled with the operation.
    request.node._nodeid = request.node.nodeid


public = schemathesis.pytest.from_fixture("public_api")
admin = schemathesis.pytest.from_fixture("admin_api")


@public.parametrize()
@SETTINGS
def test_the_public_gets_what_the_spec_promises(case):
    outside_the_test_context(case.call_and_validate, additional_checks=CHECKS)


@pytest.fixture
def admin_id(tokens):
    with db.engine.connect() as connection:
        return connection.scalar(sa.select(Account.id).where(Account.token_hash == hash_token(tokens["admin"])))


def keep_admin(account_id: int, token: str) -> None:
    """Give the admin account back its role and token: the examples may rotate, demote or
    deactivate any account, the one they run as included."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Account)
            .where(Account.id == account_id)
            .values(role="admin", unit=None, active=True, token_hash=hash_token(token))
        )


@admin.parametrize()
@SETTINGS
def test_an_admin_gets_what_the_spec_promises(case, tokens, admin_id):
    keep_admin(admin_id, tokens["admin"])
    outside_the_test_context(case.call_and_validate, additional_checks=CHECKS)


# --- What schemathesis found: each was a 500 ----------------------------------------------------


def test_a_page_past_any_offset_the_database_holds_is_empty(client, units):
    response = client.get("/api/v1/units?page=387917233773408147373739741282304")
    assert response.status_code == 200
    assert response.get_json() == []


@pytest.mark.parametrize("path", ["/api/v1/decisions/99999999999999999999", "/api/v1/units/jd%00fgw"])
def test_a_path_the_database_cannot_hold_finds_nothing(client, units, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_an_id_past_the_database_integers_is_invalid(client, tokens):
    response = client.get("/api/v1/audit?account=99999999999999999999", headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert "account" in response.get_json()["errors"]["query"]


def test_text_with_nul_is_refused(client, tokens):
    response = client.post(
        "/api/v1/units", json={"code": "jd-x", "name": "嘉定\x00区", "kind": "other"}, headers=auth(tokens["admin"])
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"name": [NUL_REFUSED]}}
    response = client.get("/api/v1/decisions?q=%E8%90%A5%00")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"q": [NUL_REFUSED]}}

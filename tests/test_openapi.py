"""The OpenAPI document: served, explorable, committed as is, and complete enough to write a
client against (summaries, described parameters, problem+json errors, security, tags)."""

import json
import pathlib
import re

import pytest

from core import openapi, settings
from core.errors import PROBLEM_JSON
from core.http import operation_id

COMMITTED = pathlib.Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def operations(spec):
    """(label, path item, operation) for every operation of the document."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item, item[method]


def resolve(spec, obj):
    """An object, or the component its `$ref` names."""
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def parameters(spec, item, operation):
    """An operation's parameters, those of its path item included, resolved."""
    return [resolve(spec, p) for p in (*item.get("parameters", []), *operation.get("parameters", []))]


def test_the_spec_is_served_as_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["paths"]


def test_the_explorer_is_served(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"swagger-ui" in response.data
    assert b"/openapi.json" in response.data


def test_the_committed_spec_is_the_served_one(spec):
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == spec, (
        "openapi/openapi.json differs from the spec the code serves: run `make openapi` "
        "and commit the result (review the diff: it is the contract third parties code against)."
    )


def test_the_committed_spec_is_written_in_a_stable_order(spec):
    # Paths and components by name, responses by status (core.openapi.stable): the file diffs well.
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert list(committed) == list(spec)
    assert list(committed["paths"]) == sorted(committed["paths"])
    for kind, entries in committed["components"].items():
        assert list(entries) == sorted(entries), kind


def test_the_info_says_what_the_api_is(spec):
    info = spec["info"]
    assert "决策" in info["title"]
    assert info["version"] == "v1"
    for topic in ("Bearer", "problem+json", "X-Pagination", "If-Match", "Asia/Shanghai"):
        assert topic in info["description"], topic


def test_the_info_names_its_licence_contact_and_server(spec):
    assert spec["info"]["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert spec["info"]["contact"]["name"] == "嘉定区人民政府办公室"
    # PUBLIC_BASE_URL unset: this server, so a client generated from the file calls whoever served it.
    assert spec["servers"] == [{"url": "/", "description": "This server"}]


def test_the_server_is_the_public_base_url_when_one_is_set():
    config = {
        **settings.DEFAULTS,
        "PUBLIC_BASE_URL": "https://juece.jiading.gov.cn/",
        "CONTACT_EMAIL": "zwgk@example.cn",
    }
    options = openapi.settings(config)["API_SPEC_OPTIONS"]
    assert options["servers"] == [{"url": "https://juece.jiading.gov.cn", "description": "The district's API"}]
    assert options["info"]["contact"] == {"name": "嘉定区人民政府办公室", "email": "zwgk@example.cn"}


def test_every_operation_has_a_unique_snake_case_operation_id(spec):
    seen = {}
    for label, _item, operation in operations(spec):
        name = operation.get("operationId")
        assert name and re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name), f"{label}: {name!r}"
        assert name not in seen, f"{label} and {seen.get(name)} are both {name}"
        seen[name] = label
    # Named after their summaries' leading words.
    assert seen["list_decisions"] == "GET /api/v1/decisions"
    assert seen["publish_draft"] == "POST /api/v1/decisions/{decision_id}/drafts/{version}/publish"
    assert seen["comment_on_consultation"] == "POST /api/v1/consultations/{consultation_id}/comments"


def test_operation_ids_come_from_the_summary():
    assert operation_id("Publish the draft (lead unit's editor, admin)") == "publish_draft"
    assert operation_id("Show a year's catalogue with its items and adjustments") == (
        "show_year_catalogue_with_items_and_adjustments"
    )
    assert operation_id("Change an account: name, role, unit") == "change_account"
    assert operation_id("Ask a general question (网上咨询, anyone)") == "ask_general_question"


def test_every_operation_declares_its_security(spec):
    # An open operation says `security: []`: a client generator reads a missing one as "the
    # document's default", and tools (redocly's security-defined) refuse it.
    open_ones = set()
    for label, _item, operation in operations(spec):
        assert "security" in operation, label
        if operation["security"] == []:
            open_ones.add(label)
    assert {"GET /api/v1/changes", "GET /api/v1/exports/{dataset}.csv", "GET /api/v1"} <= open_ones
    assert "POST /api/v1/decisions" not in open_ones


def test_credentials_are_a_bearer_token(spec):
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert scheme["description"]
    for label, _item, operation in operations(spec):
        for requirement in operation.get("security", []):
            assert set(requirement) <= {"bearerAuth"}, label


def test_operations_needing_credentials_document_401_and_403(spec):
    for label, _item, operation in operations(spec):
        if operation["security"]:
            assert {"401", "403"} <= set(operation["responses"]), label
        # An open one reads a token too, when sent: one that is not valid is 401.
        assert "401" in operation["responses"], label


def test_every_operation_has_a_summary_and_a_described_tag(spec):
    tags = {tag["name"]: tag.get("description") for tag in spec["tags"]}
    for label, _item, operation in operations(spec):
        assert operation.get("summary", "").strip(), f"{label} has no summary (the first line of its docstring)"
        assert operation.get("tags"), label
        for tag in operation["tags"]:
            assert tags.get(tag), f"{label}: tag {tag!r} is not described (its Blueprint's description)"


def test_every_path_and_query_parameter_is_described(spec):
    for label, item, operation in operations(spec):
        for parameter in parameters(spec, item, operation):
            if parameter["in"] in ("path", "query"):
                where = f"{label}: {parameter['in']} parameter {parameter['name']!r}"
                assert parameter.get("description", "").strip(), f"{where} has no description"


def test_every_path_parameter_has_an_example(spec):
    for label, item, operation in operations(spec):
        for parameter in parameters(spec, item, operation):
            if parameter["in"] == "path":
                assert "example" in parameter or "examples" in parameter, f"{label}: {parameter['name']!r}"


def test_every_error_is_problem_json(spec):
    for label, _item, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                content = resolve(spec, response).get("content", {})
                assert list(content) == [PROBLEM_JSON], f"{label} answers {status} as {list(content)}"


# Spreadsheets for the office's yearly assessment, besides the JSON; the Atom feeds; the
# open-data exports.
EXPORTS = {
    "GET /api/v1/compliance": {"text/csv"},
    "GET /api/v1/exports/{dataset}.csv": {"text/csv"},
    "GET /api/v1/exports/{dataset}.jsonl": {"application/x-ndjson"},
    "GET /api/v1/feeds/decisions.atom": {"application/atom+xml"},
    "GET /api/v1/feeds/consultations.atom": {"application/atom+xml"},
    "GET /api/v1/decisions/{decision_id}/feed.atom": {"application/atom+xml"},
    "GET /api/v1/units/{code}/feed.atom": {"application/atom+xml"},
}


def test_every_success_with_a_body_is_json(spec):
    for label, _item, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                content = resolve(spec, response).get("content", {})
                allowed = {"application/json"} | EXPORTS.get(label, set())
                assert set(content) <= allowed, f"{label} answers {status} as {list(content)}"


def test_lists_document_their_page_in_x_pagination(spec):
    for label, item, operation in operations(spec):
        if "page" in {p["name"] for p in parameters(spec, item, operation) if p["in"] == "query"}:
            headers = resolve(spec, operation["responses"]["200"]).get("headers", {})
            assert "X-Pagination" in headers, label
            header = resolve(spec, headers["X-Pagination"])
            assert "application/json" in header["content"], f"{label}: X-Pagination is JSON"


def test_items_document_their_etag(spec):
    for label, _item, operation in operations(spec):
        if "304" in operation["responses"]:
            assert "ETag" in resolve(spec, operation["responses"]["200"]).get("headers", {}), label


def test_every_rule_of_the_procedure_is_a_documented_problem_type(spec):
    # A client codes against each rule by its `type`: the 409 response lists every one.
    from core.errors import problem_types

    conflict = spec["components"]["responses"]["CONFLICT"]["description"]
    slugs = [slug for slug, _ in problem_types()]
    for slug in ("result-not-issued", "comments-undisposed", "hearing-missing", "procedure-missing"):
        assert slug in slugs
    for slug, title in problem_types():
        assert f"- `{slug}`: {title}" in conflict, slug

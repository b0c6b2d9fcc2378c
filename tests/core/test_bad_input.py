"""Whatever anyone sends is a 4xx problem+json that changes nothing: never a 500, never HTML."""

import pytest
import sqlalchemy as sa

from consultation.comments.models import Comment
from core.body import BLANK, MAX_DEPTH, NOT_UNICODE, NUL_REFUSED
from core.extensions import db
from tests import factories
from tests.conftest import auth

PROBLEMS = "https://juece.example/problems/"
COMMENT = '{"content": "建议加大对小微企业的贴息支持。", "submitter_type": "individual"}'


@pytest.fixture
def comments_url(app, units, tokens, today):
    today(factories.OPENS_ON)
    _, consultation = factories.consulted_decision()
    return f"/api/v1/consultations/{consultation.id}/comments"


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if slug:
        assert body["type"] == PROBLEMS + slug, body
    return body


def _post_raw(client, url, data: bytes | str):
    return client.post(url, data=data, content_type="application/json")


def _comments() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Comment))


def test_a_well_formed_comment_still_goes_in(client, comments_url):
    assert _post_raw(client, comments_url, COMMENT).status_code == 201
    with_colon = '{"content": "详见 https://example.org/a:b 第3条", "submitter_type": "individual"}'
    assert _post_raw(client, comments_url, with_colon).status_code == 201
    assert _comments() == 2


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 100_000])
def test_deep_nesting_is_malformed_before_any_parser(client, comments_url, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        problem = _problem(_post_raw(client, comments_url, body), 400, "malformed-request")
        assert str(MAX_DEPTH) in problem["detail"]
    assert _comments() == 0


def test_brackets_inside_strings_are_not_nesting(client, comments_url):
    content = "[" * 200 + "{意见}" + "]" * 200
    body = f'{{"content": "{content}", "submitter_type": "individual"}}'
    assert _post_raw(client, comments_url, body).status_code == 201


def test_a_lone_surrogate_is_a_422_naming_the_field(client, comments_url):
    body = '{"content": "意见\\ud800", "submitter_type": "individual", "name": "张三"}'
    problem = _problem(_post_raw(client, comments_url, body), 422, "validation")
    assert problem["errors"] == {"json": {"content": [NOT_UNICODE]}}
    nested = '{"content": "意见", "submitter_type": "individual", "participants": [{"category": "\\udc00"}]}'
    problem = _problem(_post_raw(client, comments_url, nested), 422)
    assert problem["errors"]["json"] == {"participants": {"0": {"category": [NOT_UNICODE]}}}
    assert _comments() == 0


def test_bytes_that_are_not_utf8_are_a_422_naming_the_field(client, comments_url):
    body = b'{"content": "\xe6\x84\x8f\xff\xfe", "submitter_type": "individual"}'
    problem = _problem(_post_raw(client, comments_url, body), 422, "validation")
    assert problem["errors"] == {"json": {"content": [NOT_UNICODE]}}
    problem = _problem(_post_raw(client, comments_url, b'{"cont\xffent": "x"}'), 422)
    assert list(problem["errors"]["json"]) == ["cont\\udcffent"]
    assert _comments() == 0


def test_a_body_that_is_not_json_is_malformed(client, comments_url):
    for body in ('{"content": ', "{'content': 1}", '{"content": "x"} trailing', "\ufeff{}"):
        _problem(_post_raw(client, comments_url, body), 400, "malformed-request")


def test_a_key_given_twice_is_malformed_and_named(client, comments_url):
    body = '{"content": "意见", "submitter_type": "individual", "submitter_type": "enterprise"}'
    problem = _problem(_post_raw(client, comments_url, body), 400, "malformed-request")
    assert "submitter_type" in problem["detail"]
    nested = '{"content": "意见", "submitter_type": "individual", "participants": [{"category": "a", "category": "b"}]}'
    _problem(_post_raw(client, comments_url, nested), 400, "malformed-request")
    assert _comments() == 0


@pytest.mark.parametrize("content", ["   ", "\u3000\u3000", "\n\t\r", "\u200b\u200b", "\x07\x1b", " \u00a0\ufeff "])
def test_text_of_only_spaces_or_control_characters_is_a_422(client, comments_url, content):
    body = {"content": content, "submitter_type": "individual"}
    problem = _problem(client.post(comments_url, json=body), 422, "validation")
    assert problem["errors"] == {"json": {"content": [BLANK]}}
    assert _comments() == 0


def test_nul_anywhere_in_a_body_is_a_422(client, comments_url):
    body = {"content": "意见\u0000", "submitter_type": "individual"}
    assert _problem(client.post(comments_url, json=body), 422)["errors"] == {"json": {"content": [NUL_REFUSED]}}
    assert _problem(client.get("/api/v1/decisions?q=%00"), 422)["errors"] == {"query": {"q": [NUL_REFUSED]}}


def test_a_body_past_the_limit_is_413(client, comments_url):
    body = '{"content": "' + "意" * (2 * 1024 * 1024 // 3) + '", "submitter_type": "individual"}'
    _problem(_post_raw(client, comments_url, body), 413)
    assert _comments() == 0


def test_an_overlong_address_is_414_and_an_overlong_header_431(client, comments_url):
    problem = _problem(client.get("/api/v1/decisions?q=" + "贴" * 10_000), 414)
    assert "8190" in problem["detail"]
    _problem(client.get("/api/v1/decisions?q=" + "a" * 10_000), 414)
    problem = _problem(client.get("/api/v1/decisions", headers={"X-Note": "a" * 9 * 1024}), 431)
    assert "X-NOTE" in problem["detail"]
    many = {f"X-Note-{i}": "a" * 4000 for i in range(10)}
    _problem(client.get("/api/v1/decisions", headers=many), 431)
    _problem(_post_raw(client, comments_url + "?x=" + "a" * 9000, COMMENT), 414)
    assert _comments() == 0
    # Up to the limit the address is read: here `q` is longer than a search takes (422).
    assert _problem(client.get("/api/v1/decisions?q=" + "a" * 8000), 422)["errors"]["query"]["q"]


def test_another_units_editor_is_refused_before_its_body_is_read(client, tokens, today):
    today(factories.OPENS_ON)
    decision, consultation = factories.consulted_decision()  # led by jd-fgw
    other = auth(tokens["other_editor"])  # of jd-jyj
    invalid = {"title": 12345, "no_such_field": True}
    for method, url in (
        ("patch", f"/api/v1/decisions/{decision.id}"),
        ("patch", f"/api/v1/consultations/{consultation.id}"),
        ("post", f"/api/v1/consultations/{consultation.id}/clusters"),
    ):
        answer = getattr(client, method)(url, json=invalid, headers={**other, "If-Match": '"x"'})
        problem = _problem(answer, 403)
        assert "jd-jyj" in problem["detail"], (url, problem)
        assert "errors" not in problem

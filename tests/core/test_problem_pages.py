"""Each problem type has a page a person can read: /problems/{name}, and /problems lists them."""

import pytest

from core.problems import PROBLEM_CATALOGUE


def test_every_problem_type_has_its_page(client):
    assert {"validation", "rate-limited", "comments-undisposed", "evaluator-reads-only"} <= set(PROBLEM_CATALOGUE)
    listing = client.get("/problems")
    assert listing.status_code == 200 and listing.mimetype == "text/html"
    html = listing.get_data(as_text=True)
    for name, kind in PROBLEM_CATALOGUE.items():
        assert f'href="/problems/{name}"' in html
        page = client.get(f"/problems/{name}")
        assert page.status_code == 200, name
        text = page.get_data(as_text=True)
        assert kind.uri in text and f"<dd>{kind.status}</dd>" in text
        assert '<html lang="zh-CN">' in text


@pytest.mark.parametrize(("name", "advice"), [("comments-undisposed", "按 `detail` 所说"), ("validation", "`errors`")])
def test_a_problem_page_says_what_to_do_next_in_chinese(client, name, advice):
    assert advice in client.get(f"/problems/{name}").get_data(as_text=True)


def test_the_type_a_client_receives_names_its_page(client):
    # A 422 from the API: the last part of its `type` is a page here.
    answer = client.post("/api/v1/consultations/1/comments", json={})
    name = answer.get_json()["type"].rsplit("/", 1)[1]
    assert client.get(f"/problems/{name}").status_code == 200


def test_an_unknown_problem_type_is_a_problem_itself(client):
    answer = client.get("/problems/no-such-thing")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert "/problems lists them all" in answer.get_json()["detail"]

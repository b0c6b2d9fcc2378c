"""The root documents: `GET /api/v1` links every collection, the contract and the docs; `GET /`
sends whoever opens the host to it."""

from tests.conftest import auth


def test_the_index_links_every_collection_the_contract_and_the_docs(client, tokens):
    response = client.get("/api/v1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == "v1" and "决策" in body["title"]
    links = {name: link["href"] for name, link in body["_links"].items()}
    assert links["self"] == "http://localhost/api/v1"
    assert links["openapi"] == "http://localhost/openapi.json"
    assert links["docs"] == "http://localhost/docs"
    assert {"decisions", "catalogues", "units", "meetings", "changes", "exports", "search", "compliance"} <= set(links)
    # Only collections: no item (`/decisions/<id>`), no file (`/feeds/decisions.atom`).
    assert all("{" not in href and not href.endswith(".atom") for href in links.values())
    # Every link answers, to the admin at least: none is a path the index made up. A few need
    # a query (/compliance its year, /search its words) and say which.
    for name, href in links.items():
        answer = client.get(href.removeprefix("http://localhost"), headers=auth(tokens["admin"]))
        if answer.status_code == 422:
            assert set(answer.get_json()["errors"]) == {"query"}, name
        else:
            assert answer.status_code == 200, (name, answer.status_code)


def test_the_index_is_cached_like_any_read(client):
    first = client.get("/api/v1")
    assert first.headers["ETag"]
    assert client.get("/api/v1", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_the_host_address_sends_to_the_index(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/api/v1")
    assert client.get("/", follow_redirects=True).get_json()["_links"]["decisions"]

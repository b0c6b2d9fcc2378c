import datetime as dt

from tests import factories
from tests.conftest import auth


def test_public_sees_a_decision_once_its_catalogue_is_published(client, tokens):
    factories.catalogue(2026)
    decision = factories.decision(2026)
    assert client.get(f"/api/v1/decisions/{decision.id}").status_code == 404
    assert client.get("/api/v1/decisions").get_json() == []
    response = client.post(
        "/api/v1/catalogues/2026/publication",
        json={"party_consent_on": "2026-02-20", "published_on": "2026-03-10"},
        headers=auth(tokens["admin"]),
    )
    assert response.status_code == 200, response.get_json()
    body = client.get(f"/api/v1/decisions/{decision.id}").get_json()
    assert body["catalogued_on"] == "2026-03-10"
    assert dt.date.fromisoformat(body["planned_completion_by"]) == dt.date(2026, 9, 30)

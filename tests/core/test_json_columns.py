"""JSON columns are parsed by orjson through SQLAlchemy's engine option, on every read."""

import orjson

from core.extensions import db
from decisions.models import Decision
from tests import factories


def test_the_engine_parses_json_columns_with_orjson(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["json_deserializer"] is orjson.loads


def test_a_decisions_json_columns_read_back_as_lists(client, tokens, units):
    decision_id = factories.catalogued_decision(co_units=["jd-jyj"], legal_basis=["《条例》"]).id
    db.session.expire_all()
    stored = db.session.get(Decision, decision_id)
    assert (stored.co_units, stored.legal_basis) == (["jd-jyj"], ["《条例》"])
    listed = client.get("/api/v1/decisions").get_json()[0]
    shown = client.get(f"/api/v1/decisions/{decision_id}").get_json()
    for body in (listed, shown):
        assert (body["co_units"], body["legal_basis"]) == (["jd-jyj"], ["《条例》"])

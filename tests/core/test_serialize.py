"""One dumper, proven equal: every resource of the demo, dumped by the compiled path
(core.serialize) and by plain marshmallow, is the same body byte for byte, and the same ETag."""

import datetime as dt
import sys

import marshmallow as ma
import pytest

import core.serialize
from app import create_app
from core import extensions
from tests import factories
from tests.conftest import IsolatedClient, auth
from tests.test_demo import run


def _plain_dumper(schema_class):
    """What `core.serialize.dumper` promises to equal: marshmallow's own dump."""
    schema = schema_class()
    return lambda obj: ma.Schema.dump(schema, obj)


def _read_as_instant(_type, value, _dialect):
    """What UTCDateTime reads, where `shown` reads the text the API shows."""
    return extensions._as_utc(dt.datetime.fromisoformat(value) if isinstance(value, str) else value)


def _read_as_day(_type, value, _dialect):
    """What sa.Date reads, where `shown` reads the text the API shows."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _marshmallow_only(monkeypatch):
    """Every dump through marshmallow: the Schema base's `dump`, `dumper` wherever imported, and
    instants and days read as datetimes and dates (`shown` columns too), as marshmallow takes them."""
    monkeypatch.setattr(extensions._ShownInstant, "process_result_value", _read_as_instant)
    monkeypatch.setattr(extensions._ShownDay, "process_result_value", _read_as_day)
    monkeypatch.setattr(core.serialize.Schema, "dump", ma.Schema.dump)
    for module in list(sys.modules.values()):
        if getattr(module, "dumper", None) is core.serialize.dumper:
            monkeypatch.setattr(module, "dumper", _plain_dumper)


def _urls(app, client, headers) -> list[str]:
    """Every API GET with no path parameter, then the items each list names (`_links.self`)."""
    urls = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "GET" in rule.methods and not rule.arguments
    )
    items = []
    for url in urls:
        body = client.get(url, headers=headers).get_json(silent=True)
        if isinstance(body, list):
            items += [item["_links"]["self"]["href"] for item in body if isinstance(item, dict) and "_links" in item]
    return urls + sorted(set(items))


def _answers(client, urls, headers) -> list[tuple]:
    answers = []
    for url in urls:
        response = client.get(url, headers=headers)
        answers.append((url, response.status_code, response.headers.get("ETag"), response.data))
    return answers


@pytest.mark.parametrize("caller", [None, "admin"])
def test_the_compiled_dump_is_marshmallows_byte_for_byte(app, client, monkeypatch, caller):
    run(app)
    # One request id for all: an error's body names it.
    headers = {"X-Request-ID": "serialize", **(auth(factories.tokens()[caller]) if caller else {})}
    urls = _urls(app, client, headers)
    assert len(urls) > 40
    compiled = _answers(client, urls, headers)
    assert sum(status == 200 for _, status, _, _ in compiled) > 40
    with monkeypatch.context() as patch:
        _marshmallow_only(patch)
        # An app of its own on the same database: SQLAlchemy keeps each column type's reader
        # per engine, so only a new engine reads `shown` columns through the patched types.
        plain_app = create_app(
            {"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "RATELIMIT_ENABLED": False}
        )
        plain_app.test_client_class = IsolatedClient
        try:
            plain = _answers(plain_app.test_client(), urls, headers)
        finally:
            with plain_app.app_context():
                extensions.db.engine.dispose()
    for fast, slow in zip(compiled, plain, strict=True):
        assert fast == slow, fast[0]

"""The private flask-smorest methods core.http.Blueprint still overrides, each because it gains
2 % or more of an endpoint's time (bench/README.md): these tests fail loudly when a release of
flask-smorest renames one, changes its signature, stops calling it, or computes otherwise."""

import inspect

import flask_smorest
import pytest
from flask import json

from core.extensions import api
from core.http import Blueprint
from tests import factories

KEPT = {
    "_is_etag_enabled": ["self"],
    "_generate_etag": ["etag_data", "extra_data"],
    "_make_pagination_metadata": ["page", "page_size", "item_count"],
}


@pytest.mark.parametrize("name", KEPT)
def test_the_library_still_has_the_method_with_its_signature(name):
    library = inspect.getattr_static(flask_smorest.Blueprint, name, None)
    assert library is not None, f"flask-smorest no longer has Blueprint.{name}: drop or redo core.http's override"
    ours = inspect.getattr_static(Blueprint, name)
    assert type(ours) is type(library), f"Blueprint.{name} changed kind (static or not) in flask-smorest"
    assert list(inspect.signature(getattr(flask_smorest.Blueprint, name)).parameters) == KEPT[name]
    assert list(inspect.signature(getattr(Blueprint, name)).parameters) == KEPT[name]


def _spy(monkeypatch, name):
    calls = []
    original = inspect.getattr_static(Blueprint, name)
    function = original.__func__ if isinstance(original, staticmethod) else original

    def spy(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    monkeypatch.setattr(Blueprint, name, staticmethod(spy) if isinstance(original, staticmethod) else spy)
    return calls


def test_flask_smorest_still_calls_them(app, client, monkeypatch, units):
    calls = {name: _spy(monkeypatch, name) for name in KEPT}
    assert client.get("/api/v1/units?page_size=2").status_code == 200
    assert calls["_make_pagination_metadata"], "flask-smorest no longer pages through _make_pagination_metadata"
    assert client.get("/api/v1/units/jd-fgw").headers.get("ETag")
    assert calls["_is_etag_enabled"], "flask-smorest no longer asks _is_etag_enabled"
    assert calls["_generate_etag"], "flask-smorest no longer hashes through _generate_etag"


@pytest.mark.parametrize(
    "page, page_size, item_count", [(1, 20, 0), (1, 20, 1), (1, 20, 45), (2, 20, 45), (3, 20, 45), (9, 20, 45)]
)
def test_the_pagination_metadata_is_the_librarys(app, page, page_size, item_count):
    ours = Blueprint._make_pagination_metadata(page, page_size, item_count)
    library = flask_smorest.Blueprint._make_pagination_metadata(page, page_size, item_count)
    assert json.dumps(ours) == json.dumps(library)  # the same keys, in the same order


def test_the_etag_is_the_librarys(app, client, units):
    factories.tokens()
    samples = [
        client.get("/api/v1/units/jd-fgw").get_json(),
        client.get("/api/v1/units?page_size=100").get_json(),
        {"title": "嘉定区", "n": 1, "nested": {"b": [1, 2.5, None], "a": True}},
    ]
    for data in samples:
        assert Blueprint._generate_etag(data) == flask_smorest.Blueprint._generate_etag(data)
        extra = {"total": 3, "page": 1}
        assert Blueprint._generate_etag(data, extra) == flask_smorest.Blueprint._generate_etag(data, extra)


def test_etags_are_enabled_as_the_library_says(app, monkeypatch):
    """The library reads ETAG_DISABLED from the request's blueprint's Api: in a server, Juece's
    one Api, whose settings are the app's (no configuration prefix). (In this process other
    apps were made since, and the shared Api reads the latest one's: given the app's here.)"""
    blueprint = Blueprint("probe", __name__)
    monkeypatch.setattr(api, "config", app.config)
    with app.test_request_context("/api/v1/units/jd-fgw"):
        for disabled in (False, True):
            monkeypatch.setitem(app.config, "ETAG_DISABLED", disabled)
            assert blueprint._is_etag_enabled() is not disabled
            assert flask_smorest.Blueprint._is_etag_enabled(blueprint) is not disabled

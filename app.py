"""The application factory: the core's extensions and hooks, then the one list of every
domain's blueprints and command groups. It lives above `core` and the domains, so the core
depends on nothing built on it (tests/test_layers.py)."""

import logging
import os
import secrets

import orjson
from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from consultation import rules  # noqa: F401 (its agenda preconditions register on import)
from consultation import views as consultation_views
from consultation.activities import overdue  # noqa: F401 (its tick task registers on import)
from consultation.adoption import views as adoption_views
from consultation.assessments import views as assessment_views
from consultation.compliance import views as compliance_views
from consultation.inquiries import views as inquiry_views
from core import (
    accounts,
    audit,
    backup,
    caching,
    calendar,
    chain,
    changes,
    explorer,
    health,
    index,
    migrations,
    obligations,  # noqa: F401 (its tick task registers on import)
    openapi,
    privacy,
    problem_pages,
    security_log,
    settings,
    translation,
)
from core.auth import check_credentials
from core.auth import cli as accounts_cli
from core.extensions import api, close_read_connection, configure_engine, cors, db, sqlite_beginning
from core.http import IdConverter, TextConverter, answer_not_modified, refuse_oversized_head
from core.json import OrjsonProvider
from core.ratelimit import limiter
from core.tick import cli as tick_cli
from decisions import views as decision_views
from decisions.meetings import views as meeting_views
from decisions.records import views as record_views
from demo import cli as demo_cli
from opendata import assessments as assessment_sheets
from opendata.exports import views as export_views
from opendata.feeds import views as feed_views
from opendata.ocds import views as ocds_views
from opendata.search import views as search_views
from opendata.search.commands import cli as search_cli
from opendata.webhooks import views as webhook_views
from opendata.webhooks.delivery import cli as deliver_cli
from portal import views as portal_views

# The API's resources, in the order of the spec's tags.
API_BLUEPRINTS = (
    index.blp,
    *decision_views.blueprints,
    record_views.blp,
    meeting_views.blp,
    consultation_views.blp,
    adoption_views.blp,
    inquiry_views.blp,
    calendar.blp,
    compliance_views.blp,
    assessment_views.blp,
    assessment_sheets.blp,
    changes.blp,
    export_views.blp,
    ocds_views.blp,
    feed_views.blp,
    search_views.blp,
    webhook_views.blp,
    accounts.blp,
    audit.blp,
    security_log.blp,
)
# Pages outside the API (health, the explorer) and the `flask` command groups.
SITE_BLUEPRINTS = (health.blp, explorer.blp, problem_pages.blp)
CLI_GROUPS = (accounts_cli, demo_cli, tick_cli, calendar.cli, backup.cli, chain.cli, search_cli, deliver_cli)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints and commands."""
    app = Flask(__name__, instance_path=os.path.abspath("instance"), static_folder=None)
    # Path values the database cannot hold (an id past its integers, text with NUL) are 404, not 500.
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["string"] = app.url_map.converters["default"] = TextConverter
    os.makedirs(app.instance_path, exist_ok=True)
    config = settings.load(app.instance_path, test_config)
    app.config.update(config)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=sqlite_beginning(config["DATABASE_URL"]),
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(config),
        **openapi.settings(config),
    )
    app.json = OrjsonProvider(app)
    _configure_logging(app)
    if config["PROXY_COUNT"]:
        n = config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)

    privacy.init_app(app)
    # Signs the portal's form tokens (CSRF), the same for every worker of the host.
    app.secret_key = config["SECRET_KEY"] or privacy.instance_key(app.instance_path, "secret.key", "SECRET_KEY")
    translation.init_app(app)
    db.init_app(app)
    app.teardown_appcontext(close_read_connection)
    with app.app_context():
        configure_engine(db.engine)
    migrations.init_app(app)
    origins = [o.strip() for o in config["CORS_ORIGINS"].split(",") if o.strip()]
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": origins}, r"/openapi.json": {"origins": origins}},
        expose_headers=[
            "ETag",
            "X-Pagination",
            "Location",
            "Retry-After",
            "X-Request-ID",
            "X-Record-Head",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        # Open data: with "*" any page may read, and caches need not vary by Origin.
        send_wildcard=origins == ["*"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key"],
    )
    # First of the before_request hooks: nothing reads a request whose head is too large.
    app.before_request(refuse_oversized_head)
    limiter.init_app(app)
    api.init_app(app)
    # If-None-Match is compared weakly (RFC 9110), for every GET that sends an ETag.
    app.after_request(answer_not_modified)
    # Registered after it, so run before it (Flask runs after_request hooks in reverse): a
    # list's ETag over its body is set in time for answer_not_modified to compare it.
    caching.init_app(app)
    security_log.init_app(app)

    app.before_request(check_credentials)
    # `/` is the portal's, or, without it, a way to the API's index.
    front = portal_views.blp if config["PORTAL_ENABLED"] else index.site
    for blueprint in (front, *SITE_BLUEPRINTS, *CLI_GROUPS):
        app.register_blueprint(blueprint)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    return app


def _engine_options(config: dict) -> dict:
    # JSON columns parsed by orjson, through SQLAlchemy's documented engine option: SQLite hands
    # them over as text, and the standard library's json.loads took about 6 % of a list page;
    # psycopg parses them with the same function (set_json_loads).
    options = {"json_deserializer": orjson.loads}
    if config["DATABASE_URL"].startswith("sqlite"):
        return options
    return {
        **options,
        "pool_size": config["DB_POOL_SIZE"],
        "max_overflow": config["DB_MAX_OVERFLOW"],
        "pool_pre_ping": True,
    }


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    if not any(isinstance(f, _RequestIdFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"].upper())

    @app.before_request
    def _request_id():
        # Accept the proxy's id so one request can be followed across both logs.
        # From the WSGI environ, as `request.headers` reads it, without the KeyError werkzeug
        # raises and catches when the header is absent (core.auth._authorization).
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = incoming[:64] if incoming.isprintable() and incoming else secrets.token_hex(16)

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

"""Settings: safe defaults, then environment variables, then the test mapping.

Every variable read here is listed in the README's settings table.
"""

import os

DEFAULTS = {
    # SQLite under instance/ unless DATABASE_URL says otherwise.
    "DATABASE_URL": None,
    # Absolute base for the links we hand out, e.g. https://juece.example.gov.cn.
    # Empty: links are built from the request (honouring proxy headers when trusted).
    "PUBLIC_BASE_URL": "",
    # Base of the portal's pages that the Atom feeds link to beside the API, e.g.
    # https://www.jiading.gov.cn/juece. Empty: the portal this service serves at its own root.
    "PORTAL_BASE_URL": "",
    # How many proxies in front of us set X-Forwarded-* headers we may trust (0 = none).
    "PROXY_COUNT": 0,
    "LOG_LEVEL": "INFO",
    # Bodies above this many bytes are refused with 413.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Bodies of a spreadsheet import of offline comments may be this large.
    "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    # Comma-separated origins allowed by CORS; "*" lets any portal or app read the open data.
    "CORS_ORIGINS": "*",
    # Where rate-limit counters live: database:// in the app's own database, shared by every
    # worker and host that share it; redis://host:6379/0 for high traffic; memory:// in one
    # process only (tests, a single process).
    "RATELIMIT_STORAGE_URI": "database://",
    # Limits on writes from the public and from partner apps, in the `limits` library's syntax
    # ('30/minute', or several: '30/minute;500/day').
    "RATELIMIT_ANONYMOUS_WRITES": "30/minute",
    "RATELIMIT_PARTNER_WRITES": "600/minute",
    # Seconds a shared cache (a CDN) or a browser may keep an open read: lists and items, then
    # published versions, which never change (core.caching).
    "CACHE_MAX_AGE": 60,
    "CACHE_MAX_AGE_PUBLISHED": 600,
    # The key of the keyed hashes that stand for personal data (core.privacy); empty: a random
    # key kept in instance/personal-data.key. Several hosts must share one.
    "PERSONAL_DATA_KEY": "",
    # Signs the portal's form tokens (CSRF); empty: a random key kept in the instance folder.
    "SECRET_KEY": "",
    # The portal's pages (GET /): on unless "false"; off, / answers the API's index as JSON.
    "PORTAL_ENABLED": True,
    # The API the portal reads: empty, this application in process; else its base URL.
    "PORTAL_API_URL": "",
    # Refused attempts (401, 403, 429) recorded per client address and minute, per process.
    "SECURITY_LOG_PER_MINUTE": 20,
    # Days a refused attempt is kept; `tick` deletes older ones.
    "SECURITY_LOG_DAYS": 180,
    # Who answers for the API, in the OpenAPI document's `info.contact` (empty ones left out).
    "CONTACT_NAME": "嘉定区人民政府办公室",
    "CONTACT_URL": "",
    "CONTACT_EMAIL": "",
    # The licence the open-data exports, and the API's document, are published under (GET
    # /exports, the data card; the OpenAPI document's `info.license`).
    "OPEN_DATA_LICENCE": "CC BY 4.0",
    "OPEN_DATA_LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/",
    # The prefix of each decision's Open Contracting ID in its OCDS record (GET
    # /decisions/{id}/record): the ocid is the prefix and the decision's id. A district that
    # registers a prefix with the Open Contracting Partnership sets it ("ocds-a1b2c3-").
    "OCDS_PREFIX": "ocds-juece-",
    # Whether webhooks may be sent to loopback, link-local, private and reserved addresses
    # (opendata.webhooks.addresses): off, so a partner's URL cannot reach inside the network.
    "WEBHOOKS_ALLOW_PRIVATE": False,
    # How a commenter who asked is told what became of their comment (consultation.notices):
    # log (a line per notice, the address masked), smtp (e-mail through the SMTP_* settings), a
    # notifier class's dotted path, or several comma-separated (the first that reaches a
    # notice's channel, e-mail or SMS, sends it).
    "OUTCOME_NOTIFIER": "log",
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    # The sender of the notices, e.g. 嘉定区人民政府 <noreply@jiading.gov.cn>.
    "SMTP_FROM": "",
    # Upgrade the connection with STARTTLS before logging in (port 587).
    "SMTP_STARTTLS": False,
    # Working days after an open activity's last day within which its unit publishes the
    # dedicated feedback report (专项反馈), on the official calendar (consultation.activities).
    "ACTIVITY_FEEDBACK_WORKING_DAYS": 15,
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 10,
}

_INTEGERS = {
    "PROXY_COUNT",
    "MAX_CONTENT_LENGTH",
    "IMPORT_MAX_BYTES",
    "DB_POOL_SIZE",
    "DB_MAX_OVERFLOW",
    "CACHE_MAX_AGE",
    "CACHE_MAX_AGE_PUBLISHED",
    "SECURITY_LOG_PER_MINUTE",
    "SECURITY_LOG_DAYS",
    "SMTP_PORT",
    "ACTIVITY_FEEDBACK_WORKING_DAYS",
}
_BOOLEANS = {"WEBHOOKS_ALLOW_PRIVATE", "SMTP_STARTTLS", "PORTAL_ENABLED"}


def load(instance_path: str, test_config: dict | None = None) -> dict:
    """Return the settings: defaults, overridden by the environment, then by test_config."""
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        value = os.environ.get(name)
        if value is not None and value != "":
            if name in _INTEGERS:
                value = int(value)
            elif name in _BOOLEANS:
                value = value.strip().lower() in ("1", "true", "yes", "on")
            settings[name] = value
    if test_config:
        settings.update(test_config)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "juece.sqlite3")
    return settings

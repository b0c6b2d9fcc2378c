"""The comment benchmark's baselines: bare endpoints that store one row, beside Juece.

    COMMENTS_DB=sqlite:////abs/path/comments.sqlite3 gunicorn --pythonpath bench comment_baselines:app
    COMMENTS_DB=postgresql://postgres@127.0.0.1/juece_bench_comments gunicorn ...
    DATABASE_URL=... gunicorn --pythonpath bench 'comment_baselines:stack_app()'

`POST /bare/comments`: reads the same JSON body and Idempotency-Key that Juece's comment
endpoint reads, INSERTs one row into one table (`bench_comments`, made by bench/comments.py in
the same database as Juece's tables) with the driver alone (sqlite3, or psycopg), commits, and
answers 201 with the row's id and receipt. No validation, no rules, no idempotency, no audit:
what storing a row over HTTP costs at the least, through the same Flask and gunicorn. On
SQLite the connection has Juece's settings (WAL, synchronous=NORMAL, busy_timeout).

`stack_app()`: the same bare endpoint inside Juece's own service, `POST /api/v1/bare/comments`:
Juece's `create_app()` with the same settings, so the request passes through everything every
request of the service passes through (the rate limiter counting a write, CORS, the request id,
the token check, the database session with SQLite's BEGIN IMMEDIATE), then INSERTs the same row
with one SQL statement and commits. What storing a row costs at the least in this service.
"""

import datetime as dt
import json
import os
import secrets
import sqlite3

from flask import Flask, Response, request

URL = os.environ.get("COMMENTS_DB", "")
SQLITE = URL.startswith("sqlite:///")
COLUMNS = ("idempotency_key", "content", "submitter_type", "name", "contact", "receipt", "submitted_at")
INSERT = "INSERT INTO bench_comments ({}) VALUES ({}) RETURNING id".format(
    ", ".join(COLUMNS), ", ".join(["?" if SQLITE else "%s"] * len(COLUMNS))
)


def _row() -> dict:
    """The row both bare endpoints store, from the request: what Juece's comment reads."""
    data = request.get_json()
    return {
        "idempotency_key": request.headers.get("Idempotency-Key"),
        "content": data["content"],
        "submitter_type": data["submitter_type"],
        "name": data.get("name"),
        "contact": data.get("contact"),
        "receipt": secrets.token_urlsafe(18),
        "submitted_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" "),
    }


app = Flask(__name__)
_connection = None


def connection():
    """One connection per worker process (sync workers serve one request at a time)."""
    global _connection
    if _connection is None:
        if SQLITE:
            _connection = sqlite3.connect(URL.removeprefix("sqlite:///"), isolation_level=None)
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL"):
                _connection.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            _connection = psycopg.connect(URL, autocommit=True)
    return _connection


@app.post("/bare/comments")
def comment():
    row = _row()
    # One statement in autocommit: stored and durable (as the platform's settings make it) on return.
    (row_id,) = connection().execute(INSERT, tuple(row[c] for c in COLUMNS)).fetchone()
    body = json.dumps({"id": row_id, "receipt": row["receipt"]}, separators=(",", ":"))
    return Response(body, 201, mimetype="application/json")


@app.get("/ready")
def ready():
    connection()
    return Response("{}", mimetype="application/json")


def stack_app():
    """Juece's app with one more route: the bare INSERT inside the service (see above)."""
    import sqlalchemy as sa

    from app import create_app
    from core.extensions import db
    from core.http import json_response

    juece = create_app()
    insert = sa.text(
        "INSERT INTO bench_comments ({}) VALUES ({}) RETURNING id".format(
            ", ".join(COLUMNS), ", ".join(f":{c}" for c in COLUMNS)
        )
    )

    @juece.post("/api/v1/bare/comments")
    def stack_comment():
        row = _row()
        row_id = db.session.execute(insert, row).scalar_one()
        db.session.commit()
        return json_response({"id": row_id, "receipt": row["receipt"]}, 201)

    return juece

"""The timeline benchmark's baselines: a tiny Flask app, served by its own gunicorn beside Juece.

    TIMELINE_DB=/abs/path/timeline.sqlite3 gunicorn --pythonpath bench timeline_baselines:app

- `GET /const`: constant JSON bytes, as large as a 50-entry timeline of Juece: what bare Flask
  and gunicorn cost, the ceiling for any endpoint.
- `GET /hand/decisions/<id>/timeline`: the same timeline Juece answers (the decision, its
  public record in the order things happened, its obligations with their status, absolute
  links; the same JSON shape, byte for byte), written by hand with plain sqlite3 and the
  standard library's json (`ensure_ascii=False`), with an ETag as flask-smorest computes it.

bench/timeline.py checks that the hand-written answers equal Juece's before it measures them.
"""

import datetime as dt
import hashlib
import json
import os
import sqlite3
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, request

DB = os.environ.get("TIMELINE_DB") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "data", "timeline.sqlite3"
)
SHANGHAI = ZoneInfo("Asia/Shanghai")

app = Flask(__name__)
_connection = None


def connection() -> sqlite3.Connection:
    """One connection per worker process (sync workers serve one request at a time)."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(DB)
    return _connection


def _instant(stored: str) -> str:
    # SQLAlchemy keeps UTC instants as 'YYYY-MM-DD HH:MM:SS.ffffff'; the API shows ISO 8601
    # with the offset, without a zero fraction (as orjson writes a datetime).
    text = stored.replace(" ", "T")
    if text.endswith(".000000"):
        text = text[:-7]
    return text + "+00:00"


def _status(due_on: str, fulfilled_on: str | None, today: str) -> str:
    """core.deadlines.status on ISO dates (they compare as strings)."""
    if fulfilled_on is not None:
        return "on_time" if fulfilled_on <= due_on else "late"
    return "overdue" if today > due_on else "pending"


def hand_timeline(decision_id: int, base: str) -> dict | None:
    db = connection()
    decision = db.execute(
        "SELECT id, title, catalogue_year, lead_unit, state FROM decisions WHERE id = ? AND catalogued_on IS NOT NULL",
        (decision_id,),
    ).fetchone()
    if decision is None:
        return None
    api = f"{base}/api/v1"
    entries = [
        {
            "seq": seq,
            "type": type_,
            "occurred_on": occurred_on,
            "recorded_at": _instant(recorded_at),
            "title": title,
            "href": f"{api}{target}",
            "amends": amends_seq,
            "reason": reason,
        }
        for seq, type_, occurred_on, recorded_at, title, target, amends_seq, reason in db.execute(
            "SELECT seq, type, occurred_on, recorded_at, title, target, amends_seq, reason FROM public_record"
            " WHERE decision_id = ? ORDER BY occurred_on, seq",
            (decision_id,),
        )
    ]
    today = dt.datetime.now(SHANGHAI).date().isoformat()
    owed = [
        {
            "type": type_,
            "due_on": due_on,
            "status": _status(due_on, fulfilled_on, today),
            "calendar_status": calendar_status,
            "fulfilled_on": fulfilled_on,
            "href": f"{api}{fulfilled_by}" if fulfilled_by else None,
        }
        for type_, due_on, calendar_status, fulfilled_on, fulfilled_by in db.execute(
            "SELECT type, due_on, calendar_status, fulfilled_on, fulfilled_by FROM obligations"
            " WHERE decision_id = ? ORDER BY due_on",
            (decision_id,),
        )
    ]
    id_, title, year, lead, state = decision
    return {
        "decision": {
            "id": id_,
            "title": title,
            "catalogue_year": year,
            "lead_unit": lead,
            "state": state,
            "_links": {"self": {"href": f"{api}/decisions/{id_}"}},
        },
        "entries": entries,
        "obligations": owed,
        "_links": {
            "self": {"href": f"{api}/decisions/{id_}/timeline"},
            "decision": {"href": f"{api}/decisions/{id_}"},
        },
    }


def _dumps(body, **kwargs) -> bytes:
    # Compact separators, like orjson: the bodies are then byte for byte Juece's.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), **kwargs).encode()


@app.get("/hand/decisions/<int:decision_id>/timeline")
def timeline(decision_id):
    body = hand_timeline(decision_id, request.host_url.rstrip("/"))
    if body is None:
        abort(404)
    response = Response(_dumps(body), mimetype="application/json")
    # flask-smorest's ETag: the SHA-1 of the body as JSON with sorted keys.
    response.set_etag(hashlib.sha1(_dumps(body, sort_keys=True)).hexdigest())
    return response


def _constant() -> bytes:
    """A 50-entry timeline, built once: serving it costs only Flask and gunicorn."""
    decision_id = os.environ.get("TIMELINE_CONST_ID")
    if decision_id is None:
        (decision_id,) = (
            connection()
            .execute("SELECT decision_id FROM public_record GROUP BY decision_id HAVING count(*) = 50 LIMIT 1")
            .fetchone()
        )
    return _dumps(hand_timeline(int(decision_id), "http://127.0.0.1:8000"))


_CONSTANT = _constant()
_connection.close()
_connection = None  # each gunicorn worker opens its own


@app.get("/const")
def const():
    return Response(_CONSTANT, mimetype="application/json")

"""The benchmark's baselines: a tiny Flask app, served by its own gunicorn beside Juece.

    BENCH_DB=/abs/path/juece.sqlite3 gunicorn --pythonpath bench baselines:app

- `GET /const`: constant JSON bytes, as large as a list page of Juece: what bare Flask and
  gunicorn cost, the ceiling for any endpoint.
- `GET /hand/decisions?year=Y&unit=U&page=P&page_size=N`: the same list Juece answers (same
  filters, same rows, same JSON shape with `_links`, the same `X-Pagination` header), written
  by hand with plain sqlite3 and the standard library's json (`ensure_ascii=False`).
- `GET /hand/decisions/<id>`: one decision the same way, with an ETag.

bench/run.py checks that the hand-written answers equal Juece's before it measures them.
"""

import hashlib
import json
import os
import sqlite3

from flask import Flask, Response, abort, request

DB = os.environ.get("BENCH_DB") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "juece.sqlite3")

COLUMNS = (
    "id, catalogue_unit, catalogue_year, seq_no, title, summary, category, lead_unit, co_units, legal_basis, "
    "planned_completion, planned_completion_by, enterprise_related, hearing_required, procedures, "
    "state, adjustment, catalogued_on, created_at, updated_at"
)

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


def _precision(planned: str) -> str:
    if "-Q" in planned:
        return "quarter"
    return {4: "year", 7: "month"}.get(len(planned), "day")


def _decision(row, base: str) -> dict:
    (
        id_,
        catalogue_unit,
        year,
        seq_no,
        title,
        summary,
        category,
        lead,
        co_units,
        legal_basis,
        planned,
        planned_by,
        enterprise,
        hearing,
        procedures,
        state,
        adjustment,
        catalogued_on,
        created_at,
        updated_at,
    ) = row
    return {
        "id": id_,
        # The district's catalogue is stored as unit '' (decisions.models.DISTRICT), shown null.
        "catalogue_unit": catalogue_unit or None,
        "catalogue_year": year,
        "seq_no": seq_no,
        "title": title,
        "summary": summary,
        "category": category,
        "lead_unit": lead,
        "co_units": json.loads(co_units),
        "legal_basis": json.loads(legal_basis),
        "planned_completion": planned,
        "planned_completion_precision": _precision(planned),
        "planned_completion_by": planned_by,
        "enterprise_related": bool(enterprise),
        "hearing_required": bool(hearing),
        "procedures": json.loads(procedures),
        "state": state,
        "adjustment": adjustment,
        "catalogued_on": catalogued_on,
        "created_at": _instant(created_at),
        "updated_at": _instant(updated_at),
        "_links": {
            "self": {"href": f"{base}/api/v1/decisions/{id_}"},
            "catalogue": {"href": f"{base}/api/v1/catalogues/{year}"},
            "lead_unit": {"href": f"{base}/api/v1/units/{lead}"},
        },
    }


def _pagination(page: int, page_size: int, total: int) -> dict:
    """flask-smorest's X-Pagination metadata."""
    meta = {"total": total}
    if total == 0:
        meta["total_pages"] = 0
        return meta
    last = (total - 1) // page_size + 1
    meta.update(total_pages=last, first_page=1, last_page=last)
    if page <= last:
        meta["page"] = page
        if page > 1:
            meta["previous_page"] = page - 1
        if page < last:
            meta["next_page"] = page + 1
    return meta


def _dumps(body) -> bytes:
    # Compact separators, like orjson: the bodies are then byte for byte Juece's.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _json(body, status=200, headers=None) -> Response:
    return Response(_dumps(body), status, headers, mimetype="application/json")


def hand_list(year: int, unit: str, page: int, page_size: int, base: str):
    """The public's list of decisions of one year and lead unit: body and X-Pagination."""
    where = "catalogued_on IS NOT NULL AND catalogue_year = ? AND lead_unit = ?"
    db = connection()
    total = db.execute(f"SELECT count(*) FROM decisions WHERE {where}", (year, unit)).fetchone()[0]
    rows = db.execute(
        f"SELECT {COLUMNS} FROM decisions WHERE {where} ORDER BY catalogue_year DESC, seq_no LIMIT ? OFFSET ?",
        (year, unit, page_size, (page - 1) * page_size),
    ).fetchall()
    return [_decision(row, base) for row in rows], _pagination(page, page_size, total)


@app.get("/hand/decisions")
def decisions():
    try:
        year = int(request.args["year"])
        unit = request.args["unit"]
        page = int(request.args.get("page", 1))
        page_size = int(request.args.get("page_size", 20))
    except (KeyError, ValueError):
        abort(422)
    if page < 1 or not 1 <= page_size <= 100:
        abort(422)
    body, meta = hand_list(year, unit, page, page_size, request.host_url.rstrip("/"))
    return _json(body, headers={"X-Pagination": json.dumps(meta)})


@app.get("/hand/decisions/<int:decision_id>")
def decision(decision_id):
    row = (
        connection()
        .execute(f"SELECT {COLUMNS} FROM decisions WHERE catalogued_on IS NOT NULL AND id = ?", (decision_id,))
        .fetchone()
    )
    if row is None:
        abort(404)
    body = _decision(row, request.host_url.rstrip("/"))
    response = _json(body)
    # flask-smorest's ETag: the SHA-1 of the body as JSON with sorted keys.
    etag = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    response.set_etag(hashlib.sha1(etag).hexdigest())
    return response


# A list page of the same size as Juece's, built once: serving it costs only Flask and gunicorn.
_CONSTANT = _dumps(hand_list(2026, "jd-fgw", 1, 20, "http://127.0.0.1:8000")[0])
_connection.close()
_connection = None  # each gunicorn worker opens its own


@app.get("/const")
def const():
    return Response(_CONSTANT, mimetype="application/json")

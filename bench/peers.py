"""Datasette as a peer of Juece in bench/run.py: the same SQLite file, the same rows asked.

Datasette is installed by the benchmark into a virtualenv of its own, bench/.datasette-venv
(git-ignored), with pip from the configured registry: it must not share Juece's packages. It
serves the benchmark database immutable (`-i`: no locking, no change checks), with
`suggest_facets` off (otherwise every table page also tries facets on its columns) and 20 rows
a page, and otherwise as it ships: `datasette serve`, one uvicorn process.

What it is asked, for the same rows the hand-written baseline reads:

- a list page: `/DB/decisions.json?_shape=array&catalogue_year=Y&lead_unit=U&catalogued_on__notnull=1
  &_sort=seq_no&_size=20`, past page 1 with Datasette's own keyset token `_next=SEQ_NO,ID` (the
  last row of the page before: Datasette has no page numbers, and it links the next page so);
  like Juece and the hand-written list it counts the filtered rows (`count(*)`) for each page;
- one decision: `/DB/decisions/ID.json?_shape=array`.

It sends the columns as SQLite holds them (JSON columns as text, booleans as 0 and 1, no links)
and `ensure_ascii` JSON: less work per row than Juece or the hand-written baseline do.
"""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(BENCH, ".datasette-venv")
DATASETTE = os.path.join(VENV, "bin", "datasette")
REQUIREMENT = "datasette==0.65.*"  # 1.0's JSON differs; the URLs below are 0.65's
PAGE_SIZE = 20


def ensure_datasette() -> str:
    """The path of the datasette command, installing it in bench/.datasette-venv if missing."""
    if not os.path.exists(DATASETTE):
        print(f"installing {REQUIREMENT} into {os.path.relpath(VENV)} (its own virtualenv)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True, timeout=300)
        pip = [os.path.join(VENV, "bin", "python"), "-m", "pip", "install", "-q", REQUIREMENT]
        subprocess.run(pip, check=True, timeout=600)
    return DATASETTE


def version() -> str:
    done = subprocess.run([DATASETTE, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip()


def command(db: str, host: str, port: int) -> list:
    """`datasette serve` as it ships, but immutable, no suggested facets and 20 rows a page."""
    return [
        DATASETTE,
        "serve",
        "-i",
        db,
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "default_page_size",
        str(PAGE_SIZE),
    ]


def db_name(db: str) -> str:
    """Datasette names a database after its file."""
    return os.path.splitext(os.path.basename(db))[0]


def list_path(db: str, query: str, connection: sqlite3.Connection) -> str:
    """Datasette's URL for the list page a Juece query string (year, unit, page) asks for."""
    args = dict(urllib.parse.parse_qsl(query))
    year, unit, page = int(args["year"]), args["unit"], int(args.get("page", 1))
    size = int(args.get("page_size", PAGE_SIZE))
    params = {
        "_shape": "array",
        "catalogue_year": year,
        "lead_unit": unit,
        "catalogued_on__notnull": 1,
        "_sort": "seq_no",
        "_size": size,
    }
    if page > 1:
        # The page before's last row: what Datasette's own next link would carry.
        row = connection.execute(
            "SELECT seq_no, id FROM decisions WHERE catalogued_on IS NOT NULL AND catalogue_year = ?"
            " AND lead_unit = ? ORDER BY seq_no, id LIMIT 1 OFFSET ?",
            (year, unit, (page - 1) * size - 1),
        ).fetchone()
        params["_next"] = f"{row[0]},{row[1]}"
    return f"/{db_name(db)}/decisions.json?{urllib.parse.urlencode(params)}"


def item_path(db: str, decision_id: int) -> str:
    return f"/{db_name(db)}/decisions/{decision_id}.json?_shape=array"


def check_same_rows(url, juece_url, db: str, lists, ids) -> None:
    """Datasette must answer the rows Juece answers (same ids, same order), or it measures nothing.

    `url(path)` and `juece_url(path)` make absolute URLs of Datasette and Juece; every list
    query string of `lists` and the first 20 `ids` are asked of both."""

    def get(address):
        with urllib.request.urlopen(address, timeout=10) as r:
            return json.loads(r.read())

    with sqlite3.connect(db) as connection:
        for query in lists:
            ours = [d["id"] for d in get(juece_url(f"/api/v1/decisions?{query}"))]
            theirs = [d["id"] for d in get(url(list_path(db, query, connection)))]
            if ours != theirs:
                raise RuntimeError(f"Datasette's page differs from Juece's for ?{query}: {theirs} vs {ours}")
    for i in ids[:20]:
        theirs = get(url(item_path(db, i)))
        ours = get(juece_url(f"/api/v1/decisions/{i}"))
        if [d["id"] for d in theirs] != [i] or theirs[0]["title"] != ours["title"]:
            raise RuntimeError(f"Datasette's decision {i} differs from Juece's")

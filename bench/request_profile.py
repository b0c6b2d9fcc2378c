"""Where one request's time goes: cProfile of N in-process requests, grouped by library.

    .venv/bin/python bench/run.py --profile 2000 [--profile-what item|first]

Builds Juece's app as wsgi.py does (create_app, then gc.freeze) over the benchmark database
and calls it N times as a WSGI server would, each time with a copy of a WSGI environ built
beforehand (werkzeug's EnvironBuilder, as Flask's test client does; building it in the loop
would add the test client's own work, ~30 µs, which a server does otherwise): one decision
each (random catalogued ids, the ones bench/run.py loads), or with `--profile-what first` the
first page of a year + unit. First it times the same N requests without the profiler (the
real cost per request, CPU and wall); then it profiles them and prints each library's share
of the own time, that share of the unprofiled request in µs, and the top functions by own
and by cumulative time.

A C function (orjson.dumps, a str method) or one of the standard library's is charged to the
library that called it, split by what each caller spent in it, except sqlite3's C methods,
whose time is the database's and is shown apart. Werkzeug's share includes its LocalProxy
(`flask.request`, `g`, `current_app`: each read goes through it), whoever reads them.
cProfile slows Python code more than C code, so the shares lean towards Python.
"""

import cProfile
import gc
import io
import os
import pstats
import sys
import sysconfig
import time

from werkzeug.test import EnvironBuilder

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
STDLIB = sysconfig.get_paths()["stdlib"]
TOP = 20
# Shown even when they take nothing (marshmallow, say, when the compiled dumper serves).
NAMED = ("flask", "flask_smorest", "webargs", "marshmallow", "sqlalchemy", "werkzeug")


def library(filename: str, function: str) -> str:
    """The library a profiled function belongs to; "" for C code and the standard library,
    whose time is charged to whoever called them."""
    if filename == "~":  # a C function: its name says what it is a method of
        return "sqlite3 (the database)" if "sqlite3" in function else ""
    if filename.startswith("<dumper"):  # core.serialize compiles each schema's dumper
        return "juece core"
    if filename.startswith(BENCH + os.sep):
        return "the benchmark's loop (in place of a server)"
    parts = filename.split(os.sep)
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    if filename.startswith(ROOT + os.sep):
        return "juece " + os.path.relpath(filename, ROOT).split(os.sep)[0].removesuffix(".py")
    if filename.startswith(STDLIB) or filename.startswith("<"):
        return ""
    return "other"


def by_library(stats: pstats.Stats) -> dict:
    """Own time per library; C code's and the standard library's go to their callers' libraries
    (split by what each caller spent in them, up through callers that are C or stdlib too)."""
    owners_of = {}

    def owners(key, depth=0) -> dict:
        """Which libraries, in what fractions, stand behind calls of `key` (C or stdlib)."""
        if key in owners_of:
            return owners_of[key]
        owners_of[key] = {"C and stdlib": 1.0}  # a cycle or a loop's end: left as it is
        callers = stats.stats[key][4] if key in stats.stats else {}
        weights = {}
        for caller, edge in callers.items():
            name = library(caller[0], caller[2])
            parts = {name: 1.0} if name else (owners(caller, depth + 1) if depth < 50 else {"C and stdlib": 1.0})
            for owner, fraction in parts.items():
                weights[owner] = weights.get(owner, 0.0) + edge[3] * fraction
        total = sum(weights.values())
        if total:
            owners_of[key] = {owner: weight / total for owner, weight in weights.items()}
        return owners_of[key]

    totals = {}
    for key, (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        name = library(key[0], key[2])
        for owner, fraction in ({name: 1.0} if name else owners(key)).items():
            totals[owner] = totals.get(owner, 0.0) + own * fraction
    return totals


def environs_for(paths: list[str]) -> list[dict]:
    """A WSGI environ per path, built once (werkzeug's EnvironBuilder, as the test client does)."""
    environs = []
    for path in paths:
        builder = EnvironBuilder(path=path, base_url="http://127.0.0.1:8000", headers={"Accept": "application/json"})
        try:
            environs.append(builder.get_environ())
        finally:
            builder.close()
    return environs


def send(app, environs, n):
    """Call the WSGI app as a server would: a fresh copy of a prebuilt environ, the body read."""
    status = []

    def start_response(line, headers, exc_info=None):
        status.append(line)

    for k in range(n):
        environ = dict(environs[k % len(environs)])
        environ["wsgi.input"] = io.BytesIO()
        body = app(environ, start_response)
        try:
            for _chunk in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()
        if not status[-1].startswith("200"):
            raise RuntimeError(f"{environ['PATH_INFO']}?{environ['QUERY_STRING']} answered {status[-1]}")


def _label(key) -> str:
    filename, line, function = key
    where = library(filename, function) or ("C" if filename == "~" else "stdlib")
    short = function if filename == "~" else f"{os.path.basename(filename)}:{line} {function}"
    return f"{short[:70]:<70} {where}"


def main(db: str, n: int, paths: list[str], what: str) -> int:
    """Time, then profile, n requests of `paths` in process; print where the time goes."""
    os.chdir(ROOT)  # create_app keeps its instance folder there, as under gunicorn
    sys.path.insert(0, ROOT)
    os.environ.update(DATABASE_URL=f"sqlite:///{db}", LOG_LEVEL="WARNING")
    from app import create_app

    app = create_app()
    gc.freeze()  # as wsgi.py does
    environs = environs_for(paths)
    send(app, environs, min(n, 500))  # warm: the compiled caches, SQLite's page cache
    wall, cpu = time.perf_counter(), time.process_time()
    send(app, environs, n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    plain_us = 1e6 * cpu / n
    profile = cProfile.Profile()
    profile.enable()
    send(app, environs, n)
    profile.disable()
    stats = pstats.Stats(profile)
    total = sum(entry[2] for entry in stats.stats.values())

    print(f"{n} requests of {what}, in process, prebuilt WSGI environs ({paths[0]}, ...)")
    print(f"without the profiler: {plain_us:.0f} µs CPU, {1e6 * wall / n:.0f} µs wall per request")
    print(f"under the profiler: {1e6 * total / n:.0f} µs per request; by library (own time, C code to its caller):")
    print(f"{'library':<46}{'share':>7}{'µs of the real request':>24}")
    libraries = {name: 0.0 for name in NAMED} | by_library(stats)
    for name, own in sorted(libraries.items(), key=lambda item: -item[1]):
        share = own / total
        print(f"{name:<46}{share:>7.1%}{share * plain_us:>24.1f}")
    for title, column in (("own", 2), ("cumulative", 3)):
        print(f"\ntop {TOP} by {title} time (µs per request under the profiler; calls per request):")
        ranked = sorted(stats.stats.items(), key=lambda item: -item[1][column])[:TOP]
        for key, entry in ranked:
            print(f"{1e6 * entry[column] / n:>8.1f} {entry[1] / n:>6.1f}  {_label(key)}")
    return 0

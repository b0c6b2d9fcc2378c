"""The decisions export at 100,000 decisions: GET /api/v1/exports/decisions.csv, beside the
database's own CSV of the same statements.

    .venv/bin/python bench/exports.py [--backend sqlite|postgresql|both] [--rounds 3]

The data is bench/generate.py's district (100,000 decisions), in bench/data/exports.sqlite3
and, for PostgreSQL, copied into juece_bench_exports (as bench/search.py does). Juece is served
by gunicorn with one sync worker (bound to 127.0.0.1) and curl downloads the export to a file;
the worker's peak resident memory is its VmHWM in /proc/PID/status, read after a warm-up (a
small export, ?year=2026) and after the whole one. The baseline, in the same run, is the same
two statements the export runs (the decisions, and their stage entries in `public_record`),
compiled from opendata.exports.datasets, written as CSV by the database's own client to a
file: `sqlite3 -csv -header` and `psql -c "\\copy (...) to stdout csv header"`. The baseline
writes the stored columns as they are (no `_links`, no `stage_links`, no ISO 8601 instants, no
formula neutralising, no BOM): it is the floor any CSV export of these rows must pay.
Each side is run --rounds times, the best kept. Goal (issue 12): Juece's throughput at least
50 % of the baseline's (its time at most twice), the serving process's peak RSS under 100 MB.
Results go to bench/results/exports-*.json.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

from comments import PG_HOST, urls
from common import VENV_BIN, machine_line, run, save_results, wait_for_other_benchmarks
from search import district

NAME = "exports"
PATH = "/api/v1/exports/decisions.csv"
GOAL_RATIO = 0.5
GOAL_RSS_MB = 100.0


def generate(backend: str, decisions: int) -> None:
    start = time.perf_counter()
    district(backend, decisions, NAME)
    if backend == "postgresql":
        run_psql(urls("postgresql", NAME)[1], "VACUUM ANALYZE")
        print(f"postgresql: copied in {time.perf_counter() - start:.1f} s")


def run_psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def export_statements(backend: str) -> list[str]:
    """The SQL the export runs, compiled for the backend with its parameters in place."""
    from app import create_app
    from core.extensions import db
    from opendata.exports.datasets import Filters, _decisions, _stage_entries

    app = create_app({"DATABASE_URL": urls(backend, NAME)[0], "LOG_LEVEL": "WARNING"})
    with app.app_context():
        decisions = _decisions(Filters())
        return [
            str(s.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})).replace("\n", " ")
            for s in (decisions, _stage_entries(decisions))
        ]


def baseline(backend: str, statements: list[str], out: str) -> float:
    """The database's client writing the statements' rows as CSV to `out`; seconds."""
    with open(out, "wb") as f:
        start = time.perf_counter()
        if backend == "sqlite":
            file = urls("sqlite", NAME)[0].removeprefix("sqlite:///")
            subprocess.run(["sqlite3", "-csv", "-header", file, "; ".join(statements)], stdout=f, check=True)
        else:
            url = urls("postgresql", NAME)[1]
            for statement in statements:
                command = f"\\copy ({statement}) to stdout csv header"
                subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", command], stdout=f, check=True)
        return time.perf_counter() - start


def worker_pid(master: int) -> int:
    """gunicorn's one worker: the child of its master."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, _ = run._proc_stat(int(entry))
            except (OSError, ValueError, IndexError):
                continue
            if ppid == master:
                return int(entry)
    raise RuntimeError(f"gunicorn {master} has no worker")


def memory_mb(pid: int) -> dict:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def download(url: str, out: str) -> float:
    start = time.perf_counter()
    subprocess.run(["curl", "-sSf", "-o", out, url], check=True)
    return time.perf_counter() - start


def csv_rows(path: str) -> int:
    """Data rows of a CSV: records whose first cell is an id (a header row's is its name, and
    the CLIs write a statement's header only when it has rows)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for record in csv.reader(f) if record and record[0].isdigit())


def measure(backend: str, rounds: int, workdir: str) -> dict:
    statements = export_statements(backend)
    servers = run.Servers(workdir, workers=1)
    env = {"DATABASE_URL": urls(backend, NAME)[0], "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench-exports"}
    servers.start("juece", "wsgi:app", env, extra=["--timeout", "600"])
    try:
        servers.wait_ready({"juece": "/api/v1/exports"}, timeout=60)
        worker = worker_pid(servers.procs["juece"][0].pid)
        started = memory_mb(worker)  # the app loaded and one data card served
        ours_file, base_file = os.path.join(workdir, "juece.csv"), os.path.join(workdir, "baseline.csv")
        download(servers.url("juece", PATH + "?year=2026"), ours_file)  # warm-up: a year's items
        warm = memory_mb(worker)
        ours = min(download(servers.url("juece", PATH), ours_file) for _ in range(rounds))
        peak = memory_mb(worker)
        base = min(baseline(backend, statements, base_file) for _ in range(rounds))
        result = {
            "juece": {"seconds": ours, "bytes": os.path.getsize(ours_file), "rows": csv_rows(ours_file)},
            "baseline": {
                "seconds": base,
                "bytes": os.path.getsize(base_file),
                # The second statement's rows (stage entries) are counted too.
                "rows": csv_rows(base_file),
            },
            "started_rss_mb": started["VmRSS"],
            "warm_rss_mb": warm["VmRSS"],
            "peak_rss_mb": peak["VmHWM"],
            "statements": statements,
        }
    finally:
        servers.stop()
    report(backend, result)
    return result


def report(backend: str, result: dict) -> None:
    print(f"\n{backend}:")
    print(f"{'':<10} {'rows':>8} {'bytes':>12} {'seconds':>8} {'MB/s':>7} {'rows/s':>9}")
    for side in ("juece", "baseline"):
        s = result[side]
        s["mb_per_s"] = s["bytes"] / 1e6 / s["seconds"]
        s["rows_per_s"] = s["rows"] / s["seconds"]
        print(
            f"{side:<10} {s['rows']:>8} {s['bytes']:>12,} {s['seconds']:>8.2f} "
            f"{s['mb_per_s']:>7.1f} {s['rows_per_s']:>9,.0f}"
        )
    ratio = result["ratio"] = result["baseline"]["seconds"] / result["juece"]["seconds"]
    rows_verdict = "met" if ratio >= GOAL_RATIO else "MISSED"
    rss_verdict = "met" if result["peak_rss_mb"] < GOAL_RSS_MB else "MISSED"
    print(f"juece vs baseline (rows/s): {ratio:.0%}   target >= {GOAL_RATIO:.0%}: {rows_verdict}")
    print(
        f"gunicorn worker RSS: {result['started_rss_mb']:.0f} MB started, {result['warm_rss_mb']:.0f} MB warm, "
        f"peak (VmHWM) {result['peak_rss_mb']:.0f} MB   "
        f"target < {GOAL_RSS_MB:.0f} MB: {rss_verdict}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--decisions", type=int, default=100_000)
    args = parser.parse_args(argv)
    wait_for_other_benchmarks()
    print(f"machine: {machine_line()}; PostgreSQL at {PG_HOST}; gunicorn in {VENV_BIN}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    for backend in backends:
        generate(backend, args.decisions)
        with tempfile.TemporaryDirectory(prefix="juece-exports-") as workdir:
            results[backend] = measure(backend, args.rounds, workdir)
    print(f"\nmachine after: {machine_line()}")
    print(f"results: {save_results(NAME, {'machine': machine_line(), 'args': vars(args), **results})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What bench/timeline.py, bench/comments.py and bench/compliance.py share.

The gunicorn and wrk machinery is bench/run.py's (imported, not copied), so every benchmark
here starts its servers, runs wrk and counts CPU the same way. This module adds the rule of a
2-core machine: never measure while another benchmark (bench/run.py) is running.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")
RESULTS = os.path.join(BENCH, "results")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")

for _path in (BENCH, ROOT):  # bench/run.py, and the project's packages (core, ...)
    if _path not in sys.path:
        sys.path.insert(0, _path)

import run  # noqa: E402  (bench/run.py: Servers, run_wrk, measure, machine, ...)

OTHER_BENCHMARK = "bench/run.py"


def others_running() -> list[str]:
    """Command lines of the other benchmark's processes (pgrep never lists itself)."""
    done = subprocess.run(["pgrep", "-af", OTHER_BENCHMARK], capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def wait_for_other_benchmarks(poll: float = 30, limit: float = 40 * 60) -> None:
    """Wait (every `poll` seconds, up to `limit`) until no bench/run.py runs: 2 cores only."""
    deadline = time.monotonic() + limit
    running = others_running()
    if running:
        print(f"waiting for the other benchmark to finish: {running[0]}", flush=True)
    while running:
        if time.monotonic() > deadline:
            sys.exit(f"{OTHER_BENCHMARK} still runs after {limit / 60:.0f} minutes: not measuring beside it")
        time.sleep(poll)
        running = others_running()


def migrate(database_url: str) -> None:
    """Create the schema with the project's own migrations (`flask --app wsgi db upgrade`)."""
    env = dict(os.environ, DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    done = subprocess.run(
        [os.path.join(VENV_BIN, "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def stamp(moment: dt.datetime) -> str:
    """How SQLAlchemy's SQLite dialect stores a DateTime (UTCDateTime keeps it in UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def save_results(name: str, payload: dict) -> str:
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, ensure_ascii=False, default=str)
    return path


ratio_line = run.ratio_line


def machine_line() -> str:
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return f"{run.machine()}; load average {load}"

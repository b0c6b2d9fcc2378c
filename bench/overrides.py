"""What each speed-up that reaches past a library's public doors is still worth: the same app
with it and without it, in one process, in the same run (issue 16, point 1).

    .venv/bin/python bench/overrides.py [--rounds 30] [--requests 150]

Builds Juece's app over the benchmark database as wsgi.py does (bench/request_profile.py) and
sends, in each round, `--requests` requests of each endpoint with each variant, the variants in
a shuffled order: the app as built, the app as built again (its spread is the noise), and the
app without one kept speed-up at a time. Per round and endpoint, a variant's figure is its CPU
time over the as-built app's in the same round; the median over the rounds is printed, + when
the app is slower without the speed-up. A speed-up under 2 % is to be dropped (bench/README.md).
The lists and the item are asked of bench/run.py's data set, the timeline of bench/timeline.py's
(50-entry timelines: the list's decisions have none).

A variant takes a speed-up away for its requests only and puts it back after them:
- an override of core.http.Blueprint is deleted from the class, so flask-smorest's own method
  serves (tests/core/test_private_doors.py checks they compute the same);
- core.extensions' remembered Flask-CORS hook is swapped for the hook Flask-CORS registered,
  which the remembering one names as its `__wrapped__`.
This is the bench reaching into the app to compare, never something the app does.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path[:0] = [ROOT, BENCH]

import request_profile  # noqa: E402  (bench scripts run from bench/, beside the app's root)
import run  # noqa: E402

TIMELINES = os.path.join(BENCH, "data", "timeline.sqlite3")  # bench/timeline.py's data set
KEPT_METHODS = ("_make_pagination_metadata", "_generate_etag", "_is_etag_enabled")


@contextmanager
def as_built(_apps):
    yield


def without_method(name):
    @contextmanager
    def variant(_apps):
        from core.http import Blueprint

        kept = Blueprint.__dict__[name]
        delattr(Blueprint, name)
        try:
            yield
        finally:
            setattr(Blueprint, name, kept)

    return variant


@contextmanager
def plain_cors(apps):
    swapped = []
    for app in apps:
        hooks = app.after_request_funcs[None]
        (index,) = [i for i, hook in enumerate(hooks) if getattr(hook, "__wrapped__", None) is not None]
        swapped.append((hooks, index, hooks[index]))
        hooks[index] = hooks[index].__wrapped__
    try:
        yield
    finally:
        for hooks, index, remembering in swapped:
            hooks[index] = remembering


VARIANTS = {
    "as built, again (the noise)": as_built,
    **{f"without Blueprint.{name}": without_method(name) for name in KEPT_METHODS},
    "plain Flask-CORS for RememberingCORS": plain_cors,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds over all variants (30)")
    parser.add_argument("--requests", type=int, default=150, help="requests per endpoint and variant (150)")
    args = parser.parse_args(argv)
    if not os.path.exists(run.DB):
        print(f"no data set: run bench/run.py once (it generates {run.DB})")
        return 1
    if not os.path.exists(TIMELINES):
        print(f"no timeline data set: run bench/timeline.py once (it generates {TIMELINES})")
        return 1
    os.chdir(ROOT)
    os.environ.update(LOG_LEVEL="WARNING")
    from app import create_app

    # One app over the list's data set, one over the timeline's (its decisions have 50-entry
    # timelines; the list's have none); Flask-SQLAlchemy keeps an engine per app.
    os.environ["DATABASE_URL"] = f"sqlite:///{run.DB}"
    app = create_app()
    os.environ["DATABASE_URL"] = f"sqlite:///{TIMELINES}"
    timelines = create_app()
    gc.freeze()  # as wsgi.py does
    _lists, firsts, ids = run.sample_paths(random.Random(2))
    endpoints = {
        "first page": (app, request_profile.environs_for([f"/api/v1/decisions?{q}" for q in firsts[:200]])),
        "one decision": (app, request_profile.environs_for([f"/api/v1/decisions/{i}" for i in ids[:200]])),
        "timeline": (
            timelines,
            request_profile.environs_for([f"/api/v1/decisions/{i}/timeline" for i in range(1, 201)]),
        ),
    }
    for target, environs in endpoints.values():
        request_profile.send(target, environs, 300)  # warm: compiled dumpers, SQLite's page cache
    variants = {"as built": as_built, **VARIANTS}
    cpu = {(v, e): [] for v in variants for e in endpoints}
    rng = random.Random(16)
    print(f"machine: {run.machine()}; load average {open('/proc/loadavg').read().split()[0]}")
    print(f"{args.rounds} rounds × {len(variants)} variants × {args.requests} requests of each endpoint\n", flush=True)
    for _ in range(args.rounds):
        order = list(variants)
        rng.shuffle(order)
        for name in order:
            with variants[name]((app, timelines)):
                for endpoint, (target, environs) in endpoints.items():
                    start = time.process_time()
                    request_profile.send(target, environs, args.requests)
                    cpu[name, endpoint].append(time.process_time() - start)
    base = {e: statistics.median(cpu["as built", e]) / args.requests * 1e6 for e in endpoints}
    print(f"{'as built: µs CPU per request':<44}" + "".join(f"{base[e]:>14.0f}" for e in endpoints))
    print(f"{'the app is slower by, median of rounds':<44}" + "".join(f"{e:>14}" for e in endpoints))
    for name in VARIANTS:
        cells = []
        for endpoint in endpoints:
            paired = [v / b - 1 for v, b in zip(cpu[name, endpoint], cpu["as built", endpoint], strict=True)]
            cells.append(f"{statistics.median(paired):>+13.1%} ")
        print(f"{name:<44}" + "".join(cells))
    print(f"\nload average at the end {open('/proc/loadavg').read().split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

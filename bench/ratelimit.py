"""What each rate-limit storage costs per comment: memory://, database:// (on SQLite and on
PostgreSQL) and redis://127.0.0.1:6379/0.

    .venv/bin/python bench/ratelimit.py [--backend sqlite|postgresql|both] [--comments 1000] [--rounds 5]

For each database it makes a fresh one as bench/comments.py does (the project's migrations,
one open online consultation; bench/data/ratelimit.sqlite3, PostgreSQL's juece_bench_ratelimit),
then one app per storage, all with RATELIMIT_ANONYMOUS_WRITES=100000000/minute so that nothing
is refused, and one with rate limits disabled (`off`), the floor. Each round, for each app in turn:

- `hit`: the limiter's count of one write alone (core.ratelimit's counter, in a POST request's
  context), --comments times, µs each;
- `comment`: --comments anonymous comments POSTed through the app's test client, one after
  the other, ms each, and what that costs beyond `off`.

Wall-clock time, so that the database's and Redis' own work counts (they serve on this
machine), and this process' CPU (the app's share alone, steadier on a busy machine); the best
of --rounds. In one process, one request at a time: what a storage adds to
a comment, not how workers contend for it under load (bench/comments.py
--ratelimit-storage measures that). Results go to bench/results/ratelimit-*.json.
"""

import argparse
import statistics
import sys
import time

import redis
from comments import fresh_database, open_consultation, urls
from common import machine_line, save_results, wait_for_other_benchmarks

NAME = "ratelimit"  # bench/data/ratelimit.sqlite3, PostgreSQL's juece_bench_ratelimit
REDIS = "redis://127.0.0.1:6379/0"
STORAGES = ("off", "memory://", "database://", REDIS)
LIMIT = "100000000/minute"


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def make_app(backend: str, storage: str):
    from app import create_app

    juece_url, _ = urls(backend, NAME)
    config = {"DATABASE_URL": juece_url, "LOG_LEVEL": "WARNING", "RATELIMIT_ANONYMOUS_WRITES": LIMIT}
    if storage == "off":
        config["RATELIMIT_ENABLED"] = False
    else:
        config["RATELIMIT_STORAGE_URI"] = storage
    return create_app(config)


def time_hits(app, n: int, tag: str) -> float:
    """µs per count of one write, in a POST request's context."""
    from limits import parse

    counter, limit = app.extensions["write_limiter"], parse(LIMIT)
    with app.test_request_context("/api/v1/consultations/1/comments", method="POST"):
        started = time.perf_counter()
        for _ in range(n):
            counter.hit(limit, f"ip:bench-{tag}")
        return (time.perf_counter() - started) / n * 1e6


def time_comments(app, client, consultation_id: int, n: int, tag: str) -> tuple[float, float]:
    """(ms, and ms of this process' CPU) per anonymous comment through the app, one after the
    other."""
    path = f"/api/v1/consultations/{consultation_id}/comments"
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        content = f"建议对小微企业的贷款贴息比例再提高一些。意见编号 {tag}-{i}"
        body = {"content": content, "submitter_type": "individual"}
        response = client.post(path, json=body)
        if response.status_code != 201:
            sys.exit(f"comment answered {response.status_code}: {response.get_data(as_text=True)}")
    return (time.perf_counter() - started) / n * 1e3, (time.process_time() - cpu) / n * 1e3


def bench_backend(backend: str, args) -> dict:
    print(f"\n=== {backend} ===", flush=True)
    fresh_database(backend, NAME)
    consultation_id = open_consultation(backend, NAME)
    storages = [s for s in STORAGES if s != REDIS or redis_up()]
    if REDIS not in storages:
        print(f"no Redis at {REDIS}: left out")
    apps = {storage: make_app(backend, storage) for storage in storages}
    clients = {storage: app.test_client() for storage, app in apps.items()}
    hits = {storage: [] for storage in storages}
    comments = {storage: [] for storage in storages}
    cpus = {storage: [] for storage in storages}
    for storage in storages:  # warm up: connections, statement caches, the first window
        time_comments(apps[storage], clients[storage], consultation_id, 50, f"w{storage[:2]}")
    for round_ in range(1, args.rounds + 1):
        for storage in storages:
            tag = f"{backend[0]}{round_}{storage[:2]}{time.time_ns()}"
            if storage != "off":
                hits[storage].append(time_hits(apps[storage], args.comments, tag))
            took, cpu = time_comments(apps[storage], clients[storage], consultation_id, args.comments, tag)
            comments[storage].append(took)
            cpus[storage].append(cpu)
        line = "  ".join(f"{s.split(':')[0]} {comments[s][-1]:.3f} ms" for s in storages)
        print(f"  round {round_}: {line}", flush=True)
    for app in apps.values():
        with app.app_context():
            from core.extensions import db

            db.engine.dispose()
    floor, cpu_floor = min(comments["off"]), min(cpus["off"])
    out = {}
    print(f"\n{backend}, best of {args.rounds} rounds of {args.comments}:")
    heads = f"{'hit µs':>9}{'comment ms':>12}{'beyond off':>12}{'median ms':>11}{'our CPU ms':>12}{'beyond':>9}"
    print(f"{'storage':<28}{heads}")
    for storage in storages:
        best, cpu = min(comments[storage]), min(cpus[storage])
        hit = min(hits[storage]) if hits[storage] else None
        median = statistics.median(comments[storage])
        out[storage] = {
            "hit_us": hit,
            "comment_ms": best,
            "beyond_off_ms": best - floor,
            "comment_ms_median": median,
            "cpu_ms": cpu,
            "cpu_beyond_off_ms": cpu - cpu_floor,
            "rounds": comments[storage],
            "cpu_rounds": cpus[storage],
        }
        shown = "—" if hit is None else f"{hit:.0f}"
        print(
            f"{storage:<28}{shown:>9}{best:>12.3f}{best - floor:>+12.3f}{median:>11.3f}"
            f"{cpu:>12.3f}{cpu - cpu_floor:>+9.3f}"
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="What each rate-limit storage costs per comment.")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--comments", type=int, default=1000, help="comments (and hits) per storage and round (1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the best counts (5)")
    args = parser.parse_args(argv)
    wait_for_other_benchmarks()
    print(f"machine: {machine_line()}")
    out = {}
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        out[backend] = bench_backend(backend, args)
    path = save_results("ratelimit", {"machine": machine_line(), "args": vars(args), **out})
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

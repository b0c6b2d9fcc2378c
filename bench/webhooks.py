"""Webhook deliveries to a local receiver: throughput with two `flask deliver` workers, and the
lag from an entry's commit to its receipt, beside the receiver's own ceiling.

    .venv/bin/python bench/webhooks.py [--backend sqlite|postgresql|both] [--subscriptions 4]
        [--entries 1000] [--rate 50] [--seconds 20]

A fresh database (bench/data/webhooks.sqlite3 or juece_bench_webhooks, migrated) holds one
partner and --subscriptions subscriptions to `inquiry_published`, each to the receiver: a
threaded http.server in a process of its own on 127.0.0.1 (WEBHOOKS_ALLOW_PRIVATE=1 lets the
loopback through the SSRF check) that verifies each X-Juece-Signature and records when each
(subscription, event id = seq) arrived.

1. Throughput: --entries entries are appended to the public record (core.publication's
   record_fact, as the inquiries service does, 100 to a commit) while no worker runs; then two
   `flask --app wsgi deliver` processes are started (the default --interval 0.5) and the
   deliveries per second are counted from the first receipt to the last (their start-up left
   out). Every (subscription, seq) must arrive once, in order per subscription, signed.
2. Lag: with the two workers running, entries are committed one at a time at --rate a second
   for --seconds; the writer records each one's commit time, the receiver each receipt; the
   lag is the difference (one clock: the same machine).
3. Baselines, in the same run: the same signed bodies POSTed by one plain loop, over one
   kept-alive connection (http.client: what the receiver and the loopback allow), and over a
   new connection each (urllib, as the worker posts), with no database.

Goal (issue 12): at least 500 deliveries a second with two workers, lag p99 under 1 s.
Results go to bench/results/webhooks-*.json.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from comments import fresh_database, urls
from common import ROOT, VENV_BIN, machine_line, run, save_results, wait_for_other_benchmarks

NAME = "webhooks"
SECRET = "bench-webhooks-secret"
EVENT = "inquiry_published"
PUBLIC_BASE = "https://juece.example.gov.cn"
GOAL_PER_S = 500.0
GOAL_LAG_P99_S = 1.0
WORKERS = 2


# --- The receiver (a process of its own) -------------------------------------------------------


def serve_receiver(port: int) -> None:
    """Record each POST's (subscription, event id, receipt time, signature valid) until killed;
    GET /results gives them (and forgets them with ?clear=1), GET /count how many."""
    received, lock = [], threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps a connection alive when the client asks

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            arrived = time.time()
            timestamp = self.headers.get("X-Juece-Timestamp", "")
            mac = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
            valid = hmac.compare_digest("sha256=" + mac.hexdigest(), self.headers.get("X-Juece-Signature", ""))
            event = json.loads(body)
            with lock:
                received.append((event["subscription_id"], int(event["event_id"]), arrived, valid))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            with lock:
                if self.path.startswith("/count"):
                    answer = json.dumps(len(received)).encode()
                else:
                    answer = json.dumps(received).encode()
                    if "clear=1" in self.path:
                        received.clear()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


class Receiver:
    def __init__(self, log_dir: str):
        self.port = run.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(os.path.join(log_dir, "receiver.log"), "a")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--receiver", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.count()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"the receiver did not start; see {log_dir}/receiver.log") from None
                time.sleep(0.1)

    def _get(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read())

    def count(self) -> int:
        return self._get("/count")

    def results(self, clear: bool = True) -> list:
        return self._get("/results?clear=1" if clear else "/results")

    def wait_for(self, wanted: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.count() < wanted:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)  # the group this script started, nothing else
        self.proc.wait(timeout=10)


# --- Juece's side ------------------------------------------------------------------------------


def make_app(backend: str):
    from app import create_app

    return create_app(
        {
            "DATABASE_URL": urls(backend, NAME)[0],
            "LOG_LEVEL": "WARNING",
            "WEBHOOKS_ALLOW_PRIVATE": True,
            "PUBLIC_BASE_URL": PUBLIC_BASE,
        }
    )


def subscribe(app, receiver_url: str, count: int) -> list[int]:
    from core import auth
    from opendata.webhooks import services

    with app.app_context():
        partner, _ = auth.create_account("随申办", role="partner", channel="suishenban")
        return [
            services.subscribe(partner, url=f"{receiver_url}/hook/{i}", events=[EVENT], secret=SECRET).id
            for i in range(count)
        ]


def append(app, count: int, per_commit: int = 1, rate: float | None = None) -> dict[int, float]:
    """Append `count` entries to the public record, `per_commit` to a transaction, at `rate`
    entries a second when given; returns each seq's commit time (time.time())."""
    from flask import g

    from core.extensions import db
    from core.publication import EntryType, Fact, record_fact

    committed = {}
    with app.app_context():
        g.writes = True  # BEGIN IMMEDIATE on SQLite, as a write request's transaction
        g.actor = "bench"
        start = time.monotonic()
        for first in range(0, count, per_commit):
            if rate:
                time.sleep(max(0.0, start + first / rate - time.monotonic()))
            seqs = []
            for i in range(first, min(count, first + per_commit)):
                fact = Fact(None, EntryType.inquiry_published, f"公开留言 #{i}", f"/inquiries/{i + 1}")
                seqs.append(record_fact(fact).seq)
            db.session.commit()
            now = time.time()
            committed.update((seq, now) for seq in seqs)
    return committed


def bodies(app, subscription_ids: list[int], seqs: list[int]) -> list[tuple[bytes, dict]]:
    """The signed POSTs the worker sends for these entries, made by its own functions."""
    import orjson
    import sqlalchemy as sa

    from core.extensions import db
    from core.publication import PublicRecordEntry
    from opendata.webhooks import delivery

    with app.app_context():
        entries = db.session.scalars(sa.select(PublicRecordEntry).where(PublicRecordEntry.seq.in_(seqs))).all()
        out = []
        for subscription_id in subscription_ids:
            for entry in entries:
                body = orjson.dumps(delivery.payload(subscription_id, entry))
                timestamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/json",
                    "User-Agent": delivery.USER_AGENT,
                    "X-Juece-Event": entry.type,
                    "X-Juece-Timestamp": timestamp,
                    "X-Juece-Signature": delivery.signature(SECRET, timestamp, body),
                }
                out.append((body, headers))
        return out


def start_workers(backend: str, log_dir: str) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": urls(backend, NAME)[0],
        "LOG_LEVEL": "WARNING",
        "WEBHOOKS_ALLOW_PRIVATE": "1",
        "PUBLIC_BASE_URL": PUBLIC_BASE,
    }
    log = open(os.path.join(log_dir, f"deliver-{backend}.log"), "a")
    return [
        subprocess.Popen(
            [os.path.join(VENV_BIN, "flask"), "--app", "wsgi", "deliver"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(WORKERS)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> float:
    """Stop them; their CPU seconds (user + system), from /proc before they go."""
    cpu = sum(run.tree_cpu(w.pid) for w in workers if w.poll() is None)
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=5)
    return cpu


def checked(received: list, subscription_ids: list[int], seqs: list[int]) -> dict:
    """Each (subscription, seq) once, in seq order per subscription, every signature valid."""
    wanted = {(s, q) for s in subscription_ids for q in seqs}
    got = [(s, q) for s, q, _, _ in received]
    by_subscription = {}
    for s, q, _, _ in sorted(received, key=lambda r: r[2]):
        by_subscription.setdefault(s, []).append(q)
    problems = {
        "missing": len(wanted - set(got)),
        "duplicates": len(got) - len(set(got)),
        "unexpected": len(set(got) - wanted),
        "out_of_order": sum(1 for qs in by_subscription.values() for a, b in zip(qs, qs[1:], strict=False) if b < a),
        "bad_signatures": sum(1 for *_, valid in received if not valid),
    }
    if any(problems.values()):
        print(f"  PROBLEMS: {problems}")
    return problems


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def throughput(app, backend: str, receiver: Receiver, subscription_ids: list[int], entries: int, log_dir: str):
    committed = append(app, entries, per_commit=100)
    seqs = sorted(committed)
    wanted = len(seqs) * len(subscription_ids)
    workers = start_workers(backend, log_dir)
    started = time.monotonic()
    done = receiver.wait_for(wanted, timeout=max(120, wanted / 50))
    wall = time.monotonic() - started
    received = receiver.results()
    arrivals = sorted(r[2] for r in received)
    seconds = arrivals[-1] - arrivals[0]
    result = {
        "deliveries": len(received),
        "wanted": wanted,
        "complete": done,
        "seconds": seconds,
        "per_s": (len(received) - 1) / seconds,
        "wall_from_start_s": wall,
        "problems": checked(received, subscription_ids, seqs),
    }
    return result, workers


def lag(app, receiver: Receiver, subscription_ids: list[int], rate: float, seconds: float) -> dict:
    count = int(rate * seconds)
    committed = append(app, count, per_commit=1, rate=rate)
    wanted = count * len(subscription_ids)
    done = receiver.wait_for(wanted, timeout=120)
    received = receiver.results()
    lags = [arrived - committed[seq] for _, seq, arrived, _ in received if seq in committed]
    return {
        "entries": count,
        "deliveries": len(received),
        "wanted": wanted,
        "complete": done,
        "rate_entries_per_s": rate,
        "p50_s": percentile(lags, 0.5),
        "p99_s": percentile(lags, 0.99),
        "max_s": max(lags),
        "problems": checked(received, subscription_ids, sorted(committed)),
    }


def baseline_kept_alive(receiver: Receiver, posts: list[tuple[bytes, dict]]) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
    start = time.perf_counter()
    for i, (body, headers) in enumerate(posts):
        connection.request("POST", f"/hook/{i % 4}", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    seconds = time.perf_counter() - start
    connection.close()
    return len(posts) / seconds


def baseline_connection_each(receiver: Receiver, posts: list[tuple[bytes, dict]]) -> float:
    start = time.perf_counter()
    for i, (body, headers) in enumerate(posts):
        request = urllib.request.Request(f"{receiver.url}/hook/{i % 4}", data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    return len(posts) / (time.perf_counter() - start)


def measure(backend: str, args, log_dir: str) -> dict:
    fresh_database(backend, NAME)
    receiver = Receiver(log_dir)
    workers = []
    try:
        app = make_app(backend)
        subscription_ids = subscribe(app, receiver.url, args.subscriptions)
        put, workers = throughput(app, backend, receiver, subscription_ids, args.entries, log_dir)
        late = lag(app, receiver, subscription_ids, args.rate, args.seconds)
        worker_cpu = stop_workers(workers)
        with app.app_context():
            from core.publication import last_seq

            seqs = list(range(1, min(last_seq(), args.entries) + 1))
        posts = bodies(app, subscription_ids, seqs)
        receiver.results()
        kept = baseline_kept_alive(receiver, posts)
        assert len(receiver.results()) == len(posts)
        each = baseline_connection_each(receiver, posts)
        assert len(receiver.results()) == len(posts)
    finally:
        stop_workers(workers)
        receiver.stop()
    result = {
        "throughput": put,
        "lag": late,
        "workers_cpu_s": worker_cpu,
        "baseline_kept_alive_per_s": kept,
        "baseline_connection_each_per_s": each,
    }
    report(backend, args, result)
    return result


def report(backend: str, args, result: dict) -> None:
    put, late = result["throughput"], result["lag"]
    print(f"\n{backend}: {args.subscriptions} subscriptions, {WORKERS} workers")
    print(
        f"  throughput: {put['deliveries']}/{put['wanted']} deliveries in {put['seconds']:.2f} s "
        f"(first to last receipt) = {put['per_s']:.0f}/s; {put['wall_from_start_s']:.1f} s from the workers' start"
    )
    print(
        f"  baseline (same bodies, no database): one kept-alive connection "
        f"{result['baseline_kept_alive_per_s']:.0f}/s, a connection each (urllib) "
        f"{result['baseline_connection_each_per_s']:.0f}/s; "
        f"juece vs kept-alive {put['per_s'] / result['baseline_kept_alive_per_s']:.0%}, "
        f"vs a connection each {put['per_s'] / result['baseline_connection_each_per_s']:.0%}"
    )
    print(
        f"  lag at {late['rate_entries_per_s']:.0f} entries/s ({late['deliveries']}/{late['wanted']} deliveries): "
        f"p50 {late['p50_s'] * 1000:.0f} ms, p99 {late['p99_s'] * 1000:.0f} ms, max {late['max_s'] * 1000:.0f} ms"
    )
    print(f"  workers' CPU over both phases: {result['workers_cpu_s']:.1f} s")
    verdict = "met" if put["per_s"] >= GOAL_PER_S else "MISSED"
    lag_verdict = "met" if late["p99_s"] < GOAL_LAG_P99_S else "MISSED"
    print(f"  target >= {GOAL_PER_S:.0f}/s: {verdict}; target lag p99 < {GOAL_LAG_P99_S:.0f} s: {lag_verdict}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--subscriptions", type=int, default=4)
    parser.add_argument("--entries", type=int, default=1000, help="entries of the throughput backlog")
    parser.add_argument("--rate", type=float, default=50, help="entries a second while the lag is measured")
    parser.add_argument("--seconds", type=float, default=20, help="how long the lag is measured")
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)  # the receiver's own process
    args = parser.parse_args(argv)
    if args.receiver:
        serve_receiver(args.receiver)
        return 0
    wait_for_other_benchmarks()
    print(f"machine: {machine_line()}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    with tempfile.TemporaryDirectory(prefix="juece-webhooks-") as log_dir:
        for backend in backends:
            results[backend] = measure(backend, args, log_dir)
    print(f"\nmachine after: {machine_line()}")
    print(f"results: {save_results(NAME, {'machine': machine_line(), 'args': vars(args), **results})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

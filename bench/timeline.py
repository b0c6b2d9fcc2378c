"""Load Juece's decision timeline with wrk over a public record of more than a million rows.

    .venv/bin/python bench/timeline.py [--duration 10] [--warmup 3] [--rounds 2] [--regenerate]

The data set (bench/data/timeline.sqlite3, made on first use or with --regenerate, about a
minute): the schema from the project's migrations; 50 units and 20 published catalogues
(bench/generate.py's); 60,000 catalogued decisions; a public record of about 1.15 million
rows, appended year by year in the order they were recorded (so one decision's rows lie
spread over the table, as they do in production), with corrections and withdrawals that
amend earlier rows; adoption-report obligations on a quarter of the decisions. Every 30th
decision (2,000 of them) has exactly 50 entries and an obligation: those are the ones asked.

It then starts two gunicorns (2 sync workers each, 127.0.0.1 only): Juece over that file, and
bench/timeline_baselines.py. It checks that the hand-written timeline answers byte for byte
what Juece answers, then runs wrk (--latency) against each target in turn, each request
asking a random one of the 2,000 decisions: `GET /api/v1/decisions/{id}/timeline` on Juece,
the same path under /hand on the baseline, a constant body of the same size, and the portal's
page of the same timeline (`GET /decisions/{id}`: the decision, its timeline, consultations
and questions read through the public API in process, then rendered). It prints
req/s, p50/p99, the CPU the server spent per request, and the ratios; target: Juece at least
70 % of the hand-written sqlite3 endpoint. Results go to bench/results/timeline-*.json.

It waits while bench/run.py runs (the machine has 2 cores: one benchmark at a time).
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request

import generate  # bench/generate.py: the district's units and decisions
from common import BENCH, DATA, machine_line, migrate, ratio_line, run, save_results, stamp, wait_for_other_benchmarks

DB = os.path.join(DATA, "timeline.sqlite3")
DECISIONS = 60_000
EVERY = 30  # every 30th decision has exactly LONG entries
LONG = 50
TODAY = dt.date(2026, 11, 27)
TARGETS = (
    # name, server, what it is
    ("const", "baselines", "bare Flask: constant JSON, a 50-entry timeline's size"),
    ("hand", "baselines", "hand-written timeline: sqlite3 + json"),
    ("timeline", "juece", "Juece GET /api/v1/decisions/{id}/timeline"),
    ("portal", "juece", "Juece's portal page of that timeline: GET /decisions/{id} (4 API calls in process)"),
)
RATIOS = (("timeline", "hand", 0.70), ("timeline", "const", None), ("portal", "timeline", None))

# --- The data set ----------------------------------------------------------------------------

# What a decision's record holds after its catalogue entry, with weights, and where it points.
KINDS = [
    ("background_published", 4, "起草说明：{t}", "/decisions/{d}/background/versions/{n}"),
    ("draft_published", 8, "决策草案（第{n}版）：{t}（征求意见稿）", "/decisions/{d}/drafts/{n}"),
    ("consultation_opened", 3, "网上征求意见：{t}", "/consultations/{c}"),
    ("consultation_closed", 3, "意见征集结束：{t}", "/consultations/{c}"),
    ("review_completed", 6, "专家论证意见：{t}", "/decisions/{d}/reviews/{n}"),
    ("meeting_deliberated", 2, "区政府第{n}次常务会议审议：{t}", "/meetings/{m}"),
    ("result_published", 2, "决策结果：{t}", "/decisions/{d}/result/versions/{n}"),
    ("adoption_report_published", 2, "意见采纳情况：{t}", "/decisions/{d}/adoption-report/versions/{n}"),
    ("interpretation_published", 7, "政策解读（第{n}篇）：{t}", "/decisions/{d}/interpretations/{n}"),
    ("execution_reported", 5, "执行情况报告（第{n}次）：{t}", "/decisions/{d}/follow-ups/{n}"),
    ("adjusted", 1, "{t}", "/catalogues/{y}/adjustments/{n}"),
    ("correction", 3, "更正：{t}", None),
    ("withdrawn", 1, "撤回：{t}", None),
]
WEIGHTED = [kind for kind in KINDS for _ in range(kind[1])]
REASONS = ["更正文字错误。", "补充法律依据。", "内容有误，予以撤回。", "根据上级部署调整实施时间。", "更正发文字号。"]


def _entries(rng: random.Random, decision: tuple, count: int):
    """`count` public-record rows of one decision: (recorded_at, local index, type,
    occurred_on, title, target, amended local index or None, reason)."""
    decision_id, year, title, catalogued_on = decision[0], decision[1], decision[3], decision[16]
    day = dt.date.fromisoformat(catalogued_on)
    moment = dt.datetime.combine(day, dt.time(1)) + dt.timedelta(seconds=rng.randint(0, 30000))
    rows = [(stamp(moment), 0, "catalogued", day.isoformat(), title, f"/catalogues/{year}", None, None)]
    numbers = {}
    for i in range(1, count):
        kind, _, label, path = rng.choice(WEIGHTED)
        day = min(day + dt.timedelta(days=rng.randint(0, 9)), TODAY - dt.timedelta(days=1))
        recorded = dt.datetime.combine(day, dt.time(1)) + dt.timedelta(seconds=rng.randint(0, 30000))
        moment = max(moment + dt.timedelta(seconds=rng.randint(1, 90)), recorded)
        if rng.random() < 0.1:
            moment = moment.replace(microsecond=0)  # orjson writes no fraction then
        else:
            moment = moment.replace(microsecond=rng.randint(1, 999999))
        n = numbers[kind] = numbers.get(kind, 0) + 1
        amends = reason = None
        if path is None:  # a correction or withdrawal names an earlier row, and says why
            amends = rng.randint(1, i - 1) if i > 1 else 0
            target = rows[amends][5]
            reason = rng.choice(REASONS)
        else:
            target = path.format(d=decision_id, n=n, c=decision_id * 3 + n, m=decision_id // 7 + n, y=year)
        rows.append((stamp(moment), i, kind, day.isoformat(), label.format(t=title, n=n), target, amends, reason))
    return rows


def _obligation(rng: random.Random, decision_id: int, year: int, now: str):
    counted = dt.date(year, rng.randint(4, 10), rng.randint(1, 28))
    if counted >= TODAY:
        counted = TODAY - dt.timedelta(days=rng.randint(1, 20))
    due = counted + dt.timedelta(days=14)
    fulfilled = by = overdue = None
    if rng.random() < 0.7 and counted < TODAY - dt.timedelta(days=1):
        fulfilled = min(counted + dt.timedelta(days=rng.randint(2, 20)), TODAY - dt.timedelta(days=1))
        by = f"/decisions/{decision_id}/adoption-report/versions/1"
    elif due < TODAY:
        overdue = due + dt.timedelta(days=1)
    return (
        decision_id, "adoption_report", counted.isoformat(), due.isoformat(), "official",
        fulfilled and fulfilled.isoformat(), by, overdue and overdue.isoformat(), now, now,
    )  # fmt: skip


def generate_data(db_path: str) -> None:
    started = time.perf_counter()
    os.makedirs(os.path.dirname(db_path), exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    migrate(f"sqlite:///{db_path}")
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a throw-away file: no need to wait for the disk
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA cache_size=-200000")
    db.execute("BEGIN")
    base = stamp(dt.datetime(2006, 12, 1, 9))
    units = generate.units()
    db.executemany(
        "INSERT INTO units (code, name, kind, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)",
        [(code, name, kind, base, base) for code, name, kind in units],
    )
    db.executemany(
        "INSERT INTO catalogues (year, title, issuer_unit, party_consent_on, published_on, created_at, updated_at,"
        " version) VALUES (?, ?, 'jd-gov', ?, ?, ?, ?, 1)",
        [
            (y, f"嘉定区人民政府{y}年度重大行政决策事项目录", f"{y}-02-20", f"{y}-03-01", base, base)
            for y in range(generate.FIRST_YEAR, generate.LAST_YEAR + 1)
        ],
    )
    decisions = list(generate.decisions(DECISIONS, [code for code, _, _ in units]))
    db.executemany(
        "INSERT INTO decisions (id, catalogue_year, seq_no, title, summary, category, lead_unit, co_units,"
        " legal_basis, planned_completion, planned_completion_by, enterprise_related, hearing_required,"
        " procedures, state, adjustment, catalogued_on, created_at, updated_at, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        decisions,
    )
    rng = random.Random(50)
    now = stamp(dt.datetime(2026, 11, 20, 2))
    seq = 0
    by_year = {}
    for decision in decisions:
        by_year.setdefault(decision[1], []).append(decision)
    obligations = []
    for year in sorted(by_year):
        # One year's decisions at a time, their rows appended in the order they were recorded:
        # a decision's rows end up spread over the table, not side by side.
        batch = []
        for decision in by_year[year]:
            long = decision[0] % EVERY == 0
            count = LONG if long else rng.randint(6, 30)
            batch.extend((decision[0], *row) for row in _entries(rng, decision, count))
            if long or rng.random() < 0.2:
                obligations.append(_obligation(rng, decision[0], year, now))
        batch.sort(key=lambda row: row[1])
        seqs = {}
        rows = []
        for decision_id, recorded, i, kind, occurred, title, target, amends, reason in batch:
            seq += 1
            seqs[decision_id, i] = seq
            amends_seq = None if amends is None else seqs[decision_id, amends]
            rows.append((seq, decision_id, kind, occurred, recorded, title, target, amends_seq, reason))
        db.executemany(
            "INSERT INTO public_record (seq, decision_id, type, occurred_on, recorded_at, title, target,"
            " amends_seq, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.executemany(
        "INSERT INTO obligations (decision_id, type, counted_from, due_on, calendar_status, fulfilled_on,"
        " fulfilled_by, overdue_since, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        obligations,
    )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = db.execute("SELECT count(*) FROM public_record").fetchone()[0]
    long = db.execute(
        f"SELECT count(*) FROM (SELECT decision_id FROM public_record GROUP BY decision_id HAVING count(*) = {LONG})"
    ).fetchone()[0]
    db.close()
    if total < 1_000_000:
        sys.exit(f"only {total} rows in the public record")
    print(
        f"{db_path}: {DECISIONS} decisions, {total} public-record rows ({long} decisions with exactly {LONG}), "
        f"{len(obligations)} obligations, {os.path.getsize(db_path) / 1e6:.0f} MB, "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def long_ids(db_path: str) -> list[int]:
    """The decisions with exactly LONG entries, checked against the data."""
    with sqlite3.connect(db_path) as db:
        ids = [i for (i,) in db.execute(f"SELECT id FROM decisions WHERE id % {EVERY} = 0 ORDER BY id")]
        counts = {
            n
            for (n,) in db.execute(
                f"SELECT count(*) FROM public_record WHERE decision_id % {EVERY} = 0 GROUP BY decision_id"
            )
        }
    if counts != {LONG}:
        sys.exit(f"the chosen decisions do not all have {LONG} entries: {sorted(counts)[:5]}")
    return ids


# --- Measuring -------------------------------------------------------------------------------


def check_same(servers, ids) -> int:
    """The hand-written baseline must answer exactly what Juece answers, or it measures nothing."""

    def get(name, path):
        with urllib.request.urlopen(servers.url(name, path), timeout=10) as r:
            return r.read().replace(servers.url(name).encode(), b"http://server"), r.headers

    for i in ids[:25]:
        ours, our_headers = get("juece", f"/api/v1/decisions/{i}/timeline")
        hand, hand_headers = get("baselines", f"/hand/decisions/{i}/timeline")
        if ours != hand:
            raise RuntimeError(f"hand-written timeline {i} differs from Juece's:\n{ours[:400]}\n{hand[:400]}")
        body = json.loads(ours)
        if len(body["entries"]) != LONG or not body["obligations"]:
            raise RuntimeError(f"decision {i}: {len(body['entries'])} entries, {len(body['obligations'])} obligations")
        if not our_headers.get("ETag") or not hand_headers.get("ETag"):
            raise RuntimeError(f"no ETag on timeline {i}")
    const, _ = get("baselines", "/const")
    print(
        f"checked: the hand-written timelines are byte for byte Juece's ({len(ours)} bytes, {LONG} entries; "
        f"constant {len(const)} bytes)"
    )
    return len(ours)


def report(results: dict, rounds: int) -> dict:
    best = run.best_table(results, rounds, TARGETS)
    ratios = {}
    for ours, base, target in RATIOS:
        if ours in best and base in best:
            line, ratios[f"{ours}/{base}"] = ratio_line(ours, base, best, target)
            print(line)
    # The machine's speed drifts from one minute to the next (a VM): the two targets measured
    # side by side in the same round are the steadier comparison.
    paired = [t["rps"] / h["rps"] for t, h in zip(results["timeline"], results["hand"], strict=True)]
    if len(paired) > 1:
        ratios["timeline/hand per round"] = paired
        print(
            "timeline vs hand, round by round: "
            + ", ".join(f"{r:.0%}" for r in paired)
            + f" (median {statistics.median(paired):.0%})"
        )
    return ratios


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the decision timeline against baselines.")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per target and round (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target (3)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all targets; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--patience", type=float, default=20, help="seconds to wait for a quiet machine (20)")
    parser.add_argument("--regenerate", action="store_true", help="make the data set again")
    args = parser.parse_args(argv)

    wrk = run.ensure_wrk()
    wait_for_other_benchmarks()
    if args.regenerate or not os.path.exists(DB):
        generate_data(DB)
    ids = long_ids(DB)
    random.Random(3).shuffle(ids)
    work = tempfile.mkdtemp(prefix="juece-timeline-")
    servers = run.Servers(work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {name: [] for name, _, _ in TARGETS}
    try:
        servers.start("juece", "wsgi:app", {"DATABASE_URL": f"sqlite:///{DB}", "LOG_LEVEL": "WARNING"})
        servers.start(
            "baselines",
            "timeline_baselines:app",
            {"TIMELINE_DB": DB, "TIMELINE_CONST_ID": str(ids[0])},
            ["--pythonpath", BENCH],
        )
        servers.wait_ready({"juece": f"/api/v1/decisions/{ids[0]}/timeline", "baselines": "/const"})
        size = check_same(servers, ids)
        scripts = {}
        for name, paths in (
            ("timeline", [f"/api/v1/decisions/{i}/timeline" for i in ids]),
            ("hand", [f"/hand/decisions/{i}/timeline" for i in ids]),
            ("const", ["/const"]),
            ("portal", [f"/decisions/{i}" for i in ids]),
        ):
            scripts[name] = os.path.join(work, f"{name}.lua")
            run.lua_script(scripts[name], paths)
        print(f"machine: {machine_line()}")
        print(
            f"wrk: {args.threads} threads, {args.connections} connections, {args.warmup} s warm-up, then "
            f"{args.duration} s per target in each of {args.rounds} round(s); {len(ids)} decisions asked\n",
            flush=True,
        )
        for round_ in range(1, args.rounds + 1):
            for name, server, _ in TARGETS:
                wait_for_other_benchmarks()
                if round_ == 1 and args.warmup:
                    run.run_wrk(
                        wrk, servers.url(server), scripts[name], seconds=args.warmup,
                        connections=args.connections, threads=args.threads,
                    )  # fmt: skip
                if args.patience:
                    run.wait_for_quiet(servers, args.patience)
                r = run.measure(wrk, servers, server, scripts[name], args)
                results[name].append(r)
                print(
                    f"  round {round_} {name:<10}{r['rps']:>7.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                    f"p99 {r['p99_ms']:6.2f} ms  cpu/req {r['server_cpu_ms']:5.2f} ms  "
                    f"wrk {r['wrk_cores']:.2f} + others {r['others_cores']:.2f} cores",
                    flush=True,
                )
    finally:
        servers.stop()
    ratios = report(results, args.rounds)
    path = save_results(
        "timeline",
        {"machine": machine_line(), "args": vars(args), "body_bytes": size, "results": results, "ratios": ratios},
    )
    print(f"\nresults: {os.path.relpath(path)}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

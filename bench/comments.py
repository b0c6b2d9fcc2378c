"""Sustained comment submission from many clients at once, on SQLite and on PostgreSQL, with a
count afterwards that every comment answered 201 is stored exactly once and no other is.

    .venv/bin/python bench/comments.py [--backend sqlite|postgresql|both] [--duration 10] [--rounds 2]
                                       [--ratelimit-storage memory://|database://|redis://127.0.0.1:6379/0]

For each database it makes a fresh one (bench/data/comments.sqlite3; PostgreSQL database
`juece_bench_comments` on 127.0.0.1, user postgres) with the project's migrations, and in it,
through the models, one catalogued decision with a published draft and a published online
consultation whose window includes today; plus one table of its own, `bench_comments`, for
the baselines. Three gunicorns (2 sync workers each, or --workers; 127.0.0.1 only): Juece with
rate limiting out of the way (RATELIMIT_ANONYMOUS_WRITES=100000000/minute, each write still
counted, in --ratelimit-storage: the settings' default database:// unless told), and the two
baselines of bench/comment_baselines.py, a bare endpoint that INSERTs one row and the same
INSERT inside Juece's service.

wrk (--latency, one connection per thread, 32 by default) POSTs JSON comments, each with its
own Idempotency-Key; about 5 % repeat a key the thread sent before (same body: a replay), and
every 100th request of every thread uses a key all threads send at about the same moment (a
race for the same key). The Lua script logs every key it sends and, per response, the status,
`Idempotent-Replayed` and the receipt; with one connection per thread the responses come back
in the order of the requests, and each 201's receipt names the row it stored, which confirms
the pairing. Afterwards the logs are counted against the database.

It prints requests/s, comments stored/s, p50/p99, the CPU the server spent per request, and
Juece's comments/s as a share of the baseline's rows/s (target ≥ 60 %). Results go to
bench/results/comments-*.json. It waits while bench/run.py runs (2 cores: one at a time).
"""

import argparse
import collections
import datetime as dt
import glob
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

from common import BENCH, DATA, machine_line, migrate, ratio_line, run, save_results, wait_for_other_benchmarks

from core.settings import DEFAULTS

NAME = "comments"  # bench/data/comments.sqlite3, PostgreSQL's juece_bench_comments
PG_HOST = "127.0.0.1"  # never anything but the loopback
TARGET = 0.60
TARGETS = {
    "bare": "bare INSERT of one row: Flask and the driver alone",
    "stack": "the same INSERT inside Juece's service (its create_app)",
    "juece": "Juece POST .../comments",
}
TABLE = """CREATE TABLE bench_comments (
    id {serial} PRIMARY KEY,
    idempotency_key VARCHAR(200),
    content TEXT NOT NULL,
    submitter_type VARCHAR(30) NOT NULL,
    name VARCHAR(100),
    contact VARCHAR(200),
    receipt VARCHAR(40) NOT NULL,
    submitted_at TIMESTAMP NOT NULL
)"""


# --- The databases ---------------------------------------------------------------------------


def sqlite_path(name: str = NAME) -> str:
    return os.path.join(DATA, f"{name}.sqlite3")


def urls(backend: str, name: str = NAME) -> tuple[str, str]:
    """(SQLAlchemy URL for Juece, URL for the baseline and for counting), of the benchmark
    databases called `name` (bench/ratelimit.py has its own, beside a running comments.py)."""
    if backend == "sqlite":
        return f"sqlite:///{sqlite_path(name)}", f"sqlite:///{sqlite_path(name)}"
    database = f"juece_bench_{name}"
    return f"postgresql+psycopg://postgres@{PG_HOST}/{database}", f"postgresql://postgres@{PG_HOST}/{database}"


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", PG_HOST, "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def fresh_database(backend: str, name: str = NAME) -> None:
    if backend == "sqlite":
        os.makedirs(DATA, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(sqlite_path(name) + suffix):
                os.remove(sqlite_path(name) + suffix)
    else:
        psql(f"DROP DATABASE IF EXISTS juece_bench_{name} WITH (FORCE)")
        psql(f"CREATE DATABASE juece_bench_{name}")
    juece_url, _ = urls(backend, name)
    migrate(juece_url)


def open_consultation(backend: str, name: str = NAME) -> int:
    """One catalogued decision, its published draft and a published online consultation open
    today, made through the models (and the public record's own `publish`); returns its id."""
    import sqlalchemy as sa
    from flask import g

    from app import create_app
    from consultation.consultations.models import Consultation
    from core import calendar, publication
    from core.extensions import db
    from core.publication import EntryType, Fact
    from decisions.models import Catalogue, Decision, Unit
    from decisions.records.models import Draft

    juece_url, _ = urls(backend, name)
    app = create_app({"DATABASE_URL": juece_url, "LOG_LEVEL": "WARNING"})
    today = calendar.today()
    year = today.year
    with app.app_context():
        g.actor = "bench"
        db.session.add_all(
            [
                Unit(code="jd-gov", name="嘉定区人民政府办公室", kind="government"),
                Unit(code="jd-fgw", name="嘉定区发展和改革委员会", kind="department"),
            ]
        )
        db.session.flush()
        db.session.add(
            Catalogue(
                year=year,
                title=f"嘉定区人民政府{year}年度重大行政决策事项目录",
                issuer_unit="jd-gov",
                party_consent_on=dt.date(year, 1, 10),
                published_on=dt.date(year, 1, 20),
            )
        )
        db.session.flush()
        decision = Decision(
            catalogue_year=year,
            seq_no=1,
            title="嘉定区促进民营经济高质量发展若干措施",
            summary="为优化营商环境，拟制定本决策事项。",
            category="public_policy",
            lead_unit="jd-fgw",
            co_units=[],
            legal_basis=["《优化营商环境条例》"],
            planned_completion=f"{year + 1}-06",
            planned_completion_by=dt.date(year + 1, 6, 30),
            procedures=["public_participation", "legality_review", "collective_deliberation"],
            state="consulting",
            catalogued_on=dt.date(year, 1, 20),
        )
        db.session.add(decision)
        db.session.flush()
        publication.record_fact(
            Fact(decision.id, EntryType.catalogued, decision.title, f"/catalogues/{year}"),
            on=decision.catalogued_on,
        )
        draft = Draft(
            decision_id=decision.id,
            version=1,
            kind="consultation_draft",
            title=f"{decision.title}（征求意见稿）",
            text="第一条 为了……\n第二条 ……",
        )
        db.session.add(draft)
        db.session.flush()
        publication.publish(
            draft,
            Fact(
                decision.id,
                EntryType.draft_published,
                f"决策草案（第1版）：{draft.title}",
                f"/decisions/{decision.id}/drafts/1",
            ),
            published_on=today - dt.timedelta(days=21),
        )
        consultation = Consultation(
            decision_id=decision.id,
            draft_id=draft.id,
            draft_version=1,
            method="online",
            audience=["public"],
            channels=["portal"],
            opens_on=today - dt.timedelta(days=20),
            closes_on=today + dt.timedelta(days=30),
            comments_public=False,
            participants=[],
        )
        db.session.add(consultation)
        db.session.flush()
        publication.publish(
            consultation,
            Fact(
                decision.id,
                EntryType.consultation_opened,
                f"网上征求意见：{decision.title}（{consultation.opens_on}至{consultation.closes_on}）",
                f"/consultations/{consultation.id}",
                occurred_on=consultation.opens_on,
            ),
            published_on=today - dt.timedelta(days=20),
        )
        db.session.execute(sa.text(TABLE.format(serial="INTEGER" if backend == "sqlite" else "SERIAL")))
        db.session.commit()
        consultation_id = consultation.id
        db.engine.dispose()
    return consultation_id


class Counter:
    """Reads the database the servers write: plain sqlite3 or psycopg."""

    def __init__(self, backend: str, name: str = NAME):
        _, url = urls(backend, name)
        if backend == "sqlite":
            self.db = sqlite3.connect(url.removeprefix("sqlite:///"))
            self.db.execute("PRAGMA busy_timeout=30000")
        else:
            import psycopg

            self.db = psycopg.connect(url, autocommit=True)

    def one(self, sql: str):
        return self.db.execute(sql).fetchone()[0]

    def rows(self, sql: str):
        return self.db.execute(sql).fetchall()

    def close(self):
        self.db.close()


# --- The load --------------------------------------------------------------------------------

LUA = r"""
-- One connection per thread: a thread's responses come back in the order of its requests.
local path = "__PATH__"
local tag = "__TAG__"
local logdir = "__LOGDIR__"
local repeat_share = __REPEAT__
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
local log, counter, sent, queue, head, tail
local verifying
function init(args)
  -- wrk (4.1) calls request() once more on its first thread, right after init(), to check the
  -- script; that request is never sent, so it must not be logged as sent.
  verifying = tid == 1
  log = io.open(logdir .. "/" .. tag .. "-" .. tid .. ".log", "w")
  math.randomseed(tid * 7919)
  counter, sent, queue, head, tail = 0, {}, {}, 1, 0
end
local function body_of(key)
  return '{"content":"建议对小微企业的贷款贴息比例再提高一些，并简化申请材料。意见编号 ' .. key
    .. '","submitter_type":"individual","name":"张三","contact":"13800000000"}'
end
function request()
  if verifying then
    verifying = false
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body_of("never-sent"))
  end
  counter = counter + 1
  local key
  if counter % 100 == 50 then
    key = tag .. "-shared-" .. counter          -- every thread sends it at about the same time
  elseif #sent > 10 and math.random() < repeat_share then
    key = sent[math.random(#sent)]              -- a retry: the same key and the same body
  else
    key = tag .. "-" .. tid .. "-" .. counter
    sent[#sent + 1] = key
  end
  tail = tail + 1
  queue[tail] = key
  log:write("S ", key, "\n")
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body_of(key))
end
function response(status, headers, body)
  local key = queue[head]
  queue[head] = nil
  head = head + 1
  local receipt = string.match(body, '"receipt":"([^"]+)"') or "-"
  local replayed = headers["Idempotent-Replayed"] or "-"
  log:write("R ", key, " ", status, " ", replayed, " ", receipt, "\n")
end
"""


def lua_script(path: str, target_path: str, tag: str, logdir: str, repeat: float) -> None:
    with open(path, "w") as f:
        f.write(
            LUA.replace("__PATH__", target_path)
            .replace("__TAG__", tag)
            .replace("__LOGDIR__", logdir)
            .replace("__REPEAT__", str(repeat))
        )


def read_logs(logdir: str, tag: str):
    """(keys sent, with how often; responses as (key, status, replayed, receipt))."""
    sent = collections.Counter()
    answers = []
    for path in glob.glob(os.path.join(logdir, f"{tag}-*.log")):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts[0] == "S":
                    sent[parts[1]] += 1
                elif len(parts) == 5:
                    answers.append((parts[1], int(parts[2]), parts[3] == "true", parts[4]))
    return sent, answers


def verify(counter: Counter, consultation_id: int, logdir: str, tags: list[str]) -> dict:
    """Every comment answered 201 is stored exactly once; none answered otherwise is."""
    sent, answers = collections.Counter(), []
    for tag in tags:
        s, a = read_logs(logdir, tag)
        sent.update(s)
        answers.extend(a)
    stored = collections.defaultdict(list)  # key -> receipts
    by_receipt = {}
    for key, receipt in counter.rows(
        f"SELECT idempotency_key, receipt FROM comments WHERE consultation_id = {consultation_id}"
    ):
        stored[key].append(receipt)
        by_receipt[receipt] = key
    statuses = collections.Counter(status for _, status, _, _ in answers)
    answered_201 = {key for key, status, _, _ in answers if status == 201}
    answered_other = {key for key, status, _, _ in answers if status != 201}
    new_201 = collections.Counter(key for key, status, replayed, _ in answers if status == 201 and not replayed)
    problems = collections.Counter()
    for key, status, _, receipt in answers:
        if status == 201 and by_receipt.get(receipt) != key:
            problems["a 201's receipt is not the row stored under its key"] += 1
    for key, receipts in stored.items():
        if len(receipts) != 1:
            problems["a key stored more than once"] += 1
        if key not in sent:
            problems["a row under a key never sent"] += 1
    for key in answered_201:
        if key not in stored:
            problems["answered 201 but not stored"] += 1
    for key in answered_other - answered_201:
        if key in stored:
            problems["stored although answered only with an error"] += 1
    for count in new_201.values():
        if count > 1:
            problems["two first-time 201s for one key"] += 1
    unanswered = [key for key in sent if key not in answered_201 and key not in answered_other]
    return {
        "requests_sent": sum(sent.values()),
        "keys_sent": len(sent),
        "answers": len(answers),
        "statuses": dict(statuses),
        "answered_201_new": sum(new_201.values()),
        "answered_201_replayed": statuses.get(201, 0) - sum(new_201.values()),
        "rows_stored": sum(len(r) for r in stored.values()),
        "keys_stored_answered_201": len(answered_201 & stored.keys()),
        "unanswered_at_end": len(unanswered),
        "unanswered_stored": sum(1 for key in unanswered if key in stored),
        "problems": dict(problems),
    }


def bench_backend(backend: str, wrk: str, args, work: str) -> dict:
    print(f"\n=== {backend} ===", flush=True)
    fresh_database(backend, args.database_name)
    consultation_id = open_consultation(backend, args.database_name)
    juece_url, base_url = urls(backend, args.database_name)
    counter = Counter(backend, args.database_name)
    servers = run.Servers(work, args.workers)
    env = {
        "DATABASE_URL": juece_url,
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_ANONYMOUS_WRITES": "100000000/minute",  # the benchmark's one client IP is not a flood
        # Counted all the same, where --ratelimit-storage says (the settings' default: database://).
        "RATELIMIT_STORAGE_URI": args.ratelimit_storage,
    }
    results = {name: [] for name in TARGETS}
    tags = []
    try:
        servers.start("juece", "wsgi:app", env)
        servers.start("bare", "comment_baselines:app", {"COMMENTS_DB": base_url}, ["--pythonpath", BENCH])
        servers.start("stack", "comment_baselines:stack_app()", env, ["--pythonpath", BENCH])
        consultation = f"/api/v1/consultations/{consultation_id}"
        servers.wait_ready({"juece": consultation, "bare": "/ready", "stack": consultation})
        paths = {"juece": f"{consultation}/comments", "bare": "/bare/comments", "stack": "/api/v1/bare/comments"}
        count_sql = {
            "juece": f"SELECT count(*) FROM comments WHERE consultation_id = {consultation_id}",
            "bare": "SELECT count(*) FROM bench_comments",
            "stack": "SELECT count(*) FROM bench_comments",
        }
        for round_ in range(1, args.rounds + 1):
            for name in TARGETS:
                wait_for_other_benchmarks()
                if round_ == 1 and args.warmup:
                    tag = f"w{name[0]}{round_}"
                    script = os.path.join(work, f"{backend}-{tag}.lua")
                    lua_script(script, paths[name], tag, work, args.repeat)
                    run.run_wrk(
                        wrk, servers.url(name), script, seconds=args.warmup,
                        connections=args.connections, threads=args.connections,
                    )  # fmt: skip
                    if name == "juece":
                        tags.append(tag)
                if args.patience:
                    run.wait_for_quiet(servers, args.patience)
                tag = f"{name[0]}{round_}"
                script = os.path.join(work, f"{backend}-{tag}.lua")
                lua_script(script, paths[name], tag, work, args.repeat)
                before = counter.one(count_sql[name])
                r = run.measure(wrk, servers, name, script, args)
                r["stored"] = counter.one(count_sql[name]) - before
                r["stored_per_s"] = r["stored"] / args.duration
                del r["raw"]
                results[name].append(r)
                if name == "juece":
                    tags.append(tag)
                print(
                    f"  round {round_} {name:<6}{r['rps']:>7.0f} req/s {r['stored_per_s']:>7.0f} stored/s  "
                    f"p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  cpu/req {r['server_cpu_ms']:5.2f} ms  "
                    f"non-2xx {r['non_2xx']}  wrk {r['wrk_cores']:.2f} + others {r['others_cores']:.2f} cores",
                    flush=True,
                )
    finally:
        servers.stop()
    check = verify(counter, consultation_id, work, tags)
    counter.close()
    best = {name: max(runs, key=lambda r: r["stored_per_s"]) for name, runs in results.items()}
    print(f"\n{backend}, best of {args.rounds} rounds (by comments stored per second):")
    print(f"{'target':<8}{'req/s':>8}{'stored/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'cpu/req':>9}{'non-2xx':>9}")
    for name, what in TARGETS.items():
        r = best[name]
        print(
            f"{name:<8}{r['rps']:>8.0f}{r['stored_per_s']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['server_cpu_ms']:>7.2f}ms{r['non_2xx']:>9}  {what}"
        )
        if r["socket_errors"]:
            print(f"{'':<8}socket errors: {r['socket_errors']}")
    ratios = {}
    for baseline in ("bare", "stack"):
        ratio = best["juece"]["stored_per_s"] / best[baseline]["stored_per_s"]
        line, by = ratio_line("juece", baseline, best, None)
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(f"juece vs {baseline}: {ratio:.0%} of its rows/s in comments stored/s   target ≥ {TARGET:.0%}: {verdict}")
        print(f"  ({line.split(': ', 1)[1]})")
        ratios[baseline] = {**by, "stored": ratio, "met": ratio >= TARGET}
    print(
        f"count: {check['requests_sent']} requests sent with {check['keys_sent']} keys, {check['answers']} answered "
        f"{check['statuses']}; 201: {check['answered_201_new']} first-time, {check['answered_201_replayed']} "
        f"replays; {check['rows_stored']} rows stored; {check['unanswered_at_end']} requests in flight when wrk "
        f"stopped ({check['unanswered_stored']} of them stored)"
    )
    if check["problems"]:
        print(f"count: PROBLEMS {check['problems']}")
    else:
        print("count: every comment answered 201 is stored exactly once, and none answered otherwise is")
    return {"results": results, "ratios": ratios, "count": check}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark comment submission against a bare INSERT.")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per target and round (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target (2)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections, one thread each (32)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers of every server (2; the README's production: 2 per core)",
    )
    parser.add_argument(
        "--ratelimit-storage",
        default=DEFAULTS["RATELIMIT_STORAGE_URI"],
        help=f"where Juece and `stack` count writes (the default's: {DEFAULTS['RATELIMIT_STORAGE_URI']})",
    )
    parser.add_argument(
        "--database-name",
        default=NAME,
        help=f"bench/data/NAME.sqlite3 and juece_bench_NAME ({NAME}): another name beside a running one",
    )
    parser.add_argument("--repeat", type=float, default=0.05, help="share of requests that repeat a key (0.05)")
    parser.add_argument("--patience", type=float, default=20, help="seconds to wait for a quiet machine (20)")
    args = parser.parse_args(argv)
    args.threads = args.connections  # run.measure reads it: one connection per wrk thread

    wrk = run.ensure_wrk()
    wait_for_other_benchmarks()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"machine: {machine_line()}")
    print(
        f"gunicorn: {args.workers} sync workers per server, rate limits counted in {args.ratelimit_storage}; "
        f"wrk: {args.connections} threads × 1 connection, {args.warmup} s warm-up, then {args.duration} s per target "
        f"in each of {args.rounds} round(s); {args.repeat:.0%} repeated keys, and every 100th key shared by all",
        flush=True,
    )
    out = {}
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        work = tempfile.mkdtemp(prefix=f"juece-comments-{backend}-")
        out[backend] = bench_backend(backend, wrk, args, work)
        shutil.rmtree(work, ignore_errors=True)  # the servers' logs and wrk's, counted by now
    path = save_results("comments", {"machine": machine_line(), "args": vars(args), **out})
    print(f"\nresults: {os.path.relpath(path)}")
    return 1 if any(o["count"]["problems"] for o in out.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

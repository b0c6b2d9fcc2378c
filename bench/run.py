"""Load Juece's decision list, first page and decision item with wrk, beside baselines and Datasette.

    .venv/bin/python bench/run.py [--duration 10] [--warmup 3] [--rounds 2] [--patience 20]
                                  [--no-datasette] [--profile N]

Starts two gunicorns (2 sync workers each, bound to 127.0.0.1 only): Juece (wsgi:app) over
the benchmark database, and bench/baselines.py; and Datasette (bench/peers.py: its own
virtualenv, the same SQLite file, immutable) as it ships, one process, and as many processes
as Juece has workers. Checks that the hand-written baseline answers byte for byte what Juece
answers and that Datasette answers the same rows, then runs wrk against each target in turn
(a warm-up, then the measured run, `--latency`), each request choosing a random year, unit
and page (page 1 in the first-page scenario, or an id) from the data set. It prints requests
per second, p50 and p99 latency, the CPU the server's processes spent per request, and the
CPU that other processes on the machine took meanwhile (a benchmark on a shared machine is
only as good as its quiet), then Juece, hand-written and Datasette side by side, and the
ratios. Before each measurement it waits up to --patience seconds for other processes to
leave the CPUs. With several rounds, each target's best round counts. All servers are
stopped at the end, whatever happens. The figures also go to bench/results/ (git-ignored).
`--profile N` measures nothing under load: it profiles N requests in process instead.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import peers  # bench/peers.py: Datasette

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
DB = os.path.join(BENCH, "data", "juece.sqlite3")
RESULTS = os.path.join(BENCH, "results")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
HOST = "127.0.0.1"  # never anything but the loopback
PAGE_SIZE = 20
WORKERS = 2  # Juece's gunicorn workers, and so the processes of the second Datasette
TARGETS = (
    # name, server, what it is
    ("const", "baselines", "bare Flask: constant JSON, a list page's size"),
    ("hand_list", "baselines", "hand-written list: sqlite3 + json"),
    ("list", "juece", "Juece GET /api/v1/decisions?year&unit&page"),
    ("ds1_list", "ds1", "Datasette, 1 process: table JSON, year + unit, keyset page"),
    (f"ds{WORKERS}_list", f"ds{WORKERS}", f"Datasette, {WORKERS} processes: the same"),
    ("hand_first", "baselines", "hand-written list, page 1"),
    ("first", "juece", "Juece GET /api/v1/decisions?year&unit&page=1"),
    ("ds1_first", "ds1", "Datasette, 1 process: table JSON, year + unit, page 1"),
    (f"ds{WORKERS}_first", f"ds{WORKERS}", f"Datasette, {WORKERS} processes: the same"),
    ("hand_item", "baselines", "hand-written item: sqlite3 + json"),
    ("item", "juece", "Juece GET /api/v1/decisions/{id}"),
    ("ds1_item", "ds1", "Datasette, 1 process: row JSON"),
    (f"ds{WORKERS}_item", f"ds{WORKERS}", f"Datasette, {WORKERS} processes: the same"),
)
DATASETTES = ("ds1", f"ds{WORKERS}")
SCENARIOS = (("list", "the list, a random page"), ("first", "the first page"), ("item", "one decision"))
RATIOS = (
    ("list", "hand_list", 0.60),
    ("first", "hand_first", 0.85),
    ("item", "hand_item", 0.70),
    ("list", "const", None),
    ("list", f"ds{WORKERS}_list", None),
    ("first", f"ds{WORKERS}_first", None),
    ("item", f"ds{WORKERS}_item", 2.0),
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing the Debian package (apt-get install -y wrk)", flush=True)
    for command in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        if shutil.which("wrk"):
            break
        try:
            subprocess.run(command, check=False, timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            pass
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed and could not be: as root, `apt-get update && apt-get install -y wrk`.")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- CPU accounting from /proc ---------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds used) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2 :].split()  # from field 3 (state) on
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds used by a process and its children (gunicorn's master and its workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, cpu = _proc_stat(int(entry))
            except (OSError, ValueError, IndexError):
                continue
            if int(entry) == root or ppid == root:
                total += cpu
    return total


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used, all cores together."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal, *_ = map(int, f.readline().split()[1:])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- The servers -----------------------------------------------------------------------------


class Servers:
    """The servers, each process in a process group of its own so that stop() ends its workers.

    A name may stand for several processes (Datasette run N times, each on its own port)."""

    def __init__(self, log_dir: str, workers: int = 2):
        self.log_dir = log_dir
        self.workers = workers
        self.procs = {}  # name -> [Popen]
        self.ports = {}  # name -> [port]

    def start(self, name: str, app: str, env: dict, extra=()):
        port = free_port()
        command = [
            os.path.join(VENV_BIN, "gunicorn"),
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            *extra,
            app,
        ]
        self.spawn(name, command, port, env)

    def spawn(self, name: str, command: list, port: int, env: dict | None = None):
        """Start one process serving `port` under `name` (a second call adds a second process)."""
        log = open(os.path.join(self.log_dir, f"{name}.log"), "a")
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.setdefault(name, []).append(proc)
        self.ports.setdefault(name, []).append(port)

    def wait_ready(self, paths: dict, timeout: float = 30):
        deadline = time.monotonic() + timeout
        for name, path in paths.items():
            for proc, url in zip(self.procs[name], self.urls(name, path), strict=True):
                while True:
                    if proc.poll() is not None:
                        code = proc.returncode
                        raise RuntimeError(f"{name} exited with {code}; see {self.log_dir}/{name}.log")
                    try:
                        with urllib.request.urlopen(url, timeout=2) as response:
                            if response.status == 200:
                                break
                    except OSError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"{name} did not answer within {timeout:.0f} s; see {self.log_dir}/{name}.log"
                        )
                    time.sleep(0.2)

    def url(self, name: str, path: str = "") -> str:
        return self.urls(name, path)[0]

    def urls(self, name: str, path: str = "") -> list[str]:
        """One URL per process of `name`."""
        return [f"http://{HOST}:{port}{path}" for port in self.ports[name]]

    def cpu(self) -> dict:
        return {name: sum(tree_cpu(proc.pid) for proc in procs) for name, procs in self.procs.items()}

    def _all(self):
        return [proc for procs in self.procs.values() for proc in procs]

    def stop(self):
        for proc in self._all():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)  # the group this script started, nothing else
                except ProcessLookupError:
                    pass
        for proc in self._all():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


# --- What to ask -----------------------------------------------------------------------------


def sample_paths(rng: random.Random):
    """Query strings of list pages (by year, unit and page), of first pages (year and unit,
    page 1) and ids spread over the data set."""
    with sqlite3.connect(DB) as db:
        groups = db.execute(
            "SELECT catalogue_year, lead_unit, count(*) FROM decisions WHERE catalogued_on IS NOT NULL"
            " GROUP BY catalogue_year, lead_unit"
        ).fetchall()
        top = db.execute("SELECT max(id) FROM decisions").fetchone()[0]
        candidates = ",".join(str(rng.randint(1, top)) for _ in range(3000))
        query = f"SELECT id FROM decisions WHERE catalogued_on IS NOT NULL AND id IN ({candidates})"
        ids = [i for (i,) in db.execute(query)]
    lists = []
    for _ in range(2000):
        year, unit, count = rng.choice(groups)
        page = rng.randint(1, max(1, (count - 1) // PAGE_SIZE + 1))
        lists.append(f"year={year}&unit={unit}&page={page}&page_size={PAGE_SIZE}")
    rng.shuffle(ids)
    firsts = []
    for _ in range(2000):
        year, unit, _count = rng.choice(groups)
        firsts.append(f"year={year}&unit={unit}&page=1&page_size={PAGE_SIZE}")
    return lists, firsts, ids[:2000]


def lua_script(path: str, paths: list[str]) -> None:
    """A wrk script that picks a random path for every request."""
    with open(path, "w") as f:
        f.write("local paths = {\n")
        f.writelines(f'  "{p}",\n' for p in paths)
        f.write("}\n")
        f.write(
            "local n = 0\n"
            "function setup(thread) n = n + 1; thread:set('seed', n) end\n"
            "function init(args) math.randomseed(seed * 7919) end\n"
            "function request() return wrk.format('GET', paths[math.random(#paths)]) end\n"
        )


def check_same(servers: Servers, lists, firsts, ids) -> None:
    """The hand-written baseline must answer exactly what Juece answers, or it measures nothing."""

    def get(name, path):
        with urllib.request.urlopen(servers.url(name, path), timeout=10) as r:
            # Links are absolute: the two servers differ only in their port.
            return r.read().replace(servers.url(name).encode(), b"http://server"), r.headers

    for query in lists[:20] + firsts[:10]:
        ours, our_headers = get("juece", f"/api/v1/decisions?{query}")
        hand, hand_headers = get("baselines", f"/hand/decisions?{query}")
        if ours != hand or our_headers["X-Pagination"] != hand_headers["X-Pagination"]:
            raise RuntimeError(f"hand-written list differs from Juece's for ?{query}")
        if len(json.loads(ours)) != PAGE_SIZE and json.loads(our_headers["X-Pagination"]).get("next_page"):
            raise RuntimeError(f"not a full page for ?{query}")
    for i in ids[:20]:
        ours, our_headers = get("juece", f"/api/v1/decisions/{i}")
        hand, hand_headers = get("baselines", f"/hand/decisions/{i}")
        if ours != hand:
            raise RuntimeError(f"hand-written decision {i} differs from Juece's")
        # Both send an ETag (they differ: it hashes the links, and the ports differ).
        if not our_headers.get("ETag") or not hand_headers.get("ETag"):
            raise RuntimeError(f"no ETag on decision {i}")
    const, _ = get("baselines", "/const")
    page, _ = get("juece", f"/api/v1/decisions?{lists[0]}")
    print(
        f"checked: the hand-written answers are byte for byte Juece's "
        f"(list page {len(page)} bytes, constant {len(const)} bytes)"
    )


# --- Measuring -------------------------------------------------------------------------------

LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk_command(wrk: str, url: str, script: str, *, seconds: int, connections: int, threads: int) -> list:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    return command + ["-s", script, url]


def _parse_wrk(out: str) -> dict:
    latency = {p: _ms(v, u) for p, v, u in LATENCY.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
        "raw": out,
    }


def run_wrk(wrk: str, url: str, script: str, *, seconds: int, connections: int, threads: int) -> dict:
    command = _wrk_command(wrk, url, script, seconds=seconds, connections=connections, threads=threads)
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return _parse_wrk(out)


def run_wrks(wrk: str, urls: list, script: str, *, seconds: int, connections: int, threads: int) -> dict:
    """wrk against each URL at once, the connections and threads shared out among them.

    Several processes of one server (Datasette N times, each on its own port) get the same
    load in total as one gunicorn with N workers: `connections` in all, over `threads` in all
    (at least one per URL). req/s and requests add up; p50 is the mean of the runs' p50s
    weighted by their requests, p99 the worst run's (both approximate)."""
    if len(urls) == 1:
        return run_wrk(wrk, urls[0], script, seconds=seconds, connections=connections, threads=threads)
    n = len(urls)
    each_threads, each_connections = max(1, threads // n), max(1, connections // n)
    procs = [
        subprocess.Popen(
            _wrk_command(wrk, url, script, seconds=seconds, connections=each_connections, threads=each_threads),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url in urls
    ]
    runs = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 60)
        if proc.returncode:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {err}")
        runs.append(_parse_wrk(out))
    requests = sum(r["requests"] for r in runs)
    return {
        "rps": sum(r["rps"] for r in runs),
        "p50_ms": sum(r["p50_ms"] * r["requests"] for r in runs) / max(requests, 1),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "requests": requests,
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
        "raw": "\n".join(r["raw"] for r in runs),
    }


def others_busy(servers: Servers, seconds: float = 1.0) -> float:
    """Cores that processes other than our servers keep busy, over `seconds`."""
    busy, ours = machine_busy(), sum(servers.cpu().values())
    time.sleep(seconds)
    return max(0.0, machine_busy() - busy - (sum(servers.cpu().values()) - ours)) / seconds


def wait_for_quiet(servers: Servers, patience: float) -> float:
    """Wait up to `patience` seconds for the rest of the machine to calm down; how busy it is."""
    deadline = time.monotonic() + patience
    load = others_busy(servers)
    while load > 0.25 and time.monotonic() < deadline:
        load = others_busy(servers, 2.0)
    return load


def measure(wrk, servers: Servers, server: str, script: str, args) -> dict:
    """One wrk run, with the CPU the server, wrk and everything else used meanwhile."""
    busy, ours, load = machine_busy(), servers.cpu(), children_cpu()
    started = time.monotonic()
    result = run_wrks(
        wrk, servers.urls(server), script, seconds=args.duration, connections=args.connections, threads=args.threads
    )
    elapsed = time.monotonic() - started
    busy, load = machine_busy() - busy, children_cpu() - load
    servers_cpu = {name: cpu - ours[name] for name, cpu in servers.cpu().items()}
    result["server_cpu_ms"] = 1000 * servers_cpu[server] / max(result["requests"], 1)
    result["wrk_cores"] = load / elapsed
    # Whatever else ran on the machine meanwhile (other people's tests, say), in cores.
    result["others_cores"] = max(0.0, busy - sum(servers_cpu.values()) - load) / elapsed
    return result


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB memory, Python {sys.version.split()[0]}"


def best_table(results: dict, rounds: int, targets) -> dict:
    """Print each target's best round (by req/s) as a table; returns them by name."""
    best = {name: max(runs, key=lambda r: r["rps"]) for name, runs in results.items() if runs}
    print()
    title = f"best of {rounds} rounds" if rounds > 1 else "one round"
    print(f"{title}; cpu/req = CPU the server's processes spent per request; others = cores busy elsewhere")
    print(f"{'target':<10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'cpu/req':>9}{'others':>8}{'non-2xx':>8}  what")
    for name, _, what in targets:
        if name in best:
            r = best[name]
            print(
                f"{name:<10}{r['rps']:>8.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['server_cpu_ms']:>7.2f}ms"
                f"{r['others_cores']:>8.2f}{r['non_2xx']:>8}  {what}"
            )
            if r["socket_errors"]:
                print(f"{'':<10}socket errors: {r['socket_errors']}")
    print()
    return best


def ratio_line(ours: str, base: str, results: dict, target: float | None) -> tuple[str, dict]:
    """`ours vs base: N % of its req/s (M % by CPU per request)   target ≥ T: met|MISSED`."""
    a, b = results[ours], results[base]
    ratio = a["rps"] / b["rps"]
    by_cpu = b["server_cpu_ms"] / a["server_cpu_ms"] if a.get("server_cpu_ms") else float("nan")
    verdict = "" if target is None else f"   target ≥ {target:.0%}: {'met' if ratio >= target else 'MISSED'}"
    line = f"{ours} vs {base}: {ratio:.0%} of its req/s ({by_cpu:.0%} by CPU per request){verdict}"
    return line, {"rps": ratio, "cpu": by_cpu, "target": target, "met": None if target is None else ratio >= target}


def side_by_side(best: dict) -> None:
    """Juece, hand-written and Datasette per scenario: req/s, ratio to hand-written, CPU per request."""
    columns = [("juece", "{}"), ("hand-written", "hand_{}"), ("Datasette ×1", "ds1_{}")]
    columns.append((f"Datasette ×{WORKERS}", f"ds{WORKERS}_{{}}"))
    print("side by side: req/s, ratio to hand-written, CPU ms per request (of all the server's processes)")
    print(f"{'scenario':<24}" + "".join(f"{title:>22}" for title, _ in columns))
    for scenario, what in SCENARIOS:
        if not any(pattern.format(scenario) in best for _, pattern in columns):
            continue
        hand = best.get(f"hand_{scenario}")
        cells = []
        for _, pattern in columns:
            r = best.get(pattern.format(scenario))
            if r is None:
                cells.append(f"{'—':>22}")
                continue
            ratio = f"{r['rps'] / hand['rps']:.2f}" if hand else "—"
            cells.append(f"{r['rps']:>8.0f} {ratio:>5} {r['server_cpu_ms']:>5.2f}ms")
        print(f"{what:<24}" + "".join(cells))
    print()


def report(results: dict, rounds: int) -> dict:
    best = best_table(results, rounds, TARGETS)
    side_by_side(best)
    ratios = {}
    for ours, base, target in RATIOS:
        if ours in best and base in best:
            line, ratios[f"{ours}/{base}"] = ratio_line(ours, base, best, target)
            print(line)
    return ratios


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the decision list, first page and item against peers.")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per target and round (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target (3)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all targets; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--only", nargs="*", choices=[t[0] for t in TARGETS], help="measure only these targets")
    parser.add_argument("--no-datasette", action="store_true", help="leave Datasette out (no virtualenv needed)")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="no load: profile N requests of one decision in process (bench/request_profile.py) and stop",
    )
    parser.add_argument(
        "--profile-what", choices=("item", "first"), default="item", help="what --profile asks: item (default) or first"
    )
    parser.add_argument(
        "--patience",
        type=float,
        default=20,
        help="seconds to wait, before each measurement, for other processes to leave the CPUs (20)",
    )
    args = parser.parse_args(argv)

    if not os.path.exists(DB):
        print("no data set yet: generating it (bench/generate.py)", flush=True)
        subprocess.run([sys.executable, os.path.join(BENCH, "generate.py"), "--db", DB], check=True, timeout=600)
    if args.profile:
        import request_profile

        lists, firsts, ids = sample_paths(random.Random(2))
        paths = [f"/api/v1/decisions/{i}" for i in ids] if args.profile_what == "item" else None
        paths = paths or [f"/api/v1/decisions?{q}" for q in firsts]
        return request_profile.main(
            DB, args.profile, paths, {"item": "one decision", "first": "a first page"}[args.profile_what]
        )
    wrk = ensure_wrk()
    targets = [t for t in TARGETS if not args.only or t[0] in args.only]
    if args.no_datasette:
        targets = [t for t in targets if t[1] not in DATASETTES]
    datasettes = sorted({server for _, server, _ in targets if server in DATASETTES})
    if datasettes:
        peers.ensure_datasette()
    os.makedirs(RESULTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="juece-bench-")
    servers = Servers(work, WORKERS)
    # SIGTERM (a timeout, say) unwinds through `finally` as Ctrl-C does, so the servers stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {name: [] for name, _, _ in targets}
    try:
        servers.start("juece", "wsgi:app", {"DATABASE_URL": f"sqlite:///{DB}"})
        servers.start("baselines", "baselines:app", {"BENCH_DB": DB}, ["--pythonpath", BENCH])
        for name in datasettes:
            for _ in range(int(name[2:])):  # ds1: one process, dsN: N, each on its own port
                port = free_port()
                servers.spawn(name, peers.command(DB, HOST, port), port)
        lists, firsts, ids = sample_paths(random.Random(2))
        ready = {"juece": f"/api/v1/decisions?{lists[0]}", "baselines": "/const"}
        ready.update({name: peers.item_path(DB, ids[0]) for name in datasettes})
        servers.wait_ready(ready)
        check_same(servers, lists, firsts, ids)
        for name in datasettes:
            for url in servers.urls(name):
                peers.check_same_rows(
                    lambda path, url=url: url + path,
                    lambda path: servers.url("juece", path),
                    DB,
                    lists[:20] + firsts[:10],
                    ids,
                )
        if datasettes:
            print(f"checked: Datasette ({peers.version()}) answers the same rows, page by page and id by id")

        with sqlite3.connect(DB) as db:
            datasette_lists = [peers.list_path(DB, q, db) for q in lists]
            datasette_firsts = [peers.list_path(DB, q, db) for q in firsts]
        paths = {
            "const": ["/const"],
            "hand_list": [f"/hand/decisions?{q}" for q in lists],
            "list": [f"/api/v1/decisions?{q}" for q in lists],
            "ds_list": datasette_lists,
            "hand_first": [f"/hand/decisions?{q}" for q in firsts],
            "first": [f"/api/v1/decisions?{q}" for q in firsts],
            "ds_first": datasette_firsts,
            "hand_item": [f"/hand/decisions/{i}" for i in ids],
            "item": [f"/api/v1/decisions/{i}" for i in ids],
            "ds_item": [peers.item_path(DB, i) for i in ids],
        }
        scripts = {}
        for name, server, _ in targets:
            kind = "ds_" + name.split("_", 1)[1] if server in DATASETTES else name
            scripts[name] = os.path.join(work, f"{kind}.lua")
            lua_script(scripts[name], paths[kind])

        print(f"machine: {machine()}; load average {open('/proc/loadavg').read().split()[0]}")
        print(
            f"wrk: {args.threads} threads, {args.connections} connections, {args.warmup} s warm-up, "
            f"then {args.duration} s per target in each of {args.rounds} round(s); against {WORKERS} "
            f"Datasette processes, {WORKERS} wrk at once, one per process, sharing those threads and connections\n",
            flush=True,
        )
        for round_ in range(1, args.rounds + 1):
            for name, server, _ in targets:
                if round_ == 1 and args.warmup:
                    run_wrks(
                        wrk,
                        servers.urls(server),
                        scripts[name],
                        seconds=args.warmup,
                        connections=args.connections,
                        threads=args.threads,
                    )
                if args.patience:
                    wait_for_quiet(servers, args.patience)
                r = measure(wrk, servers, server, scripts[name], args)
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
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(RESULTS, f"run-{stamp}.json"), "w") as f:
        json.dump({"machine": machine(), "args": vars(args), "results": results, "ratios": ratios}, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

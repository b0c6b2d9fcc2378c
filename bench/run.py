"""Load Juece's decision list and decision item with wrk, beside two baselines.

    .venv/bin/python bench/run.py [--duration 10] [--warmup 3] [--rounds 2] [--patience 20]

Starts two gunicorns (2 sync workers each, bound to 127.0.0.1 only): Juece (wsgi:app) over
the benchmark database, and bench/baselines.py. Checks that the hand-written baseline answers
byte for byte what Juece answers, then runs wrk against each target in turn (a warm-up, then
the measured run, `--latency`), each request choosing a random year, unit and page (or id)
from the data set. It prints requests per second, p50 and p99 latency, the CPU the server's
workers spent per request, and the CPU that other processes on the machine took meanwhile
(a benchmark on a shared machine is only as good as its quiet), then the ratios. Before each
measurement it waits up to --patience seconds for other processes to leave the CPUs. With
several rounds, each target's best round counts. Both servers are stopped at the end,
whatever happens. The figures also go to bench/results/ (git-ignored).
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
DB = os.path.join(BENCH, "data", "juece.sqlite3")
RESULTS = os.path.join(BENCH, "results")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
HOST = "127.0.0.1"  # never anything but the loopback
PAGE_SIZE = 20
TARGETS = (
    # name, server, what it is
    ("const", "baselines", "bare Flask: constant JSON, a list page's size"),
    ("hand_list", "baselines", "hand-written list: sqlite3 + json"),
    ("list", "juece", "Juece GET /api/v1/decisions?year&unit&page"),
    ("hand_item", "baselines", "hand-written item: sqlite3 + json"),
    ("item", "juece", "Juece GET /api/v1/decisions/{id}"),
)
RATIOS = (("list", "hand_list", 0.60), ("item", "hand_item", 0.70), ("list", "const", None))
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
    """The two gunicorns, each in a process group of its own so that stop() ends its workers."""

    def __init__(self, log_dir: str, workers: int = 2):
        self.log_dir = log_dir
        self.workers = workers
        self.procs = {}
        self.ports = {}

    def start(self, name: str, app: str, env: dict, extra=()):
        port = free_port()
        log = open(os.path.join(self.log_dir, f"{name}.log"), "w")
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
        self.procs[name] = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.ports[name] = port

    def wait_ready(self, paths: dict, timeout: float = 30):
        deadline = time.monotonic() + timeout
        for name, path in paths.items():
            while True:
                if self.procs[name].poll() is not None:
                    code = self.procs[name].returncode
                    raise RuntimeError(f"{name} exited with {code}; see {self.log_dir}/{name}.log")
                try:
                    with urllib.request.urlopen(self.url(name, path), timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer within {timeout:.0f} s; see {self.log_dir}/{name}.log")
                time.sleep(0.2)

    def url(self, name: str, path: str = "") -> str:
        return f"http://{HOST}:{self.ports[name]}{path}"

    def cpu(self) -> dict:
        return {name: tree_cpu(proc.pid) for name, proc in self.procs.items()}

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)  # the group this script started, nothing else
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


# --- What to ask -----------------------------------------------------------------------------


def sample_paths(rng: random.Random):
    """Query strings of list pages (by year, unit and page) and ids spread over the data set."""
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
    return lists, ids[:2000]


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


def check_same(servers: Servers, lists, ids) -> None:
    """The hand-written baseline must answer exactly what Juece answers, or it measures nothing."""

    def get(name, path):
        with urllib.request.urlopen(servers.url(name, path), timeout=10) as r:
            # Links are absolute: the two servers differ only in their port.
            return r.read().replace(servers.url(name).encode(), b"http://server"), r.headers

    for query in lists[:20]:
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


def run_wrk(wrk: str, url: str, script: str, *, seconds: int, connections: int, threads: int) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    command += ["-s", script, url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
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
    result = run_wrk(
        wrk, servers.url(server), script, seconds=args.duration, connections=args.connections, threads=args.threads
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
    print(f"{title}; cpu/req = CPU the server's 2 workers spent per request; others = cores busy elsewhere")
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


def report(results: dict, rounds: int) -> dict:
    best = best_table(results, rounds, TARGETS)
    ratios = {}
    for ours, base, target in RATIOS:
        if ours in best and base in best:
            line, ratios[f"{ours}/{base}"] = ratio_line(ours, base, best, target)
            print(line)
    return ratios


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the decision list and item against baselines.")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per target and round (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target (3)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all targets; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--only", nargs="*", choices=[t[0] for t in TARGETS], help="measure only these targets")
    parser.add_argument(
        "--patience",
        type=float,
        default=20,
        help="seconds to wait, before each measurement, for other processes to leave the CPUs (20)",
    )
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    if not os.path.exists(DB):
        print("no data set yet: generating it (bench/generate.py)", flush=True)
        subprocess.run([sys.executable, os.path.join(BENCH, "generate.py"), "--db", DB], check=True, timeout=600)
    os.makedirs(RESULTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="juece-bench-")
    servers = Servers(work)
    # SIGTERM (a timeout, say) unwinds through `finally` as Ctrl-C does, so the servers stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    targets = [t for t in TARGETS if not args.only or t[0] in args.only]
    results = {name: [] for name, _, _ in targets}
    try:
        servers.start("juece", "wsgi:app", {"DATABASE_URL": f"sqlite:///{DB}"})
        servers.start("baselines", "baselines:app", {"BENCH_DB": DB}, ["--pythonpath", BENCH])
        lists, ids = sample_paths(random.Random(2))
        servers.wait_ready({"juece": f"/api/v1/decisions?{lists[0]}", "baselines": "/const"})
        check_same(servers, lists, ids)

        scripts = {}
        for kind, paths in (
            ("list", [f"/api/v1/decisions?{q}" for q in lists]),
            ("hand_list", [f"/hand/decisions?{q}" for q in lists]),
            ("item", [f"/api/v1/decisions/{i}" for i in ids]),
            ("hand_item", [f"/hand/decisions/{i}" for i in ids]),
            ("const", ["/const"]),
        ):
            scripts[kind] = os.path.join(work, f"{kind}.lua")
            lua_script(scripts[kind], paths)

        print(f"machine: {machine()}; load average {open('/proc/loadavg').read().split()[0]}")
        print(
            f"wrk: {args.threads} threads, {args.connections} connections, {args.warmup} s warm-up, "
            f"then {args.duration} s per target in each of {args.rounds} round(s)\n",
            flush=True,
        )
        for round_ in range(1, args.rounds + 1):
            for name, server, _ in targets:
                if round_ == 1 and args.warmup:
                    run_wrk(
                        wrk,
                        servers.url(server),
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

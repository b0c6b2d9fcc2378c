"""The service as it is deployed, for the tests that need real processes: gunicorn with the
repository's gunicorn.conf.py, its workers each with their own app, over the test's database.

    with serve({"DATABASE_URL": url}, workers=2) as base_url:
        urllib.request.urlopen(base_url + "/healthz")

What the test wrote must be committed before the server reads it: the workers are other
processes, with their own connections.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCESS_LOG = "%(p)s %(m)s %(U)s %(s)s"  # '<4242> POST /api/v1/consultations/1/comments 201'


class Served(str):
    """The server's base URL ('http://127.0.0.1:PORT'), with its gunicorn arbiter's process, for
    the tests that signal it themselves (a graceful SIGTERM under load)."""

    process: subprocess.Popen
    log_path: str

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM to the arbiter, as a process manager stops it: the workers finish the
        requests they serve (gunicorn.conf.py's graceful_timeout); returns its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def log(self) -> str:
        """What gunicorn and the app printed (the access log, errors)."""
        with open(self.log_path, errors="replace") as f:
            return f.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(env: dict, workers: int = 2, ready_within: float = 60) -> Iterator[Served]:
    """Run `gunicorn -c gunicorn.conf.py` with `workers` workers on a free port of the loopback,
    the environment's settings overridden by `env`; yields once every worker answers /healthz,
    and ends it with SIGTERM, waiting for it to exit."""
    port = free_port()
    environment = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        **env,
        "JUECE_WORKERS": str(workers),
        "JUECE_BIND": f"127.0.0.1:{port}",
    }
    log = tempfile.NamedTemporaryFile(prefix="juece-gunicorn-", suffix=".log", delete=False)
    served = Served(f"http://127.0.0.1:{port}")
    served.log_path = log.name
    # A file, not a pipe: nobody reads the access log while the test runs, and a full pipe
    # would stop the workers.
    served.process = subprocess.Popen(
        # Each access-log line names the worker that served it (`<pid>`), so that readiness
        # can wait for every worker and a test can tell which served what.
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logformat", ACCESS_LOG],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        _wait_until_healthy(served, workers, ready_within)
        yield served
    finally:
        try:
            served.terminate()
        finally:
            os.unlink(log.name)


def _wait_until_healthy(served: Served, workers: int, within: float) -> None:
    """Until every worker has answered /healthz: a worker forked but still loading the app
    takes no request, and a test of what several workers share would meet only one.

    Eight at once, again and again: a sync worker serving one leaves the next to the others."""
    deadline = time.monotonic() + within
    with ThreadPoolExecutor(8) as callers:
        while True:
            if served.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {served.process.returncode}:\n{served.log()}")
            if served.log().count("Booting worker with pid") >= workers:
                list(callers.map(_answers, [served + "/healthz"] * 8))
                if len(set(re.findall(r"<(\d+)> GET /healthz 200", served.log()))) >= workers:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every worker answered /healthz within {within} s:\n{served.log()}")
            time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False

"""The service as deployed (gunicorn -c gunicorn.conf.py): oversize requests get the app's
problem+json, not gunicorn's HTML; SIGTERM under load finishes what was begun."""

import http.client
import json
import socket
import threading
import time
import urllib.parse

import sqlalchemy as sa

from consultation.comments.models import Comment
from core.extensions import db
from tests import factories
from tests.serving import serve


def _env(app) -> dict:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "RATELIMIT_ANONYMOUS_WRITES": "1000000/minute"}


def _get(base_url: str, path: str, headers: dict | None = None):
    address = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_oversize_requests_get_the_apps_problem_through_gunicorn(app, tokens):
    with serve(_env(app), workers=1) as base_url:
        for path, headers, status in (
            ("/api/v1/decisions?q=" + "a" * 10_000, {}, 414),
            ("/api/v1/decisions", {"X-Note": "a" * 9 * 1024}, 431),
            ("/api/v1/decisions", {f"X-Note-{i}": "a" * 4000 for i in range(10)}, 431),
        ):
            response, body = _get(base_url, path, headers)
            assert response.status == status, body[:300]
            assert response.getheader("Content-Type") == "application/problem+json", body[:300]
            assert json.loads(body)["status"] == status


def _slow_comment(host: str, port: int, path: str, n: int, started: threading.Event, results: list):
    """A comment whose body arrives in two halves, a second apart: in flight across a signal."""
    body = json.dumps({"content": f"建议加大贴息支持。第{n}条", "submitter_type": "individual"}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(head + body[:10])
        started.set()
        time.sleep(1.0)
        sock.sendall(body[10:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    receipt = json.loads(answer.split(b"\r\n\r\n", 1)[1]).get("receipt") if status == 201 else None
    results.append((status, receipt))


def test_sigterm_finishes_the_requests_in_flight_and_loses_no_accepted_comment(app, tokens):
    consultation_id = factories.consultation_open_today()
    path = f"/api/v1/consultations/{consultation_id}/comments"
    with serve(_env(app), workers=2) as base_url:
        address = urllib.parse.urlsplit(base_url)
        # Load from four callers, each recording what the server accepted.
        accepted, failures, stop = [], [], threading.Event()

        def load(caller: int):
            n = 0
            while not stop.is_set():
                n += 1
                body = json.dumps({"content": f"意见{caller}-{n}", "submitter_type": "individual"})
                try:
                    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
                    connection.request("POST", path, body, {"Content-Type": "application/json"})
                    response = connection.getresponse()
                    answer = json.loads(response.read())
                    connection.close()
                except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected, OSError) as e:
                    failures.append(e)  # after the signal, the listener is closed: refused
                    return
                if response.status == 201:
                    accepted.append(answer["receipt"])

        callers = [threading.Thread(target=load, args=(i,)) for i in range(4)]
        for caller in callers:
            caller.start()
        time.sleep(0.5)
        # Two requests in flight at the moment of the signal, one on each worker.
        slow, began = [], [threading.Event(), threading.Event()]
        slow_callers = [
            threading.Thread(target=_slow_comment, args=(address.hostname, address.port, path, i, began[i], slow))
            for i in range(2)
        ]
        stop.set()  # the load ends, so that the slow requests find a worker free
        for caller in callers:
            caller.join(30)
        for caller in slow_callers:
            caller.start()
        for event in began:
            assert event.wait(10)
        time.sleep(0.2)  # accepted by the workers, their bodies half read
        exit_code = base_url.terminate()
        for caller in slow_callers:
            caller.join(30)
    assert exit_code == 0
    assert sorted(status for status, _ in slow) == [201, 201], slow
    receipts = accepted + [receipt for _, receipt in slow]
    db.session.remove()
    stored = set(db.session.scalars(sa.select(Comment.receipt)).all())
    assert set(receipts) <= stored and len(receipts) == len(set(receipts)) > 2

"""Webhooks: a delivery to a local receiver with its signature verified as the README shows, a
failure retried later and the subscription failing after a day, a replay from a cursor,
nothing announced of a rolled-back write, the SSRF check, and who may see which subscription."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from core import publication, tick
from core.extensions import db, utcnow
from opendata.webhooks import delivery
from opendata.webhooks.models import Delivery, Subscription
from tests import factories
from tests.conftest import auth

BASE = "http://localhost"


# The README's verification snippet, as a partner would paste it.
def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    timestamp = headers["X-Juece-Timestamp"]
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    fresh = abs(time.time() - int(timestamp)) <= tolerance
    return fresh and hmac.compare_digest("sha256=" + mac.hexdigest(), headers["X-Juece-Signature"])


class Receiver:
    """A local HTTP server that keeps each POST and answers the next of `statuses` (200 after)."""

    def __init__(self, keep_alive=False):
        self.received, self.statuses, self.connections, self.sockets = [], [], [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps a connection open after each answer; 1.0 closes it.
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                receiver.connections.append(self.client_address)
                receiver.sockets.append(self.connection)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self):
        return [json.loads(body) for _, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def decision(app, units, tokens):
    decision = factories.catalogued_decision()
    db.session.commit()
    return decision


def subscribe(client, token, url, events=("draft_published",), **fields):
    response = client.post(
        "/api/v1/subscriptions", json={"url": url, "events": list(events), **fields}, headers=auth(token)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliver(clock=utcnow) -> int:
    db.session.commit()  # what the test wrote is committed; the worker has connections of its own
    return delivery.deliver_once(clock)


def test_a_delivery_is_signed_and_is_the_change_feed_entry(client, tokens, receiver, decision):
    subscription = subscribe(client, tokens["partner"], receiver.url)
    assert len(subscription["secret"]) >= 32
    assert (
        client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=auth(tokens["partner"]))
        .get_json()
        .get("secret")
        is None
    ), "the secret is shown once"
    factories.background(decision)
    factories.draft(decision)

    assert deliver() == 1
    [(headers, body)] = receiver.received
    assert verify(subscription["secret"], headers, body)
    assert not verify("another secret of some length", headers, body)
    payload = json.loads(body)
    [entry] = [e for e in client.get("/api/v1/changes").get_json()["entries"] if e["type"] == "draft_published"]
    assert payload == {
        "event_id": entry["cursor"],
        "event": "draft_published",
        "subscription_id": subscription["id"],
        "entry": entry,
    }
    assert headers["X-Juece-Event"] == "draft_published"
    assert headers["Content-Type"] == "application/json"

    partner = auth(tokens["partner"])
    [attempt] = client.get(f"/api/v1/subscriptions/{subscription['id']}/deliveries", headers=partner).get_json()
    assert attempt["id"] == headers["X-Juece-Delivery"]
    assert (attempt["event_id"], attempt["status_code"], attempt["delivered"], attempt["error"]) == (
        entry["cursor"],
        200,
        True,
        None,
    )
    shown = client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=partner).get_json()
    assert shown["cursor"] == str(publication.last_seq()) and shown["state"] == "active"
    assert deliver() == 0 and len(receiver.received) == 1, "nothing is sent twice"


def test_a_failure_is_retried_later_and_after_a_day_the_subscription_is_failing(client, tokens, receiver, decision):
    subscription = subscribe(client, tokens["partner"], receiver.url, events=["draft_published", "withdrawn"])
    factories.draft(decision)
    receiver.statuses = [500]
    t0 = utcnow()

    assert deliver(lambda: t0) == 0
    partner = auth(tokens["partner"])
    [failed] = client.get(f"/api/v1/subscriptions/{subscription['id']}/deliveries", headers=partner).get_json()
    assert (failed["status_code"], failed["delivered"], failed["error"]) == (
        500,
        False,
        "HTTP 500 Internal Server Error",
    )
    assert dt.datetime.fromisoformat(failed["next_retry_at"]) == t0 + dt.timedelta(minutes=1)
    assert deliver(lambda: t0 + dt.timedelta(seconds=30)) == 0 and len(receiver.received) == 1, "not due yet"

    assert deliver(lambda: t0 + dt.timedelta(seconds=61)) == 1
    first, second = receiver.received
    assert first[1] == second[1], "the same event again"
    assert first[0]["X-Juece-Delivery"] != second[0]["X-Juece-Delivery"]
    shown = client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=partner).get_json()
    assert (shown["state"], shown["attempts"], shown["last_error"]) == ("active", 0, "HTTP 500 Internal Server Error")

    # A receiver that fails for a day: retried with a doubling wait, then the subscription fails.
    factories.draft(decision, title="第二稿")
    receiver.statuses = [503] * 50
    at = t0 + dt.timedelta(minutes=2)
    waits = []
    while client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=partner).get_json()["state"] == "active":
        deliver(lambda at=at: at)
        row = db.session.get(Subscription, subscription["id"])
        db.session.refresh(row)
        waits.append(row.next_attempt_at - at)
        at = row.next_attempt_at
        assert len(waits) < 40
    minute = dt.timedelta(minutes=1)
    assert waits[:7] == [minute, 2 * minute, 4 * minute, 8 * minute, 16 * minute, 32 * minute, 60 * minute]
    shown = client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=partner).get_json()
    assert shown["last_error"] == "HTTP 503 Service Unavailable"
    sent = len(receiver.received)
    assert deliver(lambda: at + dt.timedelta(days=1)) == 0 and len(receiver.received) == sent, "failing: left alone"

    # Set active again, it takes up where it stopped.
    receiver.statuses = []
    patched = client.patch(f"/api/v1/subscriptions/{subscription['id']}", json={"state": "active"}, headers=partner)
    assert patched.status_code == 200 and patched.get_json()["state"] == "active"
    assert deliver() == 1
    assert receiver.payloads()[-1]["entry"]["title"].endswith("第二稿")


def test_a_batch_is_posted_over_one_kept_alive_connection(app, client, tokens, decision, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    receiver = Receiver(keep_alive=True)
    try:
        subscription = subscribe(client, tokens["partner"], receiver.url, events=["draft_published"])
        for title in ("第一稿", "第二稿", "第三稿"):
            factories.draft(decision, title=title)
        assert deliver() == 3
        assert len(set(receiver.connections)) == 1, "one connection for the batch, not one per POST"
        assert all(verify(subscription["secret"], headers, body) for headers, body in receiver.received)
        seqs = [int(p["event_id"]) for p in receiver.payloads()]
        assert seqs == sorted(seqs) and len(set(seqs)) == 3
    finally:
        receiver.close()


def test_a_kept_connection_the_receiver_dropped_is_made_again(app, client, tokens, receiver):
    # A Sender whose kept connection the receiver closed meanwhile (its keep-alive ran out).
    keeping = Receiver(keep_alive=True)
    try:
        sender = delivery.Sender(keeping.url)
        assert sender.post(b"{}", {"Content-Type": "application/json"}) == (200, None)
        assert sender.connection is not None
        keeping.sockets[0].shutdown(socket.SHUT_RDWR)  # the receiver drops it
        assert sender.post(b"{}", {"Content-Type": "application/json"}) == (200, None)
        assert len(keeping.received) == 2 and len(set(keeping.connections)) == 2
        receiver.statuses.append(503)
        closing = delivery.Sender(receiver.url)  # HTTP/1.0: closed after each answer
        assert closing.post(b"{}", {}) == (503, "HTTP 503 Service Unavailable")
        assert closing.connection is None and closing.post(b"{}", {}) == (200, None)
        sender.close()
    finally:
        keeping.close()


def test_a_replay_from_a_cursor_delivers_again_in_order(client, tokens, receiver, decision):
    subscription = subscribe(client, tokens["partner"], receiver.url, events=["catalogued", "draft_published"])
    factories.draft(decision)
    factories.draft(decision, title="第二稿")
    assert deliver() == 2
    partner = auth(tokens["partner"])
    replayed = client.post(f"/api/v1/subscriptions/{subscription['id']}/replay", json={"from": "0"}, headers=partner)
    assert replayed.status_code == 200 and replayed.get_json()["cursor"] == "0"

    assert deliver() == 3, "the catalogued entry from before it subscribed, and both drafts again"
    events = [(p["event"], int(p["event_id"])) for p in receiver.payloads()]
    assert [e for e, _ in events[2:]] == ["catalogued", "draft_published", "draft_published"]
    assert events[3:] == events[:2]
    assert [seq for _, seq in events[2:]] == sorted(seq for _, seq in events[2:])

    never = client.post(f"/api/v1/subscriptions/{subscription['id']}/replay", json={"from": "999"}, headers=partner)
    assert never.status_code == 400 and never.headers["Content-Type"] == "application/problem+json"
    bad = client.post(f"/api/v1/subscriptions/{subscription['id']}/replay", json={"from": "x"}, headers=partner)
    assert bad.status_code == 422


def test_a_rolled_back_write_announces_nothing(client, tokens, receiver, decision):
    subscribe(client, tokens["partner"], receiver.url, events=["comment_published", "inquiry_published"])
    db.session.commit()
    fact = publication.Fact(decision.id, "inquiry_published", "一个问题", f"/decisions/{decision.id}/x")
    publication.record_fact(fact)
    db.session.rollback()
    assert deliver() == 0 and receiver.received == []

    publication.record_fact(fact)
    db.session.commit()
    assert deliver() == 1
    assert [p["event"] for p in receiver.payloads()] == ["inquiry_published"]


def test_only_the_unit_or_decision_subscribed_to(client, tokens, receiver, decision):
    other = factories.catalogued_decision(lead_unit="jd-jyj", title="嘉定区义务教育阶段学校课后服务实施办法")
    db.session.commit()
    by_unit = subscribe(client, tokens["partner"], receiver.url, unit="JD-JYJ")
    by_decision = subscribe(client, tokens["partner"], receiver.url, decision_id=decision.id)
    assert by_unit["unit"] == "jd-jyj"
    factories.draft(decision)
    factories.draft(other)
    assert deliver() == 2
    told = {(p["subscription_id"], p["entry"]["decision_id"]) for p in receiver.payloads()}
    assert told == {(by_unit["id"], other.id), (by_decision["id"], decision.id)}


def test_two_workers_never_hold_one_subscription(client, tokens, receiver, decision):
    subscribe(client, tokens["partner"], receiver.url)
    db.session.commit()
    now = utcnow()
    assert delivery._claim("worker-a", now, 0) is None, "nothing to tell it: not taken"
    factories.draft(decision)
    db.session.commit()
    assert delivery._claim("worker-a", now, 0) is not None
    assert delivery._claim("worker-b", now, 0) is None, "leased to worker a"
    assert delivery._claim("worker-b", now + delivery.LEASE + dt.timedelta(seconds=1), 0) is not None, "lease over"


def test_workers_side_by_side_deliver_each_event_once(app, client, tokens, receiver, decision):
    subscriptions = [subscribe(client, tokens["partner"], receiver.url) for _ in range(4)]
    factories.draft(decision)
    factories.draft(decision, title="第二稿")
    db.session.commit()
    start, counts = threading.Barrier(2, timeout=10), []

    def worker():
        with app.app_context():
            start.wait()
            counts.append(delivery.deliver_once())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    told = [(p["subscription_id"], p["event_id"]) for p in receiver.payloads()]
    assert sum(counts) == len(told) == len(set(told)) == 8
    assert {s for s, _ in told} == {s["id"] for s in subscriptions}
    for subscription in subscriptions:  # each in cursor order
        seqs = [int(e) for s, e in told if s == subscription["id"]]
        assert seqs == sorted(seqs)


def test_what_a_worker_did_after_losing_its_lease_counts_for_nothing(client, tokens, receiver, decision):
    subscription = subscribe(client, tokens["partner"], receiver.url)
    factories.draft(decision)
    db.session.commit()
    now = utcnow()
    assert delivery._claim("worker-a", now, 0) is not None
    partner = auth(tokens["partner"])
    client.post(f"/api/v1/subscriptions/{subscription['id']}/replay", json={"from": "0"}, headers=partner)
    attempt = {"id": "a" * 32, "seq": 1, "type": "catalogued", "attempt": 1, "attempted_at": now, "delivered": True}
    assert not delivery._record("worker-a", subscription["id"], attempt, {"cursor": 99})
    shown = client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=partner).get_json()
    assert shown["cursor"] == "0"
    assert client.get(f"/api/v1/subscriptions/{subscription['id']}/deliveries", headers=partner).get_json() == []


def test_an_address_refused_since_subscribing_is_not_posted_to(app, client, tokens, receiver, decision, monkeypatch):
    subscription = subscribe(client, tokens["partner"], receiver.url)
    factories.draft(decision)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    assert deliver() == 0 and receiver.received == []
    shown = client.get(f"/api/v1/subscriptions/{subscription['id']}", headers=auth(tokens["partner"])).get_json()
    assert "127.0.0.1" in shown["last_error"] and shown["attempts"] == 1


def test_tick_forgets_attempts_after_thirty_days(client, tokens, receiver, decision):
    subscribe(client, tokens["partner"], receiver.url)
    factories.draft(decision)
    assert deliver() == 1
    old = utcnow() - dt.timedelta(days=31)
    db.session.execute(sa.update(Delivery).values(attempted_at=old))
    db.session.commit()
    assert tick.run()["webhook deliveries past their retention"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0


def test_a_decision_the_partner_may_not_see_is_no_filter(client, tokens, receiver, decision):
    hidden = factories.decision(title="嘉定区老旧小区加装电梯补贴办法")  # added to the catalogue after it was published
    db.session.commit()
    body = {"url": receiver.url, "events": ["draft_published"], "decision_id": hidden.id}
    refused = client.post("/api/v1/subscriptions", json=body, headers=auth(tokens["partner"]))
    assert refused.status_code == 422 and "decision_id" in refused.get_json()["errors"]["json"]
    assert client.post("/api/v1/subscriptions", json=body, headers=auth(tokens["admin"])).status_code == 201


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/",
    ],
)
def test_private_addresses_are_refused_unless_the_setting_allows_them(client, tokens, url):
    response = client.post(
        "/api/v1/subscriptions", json={"url": url, "events": ["draft_published"]}, headers=auth(tokens["partner"])
    )
    assert response.status_code == 422, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "url" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://partner.example/hook", "events": ["draft_published"]},
        {"url": "not a url", "events": ["draft_published"]},
        {"url": "https://user:pw@partner.example/hook", "events": ["draft_published"]},
        {"url": "https://93.184.215.14/hook", "events": ["no_such_event"]},
        {"url": "https://93.184.215.14/hook", "events": []},
        {"url": "https://93.184.215.14/hook", "events": ["draft_published"], "unit": "no-such-unit"},
        {"url": "https://93.184.215.14/hook", "events": ["draft_published"], "decision_id": 999},
        {"url": "https://93.184.215.14/hook", "events": ["draft_published"], "secret": "short"},
    ],
)
def test_bad_input_is_a_problem(client, tokens, body):
    response = client.post("/api/v1/subscriptions", json=body, headers=auth(tokens["partner"]))
    assert response.status_code == 422, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_public_address_is_accepted(client, tokens):
    response = client.post(
        "/api/v1/subscriptions",
        json={"url": "https://93.184.215.14/hook", "events": ["draft_published"], "secret": "s" * 20},
        headers=auth(tokens["partner"]),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["secret"] == "s" * 20
    assert response.headers["Location"].endswith(f"/api/v1/subscriptions/{response.get_json()['id']}")


def test_who_may_see_which_subscription(app, client, tokens, receiver):
    mine = subscribe(client, tokens["partner"], receiver.url)
    theirs = subscribe(client, tokens["admin"], receiver.url)
    path = f"/api/v1/subscriptions/{mine['id']}"
    assert client.get("/api/v1/subscriptions").status_code == 401
    assert client.post("/api/v1/subscriptions", json={"url": receiver.url, "events": ["withdrawn"]}).status_code == 401
    assert client.get("/api/v1/subscriptions", headers=auth(tokens["editor"])).status_code == 403

    other_partner = factories.auth.create_account("另一个应用", role="partner")[1]
    assert client.get(path, headers=auth(other_partner)).status_code == 404
    assert client.patch(path, json={"events": ["withdrawn"]}, headers=auth(other_partner)).status_code == 404
    assert client.delete(path, headers=auth(other_partner)).status_code == 404
    assert client.get(f"{path}/deliveries", headers=auth(other_partner)).status_code == 404
    assert client.post(f"{path}/replay", json={"from": "0"}, headers=auth(other_partner)).status_code == 404
    assert client.get("/api/v1/subscriptions", headers=auth(other_partner)).get_json() == []

    listed = client.get("/api/v1/subscriptions", headers=auth(tokens["partner"])).get_json()
    assert [s["id"] for s in listed] == [mine["id"]] and "secret" not in listed[0]
    every = client.get("/api/v1/subscriptions", headers=auth(tokens["admin"])).get_json()
    assert [s["id"] for s in every] == [mine["id"], theirs["id"]]
    assert client.get(path, headers=auth(tokens["admin"])).status_code == 200

    assert client.delete(path, headers=auth(tokens["partner"])).status_code == 204
    assert client.get(path, headers=auth(tokens["partner"])).status_code == 404

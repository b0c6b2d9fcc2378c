"""Registrations for an open activity (公众参与活动咨询报名): anyone while it is published and
ahead, a receipt like a comment's, capacity kept under concurrency, then a waiting list; the
registrant's name and contact reach the unit only."""

import datetime as dt
import threading
import time

import sqlalchemy as sa

from consultation.activities import services
from consultation.activities.models import Registration
from core.extensions import db
from tests.conftest import auth
from tests.consultation.activity_helpers import ok, planned, problem, published

NAME, PHONE = "报名测试姓名", "13987654321"


def _register(client, activity_id, headers=None, **body):
    body = {"name": NAME, "contact": PHONE} | body
    return client.post(f"/api/v1/activities/{activity_id}/registrations", json=body, headers=headers or {})


def test_within_capacity_a_place_beyond_it_the_waiting_list(client, tokens, today):
    activity = published(client, tokens)  # capacity 2
    answers = [ok(_register(client, activity["id"], contact=f"1380000000{n}"), 201) for n in range(4)]
    assert [(a["state"], a["waiting_position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waiting", 1),
        ("waiting", 2),
    ]
    receipt = ok(client.get(f"/api/v1/receipts/{answers[3]['receipt']}"))
    assert receipt["state"] == "waiting" and receipt["waiting_position"] == 2
    assert receipt["activity_id"] == activity["id"] and "name" not in receipt and "contact" not in receipt
    shown = ok(client.get(f"/api/v1/activities/{activity['id']}"))
    assert shown["registrations"] == {"registered": 4, "confirmed": 2, "waiting": 2, "places_left": 0}


def test_an_activity_without_a_limit_confirms_everyone(client, tokens, today):
    activity = published(client, tokens, capacity=None, form="live_stream", stream_url="https://live.example.cn/1")
    for n in range(3):
        assert ok(_register(client, activity["id"], contact=f"live{n}@example.cn"), 201)["state"] == "confirmed"


def test_registrations_are_taken_while_the_activity_is_published_and_ahead(client, tokens, today):
    draft = planned(client, tokens)
    # The public does not learn of a plan; its unit's staff are told why.
    assert _register(client, draft["id"]).status_code == 404
    problem(_register(client, draft["id"], auth(tokens["editor"])), 409, "activity-not-published")
    activity = published(client, tokens)
    today["value"] = dt.date(2026, 8, 13)
    ok(_register(client, activity["id"]), 201)
    today["value"] = dt.date(2026, 8, 14)  # its day began
    problem(_register(client, activity["id"], contact="13800000009"), 409, "registration-closed")


def test_one_registration_per_contact_however_it_is_written(client, tokens, today):
    activity = published(client, tokens)
    ok(_register(client, activity["id"], contact="138-0000-0001"), 201)
    problem(_register(client, activity["id"], contact=" 13800000001 ", name="另一人"), 409, "already-registered")
    db.session.rollback()
    stored = db.session.scalar(sa.select(Registration))
    assert stored.contact == "138-0000-0001" and PHONE not in stored.contact_key and len(stored.contact_key) == 64


def test_names_and_contacts_reach_the_unit_only(client, tokens, evaluator, today):
    activity = published(client, tokens)
    made = ok(_register(client, activity["id"]), 201)
    path = f"/api/v1/activities/{activity['id']}/registrations"
    for staff in (tokens["editor"], tokens["admin"], evaluator):
        [seen] = ok(client.get(path, headers=auth(staff)))
        assert (seen["name"], seen["contact"], seen["position"]) == (NAME, PHONE, 1)
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth(tokens["other_editor"])).status_code == 403
    assert client.get(path, headers=auth(tokens["partner"])).status_code == 403
    for response in (
        client.get(f"/api/v1/receipts/{made['receipt']}"),
        client.get(f"/api/v1/activities/{activity['id']}"),
        client.get("/api/v1/activities"),
        client.get("/api/v1/changes"),
    ):
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and NAME not in text and PHONE not in text
    # The audit log keeps that someone registered, not who.
    audit = client.get("/api/v1/audit?record_type=activity_registrations", headers=auth(tokens["admin"]))
    assert ok(audit) and NAME not in audit.get_data(as_text=True) and PHONE not in audit.get_data(as_text=True)


def test_concurrent_registrations_take_the_places_one_after_the_other(app, client, tokens, today, monkeypatch):
    """Every registration reads the last place taken and takes the next: each holds the
    activity's row from its read to its commit (FOR UPDATE on PostgreSQL, SQLite's write lock),
    so none reads a place another is taking. Slowed between the read of the row and the
    insert, they would all take place 1 without it."""
    activity = published(client, tokens, capacity=3)
    slow = services.contact_key

    def slowly(contact):
        time.sleep(0.05)
        return slow(contact)

    monkeypatch.setattr(services, "contact_key", slowly)
    db.session.rollback()
    count, start, answers = 8, threading.Barrier(8, timeout=10), []

    def one(n):
        start.wait()
        answers.append(_register(app.test_client(), activity["id"], contact=f"1390000000{n}"))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers) == [201] * count, [a.get_json() for a in answers]
    states = sorted((a.get_json()["state"], a.get_json()["waiting_position"] or 0) for a in answers)
    assert states == [("confirmed", 0)] * 3 + [("waiting", n) for n in range(1, 6)]
    db.session.rollback()
    positions = db.session.scalars(sa.select(Registration.position).order_by(Registration.position)).all()
    assert positions == list(range(1, count + 1))


def test_the_evaluator_does_not_register(client, tokens, evaluator, today):
    activity = published(client, tokens)
    problem(_register(client, activity["id"], auth(evaluator)), 403, "evaluator-reads-only")


def test_staff_enter_a_registration_taken_by_phone_with_its_day(client, tokens, today):
    activity = published(client, tokens)  # 1 April, for 14 August
    today["value"] = dt.date(2026, 9, 1)
    editor = auth(tokens["editor"])
    made = ok(_register(client, activity["id"], editor, registered_on="2026-08-10"), 201)
    assert made["registered_on"] == "2026-08-10" and made["state"] == "confirmed"
    problem(
        _register(client, activity["id"], editor, contact="13800000001", registered_on="2026-08-14"),
        409,
        "registration-closed",
    )
    for day in ("2026-03-31", "2026-09-02"):
        assert _register(client, activity["id"], editor, contact="13800000002", registered_on=day).status_code == 422
    today["value"] = dt.date(2026, 8, 1)
    public = _register(client, activity["id"], contact="13800000003", registered_on="2026-07-30")
    assert public.status_code == 422 and "registered_on" in public.get_json()["errors"]["json"]

"""The rules of comments (意见): taken while open from every channel, once per Idempotency-Key,
with a receipt; moderated, disposed of with reasons, clustered, counted; rate limited."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from consultation.comments import services
from consultation.comments.models import Comment
from core import audit
from core.extensions import db
from core.migrations import use_flask_migrate
from core.ratelimit import limiter
from decisions.catalogues import services as catalogue_services
from decisions.models import Catalogue
from tests import factories
from tests.conftest import IsolatedClient, auth, sent_twice_at_once

PROBLEMS = "https://juece.example/problems/"


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _problem(response, status, slug=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if slug is not None:
        assert body["type"] == PROBLEMS + slug
    return body


def _post(client, consultation_id, headers=None, **body):
    body.setdefault("content", "建议进一步加大对小微企业的贷款贴息支持。")
    body.setdefault("submitter_type", "individual")
    return client.post(f"/api/v1/consultations/{consultation_id}/comments", json=body, headers=headers or {})


def _stored(**where):
    db.session.rollback()  # end the test's read, to see what requests committed
    return db.session.scalars(sa.select(Comment).filter_by(**where).order_by(Comment.id)).all()


@pytest.fixture
def cid(consulted):
    return consulted[1].id


# --- Taking comments ---------------------------------------------------------------------------


def test_comments_are_taken_only_while_the_consultation_is_open(client, cid, today):
    for day in (dt.date(2026, 4, 2), dt.date(2026, 5, 3)):
        today["value"] = day
        body = _problem(_post(client, cid), 409, "consultation-not-open")
        assert "2026-04-03" in body["detail"] and "2026-05-02" in body["detail"]
    for day in (dt.date(2026, 4, 3), dt.date(2026, 5, 2)):
        today["value"] = day
        assert _ok(_post(client, cid), 201)["received_on"] == day.isoformat()
    assert len(_stored()) == 2


def test_a_comment_has_content_of_at_most_5000_characters(client, cid):
    for body in ({"content": None}, {"content": ""}):
        errors = _problem(_post(client, cid, **body), 422)["errors"]["json"]
        assert "content" in errors
    errors = _problem(client.post(f"/api/v1/consultations/{cid}/comments", json={"submitter_type": "individual"}), 422)
    assert "content" in errors["errors"]["json"]
    _problem(_post(client, cid, content="意" * 5001), 422)
    # A NUL is no text (PostgreSQL could not store it): refused, not a failure on storing.
    assert "content" in _problem(_post(client, cid, content="意见\u0000"), 422)["errors"]["json"]
    assert "name" in _problem(_post(client, cid, name="张\u0000三"), 422)["errors"]["json"]
    assert _ok(_post(client, cid, content="意" * 5000), 201)
    assert [len(c.content) for c in _stored()] == [5000]


def test_the_public_comments_online_by_the_portal_unless_it_names_another_online_channel(client, cid):
    assert _ok(_post(client, cid), 201)["channel"] == "portal"
    assert _ok(_post(client, cid, channel="yiwangtongban"), 201)["channel"] == "yiwangtongban"
    for offline in ("letter", "meeting", "hotline_12345"):
        assert "channel" in _problem(_post(client, cid, channel=offline), 422)["errors"]["json"]
    # Nor does the public back-date a comment.
    assert "received_on" in _problem(_post(client, cid, received_on="2026-04-05"), 422)["errors"]["json"]
    assert [c.channel for c in _stored()] == ["portal", "yiwangtongban"]


def test_a_partners_comment_carries_the_partners_channel(client, tokens, cid):
    partner = auth(tokens["partner"])
    for sent in (None, "portal", "letter"):
        assert _ok(_post(client, cid, partner, channel=sent), 201)["channel"] == "suishenban"
    assert [c.channel for c in _stored()] == ["suishenban"] * 3


def test_staff_enter_offline_comments_received_within_the_window_also_after_it_closed(client, tokens, cid, today):
    editor, admin = auth(tokens["editor"]), auth(tokens["admin"])
    today["value"] = dt.date(2026, 5, 20)  # closed
    letter = _ok(_post(client, cid, editor, channel="letter", received_on="2026-04-08", name="王五"), 201)
    assert letter["received_on"] == "2026-04-08" and letter["channel"] == "letter"
    _ok(_post(client, cid, admin, channel="hotline_12345", received_on="2026-05-02"), 201)
    for outside in ("2026-04-02", "2026-05-03"):
        errors = _problem(_post(client, cid, editor, channel="letter", received_on=outside), 422)["errors"]
        assert "received_on" in errors["json"]
    # Staff say how it came in, and not from the future.
    _problem(_post(client, cid, editor, received_on="2026-04-08"), 422)
    today["value"] = dt.date(2026, 4, 10)
    _problem(_post(client, cid, editor, channel="letter", received_on="2026-04-11"), 422)
    stored = _stored()
    assert [(c.channel, c.received_on) for c in stored] == [
        ("letter", dt.date(2026, 4, 8)),
        ("hotline_12345", dt.date(2026, 5, 2)),
    ]
    assert stored[0].entered_by == factories.account("editor", "jd-fgw").id


def test_an_editor_of_another_unit_enters_no_comments(client, tokens, cid):
    response = _post(client, cid, auth(tokens["other_editor"]), channel="letter", received_on="2026-04-08")
    _problem(response, 403)
    assert _stored() == []


def test_a_withdrawn_decision_takes_no_comments(client, tokens, consulted):
    decision, consultation = consulted
    catalogue_services.adjust(
        db.session.get(Catalogue, ("", 2026)),
        type="withdraw",
        decision_id=decision.id,
        reason="情况发生变化",
        approved_on=dt.date(2026, 4, 9),
        published_on=dt.date(2026, 4, 9),
    )
    _problem(_post(client, consultation.id), 409, "decision-withdrawn")
    staff = _post(client, consultation.id, auth(tokens["editor"]), channel="letter", received_on="2026-04-08")
    _problem(staff, 409, "decision-withdrawn")
    assert _stored() == []


# --- Idempotency -------------------------------------------------------------------------------


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_comment(client, cid):
    first = _post(client, cid, {"Idempotency-Key": "a5b1c9e0-retry"}, name="赵六", contact="13700000000")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post(client, cid, {"Idempotency-Key": "a5b1c9e0-retry"}, name="赵六", contact="13700000000")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert len(_stored()) == 1
    # The key is the client's: another key is another comment.
    _ok(_post(client, cid, {"Idempotency-Key": "another"}, name="赵六", contact="13700000000"), 201)
    assert len(_stored()) == 2


def test_a_retry_after_midnight_or_after_the_close_returns_the_first_comment(client, tokens, cid, today):
    today["value"] = dt.date(2026, 5, 2)  # the last day
    first = _ok(_post(client, cid, {"Idempotency-Key": "late-evening"}, content="最后一天的意见"), 201)
    for day in (dt.date(2026, 5, 3), dt.date(2026, 5, 20)):  # the answer was lost; the app retries
        today["value"] = day
        again = _post(client, cid, {"Idempotency-Key": "late-evening"}, content="最后一天的意见")
        assert again.status_code == 201, again.get_json()
        assert again.get_json() == first and again.headers["Idempotent-Replayed"] == "true"
    partner = {**auth(tokens["partner"]), "Idempotency-Key": "from-the-app"}
    today["value"] = dt.date(2026, 4, 10)
    sent = _ok(_post(client, cid, partner, channel="portal"), 201)
    today["value"] = dt.date(2026, 4, 11)
    assert _ok(_post(client, cid, partner, channel="portal"), 201) == sent
    assert len(_stored()) == 2
    # A new comment after the close is still refused.
    today["value"] = dt.date(2026, 5, 3)
    _problem(_post(client, cid, {"Idempotency-Key": "new"}, content="迟到的意见"), 409, "consultation-not-open")


def test_an_idempotency_key_reused_for_a_different_comment_is_refused(client, cid):
    _ok(_post(client, cid, {"Idempotency-Key": "k-1"}, content="第一条意见"), 201)
    body = _problem(_post(client, cid, {"Idempotency-Key": "k-1"}, content="第二条意见"), 422, "idempotency-key-reused")
    assert "Idempotency-Key" in body["detail"]
    assert [c.content for c in _stored()] == ["第一条意见"]


def test_one_key_in_two_consultations_is_two_comments_each_replayed_in_its_own(client, cid):
    # A key is the client's per comment, and unique per consultation: the same key on another
    # consultation stores another comment, and a repeat on either returns that one's own.
    _, other = factories.consulted_decision(title="嘉定区老旧小区加装电梯补贴办法")
    first = _ok(_post(client, cid, {"Idempotency-Key": "app-key-1"}, content="意见一"), 201)
    second = _ok(_post(client, other.id, {"Idempotency-Key": "app-key-1"}, content="意见一"), 201)
    assert second["id"] != first["id"]
    for consultation_id, answer in ((cid, first), (other.id, second)):
        again = _post(client, consultation_id, {"Idempotency-Key": "app-key-1"}, content="意见一")
        assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == answer
    assert sorted(c.consultation_id for c in _stored()) == sorted([cid, other.id])


def test_a_write_refused_by_another_constraint_is_not_taken_for_a_repeat(app, cid, monkeypatch, caplog):
    def refused(*_args):
        raise sa.exc.IntegrityError("INSERT INTO comments ...", {}, Exception("another constraint"))

    monkeypatch.setattr(services, "_store", refused)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered as any unforeseen error is
    try:
        response = _post(app.test_client(), cid, {"Idempotency-Key": "k-refused"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    _problem(response, 500)
    (logged,) = [r for r in caplog.records if r.exc_info]
    assert isinstance(logged.exc_info[1], sa.exc.IntegrityError)  # the database's refusal, as it came
    assert _stored() == []


def test_a_repeat_is_looked_up_by_its_key_whatever_a_consultation_holds(app, cid):
    # The lookup must not read a consultation's comments to find one key: PostgreSQL caches a
    # generic plan for it, made while the table may still be small (migration 0007).
    sql = str(services._SUBMISSION.compile(dialect=db.engine.dialect))
    db.session.rollback()
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ("k", cid)).all()
            (lookup,) = [row[-1] for row in plan if " comments " in f"{row[-1]} "]
            assert "(idempotency_key=?" in lookup, plan
        else:
            numbered = sql.replace("%(key)s", "$1").replace("%(consultation_id)s", "$2")
            connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            connection.exec_driver_sql(f"PREPARE submission(varchar, integer) AS {numbered}")
            plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN EXECUTE submission('k', 1)"))
            connection.rollback()
            assert "ix_comments_consultation" not in plan, plan


def test_concurrent_repeats_under_one_idempotency_key_store_one_comment(app, cid, monkeypatch):
    answers = sent_twice_at_once(
        app,
        monkeypatch,
        lambda client: _post(client, cid, {"Idempotency-Key": "same-moment"}, content="同时提交的意见"),
        module=services,
        lookup="_submission",
        found=lambda found: found[1] is not None,
    )
    stored = _stored()
    assert len(stored) == 1 and stored[0].id == answers[0].get_json()["id"]


def test_a_repeat_is_answered_while_another_worker_holds_sqlites_write_lock(app, client, cid):
    # A submission reads before it takes the write lock (core.extensions.reading_first): a
    # retry finds its comment without waiting for another worker's writes to end.
    first = _ok(_post(client, cid, {"Idempotency-Key": "held"}), 201)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    db.session.rollback()
    with db.engine.connect() as other:
        other.connection.driver_connection.execute("BEGIN IMMEDIATE")  # another worker, writing
        try:
            again = _post(client, cid, {"Idempotency-Key": "held"})
        finally:
            other.connection.driver_connection.execute("ROLLBACK")
    assert again.status_code == 201 and again.get_json() == first
    assert again.headers["Idempotent-Replayed"] == "true"


# --- Receipts ----------------------------------------------------------------------------------


def test_a_receipt_is_unguessable_and_shows_state_disposition_and_reason(client, tokens, cid):
    first = _ok(_post(client, cid), 201)
    second = _ok(_post(client, cid), 201)
    receipts = [first["receipt"], second["receipt"]]
    assert receipts[0] != receipts[1]
    for receipt in receipts:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", receipt)  # at least 128 random bits, URL-safe
    assert first["_links"]["receipt"]["href"].endswith(f"/api/v1/receipts/{receipts[0]}")

    shown = _ok(client.get(f"/api/v1/receipts/{receipts[0]}"))
    assert shown["moderation"] == "pending" and shown["disposition"] is None and shown["reason"] is None
    editor = auth(tokens["editor"])
    _ok(
        client.put(
            f"/api/v1/comments/{first['id']}/disposition",
            json={"disposition": "not_adopted", "reason_code": "outside_competence", "reason": "属市级事权"},
            headers=editor,
        )
    )
    _ok(client.post(f"/api/v1/comments/{first['id']}/moderation", json={"action": "publish"}, headers=editor))
    shown = _ok(client.get(f"/api/v1/receipts/{receipts[0]}"))
    assert (shown["moderation"], shown["disposition"], shown["reason_code"], shown["reason"]) == (
        "published",
        "not_adopted",
        "outside_competence",
        "属市级事权",
    )
    assert shown["disposed_on"] == "2026-04-10"
    assert "name" not in shown and "contact" not in shown
    assert _ok(client.get(f"/api/v1/receipts/{receipts[1]}"))["comment_id"] == second["id"]


def test_an_unknown_receipt_is_not_found(client, cid):
    receipt = _ok(_post(client, cid), 201)["receipt"]
    for unknown in ("x" * len(receipt), receipt[:-1], receipt + "x"):
        _problem(client.get(f"/api/v1/receipts/{unknown}"), 404)


# --- Moderation --------------------------------------------------------------------------------


def _public_ids(client, cid):
    return [c["id"] for c in _ok(client.get(f"/api/v1/consultations/{cid}/comments"))]


def test_a_public_comment_shows_only_once_published_by_moderation(client, tokens, cid):
    comment = _ok(_post(client, cid, content="待审核的意见"), 201)
    assert _public_ids(client, cid) == []
    _problem(client.get(f"/api/v1/comments/{comment['id']}"), 404)
    moderation = f"/api/v1/comments/{comment['id']}/moderation"
    _problem(client.post(moderation, json={"action": "publish"}), 401)
    _problem(client.post(moderation, json={"action": "publish"}, headers=auth(tokens["partner"])), 403)
    _problem(client.post(moderation, json={"action": "publish"}, headers=auth(tokens["other_editor"])), 404)
    assert _ok(client.post(moderation, json={"action": "publish"}, headers=auth(tokens["editor"])))["moderation"] == (
        "published"
    )
    assert _public_ids(client, cid) == [comment["id"]]
    assert _ok(client.get(f"/api/v1/comments/{comment['id']}"))["content"] == "待审核的意见"


def test_a_rejection_needs_a_reason_and_a_rejected_comment_never_shows(client, tokens, cid):
    editor = auth(tokens["editor"])
    comment = _ok(_post(client, cid, content="广告内容"), 201)
    moderation = f"/api/v1/comments/{comment['id']}/moderation"
    assert (
        "reason" in _problem(client.post(moderation, json={"action": "reject"}, headers=editor), 422)["errors"]["json"]
    )
    _ok(client.post(moderation, json={"action": "publish"}, headers=editor))
    assert _public_ids(client, cid) == [comment["id"]]
    rejected = _ok(client.post(moderation, json={"action": "reject", "reason": "与征求意见无关"}, headers=editor))
    assert rejected["moderation"] == "rejected" and rejected["moderation_reason"] == "与征求意见无关"
    assert _public_ids(client, cid) == []
    _problem(client.get(f"/api/v1/comments/{comment['id']}"), 404)
    receipt = _ok(client.get(f"/api/v1/receipts/{comment['receipt']}"))
    assert receipt["moderation"] == "rejected" and receipt["moderation_reason"] == "与征求意见无关"
    assert _ok(client.get(f"/api/v1/consultations/{cid}"))["counts"]["received"] == 0


def test_a_submission_is_audited_as_the_sessions_flush_would_audit_it(client, tokens, cid):
    # Submission writes its row and audit entry without the unit of work (its hot path); the
    # entry must be the one the flush writes for every other record.
    comment = _ok(_post(client, cid, {"Idempotency-Key": "k-audit"}, name="孙七", contact="13900000000"), 201)
    log = _ok(
        client.get(f"/api/v1/audit?record_type=comments&record_id={comment['id']}", headers=auth(tokens["admin"]))
    )
    assert [e["action"] for e in log] == ["create"]
    (entry,) = log
    assert entry["account_id"] is None and entry["actor"] == "anonymous" and entry["request_id"]
    (stored,) = _stored(id=comment["id"])
    as_flushed = audit._created(Comment, {c.key: getattr(stored, c.key) for c in Comment.__table__.c})
    assert entry["changes"] == as_flushed
    assert entry["changes"]["moderation"] == "pending" and entry["changes"]["idempotency_key"] == "k-audit"
    assert not {"name", "contact", "receipt"} & entry["changes"].keys()


def test_a_header_with_nul_is_refused_and_stores_nothing(client, cid):
    body = _problem(_post(client, cid, {"Idempotency-Key": "k\x00ey"}), 422)
    assert "Idempotency-Key" in body["errors"]["headers"]
    assert _stored() == []


def test_the_audit_log_records_each_moderation_with_the_acting_account(client, tokens, cid):
    comment = _ok(_post(client, cid), 201)
    moderation = f"/api/v1/comments/{comment['id']}/moderation"
    _ok(client.post(moderation, json={"action": "publish"}, headers=auth(tokens["editor"])))
    _ok(client.post(moderation, json={"action": "reject", "reason": "重复提交"}, headers=auth(tokens["admin"])))
    log = _ok(
        client.get(f"/api/v1/audit?record_type=comments&record_id={comment['id']}", headers=auth(tokens["admin"]))
    )
    updates = [e for e in reversed(log) if e["action"] == "update"]
    editor, admin = factories.account("editor", "jd-fgw"), factories.account("admin")
    assert [(e["account_id"], e["actor"], e["changes"]) for e in updates] == [
        (editor.id, "editor:发改委 编辑", {"moderation": ["pending", "published"]}),
        (
            admin.id,
            "admin:区政府办公室",
            {"moderation": ["published", "rejected"], "moderation_reason": [None, "重复提交"]},
        ),
    ]
    assert all(e["request_id"] for e in updates)
    _problem(client.get("/api/v1/audit", headers=auth(tokens["editor"])), 403)


def test_comments_of_a_consultation_whose_comments_are_not_public_are_shown_to_staff_only(client, tokens, consulted):
    decision, _ = consulted
    private = factories.consultation(decision, comments_public=False, audience=("public",))
    comment = _ok(_post(client, private.id), 201)
    _ok(
        client.post(
            f"/api/v1/comments/{comment['id']}/moderation", json={"action": "publish"}, headers=auth(tokens["editor"])
        )
    )
    for caller in ({}, auth(tokens["partner"]), auth(tokens["other_editor"])):
        assert _ok(client.get(f"/api/v1/consultations/{private.id}/comments", headers=caller)) == []
        _problem(client.get(f"/api/v1/comments/{comment['id']}", headers=caller), 404)
    db.session.rollback()  # the test writes after the requests did
    staff_only = factories.comment(private, content="未审核")
    for caller in (auth(tokens["editor"]), auth(tokens["admin"])):
        seen = _ok(client.get(f"/api/v1/consultations/{private.id}/comments", headers=caller))
        assert [c["id"] for c in seen] == [comment["id"], staff_only.id]
        assert seen[1]["moderation"] == "pending"
    # The consultation itself and its counts stay public.
    assert _ok(client.get(f"/api/v1/consultations/{private.id}"))["counts"]["received"] == 2


# --- Dispositions and clusters -----------------------------------------------------------------


def test_an_opinion_not_adopted_needs_a_reason_code_and_a_reason(client, tokens, cid):
    editor = auth(tokens["editor"])
    comment = _ok(_post(client, cid), 201)
    url = f"/api/v1/comments/{comment['id']}/disposition"
    for disposition in ("partially_adopted", "not_adopted", "out_of_scope", "duplicate"):
        for reasons in ({}, {"reason_code": "other"}, {"reason": "理由"}):
            body = {"disposition": disposition, **reasons}
            detail = _problem(client.put(url, json=body, headers=editor), 409, "disposition-reason-missing")["detail"]
            assert "reason" in detail
    assert _stored()[0].disposition is None
    adopted = _ok(client.put(url, json={"disposition": "adopted"}, headers=editor))
    assert adopted["disposition"] == "adopted" and adopted["reason"] is None
    other = _ok(_post(client, cid), 201)
    body = {"disposition": "not_adopted", "reason_code": "conflicts_with_law", "reason": "与上位法相抵触"}
    assert _ok(client.put(f"/api/v1/comments/{other['id']}/disposition", json=body, headers=editor))["reason"] == (
        "与上位法相抵触"
    )
    _problem(client.put(url, json={"disposition": "adopted"}, headers=auth(tokens["partner"])), 403)
    _problem(client.put(url, json={"disposition": "adopted"}), 401)


def test_changing_a_disposition_needs_if_match(client, tokens, cid):
    editor = auth(tokens["editor"])
    comment = _ok(_post(client, cid), 201)
    url = f"/api/v1/comments/{comment['id']}/disposition"
    _ok(client.put(url, json={"disposition": "adopted"}, headers=editor))  # the first needs none
    stale = client.get(f"/api/v1/comments/{comment['id']}", headers=editor).headers["ETag"]
    change = {"disposition": "partially_adopted", "reason_code": "cost_or_feasibility", "reason": "部分采纳"}
    _problem(client.put(url, json=change, headers=editor), 428)
    _ok(client.put(url, json=change, headers={**editor, "If-Match": stale}))
    again = {"disposition": "not_adopted", "reason_code": "other", "reason": "不予采纳"}
    _problem(client.put(url, json=again, headers={**editor, "If-Match": stale}), 412)
    assert _stored()[0].disposition == "partially_adopted"
    current = client.get(f"/api/v1/comments/{comment['id']}", headers=editor).headers["ETag"]
    assert _ok(client.put(url, json=again, headers={**editor, "If-Match": current}))["disposition"] == "not_adopted"


def test_a_cluster_applies_one_disposition_and_reason_to_each_of_its_comments(client, tokens, cid):
    editor = auth(tokens["editor"])
    submitted = [_ok(_post(client, cid, content=f"提高贴息比例{n}"), 201) for n in range(3)]
    ids = [c["id"] for c in submitted]
    url = f"/api/v1/consultations/{cid}/clusters"
    cluster = {"summary": "多条意见建议提高贴息比例", "comment_ids": ids[:2], "disposition": "not_adopted"}
    # A cluster may be grouped before its reason is settled; until then its comments stay undisposed,
    # so that no receipt says "not adopted" without saying why.
    pending = _ok(client.post(url, json={**cluster, "comment_ids": [ids[2]]}, headers=editor), 201)
    assert _ok(client.get(f"/api/v1/comments/{ids[2]}", headers=editor))["disposition"] is None
    cluster |= {"reason_code": "cost_or_feasibility", "reason": "财政承受能力有限，暂不提高"}
    _problem(client.post(url, json={**cluster, "comment_ids": [ids[0], 99999]}, headers=editor), 422)
    _problem(client.post(url, json=cluster, headers=auth(tokens["other_editor"])), 403)
    made = _ok(client.post(url, json=cluster, headers=editor), 201)
    assert made["comment_count"] == 2
    for sent in submitted[:2]:
        comment = _ok(client.get(f"/api/v1/comments/{sent['id']}", headers=editor))
        assert (comment["cluster_id"], comment["disposition"], comment["reason_code"], comment["reason"]) == (
            made["id"],
            "not_adopted",
            "cost_or_feasibility",
            "财政承受能力有限，暂不提高",
        )
        receipt = _ok(client.get(f"/api/v1/receipts/{sent['receipt']}"))
        assert (receipt["disposition"], receipt["reason"]) == ("not_adopted", "财政承受能力有限，暂不提高")
    outside = _ok(client.get(f"/api/v1/comments/{ids[2]}", headers=editor))
    assert outside["cluster_id"] == pending["id"] and outside["disposition"] is None
    listed = _ok(client.get(url))
    assert [(c["id"], c["comment_count"], c["reason"]) for c in listed] == [
        (pending["id"], 1, None),
        (made["id"], 2, "财政承受能力有限，暂不提高"),
    ]
    assert _ok(client.get(f"{url}/{made['id']}"))["summary"] == "多条意见建议提高贴息比例"
    assert [c.cluster_id for c in _stored()] == [made["id"], made["id"], pending["id"]]


# --- Counts ------------------------------------------------------------------------------------


class _Statements:
    """The SQL statements the engine runs while counting."""

    def __init__(self):
        self.seen = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self)


def test_the_counts_by_channel_submitter_type_and_disposition_are_right_and_one_query(client, tokens, cid):
    editor = auth(tokens["editor"])
    portal = _ok(_post(client, cid), 201)
    spam = _ok(_post(client, cid, content="广告"), 201)
    _ok(
        client.post(
            f"/api/v1/comments/{spam['id']}/moderation", json={"action": "reject", "reason": "广告"}, headers=editor
        )
    )
    via_app = _ok(_post(client, cid, auth(tokens["partner"]), submitter_type="enterprise", organisation="某公司"), 201)
    letter = _ok(
        _post(client, cid, editor, submitter_type="industry_association", channel="letter", received_on="2026-04-05"),
        201,
    )
    _ok(_post(client, cid, channel="yiwangtongban", submitter_type="expert"), 201)
    _ok(client.put(f"/api/v1/comments/{via_app['id']}/disposition", json={"disposition": "adopted"}, headers=editor))
    not_adopted = {"disposition": "not_adopted", "reason_code": "other", "reason": "不予采纳"}
    _ok(client.put(f"/api/v1/comments/{letter['id']}/disposition", json=not_adopted, headers=editor))
    assert portal

    with _Statements() as statements:
        counts = _ok(client.get(f"/api/v1/consultations/{cid}"))["counts"]
    assert counts == {
        "received": 4,
        "by_channel": {"portal": 1, "suishenban": 1, "letter": 1, "yiwangtongban": 1},
        "by_submitter_type": {"individual": 1, "enterprise": 1, "industry_association": 1, "expert": 1},
        "by_disposition": {"adopted": 1, "not_adopted": 1, "undisposed": 2},
    }
    on_comments = [s for s in statements.seen if "FROM comments" in s]
    assert len(on_comments) == 1 and "GROUP BY" in on_comments[0]
    few = len(statements.seen)

    db.session.rollback()
    consultation = db.session.get(services.Consultation, cid)
    for n in range(20):
        factories.comment(consultation, content=f"意见{n}")
    with _Statements() as statements:
        assert _ok(client.get(f"/api/v1/consultations/{cid}"))["counts"]["received"] == 24
    assert len(statements.seen) == few


# --- Rate limit --------------------------------------------------------------------------------


@pytest.fixture
def limited(tmp_path, today):
    """An app of its own whose anonymous writes are limited to 2 a minute, with an open consultation."""
    limited_app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/limits.sqlite3",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ANONYMOUS_WRITES": "2/minute",
        }
    )
    limited_app.test_client_class = IsolatedClient
    use_flask_migrate(limited_app)
    with limited_app.app_context():
        upgrade()
        limiter.reset()
        factories.district_units()
        tokens = factories.tokens()
        _, consultation = factories.consulted_decision()
        yield limited_app, consultation.id, tokens
        db.session.remove()
        db.engine.dispose()


def test_anonymous_comments_beyond_the_rate_limit_get_429_per_client_address(limited):
    limited_app, cid, tokens = limited
    client = limited_app.test_client()
    first = {"REMOTE_ADDR": "203.0.113.7"}
    answers = [
        client.post(
            f"/api/v1/consultations/{cid}/comments",
            json={"content": f"意见{n}", "submitter_type": "individual"},
            environ_base=first,
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    refused = _problem(answers[2], 429, "rate-limited")
    assert "limit" in refused["detail"]
    assert int(answers[2].headers["Retry-After"]) > 0
    other = client.post(
        f"/api/v1/consultations/{cid}/comments",
        json={"content": "另一个地址的意见", "submitter_type": "individual"},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert other.status_code == 201, other.get_json()
    # Reading is never limited, and staff entering letters are not.
    assert client.get(f"/api/v1/consultations/{cid}/comments", environ_base=first).status_code == 200
    staff = client.post(
        f"/api/v1/consultations/{cid}/comments",
        json={"content": "来信", "submitter_type": "individual", "channel": "letter", "received_on": "2026-04-05"},
        headers=auth(tokens["editor"]),
        environ_base=first,
    )
    assert staff.status_code == 201, staff.get_json()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 4


def test_a_comment_in_a_cluster_shares_its_disposition(client, tokens, consulted):
    _, consultation = consulted
    editor = auth(tokens["editor"])
    comment = client.post(
        f"/api/v1/consultations/{consultation.id}/comments", json={"content": "意见", "submitter_type": "individual"}
    ).get_json()
    cluster = client.post(
        f"/api/v1/consultations/{consultation.id}/clusters",
        json={"summary": "集中意见", "comment_ids": [comment["id"]], "disposition": "adopted"},
        headers=editor,
    ).get_json()
    response = client.put(
        f"/api/v1/comments/{comment['id']}/disposition",
        json={"disposition": "not_adopted", "reason_code": "other", "reason": "另议", "cluster_id": cluster["id"]},
        headers={**editor, "If-Match": client.get(f"/api/v1/comments/{comment['id']}", headers=editor).headers["ETag"]},
    )
    assert response.status_code == 422

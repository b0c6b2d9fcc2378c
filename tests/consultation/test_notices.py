"""Outcome notices: a commenter who left an e-mail or phone and asked is told once, when the
comment's disposition is published; written in that transaction; sent by the configured
notifier (the log's masks the address, SMTP's reaches a local server), retried, then failed."""

import datetime as dt
import logging
import socket

import pytest
import sqlalchemy as sa

from consultation.comments.models import Comment
from consultation.dispositions import services as dispositions
from consultation.notices import sending
from consultation.notices.models import OutcomeNotice
from core.extensions import db, utcnow
from core.publication import PublicRecordEntry
from tests import factories
from tests.conftest import auth
from tests.smtp import SmtpServer

PROBLEMS = "https://juece.example/problems/"
EMAIL = "zhang.san@example.com"
PHONE = "13812345678"
TITLE = "嘉定区促进民营经济高质量发展若干措施"
NOT_ADOPTED = {"disposition": "not_adopted", "reason_code": "outside_competence", "reason": "属市级事权"}


@pytest.fixture
def cid(consulted, monkeypatch, app):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://juece.example.gov.cn")
    return consulted[1].id


def _submit(client, cid, **body):
    body = {"content": "建议提高小微企业贷款贴息比例。", "submitter_type": "individual", **body}
    return client.post(f"/api/v1/consultations/{cid}/comments", json=body)


def _commented(client, cid, **body) -> dict:
    response = _submit(client, cid, notify_outcome=True, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _dispose(client, tokens, comment_id, body, etag=None):
    headers = auth(tokens["editor"]) | ({"If-Match": etag} if etag else {})
    response = client.put(f"/api/v1/comments/{comment_id}/disposition", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


def _notices():
    db.session.rollback()  # end the test's read, to see what requests and workers committed
    return db.session.scalars(sa.select(OutcomeNotice).order_by(OutcomeNotice.id)).all()


def _send(clock=utcnow) -> int:
    db.session.commit()  # the worker reads through connections of its own
    return sending.send_due(clock)


def test_asking_to_be_told_needs_an_email_or_phone_left(client, cid):
    for contact in (None, "住在嘉定区", "电话见信封"):
        response = _submit(client, cid, notify_outcome=True, **({"contact": contact} if contact else {}))
        assert response.status_code == 422, response.get_json()
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"] == PROBLEMS + "unprocessable"
        assert "notify_outcome" in response.get_json()["errors"]["json"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0, "nothing stored"

    _commented(client, cid, contact=f"张先生 {EMAIL}")
    _commented(client, cid, contact=f"手机 {PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}")
    plain = _submit(client, cid, contact="住在嘉定区")
    assert plain.status_code == 201, "not asked: any contact, or none, will do"
    db.session.rollback()
    stored = db.session.scalars(sa.select(Comment.notify_outcome).order_by(Comment.id)).all()
    assert stored == [True, True, False]


def test_a_published_disposition_owes_one_notice_and_a_later_change_no_other(client, tokens, cid):
    asked = _commented(client, cid, contact=EMAIL)
    by_phone = _commented(client, cid, contact=PHONE)
    not_asked = _submit(client, cid, contact=EMAIL).get_json()
    assert _notices() == [], "nothing is owed before a disposition"

    first = _dispose(client, tokens, asked["id"], {"disposition": "adopted"})
    _dispose(client, tokens, by_phone["id"], NOT_ADOPTED)
    _dispose(client, tokens, not_asked["id"], {"disposition": "adopted"})
    notices = _notices()
    assert [(n.comment_id, n.channel, n.state, n.attempts) for n in notices] == [
        (asked["id"], "email", "pending", 0),
        (by_phone["id"], "sms", "pending", 0),
    ]
    row = db.session.execute(sa.select(OutcomeNotice.__table__).limit(1)).one()
    assert EMAIL not in map(str, row), "the outbox keeps no copy of the address"

    _dispose(client, tokens, asked["id"], NOT_ADOPTED, etag=first.headers["ETag"])
    assert [n.comment_id for n in _notices()] == [asked["id"], by_phone["id"]], "still one per comment"


def test_a_cluster_owes_the_notice_once_its_disposition_has_a_reason(client, tokens, cid):
    asked = _commented(client, cid, contact=EMAIL)
    editor = auth(tokens["editor"])
    body = {"summary": "建议提高贴息比例", "comment_ids": [asked["id"]], "disposition": "not_adopted"}
    cluster = client.post(f"/api/v1/consultations/{cid}/clusters", json=body, headers=editor)
    assert cluster.status_code == 201, cluster.get_json()
    assert _notices() == [], "no reason yet: the comment has no disposition, nothing is published"

    url = f"/api/v1/consultations/{cid}/clusters/{cluster.get_json()['id']}"
    reasons = {"reason_code": "cost_or_feasibility", "reason": "财政承受能力有限"}
    headers = editor | {"If-Match": cluster.headers["ETag"]}
    patched = client.patch(url, json=reasons, headers=headers)
    assert patched.status_code == 200, patched.get_json()
    assert [(n.comment_id, n.state) for n in _notices()] == [(asked["id"], "pending")]
    shown = client.get(f"/api/v1/comments/{asked['id']}", headers=editor).get_json()
    assert (shown["notify_outcome"], shown["disposition"]) == (True, "not_adopted")
    moderation = f"/api/v1/comments/{asked['id']}/moderation"
    assert client.post(moderation, json={"action": "publish"}, headers=editor).status_code == 200
    public = client.get(f"/api/v1/comments/{asked['id']}")
    assert public.status_code == 200 and "notify_outcome" not in public.get_json(), "staff only"


def test_a_rolled_back_disposition_owes_nothing(client, tokens, cid, monkeypatch):
    asked = _commented(client, cid, contact=EMAIL)
    db.session.rollback()  # see what the request committed
    comment = db.session.get(Comment, asked["id"])
    seq_before = db.session.scalar(sa.select(sa.func.max(PublicRecordEntry.seq)))

    def fail():
        raise RuntimeError("the database went away at the commit")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        dispositions.dispose(comment, by=factories.admin(), disposition="adopted")
    monkeypatch.undo()
    db.session.rollback()

    assert _notices() == []
    assert db.session.get(Comment, asked["id"]).disposition is None
    assert db.session.scalar(sa.select(sa.func.max(PublicRecordEntry.seq))) == seq_before
    # The same write committed owes it.
    dispositions.dispose(db.session.get(Comment, asked["id"]), by=factories.admin(), disposition="adopted")
    assert [n.comment_id for n in _notices()] == [asked["id"]]


def test_the_log_notifier_tells_each_without_writing_the_address(client, tokens, cid, caplog):
    by_mail = _commented(client, cid, contact=EMAIL)
    by_phone = _commented(client, cid, contact=PHONE)
    for comment in (by_mail, by_phone):
        _dispose(client, tokens, comment["id"], NOT_ADOPTED)

    with caplog.at_level(logging.INFO, logger="consultation.notices"):
        assert _send() == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "consultation.notices.notifiers"]
    assert len(lines) == 2
    assert "z***@example.com" in lines[0] and "138****5678" in lines[1]
    assert not any(EMAIL in line or PHONE in line or by_mail["receipt"] in line for line in caplog.messages)
    assert [(n.state, n.attempts, n.sent_at is not None) for n in _notices()] == [("sent", 0, True)] * 2
    assert _send() == 0, "each is sent once"


def test_the_smtp_notifier_mails_the_outcome_and_leaves_sms_waiting(client, tokens, cid, app, monkeypatch):
    server = SmtpServer()
    try:
        monkeypatch.setitem(app.config, "OUTCOME_NOTIFIER", "smtp")
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        monkeypatch.setitem(app.config, "SMTP_FROM", "嘉定区司法局 <noreply@juece.example.gov.cn>")
        by_mail = _commented(client, cid, contact=f"张三，{EMAIL}")
        by_phone = _commented(client, cid, contact=PHONE)
        editor = auth(tokens["editor"])
        moderation = f"/api/v1/comments/{by_mail['id']}/moderation"
        published = client.post(moderation, json={"action": "publish"}, headers=editor)
        assert published.status_code == 200, published.get_json()
        for comment in (by_mail, by_phone):
            _dispose(client, tokens, comment["id"], NOT_ADOPTED)

        assert _send() == 1
        [(sender, recipients, message)] = server.messages()
        assert (sender, recipients) == ("noreply@juece.example.gov.cn", [EMAIL])
        assert message["To"] == EMAIL
        assert message["Subject"] == f"您对《{TITLE}》的意见处理结果：不予采纳"
        body = message.get_content()
        assert f"2026年4月10日对《{TITLE}》提出的意见（编号 #{by_mail['id']}）已有处理结果：不予采纳。" in body
        assert "理由：属市级事权" in body
        assert f"意见页面：https://juece.example.gov.cn/comments/{by_mail['id']}" in body
        assert f"https://juece.example.gov.cn/api/v1/receipts/{by_mail['receipt']}" in body
        # The link a commenter follows shows what the notice says.
        receipt = client.get(f"/api/v1/receipts/{by_mail['receipt']}").get_json()
        assert (receipt["disposition"], receipt["reason"]) == ("not_adopted", "属市级事权")

        states = {n.comment_id: n.state for n in _notices()}
        assert states == {by_mail["id"]: "sent", by_phone["id"]: "pending"}, "no SMS notifier: it waits"
        monkeypatch.setitem(app.config, "OUTCOME_NOTIFIER", "smtp, log")
        assert _send() == 1 and len(server.received) == 1, "the log takes what SMTP cannot reach"
        assert {n.state for n in _notices()} == {"sent"}
    finally:
        server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_send_is_retried_with_a_doubling_wait_then_failed_after_a_day(client, tokens, cid, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTCOME_NOTIFIER", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", _closed_port())
    monkeypatch.setitem(app.config, "SMTP_FROM", "noreply@juece.example.gov.cn")
    asked = _commented(client, cid, contact=EMAIL)
    _dispose(client, tokens, asked["id"], {"disposition": "adopted"})
    [notice] = _notices()
    t0 = notice.created_at

    assert _send(lambda: t0) == 0
    [notice] = _notices()
    assert (notice.state, notice.attempts) == ("pending", 1)
    assert notice.last_error.startswith("ConnectionRefusedError")
    assert notice.next_attempt_at == t0 + dt.timedelta(minutes=1)
    assert _send(lambda: t0 + dt.timedelta(seconds=30)) == 0
    assert _notices()[0].attempts == 1, "not due yet: not tried"

    at, waits = t0 + dt.timedelta(minutes=1), []
    while (notice := _notices()[0]).state == "pending":
        _send(lambda at=at: at)
        notice = _notices()[0]
        waits.append(notice.next_attempt_at - at)
        at = notice.next_attempt_at
        assert len(waits) < 40
    minute = dt.timedelta(minutes=1)
    assert waits[:7] == [2 * minute, 4 * minute, 8 * minute, 16 * minute, 32 * minute, 60 * minute, 60 * minute]
    assert notice.state == "failed" and at - t0 >= dt.timedelta(hours=24)
    assert notice.last_error.startswith("ConnectionRefusedError")

    server = SmtpServer()
    try:
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        assert _send(lambda: at + dt.timedelta(hours=1)) == 0 and server.received == [], "failed: left alone"
    finally:
        server.close()


def test_the_delivery_worker_sends_the_notices_too(client, tokens, cid, app, caplog):
    asked = _commented(client, cid, contact=EMAIL)
    _dispose(client, tokens, asked["id"], {"disposition": "adopted"})
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="consultation.notices"):
        result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "notices sent: 1" in result.output
    assert [n.state for n in _notices()] == ["sent"]


def test_a_notifier_set_up_wrong_stops_the_worker_at_once(app):
    app.config["OUTCOME_NOTIFIER"] = "smtp"  # without SMTP_HOST nor SMTP_FROM
    result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert result.exit_code != 0 and "SMTP_HOST" in str(result.exception)


def test_a_refused_recipient_is_recorded_without_the_address(client, tokens, cid, app, monkeypatch, caplog):
    server = SmtpServer()
    try:
        server.refused.add(EMAIL)
        monkeypatch.setitem(app.config, "OUTCOME_NOTIFIER", "smtp")
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        monkeypatch.setitem(app.config, "SMTP_FROM", "noreply@juece.example.gov.cn")
        asked = _commented(client, cid, contact=EMAIL)
        _dispose(client, tokens, asked["id"], {"disposition": "adopted"})
        with caplog.at_level(logging.INFO, logger="consultation.notices"):
            assert _send() == 0
        [notice] = _notices()
        assert (notice.state, notice.attempts) == ("pending", 1)
        assert notice.last_error.startswith("SMTPRecipientsRefused") and "z***@example.com" in notice.last_error
        assert EMAIL not in notice.last_error and not any(EMAIL in m for m in caplog.messages)
        assert server.received == []
    finally:
        server.close()

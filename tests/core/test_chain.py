"""A record anyone can verify: the public record and the audit log are hash chains (core.chain).

A mirror recomputes every hash of `/changes` from the documented canonical form alone; `flask
verify` walks both chains and finds an entry rewritten or removed behind the application's
back; concurrent writers still make one unbroken line; restore refuses a copy whose chain is
broken."""

import datetime as dt
import hashlib
import json
import threading
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import g

from core import backup, chain, publication
from core.audit import AuditEntry
from core.extensions import db
from core.publication import EntryType, Fact, PublicRecordEntry
from decisions.units import services as unit_services
from tests import factories
from tests.conftest import TEST_DATABASE_URL, auth
from tests.core.test_backup import new_database  # noqa: F401 (a fixture)

ZEROS = "0" * 64
TABLES = {"public_record": ("seq", PublicRecordEntry), "audit_log": ("id", AuditEntry)}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def recorded(app, units, tokens, today):
    """A record with a bit of everything: a catalogue, a draft, a consultation, comments (the
    audit log's hot path), a general fact with no decision, a correction with a reason."""
    today(dt.date(2026, 4, 10))
    decision, consultation = factories.consulted_decision()
    for n in range(3):
        factories.comment(consultation, content=f"第{n}条意见：建议增设非机动车停放点。")
    first = publication.record_fact(Fact(None, EntryType.inquiry_published, "一般性问题", "/inquiries/1"))
    publication.record_fact(
        Fact(
            decision.id,
            EntryType.adjusted,
            "调整：计划完成时间",
            f"/decisions/{decision.id}",
            amends_seq=first.seq,
            reason="因上位法修订，顺延至第四季度。",
        )
    )
    db.session.commit()
    return decision, consultation


# --- A mirror's point of view: only the documented form, nothing of the application ----------


def mirror_hash(prev_hash: str, entry: dict) -> str:
    """README, "Verify the record": SHA-256 of the previous hash followed by the canonical JSON
    of the entry's columns (the feed's `amends` is the column `amends_seq`), nulls left out."""
    content = {
        "seq": entry["seq"],
        "decision_id": entry["decision_id"],
        "type": entry["type"],
        "occurred_on": entry["occurred_on"],
        "recorded_at": entry["recorded_at"],
        "title": entry["title"],
        "target": entry["target"],
        "amends_seq": entry["amends"],
        "reason": entry["reason"],
    }
    text = json.dumps(
        {k: v for k, v in content.items() if v is not None}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def read_and_check(client, *, after="0", prev=ZEROS, limit=2):
    """Page through the feed as a mirror does, checking each link as it comes; returns (cursor,
    last hash, entries read, last answer)."""
    cursor, read, body = after, [], None
    while True:
        response = client.get(f"/api/v1/changes?after={cursor}&limit={limit}")
        body = _ok(response)
        assert response.headers["X-Record-Head"] == f"{body['head']['cursor']} {body['head']['hash']}"
        for entry in body["entries"]:
            assert entry["prev_hash"] == prev, f"seq {entry['seq']} does not follow the entry read before it"
            assert entry["hash"] == mirror_hash(prev, entry), f"seq {entry['seq']}: its hash is not its content's"
            assert entry["href"].endswith("/api/v1" + entry["target"])
            prev = entry["hash"]
            read.append(entry)
        if not body["entries"]:
            return cursor, prev, read, body
        cursor = body["next_cursor"]


def test_a_mirror_recomputes_every_hash_of_the_feed_and_reaches_its_head(client, recorded):
    cursor, last, read, body = read_and_check(client)
    assert len(read) >= 5
    assert {"reason", "amends"} <= {k for e in read for k, v in e.items() if v is not None}
    assert any(e["decision_id"] is None for e in read)
    assert body["head"] == {"cursor": cursor, "hash": last}
    # The head a mirror kept: the feed read on from it continues the same chain.
    with client.application.app_context():
        publication.record_fact(Fact(None, EntryType.inquiry_published, "又一个问题", "/inquiries/2"))
        db.session.commit()
    _, newer, more, body = read_and_check(client, after=cursor, prev=last)
    assert len(more) == 1 and more[0]["prev_hash"] == last
    assert body["head"] == {"cursor": str(more[0]["seq"]), "hash": newer}


def test_an_empty_record_has_the_genesis_head(client, app):
    body = _ok(client.get("/api/v1/changes"))
    assert body["entries"] == [] and body["head"] == {"cursor": "0", "hash": ZEROS}


def test_the_canonical_form_is_the_documented_one():
    instant = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    content = {"b": "甲", "a": 1, "c": None, "at": instant, "on": dt.date(2026, 3, 1), "j": {"y": [1, None], "x": 2}}
    assert chain.canonical(content) == (
        '{"a":1,"at":"2026-03-10T01:30:00+00:00","b":"甲","j":{"x":2,"y":[1,null]},"on":"2026-03-01"}'
    )
    before, after = chain.canonical_around({**content, "id": None}, "id")
    assert before + "42" + after == chain.canonical({**content, "id": 42})
    assert chain.link(ZEROS, {"a": 1}) == hashlib.sha256((ZEROS + '{"a":1}').encode()).hexdigest()


def test_audit_entries_chain_in_id_order_and_show_their_links(client, tokens, recorded):
    entries = list(reversed(_ok(client.get("/api/v1/audit?page_size=100", headers=auth(tokens["admin"])))))
    assert [e["id"] for e in entries] == list(range(1, len(entries) + 1))
    prev = ZEROS
    for entry in entries:
        assert entry["prev_hash"] == prev
        content = {k: v for k, v in entry.items() if k not in ("hash", "prev_hash")}
        assert entry["hash"] == chain.link(prev, content)
        prev = entry["hash"]
    assert any(e["record_type"] == "comments" for e in entries)  # the hot path's entries too


# --- flask verify --------------------------------------------------------------------------


def _verify(app):
    return app.test_cli_runner().invoke(args=["verify"])


def test_flask_verify_says_ok_with_the_length_and_head_of_each_chain(app, recorded):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    record = chain.head(db.session.connection(), chain.PUBLIC_RECORD)
    log = chain.head(db.session.connection(), chain.AUDIT_LOG)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(PublicRecordEntry))
    total = count + db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert f"ok: public_record, {count} entries, head {record.position} {record.hash}" in result.output
    assert f"ok: {total} entries, head public_record {record.position} {record.hash}, audit_log {log.position}" in (
        result.output
    )


def behind_the_back(statement: str, **params):
    """Run `statement` on the append-only tables as someone with the database's keys would:
    on PostgreSQL as a replica applies changes (neither the append-only triggers nor foreign
    keys), on SQLite with the triggers dropped, then made again, and foreign keys off."""
    db.session.remove()
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Outside any transaction, or SQLite ignores it; the connection goes back to the pool
            # (below) only once it is on again.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                    connection.execute(sa.text(statement), params)
                    return
                triggers = connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                ).all()
                for name, _ in triggers:
                    connection.exec_driver_sql(f"DROP TRIGGER {name}")
                connection.execute(sa.text(statement), params)
                for _, definition in triggers:
                    connection.exec_driver_sql(definition)
        finally:
            if connection.dialect.name == "sqlite":
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _middle(table: str) -> int:
    key, _ = TABLES[table]
    keys = db.session.scalars(sa.text(f"SELECT {key} FROM {table} ORDER BY {key}")).all()
    assert len(keys) >= 5
    return keys[len(keys) // 2]


EDITS = {
    "public_record": "UPDATE public_record SET title = '改写过的标题' WHERE seq = :key",
    "audit_log": "UPDATE audit_log SET actor = 'admin:别人' WHERE id = :key",
}


@pytest.mark.parametrize("table", TABLES)
def test_verify_finds_the_entry_edited_behind_the_applications_back(app, recorded, table):
    key_name = TABLES[table][0]
    key = _middle(table)
    stored = db.session.scalar(sa.text(f"SELECT hash FROM {table} WHERE {key_name} = :key"), {"key": key})
    behind_the_back(EDITS[table], key=key)
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert f"broken: {table} {key_name} {key}: its content does not give its hash" in result.output
    assert f"found {stored}" in result.output
    other = next(name for name in TABLES if name != table)
    assert f"ok: {other}," in result.output  # the other chain holds, and says so


@pytest.mark.parametrize("table", TABLES)
def test_verify_finds_an_entry_removed_from_the_middle(app, recorded, table):
    key_name = TABLES[table][0]
    key = _middle(table)
    removed = db.session.scalar(sa.text(f"SELECT hash FROM {table} WHERE {key_name} = :key"), {"key": key})
    following = db.session.scalar(sa.text(f"SELECT min({key_name}) FROM {table} WHERE {key_name} > :key"), {"key": key})
    behind_the_back(f"DELETE FROM {table} WHERE {key_name} = :key", key=key)
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert f"broken: {table} {key_name} {following}: its prev_hash is not the hash of the entry before it" in (
        result.output
    )
    before = f"SELECT max({key_name}) FROM {table} WHERE {key_name} < :key"
    previous = db.session.scalar(sa.text(f"SELECT hash FROM {table} WHERE {key_name} = ({before})"), {"key": key})
    # The entry after the gap names the removed one as its predecessor.
    assert f"expected {previous}, found {removed}" in result.output


def test_verify_finds_the_end_of_a_chain_cut_off(app, recorded):
    last = db.session.scalar(sa.text("SELECT max(id) FROM audit_log"))
    behind_the_back("DELETE FROM audit_log WHERE id = :key", key=last)
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert "broken: audit_log head (chain_heads): the head row is not the last entry" in result.output


def test_an_entry_without_its_hash_is_a_broken_link(app, recorded):
    key = _middle("public_record")
    behind_the_back("UPDATE public_record SET hash = NULL WHERE seq = :key", key=key)
    result = _verify(app)
    assert result.exit_code == 1 and f"broken: public_record seq {key}:" in result.output


# --- One line under concurrent writers -------------------------------------------------------


def test_concurrent_writers_make_one_unbroken_chain_of_each(app, recorded):
    """Threads at once: publishers appending facts (the record's lock, and audit entries from the
    session at commit), commenters on the hot path (on PostgreSQL one autocommit statement that
    takes the log's head itself), staff writes through the session. Both chains stay one line,
    every entry accounted for."""
    decision, consultation = recorded
    decision_id, consultation_id = decision.id, consultation.id
    each = 100 if TEST_DATABASE_URL else 10
    before = {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for name, (_, model) in TABLES.items()
    }
    db.session.remove()
    kinds = ("publish", "publish", "comment", "comment", "comment", "staff")
    start = threading.Barrier(len(kinds))
    failures = []

    def work(kind, n):
        try:
            with app.app_context():
                g.writes = True
                start.wait(timeout=30)
                for i in range(each):
                    if kind == "publish":
                        publication.record_fact(
                            Fact(decision_id, EntryType.adjusted, f"写入者{n}第{i}条", f"/decisions/{decision_id}")
                        )
                        db.session.commit()
                    elif kind == "comment":
                        factories.comment(SimpleNamespace(id=consultation_id), content=f"意见{n}-{i}：建议增设路灯。")
                        db.session.commit()
                    else:
                        unit_services.create_unit(f"jd-t{n}-{i}", name=f"测试单位{n}-{i}", kind="department")
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=work, args=(kind, n)) for n, kind in enumerate(kinds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    result = _verify(app)
    assert result.exit_code == 0, result.output
    with db.engine.connect() as connection:
        for verified in chain.verify_all(connection):
            assert verified.broken is None
            if verified.chain is chain.PUBLIC_RECORD:
                assert verified.entries == before["public_record"] + 2 * each
            else:
                # every comment, account and public record entry has its entry, at least
                assert verified.entries >= before["audit_log"] + 6 * each
    with db.engine.connect() as connection:
        keys = connection.exec_driver_sql("SELECT id FROM audit_log ORDER BY id").scalars().all()
    assert keys == list(range(1, len(keys) + 1)), "the log's ids are its chain's positions, without gaps"


# --- Restore ---------------------------------------------------------------------------------


def test_restore_refuses_a_copy_whose_record_was_rewritten(app, recorded, new_database, tmp_path):  # noqa: F811
    key = _middle("public_record")
    behind_the_back(EDITS["public_record"], key=key)
    copy = tmp_path / "tampered"
    backup.backup(app.config["DATABASE_URL"], str(copy))
    with pytest.raises(backup.Refused, match=f"record was rewritten or cut: public_record seq {key}: its content"):
        backup.restore(str(copy), new_database)
    assert backup.is_empty(new_database)

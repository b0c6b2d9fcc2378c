"""Personal data is kept only where it is needed: the submission fingerprint is keyed, and the
audit log holds no member of the public's name, contact or (for an individual) organisation."""

import datetime as dt
import hashlib
import hmac

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from consultation.comments import services
from consultation.comments.models import Comment
from core import privacy
from core.audit import AuditEntry
from core.extensions import db
from tests import factories

FIELDS = {
    "content": "建议加大对小微企业的贴息支持。",
    "submitter_type": "individual",
    "name": "赵六",
    "contact": "13700000000",
    "organisation": "嘉定区某村委会",
}


@pytest.fixture
def comments_url(app, units, tokens, today):
    today(dt.date(2026, 4, 10))
    _, consultation = factories.consulted_decision()
    return f"/api/v1/consultations/{consultation.id}/comments"


def _unkeyed(values: dict) -> bytes:
    keys = ("content", "submitter_type", "name", "contact", "organisation", "channel", "received_on")
    return hashlib.sha256("\x1f".join(str(values.get(k) or "") for k in keys).encode()).digest()


def test_the_fingerprint_is_keyed_and_cannot_be_recomputed_without_the_key(app):
    values = {**FIELDS, "channel": "portal", "received_on": dt.date(2026, 4, 10)}
    print_ = services.fingerprint(values)
    assert print_ != _unkeyed(values).hex()
    assert print_ == hmac.new(privacy.key(), _unkeyed(values), hashlib.sha256).hexdigest()
    assert print_ != hmac.new(b"another district's key", _unkeyed(values), hashlib.sha256).hexdigest()
    assert services.fingerprint({**values, "contact": "13700000001"}) != print_


def test_the_key_is_made_once_per_instance_folder_and_kept(tmp_path):
    from flask import Flask

    first, second = Flask("a", instance_path=str(tmp_path)), Flask("b", instance_path=str(tmp_path))
    privacy.init_app(first)
    privacy.init_app(second)
    assert first.extensions["personal_data_key"] == second.extensions["personal_data_key"]
    assert len(first.extensions["personal_data_key"]) == 64
    assert (tmp_path / "personal-data.key").stat().st_mode & 0o077 == 0
    chosen = Flask("c", instance_path=str(tmp_path))
    chosen.config["PERSONAL_DATA_KEY"] = "set-by-the-district"
    privacy.init_app(chosen)
    assert chosen.extensions["personal_data_key"] == b"set-by-the-district"


def _audit_of(comment_id) -> list[dict]:
    db.session.rollback()
    query = sa.select(AuditEntry.changes).where(
        AuditEntry.record_type == "comments", AuditEntry.record_id == str(comment_id)
    )
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


def test_the_audit_log_keeps_no_individuals_name_contact_or_organisation(client, comments_url):
    individual = client.post(comments_url, json=FIELDS).get_json()["id"]
    enterprise = client.post(comments_url, json={**FIELDS, "submitter_type": "enterprise"}).get_json()["id"]
    [created] = _audit_of(individual)
    assert created["content"] == FIELDS["content"]
    for personal in ("name", "contact", "organisation", "receipt"):
        assert personal not in created, personal
    assert all(value not in str(created) for value in ("赵六", "13700000000", "村委会"))
    [created] = _audit_of(enterprise)
    assert created["organisation"] == FIELDS["organisation"]  # an enterprise's name is no secret
    assert "name" not in created and "contact" not in created


def test_an_existing_database_is_migrated_and_retries_still_match(app, client, comments_url, monkeypatch):
    seen = []
    keyed = services.fingerprint
    monkeypatch.setattr(services, "fingerprint", lambda values: seen.append(dict(values)) or keyed(values))
    headers = {"Idempotency-Key": "k-migrated-1"}
    first = client.post(comments_url, json=FIELDS, headers=headers).get_json()
    values = seen[0]  # what the submission's fingerprint was made of
    db.session.remove()
    downgrade(revision="0013")
    # As a database of before: an unkeyed fingerprint, an individual's organisation in the log.
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Comment.__table__).where(Comment.id == first["id"]).values(fingerprint=_unkeyed(values).hex())
        )
        last = connection.scalar(sa.select(sa.func.max(AuditEntry.__table__.c.id)))
        connection.execute(
            sa.insert(AuditEntry.__table__).values(
                id=last + 1,  # the chain numbers entries itself (core.chain), not a sequence
                at=dt.datetime.now(dt.UTC),
                actor="public",
                action="update",
                record_type="comments",
                record_id=str(first["id"]),
                changes={
                    "organisation": ["嘉定区某村委会", "嘉定区另一村委会"],
                    "moderation": ["pending", "published"],
                },
            )
        )
    upgrade()
    db.session.remove()
    assert db.session.get(Comment, first["id"]).fingerprint == services.fingerprint(values)
    update = _audit_of(first["id"])[-1]
    assert update == {"organisation": ["[redacted]", "[redacted]"], "moderation": ["pending", "published"]}
    again = client.post(comments_url, json=FIELDS, headers=headers)
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["receipt"] == first["receipt"]

"""The migrations build the schema that the models describe, and go down and up again.

The shared test database was upgraded from empty to head by the session fixture; the round
trip (head → base → head) runs on a database of its own: a temporary SQLite file, or on
PostgreSQL a schema of its own in the test database, dropped afterwards.
"""

import datetime as dt
import uuid
import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from consultation.comments.models import Comment
from core.extensions import configure_engine, db
from core.migrations import DIRECTORY, migrations_head, use_flask_migrate
from opendata.search.models import modelled
from tests import factories
from tests.conftest import TEST_DATABASE_URL

# SQLite cannot reflect an index on an expression, so SQLAlchemy and Alembic warn that they
# skip comparing it (units' lower(code), decisions.models); PostgreSQL compares it.
EXPRESSION_INDEX_SKIPPED = (
    r"(Skipped unsupported reflection of|autogenerate skipping metadata-specified) "
    r"expression-based index '?ix_units_lower_code"
)


def schema_differences(engine: sa.Engine) -> list:
    """What `flask db check` would find: the models against the database, [] when they agree."""
    with engine.connect() as connection, warnings.catch_warnings():
        if engine.dialect.name == "sqlite":
            warnings.filterwarnings("ignore", EXPRESSION_INDEX_SKIPPED)
        # The options Flask-Migrate gives autogenerate (compare_type is on by default there).
        # The search index's FTS5 table and trigram indexes are left out, as migrations/env.py does.
        opts = {"compare_type": True, "render_as_batch": True, "include_name": modelled}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_the_test_database_is_at_head(app):
    assert revision(db.engine) == migrations_head()


def test_the_head_read_from_the_revision_files_is_alembics(app):
    config = Config()
    config.set_main_option("script_location", DIRECTORY)
    assert migrations_head() == ScriptDirectory.from_config(config).get_current_head()


def test_models_and_migrations_agree(app):
    differences = schema_differences(db.engine)
    assert differences == [], (
        "The models and the migrations disagree; write a revision "
        "(`flask --app wsgi db migrate -m ...`, then review it):\n" + "\n".join(map(repr, differences))
    )


@pytest.fixture
def scratch_app(tmp_path):
    """A bare app over a database of its own, with only what the migrations need."""
    scratch = Flask(__name__, instance_path=str(tmp_path))
    options = {}
    schema = None
    if TEST_DATABASE_URL:
        schema = f"migrations_{uuid.uuid4().hex[:12]}"
        url = TEST_DATABASE_URL
        options = {"connect_args": {"options": f"-c search_path={schema}"}, "poolclass": sa.pool.NullPool}
        admin = sa.create_engine(TEST_DATABASE_URL, poolclass=sa.pool.NullPool)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    else:
        url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    scratch.config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
    db.init_app(scratch)
    use_flask_migrate(scratch)
    try:
        with scratch.app_context():
            configure_engine(db.engine)
            yield scratch
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()


def test_migrations_go_down_to_base_and_up_again(scratch_app):
    head = migrations_head()
    upgrade()
    assert revision(db.engine) == head
    downgrade(revision="base")
    assert revision(db.engine) is None
    left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert left == set(), f"downgrade to base left tables behind: {sorted(left)}"
    upgrade()
    assert revision(db.engine) == head
    assert schema_differences(db.engine) == []


def test_comments_stored_before_redaction_get_their_public_text(app, units, tokens, today):
    today(dt.date(2026, 4, 10))
    _, consultation = factories.consulted_decision()
    texted = factories.comment(consultation, content="请回电13912345678").id
    plain = factories.comment(consultation, content="建议增设信号灯。").id
    db.session.remove()  # no transaction may hold the table while its columns go and come
    downgrade(revision="0007")
    upgrade()
    shown = db.session.execute(sa.select(Comment.id, Comment.public_content).order_by(Comment.id)).all()
    assert [tuple(row) for row in shown] == [(texted, "请回电［已隐去：电话］"), (plain, None)]


def test_the_chains_migration_0016_gives_existing_rows_the_hashes_the_application_gave_them(app, units, tokens, today):
    from core import chain, publication
    from core.audit import AuditEntry
    from core.publication import EntryType, Fact, PublicRecordEntry

    today(dt.date(2026, 4, 10))
    _, consultation = factories.consulted_decision()
    factories.comment(consultation, content="建议增设信号灯。")  # the hot path's entry
    publication.record_fact(Fact(None, EntryType.inquiry_published, "一般性问题", "/inquiries/1", reason="示例"))
    db.session.commit()

    def hashes():
        return [
            db.session.execute(sa.select(model.__table__.c[key], model.hash).order_by(model.__table__.c[key])).all()
            for model, key in ((PublicRecordEntry, "seq"), (AuditEntry, "id"))
        ]

    chained = hashes()
    assert all(hash_ for rows in chained for _, hash_ in rows)
    db.session.remove()  # no transaction may hold the tables while their columns go and come
    downgrade(revision="0015")
    assert "hash" not in {c["name"] for c in sa.inspect(db.engine).get_columns("audit_log")}
    upgrade()
    assert hashes() == chained
    with db.engine.connect() as connection:
        assert [verified.broken for verified in chain.verify_all(connection)] == [None, None]

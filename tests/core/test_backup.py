"""Backups taken while the service writes, and restores that check the copy before they replace
anything (`flask backup`, `flask restore`: core/backup.py), on SQLite and on PostgreSQL."""

import datetime as dt
import secrets
import threading

import pytest
import sqlalchemy as sa

from consultation.comments import services as comment_services
from core import backup
from core.extensions import db
from tests import factories
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def consultation_id(app, units, tokens, today):
    today(dt.date(2026, 4, 10))  # the consultation is open
    _, consultation = factories.consulted_decision()
    made = consultation.id
    db.session.remove()  # the test holds no transaction while others write and copy
    return made


@pytest.fixture
def new_database(app, tmp_path):
    """The URL of a new, empty database to restore into: a SQLite file, or on PostgreSQL a
    database made for the test and dropped after it."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_restored_{secrets.token_hex(4)}"
    server = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def _live(app) -> str:
    return app.config["DATABASE_URL"]


def _alone(app) -> str:
    """The URL of the test database, the test's own connections to it closed: on PostgreSQL a
    restore refuses while other sessions use the database."""
    db.session.remove()
    db.engine.dispose()
    return _live(app)


def _comment_ids(url: str) -> set[int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return set(connection.exec_driver_sql("SELECT id FROM comments").scalars())
    finally:
        engine.dispose()


def _submit(consultation_id: int, content: str = "建议延长公交夜班线路的运营时间。") -> int:
    made, _ = comment_services.submit_comment(consultation_id, by=None, content=content, submitter_type="individual")
    return made.id


class Writers:
    """Threads that submit comments through the service, each in an application context of its
    own, as the workers of a server do, until stopped. The ids of the comments whose commit
    returned before `mark()` are kept apart from the later ones."""

    def __init__(self, app, consultation_id: int, threads: int = 3):
        self.app, self.consultation_id = app, consultation_id
        self.before, self.after, self.errors = [], [], []
        self.marked, self.stopping = False, threading.Event()
        self.changed = threading.Condition()
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(threads)]

    def _write(self, n: int):
        with self.app.app_context():
            try:
                while not self.stopping.is_set():
                    made = _submit(self.consultation_id, f"第{n}位市民的意见：建议增设非机动车停放点。")
                    with self.changed:
                        (self.after if self.marked else self.before).append(made)
                        self.changed.notify_all()
            except Exception as error:  # noqa: BLE001 (reported by stop())
                self.errors.append(error)
                with self.changed:
                    self.changed.notify_all()
            finally:
                db.session.remove()

    def start(self):
        for thread in self.threads:
            thread.start()

    def mark(self):
        """From now on, accepted comments count as accepted after the backup began."""
        with self.changed:
            self.marked = True

    def wait_for(self, accepted: int, *, after: bool):
        """Wait until `accepted` comments were accepted before (or after) the mark."""
        kept = self.after if after else self.before
        with self.changed:
            assert self.changed.wait_for(lambda: len(kept) >= accepted or self.errors, timeout=60)
        assert not self.errors, self.errors

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)
        assert not self.errors, self.errors


def test_a_backup_taken_while_comments_arrive_has_every_comment_accepted_before_it_began(
    app, consultation_id, new_database, tmp_path
):
    writers = Writers(app, consultation_id)
    writers.start()
    try:
        writers.wait_for(10, after=False)
        writers.mark()  # then the backup begins
        waited = []

        def progress(done, total):
            # At its first step, the copy waits for more comments to be accepted: the service
            # writes while the backup runs.
            if not waited:
                waited.append(done)
                writers.wait_for(5, after=True)

        copy = tmp_path / "copy"
        made = backup.backup(_live(app), str(copy), pages=8, progress=progress)
    finally:
        writers.stop()
    assert waited and len(writers.after) >= 5
    assert not (tmp_path / "copy.partial").exists()

    assert backup.is_empty(new_database)
    restored = backup.restore(str(copy), new_database)
    found = _comment_ids(new_database)
    assert set(writers.before) <= found, "a comment accepted before the backup began is missing"
    assert found <= set(writers.before) | set(writers.after)
    # The summary counts what the copy holds: one snapshot for the counts and the pages.
    assert made.comments == restored.comments == len(found)
    assert made.revision == restored.revision == backup.migrations_head()
    assert _comment_ids(_live(app)) == set(writers.before) | set(writers.after)


def _overwritten(path):
    """A stretch in the middle of the file becomes bytes that are no page and no compressed data."""
    data = bytearray(path.read_bytes())
    start, end = len(data) * 6 // 10, len(data) * 8 // 10
    data[start:end] = secrets.token_bytes(end - start)
    path.write_bytes(bytes(data))


def _truncated(path):
    """The end of the file is lost (a copy cut short): an archive's table of contents, at its
    start, still reads, its data does not."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 9 // 10])


@pytest.fixture
def behind(app):
    """The live database's schema marked at another revision than the head, for a while."""

    def set_revision(revision):
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

    class Behind:
        def __enter__(self):
            set_revision("0012")

        def __exit__(self, *_):
            set_revision(backup.migrations_head())

    return Behind()


def test_restore_refuses_a_copy_at_another_migration_head_and_replaces_nothing(
    app, consultation_id, behind, new_database, tmp_path
):
    kept = _submit(consultation_id)
    copy = tmp_path / "behind"
    with behind:
        assert backup.backup(_live(app), str(copy)).revision == "0012"
    later = _submit(consultation_id)
    for target in (_alone(app), new_database):
        with pytest.raises(backup.Refused, match="schema is at 0012, not at the migrations' head"):
            backup.restore(str(copy), target)
    assert _comment_ids(_live(app)) == {kept, later}
    assert backup.is_empty(new_database)


@pytest.mark.parametrize("damage", [_overwritten, _truncated])
def test_restore_refuses_a_damaged_copy_and_replaces_nothing(app, consultation_id, new_database, tmp_path, damage):
    for n in range(40):  # text that compresses little: most of the copy, and of an archive, is data
        _submit(consultation_id, f"第{n}条意见：建议完善社区养老服务设施。" + secrets.token_hex(1500))
    copy = tmp_path / "damaged"
    backup.backup(_live(app), str(copy))
    damage(copy)
    before = _comment_ids(_live(app))
    for target in (_alone(app), new_database):
        # SQLite: the file is malformed; PostgreSQL: the archive's data does not restore in the
        # scratch database, with its table of contents intact.
        with pytest.raises(backup.Refused, match="cannot be read as a SQLite database|does not restore"):
            backup.restore(str(copy), target)
    assert _comment_ids(_live(app)) == before
    assert backup.is_empty(new_database)
    if TEST_DATABASE_URL:
        with db.engine.connect() as connection:
            left = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": "%_check_%"}
            )
            assert left.scalars().all() == [], "a scratch database was left behind"


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_the_commands_say_why_they_refuse(app, consultation_id, tmp_path):
    kept = _submit(consultation_id)
    copy = tmp_path / "copy"
    done = _cli(app, "backup", str(copy))
    assert done.exit_code == 0, done.output
    assert "Backed up to" in done.stdout and "1 comments" in done.stdout
    assert ("backup: 100%" if not TEST_DATABASE_URL else "pg_dump: dumping") in done.stderr

    made = copy.read_bytes()
    refused = _cli(app, "backup", str(copy))
    assert refused.exit_code == 1
    assert "exists: give --force" in refused.stderr
    assert copy.read_bytes() == made
    assert _cli(app, "backup", str(copy), "--force").exit_code == 0

    refused = _cli(app, "restore", str(copy))
    assert refused.exit_code == 1
    assert "holds data: give --yes" in refused.stderr

    refused = _cli(app, "restore", str(tmp_path / "nothing"), "--yes")
    assert refused.exit_code == 1 and "There is no copy" in refused.stderr

    other = tmp_path / "other"
    other.write_bytes(backup.SQLITE_MAGIC + b"\0" * 100 if TEST_DATABASE_URL else backup.PG_DUMP_MAGIC + b"\0" * 100)
    refused = _cli(app, "restore", str(other), "--yes")
    assert refused.exit_code == 1
    assert ("is a SQLite database" if TEST_DATABASE_URL else "is a pg_dump archive") in refused.stderr

    text = tmp_path / "notes.txt"
    text.write_text("这不是数据库。")
    refused = _cli(app, "restore", str(text), "--yes")
    assert refused.exit_code == 1
    assert ("not a pg_dump archive" if TEST_DATABASE_URL else "not an SQLite database") in refused.stderr
    assert _comment_ids(_live(app)) == {kept}

    # With --yes, a sound copy replaces the database: what was written since is gone.
    _submit(consultation_id)
    _alone(app)
    done = _cli(app, "restore", str(copy), "--yes")
    assert done.exit_code == 0, done.output
    assert "Restored" in done.stdout
    assert _comment_ids(_live(app)) == {kept}

    if TEST_DATABASE_URL:
        # A session of the service's (or anyone's) on the database: pg_restore --clean would
        # drop the tables under it.
        with db.engine.connect():
            refused = _cli(app, "restore", str(copy), "--yes")
        assert refused.exit_code == 1
        assert "other sessions use" in refused.stderr and "stop the service" in refused.stderr


def test_pg_dump_connects_with_the_urls_parameters_in_its_environment():
    env, _ = backup.libpq_environment("postgresql+psycopg://juece:s3cret@db.internal:6432/juece?sslmode=require")
    assert {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.internal",
        "PGPORT": "6432",
        "PGUSER": "juece",
        "PGPASSWORD": "s3cret",
        "PGDATABASE": "juece",
        "PGSSLMODE": "require",
    }

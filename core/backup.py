"""`flask --app wsgi backup FILE` and `flask --app wsgi restore FILE`: a consistent copy of the
whole database while the service writes, and its return only after the copy is checked.

SQLite: the online backup API copies the live file page by page, under one read transaction
held for the whole copy. In WAL mode a reader never blocks a writer, so the service goes on
taking comments, and the copy is the database as it was when that transaction began (had each
step read afresh, SQLite would restart the copy after every write of another connection, and
under a busy morning never finish). Meanwhile the WAL file grows: no checkpoint passes a
snapshot still read. The copy is written beside FILE and renamed onto it.

PostgreSQL: `pg_dump -Fc` (the custom format `pg_restore` reads), run on a snapshot that this
command exports, so the summary it prints (schema, counts) is of exactly what was dumped.

A restore first checks the copy (`verify_copy`) and replaces nothing when the check fails.
"""

import dataclasses
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from contextlib import closing, contextmanager

import click
import sqlalchemy as sa
from flask import Blueprint, current_app

from core import chain
from core.extensions import db
from core.migrations import migrations_head

# SQLite pages copied per step of the backup API: 1024 pages of 4 KiB, 4 MiB between two
# progress reports.
PAGES_PER_STEP = 1024

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
# All of the archive in one transaction or nothing; owned by whoever restores it.
RESTORING = ("--no-owner", "--exit-on-error", "--single-transaction")

# progress(done, total): SQLite's pages copied; for pg_dump (0, 1) once its snapshot is taken
# (what is committed from then on is not in the copy), then (1, 1) when it is done.
Progress = Callable[[int, int], None]


class Refused(click.ClickException):
    """A backup not made or a copy not restored; nothing was written over."""


@dataclasses.dataclass
class Summary:
    path: str
    size: int
    revision: str | None
    comments: int
    public_record: int

    def __str__(self):
        return (
            f"{self.path}: {_size(self.size)}, schema at {self.revision}, "
            f"{self.comments} comments, {self.public_record} public record entries"
        )


# --- The check of a copy -----------------------------------------------------------------------


def verify_copy(connection: sa.Connection) -> str:
    """Check a copy before it replaces anything; returns its schema revision, raises Refused.

    `connection` reads the copy: on SQLite the file opened read-only, on PostgreSQL a scratch
    database the archive was restored into: the file is sound (SQLite's integrity check), its
    schema is at the migrations' head, and the hash chains of its public record and audit log
    hold link by link up to their heads (core.chain.verify)."""
    if connection.dialect.name == "sqlite":
        problems = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        if problems != ["ok"]:
            raise Refused("The copy is damaged (PRAGMA integrity_check): " + "; ".join(problems[:5]))
    head = migrations_head()
    revision = _revision(connection)
    if revision != head:
        raise Refused(
            f"The copy's schema is at {revision}, not at the migrations' head {head}: restore it with the "
            "release that made it, then run `flask db upgrade` with this one (README: Backup and restore)."
        )
    for result in chain.verify_all(connection):
        if result.broken is not None:
            raise Refused(
                f"The copy's record was rewritten or cut: {result.broken}. A copy whose hash chain does not "
                "hold is not restored (README: Verify the record)."
            )
    return revision


def _revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _counts(scalar: Callable[[str], object], tables: set[str]) -> tuple[str | None, int, int]:
    """(revision, comments, public record entries), by `scalar(sql)`; `tables`: those present."""

    def count(table):
        return scalar(f"SELECT count(*) FROM {table}") if table in tables else 0

    revision = scalar("SELECT version_num FROM alembic_version") if "alembic_version" in tables else None
    return revision, count("comments"), count("public_record")


def _counted(connection: sa.Connection) -> tuple[str | None, int, int]:
    return _counts(lambda sql: connection.exec_driver_sql(sql).scalar(), set(sa.inspect(connection).get_table_names()))


# --- Backup ------------------------------------------------------------------------------------


def backup(url: str, path: str, *, force: bool = False, pages: int = PAGES_PER_STEP, progress: Progress | None = None):
    """Copy the database at `url` to `path` consistently while it is written; returns a Summary."""
    path = os.path.abspath(path)
    if os.path.exists(path) and not force:
        raise Refused(f"{path} exists: give --force to replace it, or another name.")
    partial = path + ".partial"
    _remove(partial)  # left by a backup that was killed
    name = sa.engine.make_url(url).get_backend_name()
    try:
        if name == "sqlite":
            counts = _backup_sqlite(_sqlite_path(url), partial, pages, progress)
        elif name == "postgresql":
            counts = _backup_postgresql(url, partial, progress)
        else:
            raise Refused(f"Backups of {name} databases are not supported: SQLite and PostgreSQL are.")
        _durable(partial)
        os.replace(partial, path)  # atomic: FILE is the old copy or the whole new one
        _durable(os.path.dirname(path))
    except BaseException:
        _remove(partial)
        raise
    return Summary(path, os.path.getsize(path), *counts)


def _backup_sqlite(database: str, partial: str, pages: int, progress: Progress | None):
    if not os.path.exists(database):
        raise Refused(f"There is no database at {database}.")
    with closing(sqlite3.connect(database, isolation_level=None)) as source:
        source.execute("PRAGMA busy_timeout=30000")
        # One read transaction for the whole copy and the summary: one snapshot. Deferred, it
        # begins at the first read, which is the summary's.
        source.execute("BEGIN")
        tables = {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = _counts(lambda sql: source.execute(sql).fetchone()[0], tables)
        with closing(sqlite3.connect(partial, isolation_level=None)) as target:
            source.backup(target, pages=pages, progress=_pages(progress))
            # One self-contained file: the copy of a WAL database would be in WAL mode too, and
            # could not be opened read-only where its -shm file cannot be made.
            target.execute("PRAGMA journal_mode=DELETE")
        source.execute("COMMIT")
    return counts


def _backup_postgresql(url: str, partial: str, progress: Progress | None):
    env, where = libpq_environment(url)
    pg_dump = _tool("pg_dump")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # pg_dump reads the snapshot this transaction exports, kept while it runs.
                snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                counts = _counted(connection)
                click.echo(f"pg_dump: dumping {where} (custom format) to {partial}", err=True)
                if progress:
                    progress(0, 1)
                _run([pg_dump, "-Fc", "--snapshot", snapshot, "-f", partial], env)
                if progress:
                    progress(1, 1)
    finally:
        engine.dispose()
    return counts


# --- Restore -----------------------------------------------------------------------------------


def is_empty(url: str) -> bool:
    """Whether the database at `url` holds no rows of the service (a new or freshly migrated one)."""
    if sa.engine.make_url(url).get_backend_name() == "sqlite" and not os.path.exists(_sqlite_path(url)):
        return True
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            return not any(
                connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
                for table in db.metadata.sorted_tables
                if table.name in present
            )
    finally:
        engine.dispose()


def restore(path: str, url: str, *, pages: int = PAGES_PER_STEP, progress: Progress | None = None) -> Summary:
    """Check the copy at `path`, then replace the database at `url` with it; returns a Summary.
    A copy that fails its check (`verify_copy`) replaces nothing."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise Refused(f"There is no copy at {path}.")
    with open(path, "rb") as file:
        magic = file.read(len(SQLITE_MAGIC))
    name = sa.engine.make_url(url).get_backend_name()
    if name == "sqlite":
        if not magic.startswith(SQLITE_MAGIC):
            kind = "a pg_dump archive" if magic.startswith(PG_DUMP_MAGIC) else "not an SQLite database"
            raise Refused(f"{path} is {kind}: a SQLite database is restored from a copy `flask backup` made of one.")
        counts = _restore_sqlite(path, _sqlite_path(url), pages, progress)
    elif name == "postgresql":
        if not magic.startswith(PG_DUMP_MAGIC):
            kind = "a SQLite database" if magic.startswith(SQLITE_MAGIC) else "not a pg_dump archive"
            raise Refused(f"{path} is {kind}: PostgreSQL is restored from a copy `flask backup` made of it.")
        counts = _restore_postgresql(path, url)
    else:
        raise Refused(f"Restoring into {name} databases is not supported: SQLite and PostgreSQL are.")
    return Summary(path, os.path.getsize(path), *counts)


def _restore_sqlite(path: str, database: str, pages: int, progress: Progress | None):
    if os.path.exists(database) and os.path.samefile(path, database):
        raise Refused(f"{path} is the database itself.")
    uri = f"file:{urllib.parse.quote(path)}?mode=ro"
    copy = sa.create_engine(f"sqlite:///{uri}&uri=true", poolclass=sa.pool.NullPool)
    try:
        with copy.connect() as connection:
            verify_copy(connection)
    except sa.exc.DatabaseError as error:  # not a database at all, or a damaged header
        raise Refused(f"{path} cannot be read as a SQLite database: {error.orig}") from error
    finally:
        copy.dispose()
    # The backup API again, from the copy into the live file: it writes in one transaction under
    # the write lock, so the service's connections see the old database or the whole copy, and
    # its writers wait (busy_timeout) rather than write into a half-restored file.
    with closing(sqlite3.connect(uri, uri=True)) as source:
        with closing(sqlite3.connect(database, isolation_level=None)) as target:
            target.execute("PRAGMA busy_timeout=30000")
            try:
                source.backup(target, pages=pages, progress=_pages(progress))
            except sqlite3.OperationalError as error:
                raise Refused(f"{database} was not replaced: {error}") from error
    return _verified(f"sqlite:///{database}")


def _restore_postgresql(path: str, url: str):
    env, where = libpq_environment(url)
    pg_restore = _tool("pg_restore")
    _ensure_alone(url)
    try:
        _run([pg_restore, "--list", path], env, quiet=True)
    except Refused as error:
        raise Refused(f"{path} is not a readable pg_dump archive; nothing was replaced.\n{error.message}") from error
    # The archive is checked in a scratch database of its own first: a damaged one fails there,
    # and `verify_copy` reads it as it will be, before the target is touched.
    with _scratch_database(url) as scratch:
        click.echo(f"pg_restore: checking {path} in a scratch database {scratch.database}", err=True)
        try:
            _run([pg_restore, *RESTORING, "-d", scratch.database, path], libpq_environment(scratch)[0])
        except Refused as error:
            raise Refused(f"{path} does not restore; nothing was replaced.\n{error.message}") from error
        _verified(scratch)
    # One transaction: a failure leaves the target as it was.
    _ensure_alone(url)
    click.echo(f"pg_restore: replacing {where}", err=True)
    _run([pg_restore, *RESTORING, "--clean", "--if-exists", "-d", env["PGDATABASE"], path], env)
    return _verified(url)


def _verified(url) -> tuple[str | None, int, int]:
    """`verify_copy` of the database at `url`, on a connection of its own; then its counts."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            verify_copy(connection)
            return _counted(connection)
    finally:
        engine.dispose()


# How long a session that has just closed may still be listed: PostgreSQL's backend exits a
# moment after its client hung up (a service just stopped, a pool just disposed).
_CLOSING_GRACE_SECONDS = 3.0


def _ensure_alone(url: str) -> None:
    """Refuse while other sessions use the target database. `pg_restore --clean` drops and makes
    again every table in one transaction; a request running meanwhile takes its locks in
    another order, and one of the two fails (a deadlock) or waits for the whole restore."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    ends = time.monotonic() + _CLOSING_GRACE_SECONDS
    try:
        with engine.connect() as connection:
            while True:
                others = connection.exec_driver_sql(OTHER_SESSIONS).scalars().all()
                connection.rollback()  # each look its own snapshot of pg_stat_activity
                if not others or time.monotonic() >= ends:
                    break
                time.sleep(0.1)
    finally:
        engine.dispose()
    if others:
        names = ", ".join(sorted(set(others)))
        raise Refused(
            f"{len(others)} other sessions use {sa.engine.make_url(url).database} ({names}): stop the service "
            "(and anything else connected) before restoring; nothing was replaced."
        )


OTHER_SESSIONS = """
SELECT coalesce(nullif(application_name, ''), '?') || ' from ' || coalesce(host(client_addr), 'socket')
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


@contextmanager
def _scratch_database(url: str):
    """A new empty database beside the one at `url` (the role needs CREATEDB), dropped after."""
    target = sa.engine.make_url(url)
    scratch = target.set(database=f"{target.database}_check_{secrets.token_hex(4)}"[:63])
    engine = sa.create_engine(target, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            try:
                connection.exec_driver_sql(f'CREATE DATABASE "{scratch.database}" TEMPLATE template0')
            except sa.exc.DBAPIError as error:
                raise Refused(
                    f"A scratch database to check the archive in could not be created ({error.orig}); "
                    "the role needs CREATEDB. Nothing was replaced."
                ) from error
        try:
            yield scratch
        finally:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
    finally:
        engine.dispose()


# --- Helpers -----------------------------------------------------------------------------------


def _sqlite_path(url: str) -> str:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise Refused(f"{url} is not a SQLite file this command can copy.")
    return os.path.abspath(database)


def libpq_environment(url) -> tuple[dict, str]:
    """The environment pg_dump and pg_restore connect with (libpq's PG* variables, so the
    password is in no command line), from the SQLAlchemy URL; and a name of the database."""
    url = sa.engine.make_url(url)
    env = dict(os.environ)
    given = {
        "PGHOST": url.host or url.query.get("host"),
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    env.update({name: str(value) for name, value in given.items() if value})
    return env, f"database {url.database} on {url.host or 'the local socket'}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Refused(
            f"{name} is not installed: install the PostgreSQL client tools of the server's major version "
            "(Debian: postgresql-client-15), or put them on PATH."
        )
    return found


def _run(command: list[str], env: dict, *, quiet: bool = False) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    name = os.path.basename(command[0])
    if done.returncode != 0:
        raise Refused(f"{name} failed (exit status {done.returncode}):\n{done.stderr.strip()}")
    if done.stderr.strip() and not quiet:
        click.echo(done.stderr.strip(), err=True)


def _pages(progress: Progress | None):
    if progress is None:
        return None
    return lambda _status, remaining, total: progress(total - remaining, total)


def printed(verb: str) -> Progress:
    """A progress that prints to stderr at each tenth of the pages, and at the end."""
    shown = {"tenth": -1}

    def report(done: int, total: int):
        tenth = done * 10 // total if total else 10
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            click.echo(f"{verb}: {done * 100 // max(total, 1)}% ({done} of {total} pages)", err=True)

    return report


def _durable(path: str) -> None:
    """Write `path` (a file or a directory's entries) to disk before going on."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024


# --- Command line ------------------------------------------------------------------------------

cli = Blueprint("backup_cli", __name__, cli_group=None)


@cli.cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--pages", type=click.IntRange(1), default=PAGES_PER_STEP, help="SQLite: pages per step.")
def backup_command(file, force, pages):
    """Copy the database to FILE, consistently, while the service runs.

    SQLite: the online backup API, FILE a SQLite database. PostgreSQL: pg_dump -Fc, FILE an
    archive for pg_restore."""
    url = current_app.config["DATABASE_URL"]
    summary = backup(url, file, force=force, pages=pages, progress=_printed_for(url, "backup"))
    click.echo(f"Backed up to {summary}.")


@cli.cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--database", "url", default=None, help="Restore into this database URL instead of DATABASE_URL.")
@click.option("--yes", is_flag=True, help="Replace a database that holds data without asking.")
@click.option("--pages", type=click.IntRange(1), default=PAGES_PER_STEP, help="SQLite: pages per step.")
def restore_command(file, url, yes, pages):
    """Check the copy in FILE, then replace the database with it.

    Nothing is replaced when the copy is damaged or its schema is not at the migrations' head.
    Everything written since the copy was made is lost: stop the service first (README)."""
    url = url or current_app.config["DATABASE_URL"]
    if not yes and not is_empty(url):
        where = _shown(url)
        if not sys.stdin.isatty():
            raise Refused(f"{where} holds data: give --yes to replace it with {file}.")
        click.confirm(f"{where} holds data; replace it with {file}?", abort=True)
    summary = restore(file, url, pages=pages, progress=_printed_for(url, "restore"))
    click.echo(f"Restored {_shown(url)} from {summary}.")


def _printed_for(url: str, verb: str) -> Progress | None:
    # pg_dump says what it does itself; SQLite's pages are counted.
    return printed(verb) if sa.engine.make_url(url).get_backend_name() == "sqlite" else None


def _shown(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)

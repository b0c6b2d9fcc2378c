"""The schema's migrations (migrations/): their head, and `flask db`, Flask-Migrate's commands.

Neither Alembic nor Flask-Migrate is imported by a served worker: together they hold about
11 MB resident, and the worker must serve the decisions export in under 100 MB (issue 12).
The readiness check reads the head from the revision files' text; Flask-Migrate is loaded when
a `flask db` command runs (or by `use_flask_migrate`, for code that calls its functions).
"""

import ast
import functools
import os

import click
from flask import Flask, current_app

from core.extensions import db

DIRECTORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "migrations"))


@functools.cache
def migrations_head() -> str:
    """The revision `flask db upgrade` brings the schema to: the one no other revises.

    Read from the assignments `revision = ...` and `down_revision = ...` of each file in
    migrations/versions, as Alembic would have them; tests/test_migrations.py checks it
    against Alembic's own."""
    revisions, revised = set(), set()
    versions = os.path.join(DIRECTORY, "versions")
    for name in sorted(os.listdir(versions)):
        if name.endswith(".py"):
            with open(os.path.join(versions, name), encoding="utf-8") as f:
                found = _identifiers(ast.parse(f.read()))
            revisions.add(found["revision"])
            down = found.get("down_revision")
            revised.update([down] if isinstance(down, str) else down or ())
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"The migrations have {len(heads)} heads ({sorted(heads)}), not one: merge them.")
    return heads.pop()


def _identifiers(module: ast.Module) -> dict:
    """A revision file's module-level `name = literal` assignments."""
    found = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def use_flask_migrate(app: Flask) -> None:
    """Flask-Migrate over `app` and migrations/: what its commands and functions (upgrade,
    downgrade …) read, `app.extensions["migrate"]`; once per app."""
    if "migrate" in app.extensions:
        return
    # Imported here, not with the module: Alembic's 11 MB stay out of served workers (issue 12).
    from flask_migrate import Migrate

    Migrate(app, db, directory=DIRECTORY, render_as_batch=True)


class _MigrationCommands(click.Group):
    """`flask db`, standing in for Flask-Migrate's group until it is run: when click parses
    its arguments (make_context, which also shows its help), Flask-Migrate is loaded and its
    own group (its options, its commands) takes over."""

    def make_context(self, info_name, args, parent=None, **extra):
        # Flask's CLI has pushed the app's context before it looks a command up.
        use_flask_migrate(current_app._get_current_object())
        from flask_migrate.cli import db as flask_migrate_group

        return flask_migrate_group.make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask) -> None:
    """Add `flask db` to the app's commands."""
    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))

"""Liveness and readiness, for the process manager and the load balancer."""

import os

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app

from core.extensions import db

blp = Blueprint("health", __name__)

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


def migrations_head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()


@blp.get("/healthz")
def healthz():
    """The process answers."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    """The database answers and its schema is at the migrations' head; 503 otherwise."""
    head = current_app.extensions.setdefault("juece_migrations_head", migrations_head())
    try:
        current = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "detail": "The database does not answer or has no schema."}, 503
    if current != head:
        return {
            "status": "unavailable",
            "detail": f"The schema is at {current}, not at {head}: run `flask db upgrade`.",
        }, 503
    return {"status": "ok", "schema": current}

"""Liveness and readiness, for the process manager and the load balancer."""

import sqlalchemy as sa
from flask import Blueprint

from core.extensions import db
from core.migrations import migrations_head

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process answers."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    """The database answers and its schema is at the migrations' head; 503 otherwise."""
    head = migrations_head()
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

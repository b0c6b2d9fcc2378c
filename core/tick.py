"""`flask --app wsgi tick`: the work that falls due with time, done when the scheduler calls.

Domains register their due work here (closing consultations, marking what became overdue);
each task must be safe to run repeatedly and concurrently, and append nothing twice.
"""

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager

import click
from flask import Blueprint, g

from core import calendar
from core.extensions import close_read_connection, db

_tasks: list[tuple[str, Callable[[dt.date], int]]] = []
# The tasks whose work shows in the public record, each with a cheap test of whether any is due.
_public: list[tuple[Callable[[dt.date], bool], Callable[[dt.date], int]]] = []


def task(name: str, *, due: Callable[[dt.date], bool] | None = None):
    """Register due work: a function of today returning how many things it did.

    Work that appends to the public record gives `due`, a cheap (indexed) test of whether any
    is due today: the change feed then does it before answering (`catch_up`)."""

    def register(function):
        _tasks.append((name, function))
        if due is not None:
            _public.append((due, function))
        return function

    return register


@contextmanager
def _writing():
    # Each task reads what is due, then writes. On SQLite its transactions must take the write
    # lock up front, as write requests do: a concurrent tick then waits for the lock instead of
    # failing with "database is locked" when it tries to write after a stale read.
    writes = g.get("writes", False)
    g.writes = True
    try:
        yield
    finally:
        g.writes = writes


def run(today: dt.date | None = None) -> dict[str, int]:
    """Do every registered task once; returns what each did."""
    today = today or calendar.today()
    with _writing():
        return {name: function(today) for name, function in _tasks}


def catch_up(today: dt.date | None = None) -> int:
    """Do now the due work the public record is owed, when any is due: a reader of the record
    never waits for the scheduler. Returns how many things were done."""
    today = today or calendar.today()
    due = [function for is_due, function in _public if is_due(today)]
    if not due:
        return 0
    # What the read connection saw (the tests of what is due) predates the work: read afresh.
    # A session begun for reading (a token's lookup) ends first, so that on SQLite the work's
    # transaction takes the write lock up front (g.writes) instead of upgrading a read.
    close_read_connection()
    if db.session().in_transaction():
        db.session.commit()
    with _writing():
        return sum(function(today) for function in due)


cli = Blueprint("tick_cli", __name__, cli_group=None)


@cli.cli.command("tick")
def tick_command():
    """Do what has fallen due (closing consultations, marking what is overdue)."""
    g.actor = "tick"
    for name, done in run().items():
        click.echo(f"{name}: {done}")

"""`flask --app wsgi tick`: the work that falls due with time, done when the scheduler calls.

Domains register their due work here (closing consultations, marking what became overdue);
each task must be safe to run repeatedly and concurrently, and append nothing twice.
"""

import datetime as dt
from collections.abc import Callable

import click
from flask import Blueprint, g

from core import calendar

_tasks: list[tuple[str, Callable[[dt.date], int]]] = []


def task(name: str):
    """Register due work: a function of today returning how many things it did."""

    def register(function):
        _tasks.append((name, function))
        return function

    return register


def run(today: dt.date | None = None) -> dict[str, int]:
    """Do every registered task once; returns what each did."""
    today = today or calendar.today()
    # Each task reads what is due, then writes. On SQLite its transactions must take the write
    # lock up front, as write requests do: a concurrent tick then waits for the lock instead of
    # failing with "database is locked" when it tries to write after a stale read.
    writes = g.get("writes", False)
    g.writes = True
    try:
        return {name: function(today) for name, function in _tasks}
    finally:
        g.writes = writes


cli = Blueprint("tick_cli", __name__, cli_group=None)


@cli.cli.command("tick")
def tick_command():
    """Do what has fallen due (closing consultations, marking what is overdue)."""
    g.actor = "tick"
    for name, done in run().items():
        click.echo(f"{name}: {done}")

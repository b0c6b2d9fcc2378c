"""`flask calendar load` and `flask calendar show`: the calendar from the command line."""

import datetime as dt
import json

import click
from flask import Blueprint, g

from core.calendar.services import load_year, year_view
from core.errors import ServiceError

cli = Blueprint("calendar_cli", __name__, cli_group="calendar")


@cli.cli.command("load")
@click.argument("year", type=int)
@click.argument("notice", type=click.File("r", encoding="utf-8"))
def load_command(year, notice):
    """Load YEAR from a JSON file {"holidays": [...], "workdays": [...], "source": "..."}."""
    g.writes = True
    g.actor = "calendar"
    data = json.load(notice)
    try:
        changed = load_year(
            year,
            holidays=[dt.date.fromisoformat(d) for d in data.get("holidays", [])],
            workdays=[dt.date.fromisoformat(d) for d in data.get("workdays", [])],
            source=data.get("source", ""),
        )
    except (ServiceError, ValueError) as error:
        raise click.ClickException(getattr(error, "detail", str(error))) from error
    click.echo(f"Loaded {year}; {changed} stored deadlines recomputed.")


@cli.cli.command("show")
@click.argument("year", type=int)
def show_command(year):
    """Show a year's holidays and make-up working days."""
    view = year_view(year)
    click.echo(f"{year}: {view.source} ({view.calendar_status})")
    click.echo("holidays: " + ", ".join(d.isoformat() for d in view.holidays))
    click.echo("workdays: " + ", ".join(d.isoformat() for d in view.workdays))

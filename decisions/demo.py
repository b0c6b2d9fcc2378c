"""`flask --app wsgi demo`: a believable district to explore."""

import click
from flask import Blueprint

cli = Blueprint("demo_cli", __name__, cli_group=None)


@cli.cli.command("demo")
def demo_command():
    """Load the demo district (idempotent)."""
    raise click.ClickException("not written yet")

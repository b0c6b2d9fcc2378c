"""`flask search reindex`: the search index derived again from the records."""

import click
from flask import Blueprint

from core.extensions import db
from opendata.search.indexing import reindex_all

cli = Blueprint("search_cli", __name__, cli_group="search")


@cli.cli.command("reindex")
def reindex_command():
    """Derive the search index again from every decision and its published records.

    The index keeps in step with the public record by itself; this builds it for a database
    upgraded to migration 0017, whose records came before it, and mends one in doubt."""

    def progress(done: int, total: int):
        click.echo(f"{done}/{total} decisions indexed…", err=True)

    written = reindex_all(progress=progress)
    db.session.commit()
    click.echo(f"ok: {written} documents indexed")

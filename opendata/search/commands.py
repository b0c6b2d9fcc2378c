"""`flask search reindex`: the search index derived again from the records."""

import click
import sqlalchemy as sa
from flask import Blueprint

from core.extensions import db
from opendata.search.indexing import reindex_all
from opendata.search.models import SearchDocument

cli = Blueprint("search_cli", __name__, cli_group="search")


@cli.cli.command("reindex")
@click.option("--if-empty", is_flag=True, help="only when the index is empty and there are decisions (make run)")
def reindex_command(if_empty):
    """Derive the search index again from every decision and its published records.

    The index keeps in step with the public record by itself; this builds it for a database
    upgraded to migration 0017, whose records came before it, and mends one in doubt."""

    if if_empty and db.session.scalar(sa.select(SearchDocument.id).limit(1)) is not None:
        click.echo("ok: the index is built already")
        return

    def progress(done: int, total: int):
        click.echo(f"{done}/{total} decisions indexed…", err=True)

    written = reindex_all(progress=progress)
    db.session.commit()
    click.echo(f"ok: {written} documents indexed")

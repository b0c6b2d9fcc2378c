"""`flask verify`: both chains walked from the command line."""

import click
from flask import Blueprint

from core.chain.models import Chain
from core.chain.verifying import verify_all
from core.extensions import db

cli = Blueprint("chain_cli", __name__, cli_group=None)

# Entries between two progress lines of `flask verify`.
PROGRESS_EVERY = 100_000


@cli.cli.command("verify")
def verify_command():
    """Walk the public record's and the audit log's hash chains, recomputing every hash.

    Prints "ok: …" with each chain's length and head and exits 0; or the first broken link of
    each chain that has one (which table, which entry, expected and found) and exits 1."""

    def progress(chain: Chain, n: int):
        if n % PROGRESS_EVERY == 0:
            click.echo(f"{chain.table}: {n} entries verified…", err=True)

    with db.engine.connect() as connection:
        # One transaction for both walks: on SQLite one snapshot, while the service writes on.
        with connection.begin():
            results = verify_all(connection, progress=progress)
    for result in results:
        click.echo(str(result), err=result.broken is not None)
    if any(result.broken for result in results):
        raise SystemExit(1)
    total = sum(result.entries for result in results)
    heads = ", ".join(f"{r.chain.table} {r.head.position} {r.head.hash}" for r in results)
    click.echo(f"ok: {total} entries, head {heads}")

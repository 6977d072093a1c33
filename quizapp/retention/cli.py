"""`quizapp retention`: delete workers' answers, attempts and leavers, kept import previews and
workers' reports older than the retention period, and empty the rows of kept imports that can no
longer be applied (cron, daily). See docs/privacy.md. The command parses and prints;
retention.service decides what goes."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from quizapp.extensions import db
from quizapp.jobs import one_at_a_time


@click.command("retention")
@click.option("--months", default=12, show_default=True, type=int,
              help="Keep this many months of answers (the period in the companies' notice to workers).")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@with_appcontext
@one_at_a_time("retention")
def retention(months: int, dry_run: bool) -> None:
    """Delete answers, attempts, leavers, roster imports, the town's kept imports (register, incidents,
    outreach) and workers' reports older than --months; empty the rows of the imports applied,
    cancelled or not confirmed in time."""
    from quizapp.clock import local_today, town_zone, utcnow
    from quizapp.retention.service import purge

    try:
        result = purge(local_today(), months, town_zone(), utcnow(), dry_run=dry_run)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    db.session.commit()
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} records dated before {result.cutoff}: {result.attempts} quizzes, {result.answers} answers, "
               f"{result.workers} workers who left, {result.roster_imports} roster imports, "
               f"{result.register_imports} kept imports (register, incidents, outreach), "
               f"{result.leads} workers' reports; {'would empty' if dry_run else 'emptied'} the rows of "
               f"{result.imports_emptied} imports applied, cancelled or not confirmed in time")

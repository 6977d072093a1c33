"""`quizapp partitions`: the answer table by month on PostgreSQL (docs/scale.md). `convert` once,
when the table grows past a few hundred million rows; `ensure --ahead 3` from cron (monthly or
daily); `list` to see them. The commands parse and print; partitions.service decides."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from quizapp.extensions import db
from quizapp.jobs import one_at_a_time

AHEAD = click.option("--ahead", default=3, show_default=True, type=click.IntRange(0, 24),
                     help="Make the month partitions up to this many months after this one.")


@click.group("partitions")
def partitions_group() -> None:
    """The answer table partitioned by month (PostgreSQL only)."""


def _refused(error: Exception) -> None:
    db.session.rollback()
    click.echo(f"partitions: {error}", err=True)
    sys.exit(2)


def _print(rows) -> None:
    for p in rows:
        span = "DEFAULT" if p.default else f"{p.start or 'the beginning'} to {p.end} (excluded)"
        click.echo(f"{p.name:32} {span:40} ~{p.rows:>12,} rows {p.bytes / 2**20:>10,.1f} MiB")


@partitions_group.command("convert")
@AHEAD
@with_appcontext
@one_at_a_time("partitions")
def convert(ahead: int) -> None:
    """Partition the answer table by month without copying it (one transaction; answers wait)."""
    from quizapp.clock import local_today
    from quizapp.partitions import service

    try:
        made = service.convert(local_today(), ahead)
    except service.Refused as error:
        _refused(error)
        return
    db.session.commit()
    click.echo("converted: the answer table is partitioned by month")
    _print(made)


@partitions_group.command("ensure")
@AHEAD
@with_appcontext
@one_at_a_time("partitions")
def ensure(ahead: int) -> None:
    """Make this month's and the coming months' partitions that do not exist yet (cron)."""
    from quizapp.clock import local_today
    from quizapp.partitions import service

    try:
        made = service.ensure(local_today(), ahead)
    except service.Refused as error:
        _refused(error)
        return
    db.session.commit()
    click.echo(f"made {len(made)} partition(s){': ' + ', '.join(made) if made else ''}")


@partitions_group.command("list")
@with_appcontext
def list_partitions() -> None:
    """The answer table's partitions, their dates, rows (estimated) and size."""
    from quizapp.partitions import service

    if not service.on_postgresql():
        _refused(service.Refused("partitions need PostgreSQL; on SQLite the answer table stays one table"))
    rows = service.partitions()
    if not rows:
        click.echo("the answer table is not partitioned")
    _print(rows)

"""The `quizapp synth` command: a synthetic town for benchmarks (demo.synth).

Registered in quizapp/cli.py; used by operators trying the reports at town scale and by
bench/reports.py. Parses options, calls the service and commits; no rules of its own.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from quizapp.extensions import db


@click.command("synth")
@click.option("--companies", default=3000, show_default=True, type=click.IntRange(1))
@click.option("--workers", default=150_000, show_default=True, type=click.IntRange(3))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3660), help="Days of history.")
@click.option("--grids", default=125, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same town.")
@click.option("--attempt-days", default=0, show_default=True, type=click.IntRange(0, 90),
              help="Also write the last N days' finished official attempts (for coverage).")
@click.option("--password", default="synth-2026", show_default=True,
              help="For the synth-admin and synth-officer-N accounts.")
@click.option("--force", is_flag=True, help="Add to a database that already has companies.")
@with_appcontext
def synth(companies: int, workers: int, days: int, grids: int, seed: int, attempt_days: int, password: str,
          force: bool) -> None:
    """Generate a synthetic town: grids, companies, workers and CompanyDay history ending today."""
    from quizapp.clock import local_today
    from quizapp.demo.synth import TownNotEmpty, synthesize

    if workers < 3 * companies:
        raise click.BadParameter("at least 3 workers per company", param_hint="--workers")
    try:
        report = synthesize(local_today(), companies=companies, workers=workers, days=days, grids=grids, seed=seed,
                            attempt_days=min(attempt_days, days), password=password, force=force,
                            progress=lambda text: click.echo(text, err=True))
    except TownNotEmpty as refused:
        db.session.rollback()
        raise click.ClickException(
            "this database already has companies; use --force to add a synthetic town anyway") from refused
    db.session.commit()
    click.echo(f"synthesised {report.companies} companies in {report.grids} grids, {report.workers} workers, "
               f"{report.days} days: {report.rollup_rows} rollup rows, {report.attempts} attempts, "
               f"{report.incidents} incident records; accounts: {', '.join(report.accounts) or 'none new'}")

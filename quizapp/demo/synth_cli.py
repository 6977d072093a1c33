"""The `quizapp synth` command: a synthetic town or city for benchmarks (demo.synth).

Registered in quizapp/cli.py; used by operators trying the reports at town scale and by
bench/reports.py. Parses options, calls the service and commits; no rules of its own.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from quizapp.extensions import db


@click.command("synth")
@click.option("--towns", default=1, show_default=True, type=click.IntRange(1, 200),
              help="Towns, each with --grids grids, --companies companies and --workers workers.")
@click.option("--companies", default=3000, show_default=True, type=click.IntRange(1), help="Per town.")
@click.option("--workers", default=150_000, show_default=True, type=click.IntRange(3), help="Per town.")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3660), help="Days of history.")
@click.option("--grids", default=125, show_default=True, type=click.IntRange(1), help="Per town.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same town.")
@click.option("--attempt-days", default=0, show_default=True, type=click.IntRange(0, 90),
              help="Also write the last N days' finished official attempts (for coverage)...")
@click.option("--attempt-towns", default=1, show_default=True, type=click.IntRange(0),
              help="...in the first N towns.")
@click.option("--password", default="synth-2026", show_default=True,
              help="For the synth-admin and synth-officer-N accounts.")
@click.option("--force", is_flag=True, help="Add to a database that already has companies.")
@with_appcontext
def synth(towns: int, companies: int, workers: int, days: int, grids: int, seed: int, attempt_days: int,
          attempt_towns: int, password: str, force: bool) -> None:
    """Generate synthetic towns: grids, companies, workers and CompanyDay history ending today
    (`--towns 32 --companies 2813 --workers 50000`: a city of 90,000 companies)."""
    from quizapp.clock import local_today
    from quizapp.demo.synth import TownNotEmpty, synthesize

    if workers < 3 * companies:
        raise click.BadParameter("at least 3 workers per company", param_hint="--workers")
    try:
        report = synthesize(local_today(), companies=companies, workers=workers, days=days, grids=grids, seed=seed,
                            attempt_days=min(attempt_days, days), password=password, force=force,
                            progress=lambda text: click.echo(text, err=True), towns=towns,
                            attempt_towns=attempt_towns)
    except TownNotEmpty as refused:
        db.session.rollback()
        raise click.ClickException(
            "this database already has companies; use --force to add a synthetic town anyway") from refused
    db.session.commit()
    click.echo(f"synthesised {report.towns} town(s): {report.companies} companies in {report.grids} grids, "
               f"{report.workers} workers, "
               f"{report.days} days: {report.rollup_rows} rollup rows, {report.attempts} attempts, "
               f"{report.incidents} incident records; accounts: {_names(report.accounts)}")


def _names(accounts: list[str]) -> str:
    if len(accounts) > 8:  # a city's: the first town's, then how many more
        return f"{', '.join(accounts[:4])}, … ({len(accounts)} new)"
    return ", ".join(accounts) or "none new"

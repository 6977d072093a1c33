"""The `quizapp digest` command: each officer's numbers for the day, by e-mail and/or their WeChat
Work robot (digest.service).

Registered in quizapp/cli.py; run by cron in the evening (docs/deploy.md, "Daily digest"). Records
the day's digests before sending any, commits after each, prints a summary and exits non-zero
when any delivery failed, so cron mails the operator. No rules of its own.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from quizapp.extensions import db
from quizapp.jobs import one_at_a_time


@click.command("digest")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The local date to report (default: today).")
@with_appcontext
@one_at_a_time("digest")
def digest(day) -> None:
    """Send each active officer (and town admin) the day's numbers for their grids. A re-run the
    same day sends only what has not gone out yet; failures are logged, kept and retried."""
    from quizapp.clock import local_today, utcnow
    from quizapp.digest import service
    from quizapp.digest.wording import town_outbox

    target = day.date() if day else local_today()
    now = utcnow()
    outbox = town_outbox()
    plan = service.prepare(target, now, outbox)
    db.session.commit()  # the day's digests are on record before anything is sent
    sent = 0
    for delivery in plan.todo:
        sent += service.deliver(delivery, now, outbox.smtp)
        db.session.commit()
    failed = len(plan.todo) - sent + len(plan.broken)
    click.echo(f"digest {target}: {sent} sent, {plan.already} already sent, {failed} failed")
    if failed:
        sys.exit(1)

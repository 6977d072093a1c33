"""The `quizapp` console command: demo, serve, db (Flask-Migrate), bank, rollup, remind, supervise.

Used by operators, cron and the README's Quick start. Commands parse arguments, call services and
commit; they hold no rules of their own. The cron jobs (rollup, remind, supervise; digest and
retention in their features) run under their job's lock (quizapp/jobs.py): cron may start them on
every server at once.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from datetime import UTC, date, timedelta

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import text

from quizapp.bank.rules.checker import read_bank
from quizapp.bank.rules.load_plan import LoadPlan
from quizapp.extensions import db
from quizapp.jobs import one_at_a_time


def _create_app():
    from quizapp import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, add_default_commands=False)
def main() -> None:
    """quizapp: five minutes of anti-fraud practice before every shift."""


@click.group("bank")
def bank_group() -> None:
    """Check and load the question bank."""


@bank_group.command("check")
@click.argument("path", type=click.Path(exists=True), default="question_bank")
@click.option("--json", "as_json", is_flag=True,
              help="Print counts per topic, type, difficulty and kind, provenance and the answer-cue figures as JSON.")
@click.option("--require-provenance/--no-require-provenance", envvar="QUIZAPP_REQUIRE_PROVENANCE", default=True,
              show_envvar=True, help="A question without 'source' or 'reviewed' is a problem, not just counted.")
@with_appcontext
def bank_check(path: str, as_json: bool, require_provenance: bool) -> None:
    """Report every problem in the bank files as file:line: message (exit 1), then warnings and the
    answer-cue figures (how far the key can be found without reading the question; never exit 1)."""
    from quizapp.bank.rules import cues
    from quizapp.bank.rules.checker import summary
    from quizapp.bank.rules.provenance import read_checked_bank
    from quizapp.clock import local_today

    bank, provenance = read_checked_bank(path, local_today(), require_provenance)
    warnings = provenance.warnings + cues.item_warnings(bank)
    for problem in bank.problems:
        click.echo(str(problem), err=True)
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
    figures = cues.report(bank)
    if as_json:
        click.echo(json.dumps({**summary(bank), "warnings": len(warnings), "provenance_required": require_provenance,
                               "provenance": provenance.counts, "answer_cues": figures}, ensure_ascii=False, indent=2))
    else:
        counts = provenance.counts
        click.echo(f"provenance ({'required' if require_provenance else 'not yet required'}): "
                   f"{counts['missing_source']} of {counts['questions']} questions without a source, "
                   f"{counts['missing_reviewed']} without a reviewed date, "
                   f"{counts['reviewed_over_a_year_ago']} reviewed over a year ago")
        for line in cues.render(figures):
            click.echo(line)
    if bank.problems:
        click.echo(f"{len(bank.problems)} problem(s) in {path}", err=True)
        sys.exit(1)
    if not as_json:
        click.echo(f"ok: {len(bank.questions)} questions in {len(bank.topics)} topics, {len(warnings)} warning(s)")


@bank_group.command("wording")
@click.argument("path", type=click.Path(exists=True), default="question_bank")
@click.option("--topic", "topics", multiple=True, help="Only this topic's items (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="List the items the model misses too.")
@with_appcontext
def bank_wording(path: str, topics: tuple[str, ...], show_all: bool) -> None:
    """For the writer: each knowledge item the wording model (naive Bayes over the options' characters,
    fitted on the other topics) finds the key of, as file:line, with its margin and the wording that
    pulled it there. Rewrite those options until the model is near chance (bank check's figure)."""
    from quizapp.bank.rules.guesser import WORDING, learned_guesses
    from quizapp.bank.rules.words import knowledge_items
    from quizapp.rules.vocab import QuestionType

    bank = read_bank(path)
    items = knowledge_items(bank.questions.values())
    for qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUEFALSE):
        guesses = [g for g in learned_guesses([q for q in items if q.type == qtype], qtype, WORDING)
                   if not topics or g.question.topic in topics]
        if not guesses:
            continue
        found = sum(g.credit for g in guesses)
        click.echo(f"{qtype}: the model finds {found:.0f} of {len(guesses)} keys")
        for g in sorted(guesses, key=lambda g: (g.question.path, g.question.line)):
            if g.credit or show_all:
                verdict = "found" if g.credit >= 1 else ("tie" if g.credit else "missed")
                click.echo(f"  {g.question.path}:{g.question.line}: {g.question.qid} {verdict} "
                           f"(margin {g.margin:+.1f}) pulled by {' '.join(g.pulled_by)}")


@bank_group.command("load")
@click.argument("path", type=click.Path(exists=True), default="question_bank")
@click.option("--dry-run", is_flag=True, help="Print what loading would do, per topic, and write nothing.")
@click.option("--retire-topics", is_flag=True,
              help="Go ahead when whole topics would leave the rotation (every question of a topic now in "
                   "rotation retired); refused without it.")
@click.option("--yes", is_flag=True,
              help="Go ahead without asking when more than 10% of the questions in rotation would be retired "
                   "(without a terminal, refused without it).")
@with_appcontext
def bank_load(path: str, dry_run: bool, retire_topics: bool, yes: bool) -> None:
    """Load the bank into the database (idempotent; edits make new versions; nothing is deleted).

    First prints what it would do per topic: questions added, changed (a new version), unchanged,
    back in rotation and retired (a question not in PATH leaves the rotation). PATH is the whole
    bank: a folder with some topics only would retire the others, so retiring whole topics needs
    --retire-topics, and retiring more than 10% of the questions in rotation a yes (--yes)."""
    from quizapp.bank.rules.load_plan import RETIRE_TOPICS, YES, needs_go_ahead, plural, render, retiring
    from quizapp.bank.rules.provenance import read_checked_bank
    from quizapp.bank.service import load_bank, plan
    from quizapp.clock import local_today

    bank, _ = read_checked_bank(path, local_today())
    if bank.problems:
        for problem in bank.problems:
            click.echo(str(problem), err=True)
        click.echo("nothing loaded: fix the problems above first", err=True)
        sys.exit(1)
    the_plan = plan(bank)
    click.echo(f"{'would load' if dry_run else 'loading'} {path}: {plural(len(bank.questions), 'question')} in "
               f"{plural(len(bank.topics), 'topic')}; per topic:")
    for line in render(the_plan):
        click.echo(f"  {line}")
    needed = {go_ahead.option: go_ahead.what for go_ahead in needs_go_ahead(the_plan)}
    refusals = []
    if RETIRE_TOPICS in needed and not retire_topics:
        refusals.append(f"{needed[RETIRE_TOPICS]}. {path} should hold the whole bank (every topic's file); "
                        "if the topics are meant to go, run again with --retire-topics")
    needs_yes = YES in needed and not yes
    if needs_yes and (dry_run or refusals or not _interactive()):
        refusals.append(f"{needed[YES]}; if that is meant, run again with --yes "
                        "(on a terminal, bank load asks instead)")
    if dry_run:
        for refusal in refusals:
            click.echo(f"without --dry-run this would be refused: {refusal}")
        click.echo("dry run: nothing written")
        db.session.rollback()
        return
    if refusals:
        for refusal in refusals:
            click.echo(f"refused: {refusal}", err=True)
        click.echo("nothing loaded", err=True)
        sys.exit(1)
    if needs_yes and not click.confirm(f"Retire {retiring(the_plan)}?", default=False, err=True):
        click.echo("nothing loaded", err=True)
        sys.exit(1)
    report = load_bank(bank)
    db.session.commit()
    click.echo(f"loaded: {len(report.added)} new, {len(report.new_versions)} new versions, "
               f"{report.unchanged} unchanged, {len(report.retired)} retired, "
               f"{report.topics_added} topics added, {report.topics_updated} topics updated")


def _interactive() -> bool:
    """Someone at a terminal can answer a question (cron, scripts and pipes cannot: they get a refusal)."""
    return sys.stdin.isatty()


@bank_group.command("stats")
@click.option("--days", default=90, show_default=True, type=int, help="Window of answers to analyse.")
@click.option("--flagged", is_flag=True, help="Only questions that look broken.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def bank_stats(days: int, flagged: bool, as_json: bool) -> None:
    """Item analysis, one first official try per worker: workers, share right, discrimination with its
    95% interval, options chosen (all, stronger and weaker half) and flags per question."""
    from quizapp.bank.items import analyse_items
    from quizapp.clock import local_today

    rows = [r for r in analyse_items(local_today(), days) if not flagged or (r.stats and r.stats.flags)]

    def share(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    if as_json:
        data = [{"question": r.slug, "topic": r.topic.slug, "workers": r.stats.workers if r.stats else 0,
                 "share_right": share(r.stats.p) if r.stats else None,
                 "discrimination": share(r.stats.r) if r.stats else None,
                 "discrimination_interval": [share(r.stats.r_low), share(r.stats.r_high)] if r.stats else None,
                 "option_shares": [share(x) for x in r.stats.option_shares] if r.stats else [],
                 "stronger_half": [share(x) for x in r.stats.stronger_shares] if r.stats else [],
                 "weaker_half": [share(x) for x in r.stats.weaker_shares] if r.stats else [],
                 "flags": r.stats.flags if r.stats else []} for r in rows]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'question':16} {'topic':11} {'workers':>7} {'right':>6} {'discr (95% interval)':>21}  "
               "options: all (stronger/weaker half) / flags")
    for r in rows:
        stats = r.stats
        workers = stats.workers if stats else 0
        right = "–" if stats is None else f"{stats.p:.0%}"
        discr = "–" if stats is None or stats.r is None else f"{stats.r:.2f}"
        if stats and stats.r_low is not None and stats.r_high is not None:
            discr += f" ({stats.r_low:.2f}, {stats.r_high:.2f})"
        options = " ".join(f"{'ABCDEF'[i]}{x:.0%}({s:.0%}/{w:.0%})" for i, (x, s, w) in enumerate(
            zip(stats.option_shares, stats.stronger_shares, stats.weaker_shares, strict=True))) if stats else ""
        flags = " ".join(stats.flags) if stats else ""
        click.echo(f"{r.slug:16} {r.topic.slug:11} {workers:>7} {right:>6} {discr:>21}  {options}  {flags}")


@click.command("rollup")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Local date (default: yesterday).")
@with_appcontext
@one_at_a_time("rollup")
def rollup(day) -> None:
    """Close attempts whose time ran out, then rebuild every company's daily rollup for one date
    (cron: shortly after midnight)."""
    from sqlalchemy import select

    from quizapp.clock import local_today, utcnow
    from quizapp.models import Company
    from quizapp.quiz.service import close_expired
    from quizapp.rollups import towns
    from quizapp.rollups.service import RecordGone, rebuild_company_day

    today = local_today()
    closed = close_expired(utcnow(), today)
    if closed:
        click.echo(f"closed {closed} attempt(s) whose time ran out")
    target: date = day.date() if day else today - timedelta(days=1)
    companies = list(db.session.scalars(select(Company)))
    try:
        for company in companies:
            rebuild_company_day(company, target, today)
    except RecordGone as error:
        db.session.commit()  # the expired attempts closed above stay closed
        click.echo(f"error: {error.day} is before {error.kept_from}, the first day whose answers are still kept "
                   "(quizapp retention deleted older ones): its rollup is final and cannot be rebuilt", err=True)
        sys.exit(1)
    if target < today:  # every town's day summed anew (today's figures are read live, never from TownDay)
        towns.refresh_days([target])
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        # SQLite keeps no statistics of its own (PostgreSQL's autovacuum does): without them the planner
        # scans the answers for every first try and a company-day takes seconds, not milliseconds. A
        # sampled ANALYZE (analysis_limit) each night keeps them fresh at a small, bounded cost.
        db.session.execute(text("PRAGMA analysis_limit=1000"))
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo(f"rebuilt {len(companies)} company rollups for {target}")


@click.command("remind")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%d %H:%M"]), default=None,
              help="Pretend it is this local time (default: now).")
@with_appcontext
@one_at_a_time("remind")
def remind(at) -> None:
    """Post each team's not-done count to the company's WeChat Work group shortly before each shift
    (cron: every 5 minutes). Failures are logged and retried; they never stop the other companies."""
    from quizapp.clock import town_zone, utcnow
    from quizapp.reminders import service as reminders
    from quizapp.reminders.wording import town_reminders

    now = utcnow() if at is None else at.replace(tzinfo=town_zone()).astimezone(UTC).replace(tzinfo=None)
    todo, already = reminders.prepare(now, town_zone(), town_reminders())
    db.session.commit()  # due reminders are on record before anything is sent
    sent = 0
    for delivery in todo:
        sent += reminders.deliver(delivery, now)
        db.session.commit()
    click.echo(f"reminders: {sent} sent, {len(todo) - sent} failed, {already} already sent")


@click.command("supervise")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check as of this local date (default: today).")
@with_appcontext
@one_at_a_time("supervise")
def supervise(day) -> None:
    """Put companies on the supervision list by the town's rules (cron: nightly, after rollup)."""
    from quizapp.clock import local_today, utcnow
    from quizapp.supervision.service import flag_companies
    from quizapp.supervision.wording import town_reasons

    opened = flag_companies(day.date() if day else local_today(), utcnow(), town_reasons())
    db.session.commit()
    click.echo(f"{len(opened)} case(s) opened")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int,
              help="gunicorn worker processes (default: 2 × cores + 1 with a shared rate-limit storage, else 1).")
@click.option("--threads", default=None, type=int,
              help="threads per process (default: 1 with a shared rate-limit storage, else 2 × cores + 1).")
@with_appcontext
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve quizapp with gunicorn, the production WSGI server."""
    processes, default_threads = server_shape(workers, current_app.config["RATELIMIT_STORAGE_URI"],
                                              os.cpu_count() or 1)
    run_gunicorn(host, port, processes, threads or default_threads)


def server_shape(workers: int | None, storage_uri: str, cores: int) -> tuple[int, int]:
    """(processes, threads per process) for gunicorn. With memory:// each process counts sign-in
    tries and API requests alone, so N processes would let N times the configured limits through:
    then quizapp runs one process (with threads for concurrency) and refuses several."""
    shared = not storage_uri.startswith("memory://")
    if shared:
        return workers or 2 * cores + 1, 1
    if workers is not None and workers > 1:
        raise click.UsageError(
            f"--workers {workers} with QUIZAPP_RATELIMIT_STORAGE_URI={storage_uri}: each process would count "
            "sign-in tries and API requests on its own, letting through "
            f"{workers} times the configured limits. Run one worker, or set QUIZAPP_RATELIMIT_STORAGE_URI to a "
            "storage every process shares (e.g. redis://host:6379/0; docs/deploy.md).")
    return 1, 2 * cores + 1


def run_gunicorn(host: str, port: int, workers: int, threads: int = 1) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)  # more than 1: gunicorn's threaded worker
            self.cfg.set("accesslog", os.environ.get("QUIZAPP_ACCESS_LOG") or None)
            self.cfg.set("timeout", 30)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn 25+ opens a control socket at one path per user: several app servers on
                # one machine (scripts/cluster) would take it from each other. quizapp does not use it.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            from quizapp import create_app

            return create_app()

    Server().run()


@click.command("demo")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up the demo database and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print entry URLs and accounts as JSON.")
@click.option("--reset", is_flag=True, help="Throw away the demo database and seed it again.")
@click.pass_context
def demo(ctx, port: int, no_serve: bool, as_json: bool, reset: bool) -> None:
    """Create the demo town (SQLite under instance/), then serve it on 127.0.0.1.

    Loads the question bank at QUIZAPP_BANK_PATH first, without asking: a load that `bank load`
    would not do without --retire-topics or --yes (a folder holding part of the bank) is refused,
    before anything is written, and left to `quizapp bank load`."""
    from flask_migrate import upgrade

    from quizapp.bank.rules.provenance import read_checked_bank
    from quizapp.bank.service import load_bank, plan
    from quizapp.clock import local_today, utcnow
    from quizapp.demo import service as demo_service
    from quizapp.supervision.wording import town_reasons

    # The demo is served over plain http on 127.0.0.1, where Secure cookies would never come back.
    os.environ.setdefault("QUIZAPP_SECURE_COOKIES", "0")
    app: Flask = ctx.obj.load_app()
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False
    with app.app_context():
        if reset:
            demo_service.drop_all()
        upgrade()
        path = current_app.config["QUIZAPP_BANK_PATH"]
        bank, _ = read_checked_bank(path, local_today())  # what `bank load` reads, provenance checked too
        if bank.problems:
            raise click.ClickException("the question bank has problems; run `quizapp bank check`")
        _refuse_what_bank_load_would_ask(path, plan(bank))
        load_bank(bank)
        db.session.commit()
        if not demo_service.is_seeded():
            demo_service.seed(today=local_today(), now=utcnow(), describe_flag=town_reasons(),
                              seed_of_town=current_app.config.get("QUIZAPP_TOWN_SEED"))
            db.session.commit()
        info = demo_service.entry_info(f"http://127.0.0.1:{port}")
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        click.echo(demo_service.describe(info))
    if not no_serve:
        run_gunicorn("127.0.0.1", port, *server_shape(None, app.config["RATELIMIT_STORAGE_URI"], os.cpu_count() or 1))


def _refuse_what_bank_load_would_ask(path: str, the_plan: LoadPlan) -> None:
    """The demo asks nothing: a load that needs a go-ahead in `bank load` (needs_go_ahead: whole
    topics leaving the rotation, or much of it retired) is refused with the plan per topic and the
    `bank load` command that would do it, for the operator to run if it is meant."""
    from quizapp.bank.rules.load_plan import needs_go_ahead, render

    needed = needs_go_ahead(the_plan)
    if not needed:
        return
    click.echo(f"loading {path} would do, per topic:", err=True)
    for line in render(the_plan):
        click.echo(f"  {line}", err=True)
    command = " ".join(["quizapp bank load", shlex.quote(path), *(go_ahead.option for go_ahead in needed)])
    raise click.ClickException(
        f"refused to load the question bank at {path} (QUIZAPP_BANK_PATH) for the demo: "
        + "; ".join(go_ahead.what for go_ahead in needed)
        + f". Nothing was loaded, and the demo was not started. {path} should hold the whole bank (every topic's "
        f"file); if retiring these questions is meant, run `{command}` yourself, then `quizapp demo` again.")


def register(app: Flask) -> None:
    from quizapp.demo.synth_cli import synth
    from quizapp.digest.cli import digest
    from quizapp.partitions.cli import partitions_group
    from quizapp.retention.cli import retention
    from quizapp.towns.cli import city_admin

    for command in (bank_group, rollup, remind, supervise, serve, demo, synth, retention, digest, partitions_group,
                    city_admin):
        app.cli.add_command(command)


if __name__ == "__main__":  # `python -m quizapp.cli …` works like the installed `quizapp` command
    main()

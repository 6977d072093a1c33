"""The daily digest's words: the message an officer is sent (subject, each grid's lines, the
dashboard's link and the definition, and the HTML alternative), always in the town's language,
and the Outbox that the views and `quizapp digest` hand to digest.service.

The figures come from digest.service.figures (numbers only); here they get the town's name, the
names "whole town", the link built from the site's address (quizapp.links.public_url) and words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from quizapp.clock import town_zone
from quizapp.deliveries.service import SmtpSettings
from quizapp.digest import rules
from quizapp.digest.service import Message, Outbox
from quizapp.incidents import wording as incident_words
from quizapp.incidents.rules import FIGURES, YearOnYear
from quizapp.links import public_url
from quizapp.organisation.rules import name_list
from quizapp.rules.metrics import percent
from quizapp.wording import change_words, figure_definition


def _block(grid: rules.GridDay, target: float, month: date, day: date) -> list[str]:
    # The line says which day its participation is (the digest's date), beside the 30-day figure below.
    lines = [f"【{grid.name}】"]
    on = {"date": day.isoformat()}
    if grid.expected:
        lines.append(_("Participation on %(date)s: %(share)s (%(done)d of %(expected)d expected quizzes done)",
                       share=percent(grid.participation), done=grid.done, expected=grid.expected, **on))
    elif grid.has_data:
        lines.append(_("Participation on %(date)s: no quiz expected (not a workday)", **on))
    else:
        lines.append(_("Participation on %(date)s: – (no data for this date: the nightly rollup has not recorded it)",
                       **on))
    lines.append(_("Companies: %(companies)d, of which %(below)d below the %(target)s target (30-day participation)",
                   companies=grid.companies, below=grid.below_target, target=percent(target)))
    shown, more = name_list(grid.flagged, rules.FLAGGED_SHOWN)
    if shown:
        names = "、".join(shown) + (" " + _("and %(n)d more", n=more) if more else "")
        lines.append(_("Newly on the supervision list: %(names)s", names=names))
    else:
        lines.append(_("Newly on the supervision list: none"))
    lines.append(_("Supervision cases overdue: %(n)d", n=grid.overdue))
    lines.append(_("Raw reports (原始警情) in %(month)s (the month they happened, so far): %(n)d",
                   month=f"{month:%Y-%m}", n=grid.raw_month))
    lines.append(_("Confirmed cases in %(month)s (the month the cases happened, so far): %(cases)d (losses %(loss)s "
                   "yuan)",
                   month=f"{month:%Y-%m}", cases=grid.cases_month, loss=rules.yuan(grid.loss_month)))
    lines.append(_("Outreach in %(month)s so far: %(events)s events, %(people)s people reached",
                   month=f"{month:%Y-%m}", events=f"{grid.outreach_month.events:,}",
                   people=f"{grid.outreach_month.people:,}"))
    if grid.zero_months is not None or grid.months_without_case is not None:  # a grid (the town total has none)
        lines.append(_("Months since the grid's last case: %(months)s; zero-case months in a row: %(run)s",
                       months=incident_words.quiet_months(grid.months_without_case),
                       run=incident_words.zero_run(grid.zero_months)))
    return lines


def _figure(name: str, value) -> str:
    return rules.yuan(value) if name == "loss_yuan" else str(value)


def declines_lines(y: YearOnYear) -> list[str]:
    """The three declines (incidents.figures.declines) as the digest says them: what is compared,
    then each figure this month and the year to date beside a year before, the change and whether it
    declined (the incidents page's figures and words)."""
    changes, down = y.changes(), y.declines()
    lines = [_("Year on year (the “three declines”): %(basis)s", basis=incident_words.basis(y.month, y.partial))]
    for name in FIGURES:
        values = {"figure": incident_words.figure_name(name), "month": f"{y.month:%Y-%m}",
                  "now": _figure(name, getattr(y.this_month, name)),
                  "before": _figure(name, getattr(y.month_last_year, name)),
                  "change": change_words(changes[f"month_{name}"], "percent"),
                  "verdict": incident_words.verdict(down[f"month_{name}"])}
        if y.ytd_last is None:
            lines.append(_("%(figure)s: %(month)s %(now)s (same month last year %(before)s, %(change)s, "
                           "%(verdict)s)", **values))
            continue
        lines.append(_("%(figure)s: %(month)s %(now)s (same month last year %(before)s, %(change)s, %(verdict)s); "
                       "January to %(last)s %(ytd)s (a year before %(ytd_before)s, %(ytd_change)s, "
                       "%(ytd_verdict)s)", **values, last=f"{y.ytd_last:%Y-%m}",
                       ytd=_figure(name, getattr(y.year_to_date, name)),
                       ytd_before=_figure(name, getattr(y.ytd_last_year, name)),
                       ytd_change=change_words(changes[f"ytd_{name}"], "percent"),
                       ytd_verdict=incident_words.verdict(down[f"ytd_{name}"])))
    return lines


def compose(digest: rules.Digest) -> Message:
    """The digest in the town's language (BABEL_DEFAULT_LOCALE), as text and as simple HTML, with
    a link to the officer's dashboard (the town admin's: the town view) when the site's address
    is configured."""
    town = current_app.config.get("QUIZAPP_TOWN_NAME") or ""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        digest = replace(digest, link=public_url("admin.town" if digest.town else "reports.index"),
                         total=replace(digest.total, name=_("Whole town")) if digest.total else None,
                         scope=_("whole town") if digest.town else digest.scope)
        values = {"town": town, "date": digest.day.isoformat(), "scope": digest.scope}
        subject = (_("%(town)s anti-fraud daily report %(date)s · %(scope)s", **values) if town
                   else _("Anti-fraud daily report %(date)s · %(scope)s", **values))
        lines = [subject]
        if digest.declines is not None and digest.grids:
            lines += declines_lines(digest.declines)
        for grid in ([digest.total] if digest.total else []) + list(digest.grids):
            lines += _block(grid, digest.target, digest.month, digest.day)
        if not digest.grids:
            lines.append(_("No active grid is assigned to you: there are no figures to send."))
        footer = [_("Dashboard: %(url)s", url=digest.link)] if digest.link else []
        footer.append(f"{figure_definition('participation')} {_('Aggregates only: no worker is named.')}")
        html = current_app.jinja_env.get_template("digest/email.html").render(
            digest=digest, subject=subject, percent=percent, yuan=rules.yuan, declines=declines_lines,
            shown_names=lambda names: name_list(names, rules.FLAGGED_SHOWN))
    return Message(subject=subject, lines=tuple(lines), footer=tuple(footer), html=html)


def town_outbox() -> Outbox:
    """What digest.service sends with: the town's zone, compose, and the QUIZAPP_SMTP_* settings."""
    return Outbox(zone=town_zone(), compose=compose, smtp=SmtpSettings.from_config(current_app.config))

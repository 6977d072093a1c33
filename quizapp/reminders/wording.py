"""The shift reminder's words: what a company's WeChat Work group is sent before a shift (laid out
by reminders.rules.reminder_text), always in the town's language. `quizapp remind` passes
town_reminders() to reminders.service.prepare; the settings page's robot test sends
town_test_message()."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from quizapp.links import public_url
from quizapp.models import Company
from quizapp.reminders import rules
from quizapp.wording import in_town_language


def reminder_content(company: Company, shift: rules.DueShift, team_counts: list[tuple[str, int]], total: int) -> str:
    """The message: the shift and its start, then each team's not-done count, most first."""
    starts = shift.starts.strftime("%H:%M")
    missing = sum(count for _team, count in team_counts)
    if not missing:
        return _("%(company)s · %(shift)s (starts %(time)s): all %(total)d workers have done today's "
                 "anti-fraud quiz. Thank you!", company=company.name, shift=shift.name, time=starts, total=total)
    heading = _("%(company)s · %(shift)s (starts %(time)s): %(missing)d of %(total)d workers have not done "
                "today's anti-fraud quiz yet.", company=company.name, shift=shift.name, time=starts,
                missing=missing, total=total)
    lines = [_("%(team)s: %(count)d not done", team=team or _("No team"), count=count)
             for team, count in team_counts]
    footer = _("Team leaders: please remind them to scan the company QR code and do it before the shift.")
    link = public_url("auth.company", code=company.code)
    if link:
        footer += "\n" + _("Or open: %(link)s", link=link)
    return rules.reminder_text(heading, lines, footer)


def town_reminders() -> Callable[[Company, rules.DueShift, list[tuple[str, int]], int], str]:
    """reminder_content in the town's language, whoever runs the command."""
    return in_town_language(reminder_content)


def test_message(company: Company) -> str:
    """The settings page's test: who is posting, and what the group will get from now on."""
    return _("%(company)s · test message from the anti-fraud quiz: shift reminders will be posted in this "
             "group %(minutes)d minutes before each shift.", company=company.name, minutes=company.remind_minutes)


def town_test_message(company: Company) -> str:
    """test_message in the town's language (the group's), whoever presses the button."""
    return in_town_language(test_message)(company)

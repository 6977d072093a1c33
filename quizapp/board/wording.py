"""The board's words for outside the app: the message a team's WeChat group is sent to chase the
workers who have not done today's quiz (board.rules.chase_text lays it out), in the page's
language. Used by the board's chase views."""

from datetime import date

from flask_babel import gettext as _

from quizapp.board import rules


def chase_text(team: str, today: date, people: list[rules.Person], link: str, lang: str,
               shift: str | None = None) -> str:
    """The message for a team's WeChat group (board.rules.chase_text), in the page's language; of
    one shift's workers when `shift` is given."""
    label = team or _("No team")
    if shift:
        label = f"{label} · {shift}"
    if not people:
        heading = _("%(team)s · %(date)s: everyone has done today's anti-fraud quiz. Thank you!",
                    team=label, date=today.isoformat())
    else:
        heading = _("%(team)s · %(date)s: %(count)d not done yet",
                    team=label, date=today.isoformat(), count=len(people))
    call = _("Please do today's 5-minute anti-fraud quiz before your shift: %(link)s", link=link)
    return rules.chase_text(heading, [p.name for p in people], call, ", " if lang == "en" else "、")

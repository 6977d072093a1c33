"""The round's words: why rounds.service refused a start or a step (its error codes), in the
reader's language. Used by the round's views."""

from __future__ import annotations

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "rounds.unknown_shift": lambda: _("This shift is not on your company's roster."),
    "rounds.unknown_team": lambda: _("This team has no active workers today."),
    "rounds.no_questions": lambda: _("There are no common questions today: the town has not loaded the question "
                                     "bank yet."),
    "rounds.unknown_step": lambda: _("Choose what the screen should do."),
    "rounds.over": lambda: _("This round is over. Start a new one from the pre-shift screen."),
}

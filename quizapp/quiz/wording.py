"""What the worker reads when the quiz service says no (its error codes), in the worker's language."""

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "quiz.practice_locked": lambda: _("Practice opens after today's quiz."),
    "quiz.bank_empty": lambda: _("Today's questions are not ready yet. Please try again later."),
    "quiz.unknown_kind": lambda kind: _("There is no quiz of that kind."),
    "quiz.no_choice": lambda: _("Please choose an answer."),
    "quiz.one_choice": lambda: _("This question takes one answer: please choose one."),
}

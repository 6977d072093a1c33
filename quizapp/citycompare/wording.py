"""The city page in words: why citycompare.service refused (its error codes), in the reader's
language."""

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "citycompare.city_only": lambda: _("Only the city administrator compares the towns."),
}

"""The city admin's pages in words: why towns.service refused a change (its error codes), in the
reader's language."""

from flask_babel import gettext as _

from quizapp.accounts.wording import MESSAGES as ACCOUNT_MESSAGES
from quizapp.wording import Messages

MESSAGES: Messages = {
    # `quizapp city-admin` checks a username as the accounts pages do.
    "accounts.bad_username": ACCOUNT_MESSAGES["accounts.bad_username"],
    "accounts.username_taken": ACCOUNT_MESSAGES["accounts.username_taken"],
    "towns.code_taken": lambda code: _("The code %(code)s is another town's: choose another.", code=code),
    "towns.name_taken": lambda name: _("%(name)s is another town's name.", name=name),
    "towns.city_name_needed": lambda: _("Give the city's name."),
    "towns.city_admin_only": lambda: _("Only the city administrator manages towns."),
}

"""Signing in in words: why a staff member's own new password was refused (signin.staff's error
codes, and the accounts' password rule it shares), in the reader's language. Used by the sign-in
views."""

from flask_babel import gettext as _

from quizapp.accounts.wording import MESSAGES as ACCOUNT_MESSAGES
from quizapp.wording import Messages

MESSAGES: Messages = {
    **ACCOUNT_MESSAGES,
    "signin.wrong_current_password": lambda: _("This is not the password you were given."),
    "signin.same_password": lambda: _("Choose a new password of your own, not the one you were given."),
}

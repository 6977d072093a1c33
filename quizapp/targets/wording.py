"""Why targets.service refused, in the reader's language (the targets views)."""

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "targets.admin_only": lambda: _("Only the town admin can set the town's targets."),
    "targets.range": lambda low, high: _("From %(min)s to %(max)s.", min=low, max=high),
}

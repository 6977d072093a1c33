"""The company settings page in words: why settings.service refused a change (its error codes)."""

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "settings.shift_gone": lambda: _("A shift on this page was changed or removed meanwhile. Reload the page and try "
                                     "again."),
    "settings.shift_name_twice": lambda name: _("Two shifts are named %(name)s: shift names must be different.",
                                                name=name),
    "settings.shift_has_workers": lambda count, name: _(
        "%(count)d active workers are on shift %(name)s: move them to another shift in the roster before removing it.",
        count=count, name=name),
}

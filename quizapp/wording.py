"""Putting a service's refusal into words: each feature's wording.py maps its error codes to
messages (Flask-Babel, so in the reader's language), and views and CLI commands word a
ServiceError through `say` or put it on a form with `attach_to_form`.

A message table maps a code to a function of the error's data:
    {"roster.import_closed": lambda: _("This import was already applied or cancelled.")}

Words that are stored or sent out of the app (a supervision case's reason, a reminder, the digest)
are written in the town's language whoever triggered them: `in_town_language` wraps a wording
function so, and the view or command passes it to the service that needs words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import current_app
from flask_babel import force_locale

from quizapp.rules.errors import ServiceError

Messages = Mapping[str, Callable[..., str]]


def say(error: ServiceError, messages: Messages) -> str:
    """The error in the reader's language; several problems one after the other."""
    return " ".join(messages[problem.code](**problem.data) for problem in error.problems)


def attach_to_form(form, error: ServiceError, messages: Messages) -> None:
    """Show each problem beside its field, or above the form when no field (or no such field on
    this form) is at fault."""
    for problem in error.problems:
        message = messages[problem.code](**problem.data)
        field = form._fields.get(problem.field) if problem.field else None
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]  # a tuple until the field has been validated


def in_town_language(word: Callable[..., str]) -> Callable[..., str]:
    """`word`, always in the town's language (BABEL_DEFAULT_LOCALE) whoever reads the page: for
    words that are stored (a case's reason) or sent out (reminders, the digest)."""
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]

    def worded(*args, **kwargs) -> str:
        with force_locale(locale):
            return word(*args, **kwargs)

    return worded


def change_words(value: float | int | None, unit: str = "points") -> str:
    """A change in the reader's language through the one formatting rule (metrics.signed):
    "+3 个百分点" / "+3 pts" (unit "points": percentage points), "+12%" ("percent": relative, as
    year on year), "+3" ("count"); "持平" / "no change" for none, "–" for none."""
    from flask_babel import gettext as _

    from quizapp.rules.metrics import signed

    units = {"points": _("%(change)s pts", change="{}"), "percent": "{}%", "count": "{}"}
    return signed(value, _("no change"), units[unit])

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
from flask_babel import lazy_gettext as _l

from quizapp.rules.definitions import DEFINITION_SOURCES
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


# --- a figure's name and definition, the same on every surface ------------------------------------
# "A figure means one thing" (docs/metrics.md): the figures that several surfaces label are named
# here once, and the knowledge index's definition is one string, so the dashboard, comparison, town
# view, reports (page and XLSX), city page, map and learning page cannot drift apart again.
# Templates read them through the `figure_name` and `figure_definition` globals (quizapp.web).

FIGURE_NAMES = {
    "knowledge": _l("Knowledge index"),
    "knowledge_30": _l("Knowledge index (30 days)"),
    "confirmed_cases": _l("Confirmed cases"),
    "active_workers": _l("Active workers"),
    "participation_today": _l("Participation today"),
    # The company's own figure (the grid dashboard) and its grid's (grid tables, the supervision
    # list): months since the last case, never "in a row", which is the zero-case run below.
    "company_months_since_case": _l("Months since the company's last case"),
    "grid_months_since_case": _l("Months since the grid's last case"),
    "zero_case_run": _l("Zero-case months in a row (complete months)"),
    "streak": _l("Workdays in a row"),
}

FIGURE_DEFINITIONS = {key: _l(text) for key, text in DEFINITION_SOURCES.items()}


def figure_name(key: str) -> str:
    """A figure's one name (FIGURE_NAMES) in the reader's language."""
    return str(FIGURE_NAMES[key])


def figure_definition(key: str) -> str:
    """A figure's one definition (FIGURE_DEFINITIONS) in the reader's language; participation's
    says what done is after it."""
    from flask_babel import gettext as _

    if key == "participation":  # zh: no space between the two sentences
        return _("%(participation)s %(done)s", participation=FIGURE_DEFINITIONS["participation"],
                 done=FIGURE_DEFINITIONS["done"])
    return str(FIGURE_DEFINITIONS[key])

"""Putting a service's refusal into words: each feature's wording.py maps its error codes to
messages (Flask-Babel, so in the reader's language), and views and CLI commands word a
ServiceError through `say` or put it on a form with `attach_to_form`.

A message table maps a code to a function of the error's data:
    {"roster.import_closed": lambda: _("This import was already applied or cancelled.")}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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

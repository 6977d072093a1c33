"""The one way a use case says no: a ServiceError with a stable `code` and the `data` its wording
needs, never words.

Services (and pure rules) raise these; views and CLI commands word them in the reader's language,
each feature in its wording.py (quizapp/wording.py: `say`, `attach_to_form`). A view that does not
catch one leaves it to the app's error handler (quizapp/errors.py): NotFound answers 404,
Forbidden 403, Conflict 409, Invalid 400. Codes are dotted, feature first ("roster.import_closed"),
and never change meaning: tests and logs name them. No Flask here.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A use case refused. `code` says why, `data` holds what the message needs (names, counts,
    limits), `field` the input at fault when there is one (a form shows the message beside it)."""

    def __init__(self, code: str, /, *, field: str | None = None, **data: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.data = data

    @property
    def problems(self) -> list[ServiceError]:
        """Every problem this error carries: itself, or a Problems' several."""
        return [self]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, field={self.field!r}, data={self.data!r})"


class NotFound(ServiceError):
    """Not there, or not for this actor: another company's worker or import is never found."""


class Forbidden(ServiceError):
    """The actor may not do this (their role or grids do not allow it)."""


class Conflict(ServiceError):
    """The record's state does not allow it (any more): already applied, closed, changed meanwhile."""


class Invalid(ServiceError):
    """The input breaks a rule; nothing was changed."""


class Problems(Invalid):
    """Several things wrong at once (a form with more than one bad field); nothing was changed."""

    def __init__(self, problems: list[ServiceError]) -> None:
        super().__init__("problems")
        self._problems = list(problems)

    @property
    def problems(self) -> list[ServiceError]:
        return self._problems


def refuse(problems: list[ServiceError]) -> None:
    """Raise the problems found, if any: one as itself, several together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Problems(problems)

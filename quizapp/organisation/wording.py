"""Grids and companies in words: why organisation.service refused a change (its error codes), and
the reason written on the supervision cases a company's deactivation closes. Used by the
organisation views."""

from flask_babel import gettext as _

from quizapp.organisation.rules import name_list
from quizapp.wording import Messages


def _names(names: list[str]) -> str:
    listed = name_list(names)
    text = "、".join(listed.shown)
    return text + (_(" and %(n)d more", n=listed.more) if listed.more else "")


MESSAGES: Messages = {
    "organisation.grid_code_taken": lambda code: _("Another grid already has the code %(code)s.", code=code),
    "organisation.grid_name_taken": lambda name: _("Another grid is already called %(name)s.", name=name),
    "organisation.grid_has_active_companies": lambda grid, names: _(
        "%(grid)s still has %(n)d active companies (%(names)s): move them to another grid or deactivate them first.",
        grid=grid, n=len(names), names=_names(names)),
    "organisation.unknown_grid": lambda: _("Choose one of the grids listed."),
    "organisation.grid_inactive": lambda grid: _("%(grid)s is inactive: choose an active grid, or reactivate it "
                                                 "first.", grid=grid),
    "organisation.company_code_taken": lambda code: _("Another company already has the code %(code)s.", code=code),
    "organisation.company_name_taken": lambda grid, name: _("%(grid)s already has a company called %(name)s.",
                                                            grid=grid, name=name),
    "organisation.company_grid_inactive": lambda company, grid: _(
        "%(company)s is in %(grid)s, which is inactive: reactivate the grid, or move the company to an active grid, "
        "first.", company=company, grid=grid),
}


def deactivation_close_reason() -> str:
    """Why the open cases of a deactivated company were closed (written on each case)."""
    return _("Closed because the town admin deactivated the company.")

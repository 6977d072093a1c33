"""The accounts pages in words: the roles' names and why accounts.service refused a change (its
error codes), in the reader's language. Used by the accounts views, forms and templates."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.rules.vocab import Role
from quizapp.wording import Messages

ROLE_LABELS = {
    Role.COMPANY_STAFF: _l("Company outreach staff"),
    Role.GRID_OFFICER: _l("Grid officer"),
    Role.TOWN_ADMIN: _l("Town administrator"),
}
# Every role's name, the city admin's too (the audit log, the city's pages); ROLE_LABELS are the
# roles a town admin can give.
ALL_ROLE_LABELS = {**ROLE_LABELS, Role.CITY_ADMIN: _l("City administrator")}

MESSAGES: Messages = {
    "accounts.unknown_role": lambda: _("Choose one of the roles in the list."),
    "accounts.name_needed": lambda: _("Give the person's name as colleagues know it."),
    "accounts.bad_email": lambda: _("This is not an e-mail address (name@example.com)."),
    "accounts.company_needed": lambda: _("Choose the company this account works for."),
    "accounts.company_inactive": lambda: _("Choose one of the active companies in the list."),
    "accounts.grids_needed": lambda: _("Choose at least one grid for a grid officer."),
    "accounts.grids_inactive": lambda: _("Choose grids from the list of active grids."),
    "accounts.bad_username": lambda: _("A username is 2 to 64 letters, digits, or . _ @ - and starts with a letter "
                                       "or digit."),
    "accounts.username_taken": lambda name: _("The username %(name)s is taken: choose another.", name=name),
    "accounts.password_too_short": lambda n: _("A password is at least %(n)d characters.", n=n),
    "accounts.password_too_long": lambda n: _("A password is at most %(n)d characters.", n=n),
    "accounts.password_blank": lambda: _("A password cannot be only spaces."),
    "accounts.own_role": lambda: _("You cannot change your own role: ask another town administrator."),
    "accounts.last_admin_role": lambda: _("This is the last active town administrator: make another one first."),
    "accounts.own_account": lambda: _("You cannot deactivate your own account."),
    "accounts.city_makes_town_admins": lambda: _("The city administrator makes town administrators only, each "
                                                 "for one town."),
    "accounts.last_admin_active": lambda: _("This is the last active town administrator: it cannot be "
                                            "deactivated."),
}

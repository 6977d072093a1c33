"""Forms of the town admin's accounts pages: create, edit, and the one-click actions (reset
password, unlock, deactivate, reactivate: CSRF token only).

Used by quizapp.accounts.views. There is no password field: the admin never chooses one (a
one-time password is generated). Choices (roles, companies, grids) are filled by the view; a value
that is not among them (a forged form) is a field error, never a crash. The webhook rule is the
console settings' one (a WeChat Work group robot address), so both pages accept the same addresses.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.accounts.wording import ROLE_LABELS
from quizapp.digest.rules import is_email
from quizapp.rules.vocab import Role
from quizapp.validators import Form, robot_webhook


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class GridChecks(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccountEditForm(Form):
    display_name = StringField(_l("Name (as colleagues know the person)"), filters=[_strip], validators=[
        DataRequired(_l("Give the person's name as colleagues know it.")),
        Length(max=100, message=_l("The name is at most 100 characters."))])
    role = SelectField(_l("Role"), validate_choice=False)
    company = SelectField(_l("Company (for company outreach staff)"), validate_choice=False)
    grids = GridChecks(_l("Grids (for a grid officer)"), validate_choice=False)
    email = StringField(_l("E-mail for the daily numbers (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=254, message=_l("An e-mail address is at most 254 characters."))])
    webhook_url = StringField(_l("WeChat Work group robot webhook for the daily numbers (optional)"),
                              filters=[_strip], validators=[
                                  Optional(), Length(max=500, message=_l("The address is at most 500 characters.")),
                                  robot_webhook])
    # The ids offered by fill_choices: a value outside them is a forged form.
    offered_companies: frozenset[str] = frozenset()
    offered_grids: frozenset[str] = frozenset()

    def fill_choices(self, companies, grids) -> None:
        inactive = _l("inactive")
        self.role.choices = [("", "—")] + [(role.value, str(label)) for role, label in ROLE_LABELS.items()]
        self.company.choices = [("", "—")] + [
            (str(c.id), c.name if c.active else f"{c.name} ({inactive})") for c in companies]
        self.grids.choices = [
            (str(g.id), f"{g.code} · {g.name}" if g.active else f"{g.code} · {g.name} ({inactive})") for g in grids]
        self.offered_companies = frozenset(str(c.id) for c in companies)
        self.offered_grids = frozenset(str(g.id) for g in grids)

    def validate_role(self, field) -> None:
        if field.data not in ROLE_LABELS:
            raise ValidationError(_l("Choose one of the roles in the list."))

    def validate_company(self, field) -> None:
        if self.role.data == Role.COMPANY_STAFF:
            if not field.data:
                raise ValidationError(_l("Choose the company this account works for."))
            if field.data not in self.offered_companies:
                raise ValidationError(_l("Choose one of the active companies in the list."))

    def validate_grids(self, field) -> None:
        if self.role.data == Role.GRID_OFFICER:
            if not field.data:
                raise ValidationError(_l("Choose at least one grid for a grid officer."))
            if not set(field.data) <= self.offered_grids:
                raise ValidationError(_l("Choose grids from the list of active grids."))

    def validate_email(self, field) -> None:
        if field.data and not is_email(field.data):
            raise ValidationError(_l("This is not an e-mail address (name@example.com)."))

    def company_id(self) -> int | None:
        return int(self.company.data) if self.role.data == Role.COMPANY_STAFF and self.company.data else None

    def grid_ids(self) -> list[int]:
        return [int(g) for g in self.grids.data or []] if self.role.data == Role.GRID_OFFICER else []


class AccountCreateForm(AccountEditForm):
    username = StringField(_l("Username (for signing in; cannot be changed later)"), filters=[_strip], validators=[
        DataRequired(_l("Choose a username.")), Length(max=64, message=_l("A username is at most 64 characters."))])


class AccountActionForm(Form):
    """No fields: the CSRF token alone proves the click came from our page."""

"""The city admin's forms: a new town (code and name), a town's or the city's new name, and a
town admin account (username and name; the password is generated, as every account's).

Used by quizapp/towns/views.py. Format rules are the grids' (organisation.rules); whether a code
or name is taken is checked by towns.service and shown on the same fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from quizapp.organisation import rules
from quizapp.organisation.forms import code_message, name_check
from quizapp.validators import Form

TOWN_NAME_MAX = 100  # Town.name, City.name


def _clean(value):
    return rules.clean_text(value) if isinstance(value, str) else value


class TownForm(Form):
    code = StringField(_l("Code"), filters=[_clean],
                       description=_l("Short: letters, digits and hyphens, e.g. dls. It never changes."))
    name = StringField(_l("Town name"), filters=[_clean],
                       validators=[name_check(TOWN_NAME_MAX, _l("Give the town's name."))])

    def validate_code(self, field) -> None:
        problem = rules.grid_code_problem(field.data or "")
        if problem:
            raise ValidationError(code_message(problem, rules.GRID_CODE_MAX))


class NameForm(Form):
    """A town's or the city's new name."""

    name = StringField(_l("Name"), filters=[_clean],
                       validators=[name_check(TOWN_NAME_MAX, _l("Give the name."))])


class TownAdminForm(Form):
    username = StringField(_l("Username"), filters=[_clean], validators=[
        DataRequired(_l("Choose a username."))])
    display_name = StringField(_l("Name (as colleagues know the person)"), filters=[_clean], validators=[
        DataRequired(_l("Give the person's name as colleagues know it.")),
        Length(max=100, message=_l("The name is at most 100 characters."))])

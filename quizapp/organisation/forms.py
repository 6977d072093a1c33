"""The town admin's grid and company forms. Every message says what is wrong and how to put it right.

Used by quizapp/admin/organisation.py. Format rules come from organisation.rules; whether a code or
name is already taken, or a grid is active, is checked by organisation.service (it needs the
database) and shown on the same fields. A grid id that is not a number (a forged form) becomes
None here and "choose one of the grids listed" there, never an error page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, not in its stubs
from wtforms.validators import AnyOf, InputRequired, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.organisation import rules
from quizapp.organisation.service import CompanyInput
from quizapp.rules.inputs import row_id
from quizapp.validators import Form, filled

WEEKDAYS = [SelectChoice(str(n), label) for n, label in enumerate(
    (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")), start=1)]


def _clean(value):
    return rules.clean_text(value) if isinstance(value, str) else value


def _grid_id(value) -> int | None:
    return row_id(value)


CODE_MESSAGES = {
    rules.PROBLEM_EMPTY: _l("Give a code."),
    rules.PROBLEM_CHARACTERS: _l("A code may only contain letters a–z, digits and hyphens (-), no spaces."),
    rules.PROBLEM_EDGE_HYPHEN: _l("A code cannot start or end with a hyphen."),
}


def code_message(problem: str, longest: int, shortest: int = 1):
    if problem == rules.PROBLEM_TOO_LONG:
        return _l("A code is at most %(n)d characters.", n=longest)
    if problem == rules.PROBLEM_TOO_SHORT:
        return _l("A company code is at least %(n)d characters, so that it cannot be guessed. "
                  "Keep the suggested one if unsure.", n=shortest)
    return CODE_MESSAGES[problem]


def name_check(longest: int, empty_message):
    def check(form, field) -> None:
        problem = rules.name_problem(field.data or "", longest)
        if problem == rules.PROBLEM_EMPTY:
            raise ValidationError(empty_message)
        if problem == rules.PROBLEM_TOO_LONG:
            raise ValidationError(_l("The name is at most %(n)d characters.", n=longest))
    return check


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GridForm(Form):
    code = StringField(_l("Code"), filters=[_clean],
                       description=_l("Short: letters, digits and hyphens, e.g. xt-2. Used in incident imports."))
    name = StringField(_l("Grid name"), filters=[_clean],
                       validators=[name_check(rules.GRID_NAME_MAX, _l("Give the grid's name."))])

    def validate_code(self, field) -> None:
        problem = rules.grid_code_problem(field.data or "")
        if problem:
            raise ValidationError(code_message(problem, rules.GRID_CODE_MAX))


class CompanyForm(Form):
    """A new company, or the name, grid and code of an existing one (`current_code` given).
    A changed code needs the confirmation tick: the printed QR posters stop working."""

    name = StringField(_l("Company name"), filters=[_clean],
                       validators=[name_check(rules.COMPANY_NAME_MAX, _l("Give the company's name."))])
    grid_id = SelectField(_l("Grid"), coerce=_grid_id, validate_choice=False)
    code = StringField(_l("Code (the end of the QR code's link)"), filters=[_clean])
    confirm_code_change = BooleanField(_l("Yes, change the code: the printed QR posters will stop working"))

    def __init__(self, *args, grids=(), current_code: str | None = None, current_grid=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_code = current_code
        listed = list(grids)
        if current_grid is not None and current_grid not in listed:
            listed.insert(0, current_grid)
        self.grid_id.choices = [("", _l("Choose a grid"))] + [
            (g.id, g.name if g.active else _l("%(name)s (inactive)", name=g.name)) for g in listed]

    @property
    def code_changed(self) -> bool:
        return self.current_code is not None and (self.code.data or "") != self.current_code

    def stored_code(self) -> str:
        """The code as it will be stored: the current one as it is, a new one in lower case."""
        if self.current_code is not None and not self.code_changed:
            return self.current_code
        return rules.normalise_company_code(self.code.data)

    def validate_code(self, field) -> None:
        if self.current_code is not None and not self.code_changed:
            return  # codes from before the current rules stay valid as they are
        problem = rules.company_code_problem(self.stored_code())
        if problem:
            raise ValidationError(code_message(problem, rules.COMPANY_CODE_MAX, rules.COMPANY_CODE_MIN))

    def validate_grid_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose one of the grids listed."))

    def validate_confirm_code_change(self, field) -> None:
        if self.code_changed and not field.data:
            raise ValidationError(_l("Tick this box to change the code, or put the old code %(code)s back.",
                                     code=self.current_code))

    def company_input(self) -> CompanyInput:
        return CompanyInput(name=filled(self.name.data), grid_id=self.grid_id.data, code=self.stored_code())


class NewCompanyForm(CompanyForm):
    """A new company: also the quiz's defaults, which the company's own staff can change later."""

    workdays = MultiCheckboxField(_l("Workdays (the quiz is expected on these days)"), choices=WEEKDAYS,
                                  default=list(rules.WORKDAYS_DEFAULT))
    questions_per_quiz = IntegerField(
        _l("Questions per quiz"), default=rules.PER_QUIZ_DEFAULT,
        validators=[InputRequired(message=_l("Questions per quiz must be a whole number from 3 to 8.")),
                    NumberRange(rules.PER_QUIZ_MIN, rules.PER_QUIZ_MAX,
                                message=_l("Questions per quiz must be a whole number from 3 to 8."))])

    def validate_workdays(self, field) -> None:
        if not rules.normalise_workdays(field.data or []):
            raise ValidationError(_l("Tick at least one workday."))

    def company_input(self) -> CompanyInput:
        return CompanyInput(name=filled(self.name.data), grid_id=self.grid_id.data, code=self.stored_code(),
                            workdays=rules.normalise_workdays(self.workdays.data or []),
                            questions_per_quiz=filled(self.questions_per_quiz.data))


class ActiveForm(Form):
    """Deactivate (active=0) or reactivate (active=1): one button, CSRF-protected."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])

"""Forms of the incidents pages: a record by hand, the CSV upload and its confirmation, deleting."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, IntegerField, MonthField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from quizapp.incidents.rules import MAX_CASES, MAX_LOSS, MAX_NOTE


class IncidentForm(FlaskForm):
    """Cases and losses of one company (or a whole grid: company left empty) in one month."""

    company = SelectField(_l("Company"), choices=[])
    # Only read for a whole-grid record (the service checks it is one of the officer's grids).
    grid = SelectField(_l("Grid (for a whole-grid record)"), choices=[], validate_choice=False)
    month = MonthField(_l("Month"), validators=[DataRequired(_l("Choose the month (YYYY-MM)."))])
    fraud_type = SelectField(_l("Fraud type"), choices=[])
    cases = IntegerField(_l("Cases"), validators=[
        InputRequired(_l("Give the number of cases (0 or more).")),
        NumberRange(min=0, max=MAX_CASES, message=_l("Cases are a whole number from 0."))])
    loss_yuan = DecimalField(_l("Losses (yuan)"), places=2, validators=[
        InputRequired(_l("Give the losses in yuan (0 or more).")),
        NumberRange(min=Decimal(0), max=MAX_LOSS, message=_l("Losses are a number from 0."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])

    def validate_grid(self, field) -> None:
        if not self.company.data and not field.data:
            raise ValidationError(_l("Choose a company, or the grid for a record of a whole grid."))


class IncidentImportForm(FlaskForm):
    file = FileField(_l("Incident file (CSV)"), validators=[FileRequired(_l("Choose the CSV file to upload."))])


class IncidentConfirmForm(FlaskForm):
    """Carries the checked rows, signed by the server: the confirmation checks them again."""

    token = HiddenField(validators=[DataRequired()])


class DeleteForm(FlaskForm):
    """No fields: the CSRF token alone proves the click came from our page."""

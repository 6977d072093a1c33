"""Forms of the console's roster pages: the file upload, the import confirmation, one worker, and
the one-click actions (each a CSRF-protected POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from quizapp.validators import Form


class RosterUploadForm(Form):
    file = FileField(_l("Roster file (CSV or Excel .xlsx)"),
                     validators=[FileRequired(_l("Choose the roster file to upload."))])


class ConfirmImportForm(Form):
    # What the user saw: if the roster changed since, the import is shown again instead of applied.
    plan = HiddenField(validators=[DataRequired()])
    deactivate_missing = BooleanField(_l("Also deactivate the workers who are not in this file"))
    # Asked (and required) only when that would deactivate more than half of the active workers.
    confirm_most = BooleanField(_l("Yes: I have checked the list, deactivate them"))


class WorkerForm(Form):
    # Lengths and the other rules are checked by the same code as a file's rows (roster.rules).
    employee_no = StringField(_l("Employee number (工号)"),
                              render_kw={"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false"})
    name = StringField(_l("Name"))
    team = StringField(_l("Team / department"))
    # One of the company's shifts (roster.views sets the choices; typed while the company has none):
    # check_fields refuses any other, and a new worker needs one (roster.rules.blank_for_new).
    shift = SelectField(_l("Shift"), choices=[], default="", validate_choice=False)
    active_from = DateField(_l("Start date (optional)"), validators=[Optional()])


class ActionForm(Form):
    """No fields: cancel an import, reactivate, sign out everywhere, unlock, make first-time codes."""

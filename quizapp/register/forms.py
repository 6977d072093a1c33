"""Forms of the town admin's register pages: the file upload, the import confirmation (carrying
the previewed plan's fingerprint) and cancelling an import (a CSRF-protected POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from quizapp.validators import Form


class RegisterUploadForm(Form):
    file = FileField(_l("Register file (CSV or Excel .xlsx)"),
                     validators=[FileRequired(_l("Choose the register file to upload."))])


class ConfirmRegisterForm(Form):
    # What the admin saw: if the town changed since, or the value was not the preview's, nothing is applied.
    plan = HiddenField(validators=[DataRequired()])
    deactivate_missing = BooleanField(_l("Deactivate the companies and grids that are not in this file"))
    # Asked (and required) only when that would deactivate more than half of the town's companies or grids.
    confirm_most = BooleanField(_l("Yes: I have checked the lists, deactivate them and close their cases"))


class CancelRegisterForm(Form):
    """No fields: cancel an import."""

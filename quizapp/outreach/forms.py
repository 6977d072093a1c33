"""Forms of the outreach ledger: an activity by hand (with its photo), the import's upload and
its confirmation (deleting is quizapp.deleting's confirmation page). The rules that need the
database or today (the date window, the grids) are outreach.service's; these check what a form can."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.outreach.rules import MAX_NOTE, MAX_PEOPLE, MAX_PLACE, MAX_SPEAKER
from quizapp.validators import Form

PHOTO_TYPES = ["jpg", "jpeg", "png", "mpo", "JPG", "JPEG", "PNG", "MPO"]  # .mpo: a 3D camera's JPEG


class ActivityForm(Form):
    """One activity. `grid` is offered to officers and the town admin only (a company's staff
    record for their company's grid)."""

    day = DateField(_l("Date"), validators=[DataRequired(_l("Give the date (YYYY-MM-DD)."))])
    kind = SelectField(_l("Kind of activity"), choices=[])
    grid = SelectField(_l("Grid"), choices=[], validate_choice=False)
    place = StringField(_l("Place or unit"), validators=[
        DataRequired(_l("Say where it took place, or for which unit.")), Length(max=MAX_PLACE)])
    speaker = StringField(_l("Speaker"), validators=[DataRequired(_l("Say who spoke.")), Length(max=MAX_SPEAKER)])
    people = IntegerField(_l("People reached"), validators=[
        InputRequired(_l("Give the number of people reached (0 or more).")),
        NumberRange(min=0, max=MAX_PEOPLE, message=_l("People reached are a whole number from %(min)s to %(max)s."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
    photo = FileField(_l("Photo (JPEG or PNG, optional)"), validators=[
        FileAllowed(PHOTO_TYPES, _l("The photo must be a JPEG or PNG picture."))])
    remove_photo = BooleanField(_l("Remove the photo"))


class ImportForm(Form):
    file = FileField(_l("Outreach file (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose the file to upload."))])


class ConfirmForm(Form):
    """Names the kept preview (its id): the rows stay on the server, and the confirmation checks them again."""

    preview = HiddenField(validators=[DataRequired(_l("This preview was not found: it is no longer kept, or "
                                                      "another account made it. Please upload the file again."))])


"""Forms of the incidents pages: a record by hand, the CSV upload and its confirmation
(deleting is quizapp.deleting's confirmation page)."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, IntegerField, MonthField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from quizapp.incidents.rules import MAX_CASES, MAX_LOSS, MAX_NOTE
from quizapp.places import rules as places
from quizapp.places.rules import Datum
from quizapp.validators import Form, MonthWithin

# The company choice of a record that belongs to no single company: chosen, never a default, so a
# record entered in a hurry is not booked to whichever company or grid the list happens to start with.
WHOLE_GRID = "grid"


class IncidentForm(Form):
    """Cases and losses of one company (or a whole grid: company WHOLE_GRID) in one month."""

    point: places.Point | None = None  # set by validate()

    company = SelectField(_l("Company"), choices=[])
    # Only read for a whole-grid record (the service checks it is one of the officer's grids).
    grid = SelectField(_l("Grid (for a whole-grid record)"), choices=[], validate_choice=False)
    month = MonthField(_l("Month"), validators=[DataRequired(_l("Choose the month (YYYY-MM).")), MonthWithin()])
    fraud_type = SelectField(_l("Fraud type"), choices=[])
    cases = IntegerField(_l("Confirmed cases"), validators=[
        InputRequired(_l("Give the number of cases (0 or more).")),
        NumberRange(min=0, max=MAX_CASES, message=_l("Cases are a whole number from 0."))])
    raw_reports = IntegerField(_l("Raw reports (原始警情)"), validators=[
        Optional(),  # blank: none recorded (0)
        NumberRange(min=0, max=MAX_CASES, message=_l("Raw reports are a whole number from 0."))])
    loss_yuan = DecimalField(_l("Losses (yuan)"), places=2, validators=[
        InputRequired(_l("Give the losses in yuan (0 or more).")),
        NumberRange(min=Decimal(0), max=MAX_LOSS, message=_l("Losses are a number from 0."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
    # Where (optional): a point with its datum, or one of the grid's places (places.rules).
    longitude = StringField(_l("Longitude (east, decimal degrees)"), validators=[Optional()])
    latitude = StringField(_l("Latitude (north, decimal degrees)"), validators=[Optional()])
    datum = SelectField(_l("Datum of the point"), choices=[], validate_choice=False)  # checked as a point
    place = SelectField(_l("Or a village or community"), choices=[], validate_choice=False)

    def validate_company(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the company, or “the whole grid” for cases that belong to no single "
                                     "company."))

    def validate_grid(self, field) -> None:
        if self.company.data == WHOLE_GRID and not field.data:
            raise ValidationError(_l("Choose the grid for a record of a whole grid."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.datum.choices = [(Datum.WGS84.value, _l("WGS-84 (GPS)")),
                              (Datum.GCJ02.value, _l("GCJ-02 (AMap, Tencent, WeChat)"))]

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the point as a whole (places.check_point): `self.point`."""
        valid = super().validate(extra_validators)
        lon, lat = (self.longitude.data or "").strip(), (self.latitude.data or "").strip()
        self.point, problems = places.check_point(lon, lat, self.datum.data or "" if lon or lat else "")
        for name, reason in problems:
            field = getattr(self, name)
            field.errors = [*field.errors, _POINT_ERRORS[reason]]
        if self.point is not None and self.place.data:
            self.place.errors = [*self.place.errors, _l("Give a point or a place, not both.")]
            valid = False
        return valid and not problems


_POINT_ERRORS = {
    "half_point": _l("Give both the longitude and the latitude, or neither."),
    "bad_longitude": _l("Not a longitude: decimal degrees from -180 to 180 (east is positive), e.g. 113.84."),
    "bad_latitude": _l("Not a latitude: decimal degrees from -90 to 90 (north is positive), e.g. 22.90."),
    "datum_needed": _l("Say which datum the point is in: WGS-84 (GPS) or GCJ-02 (AMap, Tencent, WeChat)."),
    "unknown_datum": _l("Unknown datum: write WGS-84 or GCJ-02."),
    "datum_without_point": _l("A datum is given but no point: give the longitude and latitude, or leave it empty."),
}


class IncidentImportForm(Form):
    file = FileField(_l("Incident file (CSV or XLSX)"), validators=[FileRequired(_l("Choose the file to upload."))])


class IncidentConfirmForm(Form):
    """Names the kept preview (its id): the rows stay on the server, and the confirmation checks them again."""

    preview = HiddenField(validators=[DataRequired(_l("This preview was not found: it is no longer kept, or "
                                                      "another account made it. Please upload the file again."))])


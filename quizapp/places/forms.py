"""Forms of the town admin's places pages: a grid's places, the boundary upload and its confirmation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from quizapp.validators import Form


class PlacesForm(Form):
    names = TextAreaField(_l("Villages and communities to add, one per line"),
                          validators=[DataRequired(_l("Write at least one name."))])


class BoundaryUploadForm(Form):
    file = FileField(_l("Boundary file (GeoJSON)"), validators=[FileRequired(_l("Choose the GeoJSON file to upload."))])


class BoundaryApplyForm(Form):
    upload = HiddenField(validators=[DataRequired()])
    # The stored outlines the preview was shown against: applying is refused once they changed.
    outlines = HiddenField(validators=[DataRequired()])

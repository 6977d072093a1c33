"""Forms of the worker's quiz. Options are read from the posted list; the form carries CSRF."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class StartForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(["official", "practice"])])


class AnswerForm(FlaskForm):
    """The chosen options arrive as repeated `choice` fields (radio or checkboxes)."""

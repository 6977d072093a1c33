"""Forms of the live pre-shift round: starting it (for the shift and team the pre-shift screen
shows) and stepping through it (the step, and the question the screen showed when it was tapped)."""

from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from quizapp.validators import Form


class StartRoundForm(Form):
    shift = HiddenField(validators=[Optional()])
    team = HiddenField(validators=[Optional()])


class StepForm(Form):
    step = HiddenField(validators=[InputRequired()])
    at = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=100)])

"""Forms of the worker's quiz. An answer is read straight from the posted `choice` fields (radio or
checkboxes); CSRFProtect checks its token."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from quizapp.rules.vocab import AttemptKind


class StartForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf([k.value for k in AttemptKind])])

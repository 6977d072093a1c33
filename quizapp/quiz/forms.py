"""Forms of the worker's quiz. An answer is read straight from the posted `choice` fields (radio or
checkboxes); CSRFProtect checks its token."""


from wtforms import HiddenField
from wtforms.validators import AnyOf

from quizapp.rules.vocab import AttemptKind
from quizapp.validators import Form


class StartForm(Form):
    kind = HiddenField(validators=[AnyOf([k.value for k in AttemptKind])])

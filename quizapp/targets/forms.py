"""The targets page's form: the town's participation target in whole percent."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from quizapp.targets.service import HIGHEST, LOWEST
from quizapp.validators import Form


class TargetForm(Form):
    participation = IntegerField(_l("Participation target, in percent"), validators=[
        InputRequired(_l("Give the target as a whole number of percent, e.g. 80.")),
        NumberRange(min=LOWEST, max=HIGHEST, message=_l("From %(min)s to %(max)s."))])

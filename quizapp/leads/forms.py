"""Forms of workers' reports: the worker's report (big radio buttons, works with JavaScript off)
and the officer's actions on a lead."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, not in its stubs
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from quizapp.leads.rules import CONTACT_MAX, NOTE_MAX, TEXT_MAX, TEXT_MIN
from quizapp.leads.wording import ASK_LABELS, CHANNEL_LABELS
from quizapp.validators import Form


def _choices(labels: dict) -> list:
    return [SelectChoice(value.value, label) for value, label in labels.items()]


class LeadForm(Form):
    channel = RadioField(_l("How did it reach you?"), choices=_choices(CHANNEL_LABELS),
                         validators=[InputRequired(_l("Choose how it reached you."))])
    asked_for = RadioField(_l("What did they ask for?"), choices=_choices(ASK_LABELS),
                           validators=[InputRequired(_l("Choose what they asked for."))])
    text = TextAreaField(_l("What did it say? A few words, or paste the message"), validators=[
        DataRequired(_l("Write a few words about what it said.")),
        Length(min=TEXT_MIN, max=TEXT_MAX, message=_l("Between %(min)d and %(max)d characters."))])
    contact = StringField(_l("The number, account or link (if you have it)"),
                          validators=[Optional(), Length(max=CONTACT_MAX)])
    money_lost = RadioField(_l("Did you lose money?"), choices=[
        SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes, I paid or transferred money"))],
                            validators=[InputRequired(_l("Say whether you lost money."))])
    # Where the worker came from (the question's feedback or the result), for the way back.
    attempt = HiddenField()
    position = HiddenField()


class ActionForm(Form):
    """Mark reviewed, restore, turn into a draft alert: only the CSRF token."""


class DismissForm(Form):
    reason = StringField(_l("Why dismiss it?"), validators=[
        DataRequired(_l("Say why the lead is dismissed.")), Length(max=NOTE_MAX)])

"""Forms of the supervision pages: the rules' thresholds, adding a company by hand, a follow-up,
and closing a case ("check now" is quizapp.deleting's confirmation page)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.supervision.rules import PLACE_MAX, RESULT_MAX, SUMMONED_MAX, Rules
from quizapp.validators import Form, filled


def _bounded(label, name: str, scale: int = 1) -> IntegerField:
    low, high = Rules.BOUNDS[name]
    low, high = round(low * scale), round(high * scale)
    return IntegerField(label, validators=[
        InputRequired(), NumberRange(min=low, max=high, message=_l("From %(min)s to %(max)s."))])


class RulesForm(Form):
    """The thresholds, as people say them: percentages and percentage points, not fractions."""

    participation_target = _bounded(_l("Supervision line for participation, in percent"), "participation_target", 100)
    participation_workdays = _bounded(_l("Workdays in a row under the line"), "participation_workdays")
    knowledge_days = _bounded(_l("Knowledge window (days)"), "knowledge_days")
    knowledge_drop = _bounded(_l("Knowledge drop that flags (percentage points)"), "knowledge_drop", 100)
    knowledge_min_answers = _bounded(_l("Common answers needed in each window"), "knowledge_min_answers")
    incident_months = _bounded(_l("Incident months compared with a year before"), "incident_months")
    incident_min_cases = _bounded(_l("Cases needed in those months"), "incident_min_cases")
    incident_min_heat = IntegerField(_l("Heat index the company's grid needs for the incidents rule (0: any)"),
                                     validators=[Optional(), NumberRange(min=0, max=100_000,
                                                                         message=_l("From %(min)s to %(max)s."))])

    def fill(self, rules: Rules) -> None:
        self.participation_target.data = round(rules.participation_target * 100)
        self.participation_workdays.data = rules.participation_workdays
        self.knowledge_days.data = rules.knowledge_days
        self.knowledge_drop.data = round(rules.knowledge_drop * 100)
        self.knowledge_min_answers.data = rules.knowledge_min_answers
        self.incident_months.data = rules.incident_months
        self.incident_min_cases.data = rules.incident_min_cases
        self.incident_min_heat.data = round(rules.incident_min_heat)

    def rules(self) -> Rules:
        """The thresholds entered, once the form has validated (every field is required)."""
        return Rules(participation_target=filled(self.participation_target.data) / 100,
                     participation_workdays=filled(self.participation_workdays.data),
                     knowledge_days=filled(self.knowledge_days.data),
                     knowledge_drop=filled(self.knowledge_drop.data) / 100,
                     knowledge_min_answers=filled(self.knowledge_min_answers.data),
                     incident_months=filled(self.incident_months.data),
                     incident_min_cases=filled(self.incident_min_cases.data),
                     incident_min_heat=float(self.incident_min_heat.data or 0))


class ManualCaseForm(Form):
    company = SelectField(_l("Company"), coerce=int, choices=[],
                          validate_choice=True)
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Say why the company goes on the list.")), Length(max=2000)])


class FollowUpForm(Form):
    kind = SelectField(_l("Kind"), choices=[])
    happened_on = DateField(_l("Date"), validators=[DataRequired(_l("Give the date (YYYY-MM-DD)."))])
    who = StringField(_l("Who took part"), validators=[DataRequired(_l("Say who took part.")), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=2000)])
    # A 约谈 only (supervision.rules.summons_problems says they are needed then).
    summoned_name = StringField(_l("Summoned: name"), validators=[Optional(), Length(max=SUMMONED_MAX)])
    summoned_role = StringField(_l("Summoned: role in the company"), validators=[Optional(), Length(max=SUMMONED_MAX)])
    place = StringField(_l("Where"), validators=[Optional(), Length(max=PLACE_MAX)])


class CloseCaseForm(Form):
    reason = TextAreaField(_l("Result"), validators=[
        DataRequired(_l("Give the result of the case before closing it.")), Length(max=RESULT_MAX)])


class AssignForm(Form):
    """The case's owner (an officer of its grid or the town admin) and its deadline."""

    # The service says who may own the case (supervision.service.owner_choices), in its words.
    owner = SelectField(_l("Owner"), coerce=int, choices=[], validate_choice=False)
    deadline = DateField(_l("Deadline"), validators=[DataRequired(_l("Give the date (YYYY-MM-DD)."))])


class ReopenForm(Form):
    reason = TextAreaField(_l("Why reopen"), validators=[
        DataRequired(_l("Say why the case is reopened.")), Length(max=RESULT_MAX)])


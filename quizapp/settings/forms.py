"""The console's settings form: questions per quiz, workdays, shifts with start times, the company's
display name, the WeChat Work robot webhook and when reminders go out.

Used by console.settings. Every message says what is wrong. The webhook must be a WeChat Work group
robot address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...); only when the app runs
with TESTING set is any http(s) address accepted, so tests can point reminders at a local receiver.
"""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, not in its stubs
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.rules.inputs import row_id
from quizapp.rules.ordering import sorted_shifts
from quizapp.settings.service import SettingsChange, ShiftRow, first_starts
from quizapp.validators import Form, Subform, filled, robot_webhook

WEEKDAYS = [SelectChoice(str(n), label) for n, label in enumerate(
    (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")), start=1)]
# 7:30, 07:30 and 07：30 (a Chinese keyboard's colon) all mean half past seven.
HHMM = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_hhmm(text: str | None) -> time | None:
    match = HHMM.match(text or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ShiftRowForm(Subform):
    """One row of the shifts table; a row left empty is ignored, a ticked "remove" drops the shift."""

    id = HiddenField()
    name = StringField(_l("Shift name"), filters=[_strip])
    starts_at = StringField(_l("Starts at"), filters=[_strip])
    remove = BooleanField(_l("Remove"))

    @property
    def ignored(self) -> bool:
        return self.remove.data or not (self.id.data or self.name.data or self.starts_at.data)

    def validate(self, extra_validators=None) -> bool:
        if self.ignored:
            return True
        ok = True
        if not self.name.data:
            self.name.errors = [_l("Give the shift a name.")]
            ok = False
        elif len(self.name.data) > 32:
            self.name.errors = [_l("A shift name is at most 32 characters.")]
            ok = False
        if parse_hhmm(self.starts_at.data) is None:
            self.starts_at.errors = [_l("Start time must be HH:MM on the 24-hour clock, e.g. 07:30 or 19:00.")]
            ok = False
        if self.id.data and row_id(self.id.data) is None:
            self.id.errors = [_l("This row is not one of your shifts. Reload the page and try again.")]
            ok = False
        return ok

    def row(self) -> ShiftRow:
        """The row as entered, once it has validated (a name and a start time)."""
        return ShiftRow(row_id(self.id.data), filled(self.name.data),
                        filled(parse_hhmm(self.starts_at.data)))


class SettingsForm(Form):
    name = StringField(_l("Company name, as workers see it"), filters=[_strip],
                       validators=[DataRequired(message=_l("Give the company's name.")),
                                   Length(max=200, message=_l("The name is at most 200 characters."))])
    questions_per_quiz = IntegerField(
        _l("Questions per quiz"),
        validators=[InputRequired(message=_l("Questions per quiz must be a whole number from 3 to 8.")),
                    NumberRange(3, 8, message=_l("Questions per quiz must be a whole number from 3 to 8."))])
    workdays = MultiCheckboxField(_l("Workdays (the quiz is expected on these days)"), choices=WEEKDAYS)
    shifts = FieldList(FormField(ShiftRowForm))
    webhook_url = StringField(_l("WeChat Work group robot webhook (optional)"), filters=[_strip],
                              validators=[Optional(),
                                          Length(max=500, message=_l("The address is at most 500 characters.")),
                                          robot_webhook])
    remind_minutes = IntegerField(
        _l("Send reminders this many minutes before a shift starts"),
        validators=[InputRequired(message=_l("Minutes before a shift must be a whole number from 5 to 180.")),
                    NumberRange(5, 180, message=_l("Minutes before a shift must be a whole number from 5 to 180."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift_problems = []

    def validate_workdays(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one workday."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.shift_problems = []
        rows = [entry.form for entry in self.shifts if not entry.form.ignored and entry.form.name.data]
        names = [filled(row.name.data) for row in rows]
        typed = first_starts((filled(row.name.data), parse_hhmm(row.starts_at.data)) for row in rows)
        for name in sorted_shifts({n for n in names if names.count(n) > 1}, typed):  # as the page lists shifts
            self.shift_problems.append(_l("Two shifts are named %(name)s: shift names must be different.", name=name))
        return ok and not self.shift_problems

    def change(self) -> SettingsChange:
        return SettingsChange(
            name=filled(self.name.data), questions_per_quiz=filled(self.questions_per_quiz.data),
            workdays="".join(sorted(set(self.workdays.data or []))),
            shifts=[entry.form.row() for entry in self.shifts if not entry.form.ignored],
            webhook_url=self.webhook_url.data or None, remind_minutes=filled(self.remind_minutes.data))

    @classmethod
    def for_company(cls, company, shifts, blank_rows: int = 2) -> SettingsForm:
        rows = [{"id": str(s.id), "name": s.name, "starts_at": s.starts_at.strftime("%H:%M")} for s in shifts]
        rows += [{"id": "", "name": "", "starts_at": ""}] * blank_rows
        return cls(data={"name": company.name, "questions_per_quiz": company.questions_per_quiz,
                         "workdays": list(company.workdays), "shifts": rows, "webhook_url": company.webhook_url or "",
                         "remind_minutes": company.remind_minutes})


class WebhookTestForm(Form):
    """The settings page's "send a test message" button: it submits the settings form, of which
    only the robot address (checked as when saving) and the CSRF token are read; nothing is saved."""

    webhook_url = StringField(_l("WeChat Work group robot webhook (optional)"), filters=[_strip],
                              validators=[DataRequired(message=_l("Enter the robot's webhook address first.")),
                                          Length(max=500, message=_l("The address is at most 500 characters.")),
                                          robot_webhook])

"""Input read at the edge, once, by one rule per kind (quizapp.rules.inputs): the `<id:...>` URL
converter every route with a row id uses; query parameters (`query_int`, `query_ids`,
`query_text`); `Form`, the base of every form, whose text fields refuse control characters and
overlong text and whose integer fields stay within what the database holds; `DateWithin`, a date
field's window for its meaning.

Also the WTForms validators shared by several audiences' forms: the company's reminder robot
(console settings), an officer's digest robot (reports) and an account's digest robot (admin)
follow one rule; and `filled`, how a view reads a required field once its form has validated.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, overload

from babel import support
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as RoutingValidationError
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms import Form as WTForm
from wtforms.i18n import messages_path
from wtforms.validators import Length, StopValidation

from quizapp.clock import local_today
from quizapp.reminders.rules import is_http_url, is_wechat_webhook
from quizapp.rules import inputs

T = TypeVar("T")


def filled(data: T | None) -> T:
    """A required field's data after its form validated: its DataRequired or InputRequired
    validator has made sure it is there (WTForms types every field's data as optional)."""
    if data is None:
        raise ValueError("a required field is empty: read it only after the form has validated")
    return data


def form_problems(form) -> str:
    """Why a form that carries no typed field (a confirmation) did not validate, as one line to
    flash: a confirmation that fails never just goes back without a word."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def robot_webhook(form, field) -> None:
    """A WeChat Work group robot address; under TESTING any http(s) address, so the tests can
    point robots at a local receiver."""
    url = field.data or ""
    if is_wechat_webhook(url) or (current_app.config.get("TESTING") and is_http_url(url)):
        return
    raise ValidationError(_l("The webhook must be a WeChat Work group robot address: "
                             "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... "
                             "(copy it from the robot's settings)."))


# --- one rule per kind, at the edge -------------------------------------------------------------

class IdConverter(BaseConverter):
    """`<id:name>` in a route: a row id, ASCII digits 1..2³¹−1. Anything else (0, a leading zero,
    ², a number too large for the database) matches no route, so it is a 404, never a 500."""

    regex = r"[1-9][0-9]{0,9}"
    weight = 50

    def to_python(self, value: str) -> int:
        number = inputs.row_id(value)
        if number is None:
            raise RoutingValidationError()
        return number

    def to_url(self, value: object) -> str:
        return str(int(str(value)))


class TextConverter(BaseConverter):
    """`<name>` in a route (the default converter): 1 to 200 characters, neither a slash nor a
    control character (a NUL in a company code never reaches a database: PostgreSQL refuses it)."""

    regex = r"[^/\x00-\x1f\x7f-\x9f]{1,200}"


def register_converters(app: Flask) -> None:
    """Before any blueprint is registered: their rules are compiled with the app's converters."""
    app.url_map.converters.update(id=IdConverter, default=TextConverter, string=TextConverter)


@overload
def query_int(name: str, default: int, low: int = 1, high: int = inputs.MAX_INT) -> int: ...
@overload
def query_int(name: str, default: None = None, low: int = 1, high: int = inputs.MAX_INT) -> int | None: ...
def query_int(name: str, default: int | None = None, low: int = 1, high: int = inputs.MAX_INT) -> int | None:
    """An integer query parameter (a page, a grid, a number of days): the default when it is
    missing or malformed, so a bad link still shows the page."""
    value = inputs.whole(request.args.get(name), low, high)
    return default if value is None else value


def query_ids(name: str, limit: int = 100) -> list[int]:
    """Every well-formed id among a repeated query parameter (?company_id=1&company_id=2)."""
    found = (inputs.row_id(value) for value in request.args.getlist(name)[:limit])
    return [value for value in found if value is not None]


def query_text(name: str, limit: int = inputs.QUERY_TEXT_LIMIT) -> str:
    """A text query parameter (a search, a filter): control characters dropped, at most `limit`."""
    return inputs.plain_text(request.args.get(name), limit)


def _no_control_characters(form, field) -> None:
    """Every text field: no control character other than tab and newline."""
    if isinstance(field.data, str) and inputs.control_characters(field.data):
        raise StopValidation(_l("Remove the control characters (invisible characters such as NUL) from this field."))


def _within_text_limit(form, field) -> None:
    """A text field without a Length of its own: at most TEXT_LIMIT characters."""
    if isinstance(field.data, str) and len(field.data) > inputs.TEXT_LIMIT:
        raise StopValidation(_l("This is at most %(n)d characters.", n=inputs.TEXT_LIMIT))


def _own_limit(field) -> bool:
    """Whether the field says its own, tighter, length limit: then that limit's message is the one
    shown (a 5,000-character note of at most 500 is told "at most 500", never "at most 4000")."""
    return any(isinstance(v, Length) and 0 <= v.max <= inputs.TEXT_LIMIT for v in field.validators)


def _whole_number(form, field) -> None:
    """Every integer field: what the database can hold, whatever the field's own range says."""
    if isinstance(field.data, int) and abs(field.data) > inputs.MAX_INT:
        raise StopValidation(_l("This number is too large."))


# WTForms' own messages ("This field is required.") per locale, read once per process: Flask-WTF
# reads the catalogue from disk again in every request that builds a form (~0.3 ms each).
_WTFORMS_MESSAGES: dict[str, support.NullTranslations] = {}


class _Meta:
    def get_translations(self, form):
        if not has_request_context():  # a form built by a command: WTForms' English
            return None
        locale = get_locale()
        if locale is None:
            return None
        key = str(locale)
        found = _WTFORMS_MESSAGES.get(key)
        if found is None:
            found = _WTFORMS_MESSAGES[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return found

    def bind_field(self, form, unbound_field, options):
        """Each field as declared, plus its kind's rule: text (a single choice too) checked for control characters and
        length (line ends made \\n first; its own Length, if tighter, is the limit), integers held
        to what the database stores, dates within 2000-01-01 .. a year ahead unless the field says
        its own window."""
        field = unbound_field.bind(form=form, **options)
        if isinstance(field, StringField):
            field.filters = (inputs.newlines, *field.filters)
            limit = [] if _own_limit(field) else [_within_text_limit]
            field.validators = [_no_control_characters, *limit, *field.validators]
        elif isinstance(field, SelectField) and not isinstance(field, SelectMultipleField):
            # A choice is text too, and one that takes what is typed when it has no choices
            # (validate_choice=False: the worker form's shift) would otherwise store anything.
            field.validators = [_no_control_characters, _within_text_limit, *field.validators]
        elif isinstance(field, IntegerField):
            field.validators = [_whole_number, *field.validators]
        elif isinstance(field, DateField) and not any(isinstance(v, DateWithin) for v in field.validators):
            field.validators = [*field.validators, DateWithin(ahead=inputs.PLANNING_DAYS)]
        return field


class Form(FlaskForm):
    """Every form of the app: a FlaskForm (CSRF) whose fields follow the rule for their kind."""

    class Meta(_Meta, FlaskForm.Meta):
        pass


class Subform(WTForm):
    """A form repeated inside another (a FieldList of FormFields): the same rules, no CSRF token."""

    class Meta(_Meta, WTForm.Meta):
        pass


class DateWithin:
    """A date field's window: not before `earliest` (a date, or a function of the form giving one,
    e.g. the case's opening day), and at most `ahead` days after today (0 for what has happened)."""

    def __init__(self, earliest: Callable[[Any], date] | date = inputs.EARLIEST_DAY, ahead: int = 0):
        self.earliest, self.ahead = earliest, ahead

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, date):
            return
        earliest = self.earliest(form) if callable(self.earliest) else self.earliest
        latest = inputs.latest_day(local_today(), self.ahead)
        if not inputs.day_within(field.data, earliest, latest):
            raise StopValidation(_l("Give a date from %(first)s to %(last)s.",
                                    first=earliest.isoformat(), last=latest.isoformat()))


class MonthWithin(DateWithin):
    """A month field's window (its data is the month's first day): a month that has not started
    yet is told so, like the services' own check, whatever the date window of a plan would allow;
    a month before `earliest` gets the window in months."""

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, date):
            return
        this_month = local_today().replace(day=1)
        if field.data > this_month:
            raise StopValidation(_l("This month has not started yet."))
        earliest = self.earliest(form) if callable(self.earliest) else self.earliest
        if field.data < earliest.replace(day=1):
            raise StopValidation(_l("Give a month from %(first)s to %(last)s.",
                                    first=f"{earliest:%Y-%m}", last=f"{this_month:%Y-%m}"))

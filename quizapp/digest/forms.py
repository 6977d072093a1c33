"""Forms of the daily digest pages: an officer's own digest addresses, "send me a test now", and
the town admin's "retry now" on a failed digest.

The robot address follows the reminders' rule (console.forms_settings): a WeChat Work group robot
address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...); only when the app runs with
TESTING set is any http(s) address accepted, so tests can point digests at a local receiver.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from quizapp.digest.rules import MAX_EMAIL, is_email

# The reminders' webhook rule, shared rather than written twice.
from quizapp.validators import Form, robot_webhook


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email(form, field) -> None:
    if not is_email(field.data or ""):
        raise ValidationError(_l("Give an e-mail address such as name@example.com."))


class DigestAddressForm(Form):
    """Where the account's daily digest goes: an e-mail address and/or a WeChat Work robot."""

    email = StringField(_l("E-mail address (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=MAX_EMAIL, message=_l("The address is at most 254 characters.")), _email])
    webhook_url = StringField(_l("WeChat Work group robot webhook (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=500, message=_l("The address is at most 500 characters.")), robot_webhook])


class SendTestForm(Form):
    """No fields: the CSRF token alone proves the click came from our page."""


class RetryForm(Form):
    """The town admin's "retry now" on one failed digest; `next` brings them back to the same list."""

    delivery = HiddenField(validators=[DataRequired()])
    next = HiddenField()

"""WTForms validators shared by several audiences' forms: the company's reminder robot (console
settings), an officer's digest robot (reports) and an account's digest robot (admin) follow one rule;
and `filled`, how a view reads a required field once its form has validated.
"""

from typing import TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from quizapp.reminders.rules import is_http_url, is_wechat_webhook

T = TypeVar("T")


def filled(data: T | None) -> T:
    """A required field's data after its form validated: its DataRequired or InputRequired
    validator has made sure it is there (WTForms types every field's data as optional)."""
    if data is None:
        raise ValueError("a required field is empty: read it only after the form has validated")
    return data


def robot_webhook(form, field) -> None:
    """A WeChat Work group robot address; under TESTING any http(s) address, so the tests can
    point robots at a local receiver."""
    url = field.data or ""
    if is_wechat_webhook(url) or (current_app.config.get("TESTING") and is_http_url(url)):
        return
    raise ValidationError(_l("The webhook must be a WeChat Work group robot address: "
                             "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... "
                             "(copy it from the robot's settings)."))

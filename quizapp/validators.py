"""WTForms validators shared by several audiences' forms: the company's reminder robot (console
settings), an officer's digest robot (reports) and an account's digest robot (admin) follow one rule.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from quizapp.reminders.rules import is_http_url, is_wechat_webhook


def robot_webhook(form, field) -> None:
    """A WeChat Work group robot address; under TESTING any http(s) address, so the tests can
    point robots at a local receiver."""
    url = field.data or ""
    if is_wechat_webhook(url) or (current_app.config.get("TESTING") and is_http_url(url)):
        return
    raise ValidationError(_l("The webhook must be a WeChat Work group robot address: "
                             "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... (copy it from the robot's settings)."))

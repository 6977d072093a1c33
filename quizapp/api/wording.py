"""The API's refusals of a query parameter in words (api.rules.ParameterError: "api.<reason>"),
in the language the request asks for. Used by api.views."""

from flask_babel import gettext as _

from quizapp.wording import Messages

MESSAGES: Messages = {
    "api.unknown": lambda name, detail: _("This endpoint takes no parameter \"%(name)s\" (it takes: %(accepted)s).",
                                          name=name, accepted=detail),
    "api.repeated": lambda name, detail: _("Give \"%(name)s\" once.", name=name),
    "api.empty": lambda name, detail: _("\"%(name)s\" is empty.", name=name),
    "api.not_a_date": lambda name, detail: _("\"%(name)s\" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01.",
                                             name=name),
    "api.future": lambda name, detail: _("\"%(name)s\" is after today (%(today)s): there are no figures for it yet.",
                                         name=name, today=detail),
    "api.after_to": lambda name, detail: _("\"from\" is after \"to\" (today when not given)."),
    "api.too_long": lambda name, detail: _("The range from \"from\" to \"to\" is longer than %(days)s days.",
                                           days=detail),
    "api.not_an_id": lambda name, detail: _("\"%(name)s\" is not an id (a whole number from 1).", name=name),
    "api.not_a_flag": lambda name, detail: _("\"%(name)s\" must be true or false.", name=name),
    "api.not_a_number": lambda name, detail: _("\"%(name)s\" must be a whole number.", name=name),
    "api.not_a_month": lambda name, detail: _("\"%(name)s\" is not a month: write it as YYYY-MM, e.g. 2026-03.",
                                              name=name),
    "api.out_of_range": lambda name, detail: _("\"%(name)s\" must be within %(range)s.", name=name, range=detail),
}

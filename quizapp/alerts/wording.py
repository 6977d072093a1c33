"""本周警情 in words: why a draft is refused (each code of alerts.rules and alerts.service, shown at
its field), an alert's state, and the heading of the WeChat paste text. Used by the alerts views
and templates, and by the pre-shift screen."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.alerts import rules
from quizapp.wording import Messages

MESSAGES: Messages = {
    "alerts.missing": lambda **_data: _("Fill this in."),
    "alerts.too_long": lambda length, limit: _("This is %(length)s characters; at most %(limit)s fit a phone screen.",
                                               length=length, limit=limit),
    "alerts.lesson_length": lambda length, low, high: _("The lesson is %(length)s characters; write %(low)s to "
                                                        "%(high)s.", length=length, low=low, high=high),
    "alerts.mobile_number": lambda: _("A mobile number is written out: mask it like 138****0000, so it cannot be "
                                      "anybody's."),
    "alerts.unsafe_link": lambda host: _("The link goes to %(host)s: use a reserved domain (.example, .invalid, "
                                         ".test), so it cannot be anybody's.", host=host),
    "alerts.scene_speaker": lambda: _("Start every line with them:, me: or note:."),
    "alerts.scene_lines_differ": lambda zh, en: _("%(zh)s Chinese lines but %(en)s English lines: give the same "
                                                  "lines in both.", zh=zh, en=en),
    "alerts.scene_speakers_differ": lambda: _("The English lines must have the same speakers as the Chinese ones."),
    "alerts.scene_needed": lambda: _("Write what the workers see: the messages, one per line, in Chinese and in "
                                     "English (or mark the alert Chinese only)."),
    "alerts.scene_title_both": lambda: _("Give the sender in both languages, or in neither."),
    "alerts.scene_kind": lambda: _("Choose how workers meet it."),
    "alerts.multiple_hint": lambda: _("The question page already says to choose all that apply: leave it out of "
                                      "the question."),
    "alerts.two_options": lambda: _("Give at least two options."),
    "alerts.options_in_order": lambda: _("Fill in the options from A on, with no gap."),
    "alerts.truefalse_options": lambda: _("A true-or-false question has no options: leave them empty."),
    "alerts.truefalse_answer": lambda: _("The answer of a true-or-false question is true or false."),
    "alerts.answer_unknown": lambda: _("The answer names an option that is not filled in."),
    "alerts.answer_single": lambda: _("A question with one right answer takes one letter."),
    "alerts.answer_all": lambda: _("At least one option must be wrong."),
    "alerts.question_type": lambda: _("Choose the kind of question."),
    "alerts.question_needed": lambda: _("Write at least one question."),
    "alerts.cue_safety_word": lambda words: _("Only the right answer says %(words)s: workers would pick it without "
                                              "reading. Put such words in a wrong option too, or in none.",
                                              words=words),
    "alerts.cue_longest": lambda length, times: _("The right answer is %(times)s× as long as the longest other "
                                                  "option: workers would pick it without reading. Make the options "
                                                  "about as long.", times=times),
    "alerts.bank_rule": lambda message: _("The question bank's rules: %(message)s", message=message),
    "alerts.grid_needed": lambda: _("Choose at least one grid."),
    "alerts.not_your_grid": lambda: _("You can only choose your own grids."),
    "alerts.expiry_past": lambda **_data: _("The last day cannot be before today."),
    "alerts.expiry_too_far": lambda days: _("An alert is in the quiz for at most %(days)s days.", days=days),
    "alerts.not_found": lambda alert_id: _("No such alert."),
    "alerts.not_a_draft": lambda: _("This alert is no longer a draft: it cannot be changed or published again."),
    "alerts.not_your_alert": lambda: _("This alert is also for grids that are not yours."),
    "alerts.admin_only": lambda: _("Only the town admin can publish an alert."),
    "alerts.not_live": lambda: _("This alert is not in the quiz (any more)."),
}

STATE_LABELS = {
    rules.LIVE: _l("in the quiz"),
    rules.DRAFTED: _l("draft, waiting for the town admin"),
    rules.EXPIRED: _l("expired"),
    rules.WITHDRAWN: _l("withdrawn"),
}


def paste_text(read_out, link: str) -> str:
    """The WeChat text for one live alert (alerts.rules.paste_text) in the reader's language."""
    return rules.paste_text(_("【This week's alert】"), read_out.alert.title, read_out.lesson, read_out.rule, link)

"""Workers' reports in words: the channels, what a scam asked for, the inbox's statuses, and why
leads.service refused (its error codes). Used by the leads pages and forms, the periodic report's
section and sheet."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.leads.rules import LeadTally
from quizapp.leads.service import LeadSummary
from quizapp.rules.vocab import LeadAsk, LeadChannel, LeadStatus
from quizapp.wording import Messages

CHANNEL_LABELS = {
    LeadChannel.CALL: _l("A phone call"),
    LeadChannel.SMS: _l("An SMS"),
    LeadChannel.CHAT: _l("A chat (WeChat, QQ…)"),
    LeadChannel.APP: _l("An app or a web page"),
    LeadChannel.OTHER: _l("Something else"),
}
ASK_LABELS = {
    LeadAsk.MONEY: _l("Money: to transfer or pay"),
    LeadAsk.CODE: _l("A verification code, a password or a bank card"),
    LeadAsk.PERSONAL: _l("My ID card, photo or personal details"),
    LeadAsk.INSTALL: _l("To install an app, share my screen or open a link"),
    LeadAsk.OTHER: _l("Something else"),
}
STATUS_LABELS = {
    LeadStatus.NEW: _l("New"),
    LeadStatus.REVIEWED: _l("Reviewed"),
    LeadStatus.ALERTED: _l("Made into an alert"),
    LeadStatus.DISMISSED: _l("Dismissed"),
}

MESSAGES: Messages = {
    "leads.daily_limit": lambda limit: _("You have sent %(limit)s reports today, the most for one day. Thank you! "
                                         "If you lost money, call 110 now.", limit=limit),
    "leads.text_short": lambda n: _("Write at least %(n)s characters about what it said.", n=n),
    "leads.cannot_move": lambda status, to: _("This lead is already %(status)s: it cannot be changed that way.",
                                              status=STATUS_LABELS[status]),
    "leads.reason_needed": lambda: _("Say why the lead is dismissed."),
}


def definitions() -> dict[str, str]:
    """What the counts mean (docs/metrics.md, "Workers' reports"), beside them on every surface."""
    return {
        "leads": _("Leads: different reports (the same text in a grid is one lead) with at least one report in the "
                   "period."),
        "reports": _("Reports: every worker's report received in the period; a worker's repeat of their own report on "
                     "the same day is not counted."),
        "money_lost": _("Money lost: leads with a report in the period that said money was lost."),
    }


@dataclass(frozen=True)
class Labelled:
    """A LeadSummary with each grid and channel as its readers name it."""

    total: LeadTally
    grids: list[tuple[str, LeadTally]]
    channels: list[tuple[str, LeadTally]]


def labelled(summary: LeadSummary) -> Labelled:
    return Labelled(summary.total, [(g.name, t) for g, t in summary.by_grid],
                    [(str(CHANNEL_LABELS[c]), t) for c, t in summary.by_channel])

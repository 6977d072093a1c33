"""The supervision list in words: the rules' and follow-ups' names, a flag's figures as the
reason a case is opened (written in the town's language, so the ledger reads the same whoever ran
the check), and why supervision.service refused a change (its error codes). Used by the
supervision views, templates and sheets, and by the `quizapp supervise` and `quizapp demo`
commands."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.rules.metrics import percent, point_change
from quizapp.rules.vocab import CaseEventKind, CaseRule, FollowUpKind, parse
from quizapp.supervision.rules import Flag
from quizapp.wording import Messages, in_town_language

RULE_LABELS = {
    CaseRule.PARTICIPATION: _l("Participation under the supervision line"),
    CaseRule.KNOWLEDGE: _l("Falling knowledge"),
    CaseRule.INCIDENTS: _l("Rising incidents"),
    CaseRule.MANUAL: _l("Added by an officer"),
}
KIND_LABELS = {FollowUpKind.YUETAN: _l("Formal talk (约谈)"), FollowUpKind.VISIT: _l("Visit"),
               FollowUpKind.TALK: _l("Talk")}

MESSAGES: Messages = {
    "supervision.rules_admin_only": lambda: _("Only the town admin can change the rules."),
    "supervision.not_your_company": lambda: _("This company is not in your grids."),
    "supervision.manual_case_open": lambda: _("This company already has an open case added by hand: log a "
                                              "follow-up there instead."),
    "supervision.case_closed": lambda: _("This case is closed."),
    "supervision.unknown_kind": lambda: _("Choose what kind of follow-up it was."),
    "supervision.future_follow_up": lambda: _("A follow-up cannot be in the future."),
    "supervision.follow_up_too_early": lambda day: _("A follow-up cannot be dated before %(day)s.", day=day),
    "supervision.close_reason_needed": lambda: _("Give the result of the case before closing it."),
    "supervision.close_needs_follow_up": lambda: _("Log at least one follow-up before closing the case."),
    "supervision.too_long": lambda: _("This is too long: keep it short."),
    "supervision.summons_needed": lambda: _("A formal talk (约谈) records who was summoned (name and role) and "
                                            "where."),
    "supervision.not_an_owner": lambda: _("Choose an officer of the company's grid or the town admin."),
    "supervision.deadline_past": lambda: _("The deadline cannot be before today."),
    "supervision.deadline_far": lambda: _("The deadline cannot be more than a year ahead."),
    "supervision.case_open": lambda: _("This case is open."),
    "supervision.reopen_reason_needed": lambda: _("Say why the case is reopened."),
    "supervision.other_case_open": lambda: _("The company has another open case under this rule: work on that "
                                             "one instead."),
    "supervision.company_inactive": lambda: _("The company is deactivated: its cases are kept as they were and "
                                              "can no longer be changed."),
}
EVENT_LABELS = {
    CaseEventKind.OPENED: _l("Opened"), CaseEventKind.ASSIGNED: _l("Owner and deadline set"),
    CaseEventKind.FOLLOW_UP: _l("Follow-up added"), CaseEventKind.CLOSED: _l("Closed"),
    CaseEventKind.REOPENED: _l("Reopened"),
}


def step_detail(kind: CaseEventKind | str, detail: str) -> str:
    """A history step's detail as the case page shows it. A follow-up's step stores the day and
    the kind's code ("2026-11-25 yuetan", supervision.service.add_follow_up), old rows as new: the
    code is worded here, in the reader's language. Other steps store the words people typed (a
    result, a reason) or a name and a date, shown as they are."""
    if kind == CaseEventKind.FOLLOW_UP:
        day, _space, code = detail.partition(" ")
        follow_up = parse(FollowUpKind, code)
        if follow_up is not None:
            return f"{day} {KIND_LABELS[follow_up]}"
    return detail


def describe(flag: Flag) -> str:
    """The figures that made a rule fire, in words, for the case's reason."""
    f = flag.figures
    if flag.rule == CaseRule.PARTICIPATION:
        return _("Participation under %(target)s on each of the last %(n)s workdays (%(first)s to %(last)s): "
                 "%(shares)s.", target=percent(f["target"]), n=f["workdays"], first=f["first"].isoformat(),
                 last=f["last"].isoformat(), shares=", ".join(percent(s) for s in f["shares"]))
    if flag.rule == CaseRule.KNOWLEDGE:
        return _("Knowledge index %(now)s over the last %(days)s days (%(answers_now)s common answers), down "
                 "%(drop)s points from %(before)s over the %(days)s days before (%(answers_before)s answers).",
                 now=percent(f["now"]), before=percent(f["before"]), days=f["days"],
                 drop=point_change(f["before"], f["now"]),  # the difference of the two figures printed
                 answers_now=f["answers_now"], answers_before=f["answers_before"])
    return _("%(cases)s fraud cases in %(first)s to %(last)s, against %(before)s in %(year_first)s to "
             "%(year_last)s.", cases=f["cases"], before=f["cases_year_before"], first=f"{f['first']:%Y-%m}",
             last=f"{f['last']:%Y-%m}", year_first=f"{f['year_first']:%Y-%m}", year_last=f"{f['year_last']:%Y-%m}")


def town_reasons() -> Callable[[Flag], str]:
    """What supervision.service.flag_companies writes as a new case's reason."""
    return in_town_language(describe)

"""The supervision list in words: the rules' and follow-ups' names, a flag's figures as the
reason a case is opened (written in the town's language, so the ledger reads the same whoever ran
the check), and why supervision.service refused a change (its error codes). Used by the
supervision views, templates and sheets, and by the `quizapp supervise` and `quizapp demo`
commands."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from babel.lists import format_list
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.rules.metrics import percent, point_change
from quizapp.rules.vocab import CaseEventKind, CaseRule, FollowUpKind, parse
from quizapp.supervision.rules import Flag
from quizapp.web import LOCALES
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


def _reason(rule: CaseRule, v: Mapping[str, object]) -> str:
    """A rule's reason with its figures `v` already written out (percentages, dates, the list of
    shares), in the current language: the one sentence describe writes and reason_words reads."""
    if rule == CaseRule.PARTICIPATION:
        return _("Participation under %(target)s on each of the last %(n)s workdays (%(first)s to %(last)s): "
                 "%(shares)s.", target=v["target"], n=v["n"], first=v["first"], last=v["last"], shares=v["shares"])
    if rule == CaseRule.KNOWLEDGE:
        return _("Knowledge index %(now)s over the last %(days)s days (%(answers_now)s common answers), down "
                 "%(drop)s points from %(before)s over the %(days)s days before (%(answers_before)s answers).",
                 now=v["now"], before=v["before"], days=v["days"], drop=v["drop"], answers_now=v["answers_now"],
                 answers_before=v["answers_before"])
    return _("%(cases)s fraud cases in %(first)s to %(last)s, against %(before)s in %(year_first)s to "
             "%(year_last)s.", cases=v["cases"], before=v["before"], first=v["first"], last=v["last"],
             year_first=v["year_first"], year_last=v["year_last"])


# Each rule's figures, by the names its sentence gives them (the marks reason_words looks for).
REASON_FIGURES = {
    CaseRule.PARTICIPATION: ("target", "n", "first", "last", "shares"),
    CaseRule.KNOWLEDGE: ("now", "before", "days", "drop", "answers_now", "answers_before"),
    CaseRule.INCIDENTS: ("cases", "before", "first", "last", "year_first", "year_last"),
}


def _shares(shares: Iterable[str]) -> str:
    """The daily shares as the language lists them: 23%、31%和40% / 23%, 31%, and 40% (never a
    half-width comma in Chinese)."""
    return format_list(list(shares), locale=get_locale())


def describe(flag: Flag) -> str:
    """The figures that made a rule fire, in words, for the case's reason."""
    f = flag.figures
    if flag.rule == CaseRule.PARTICIPATION:
        return _reason(flag.rule, {"target": percent(f["target"]), "n": f["workdays"], "first": f["first"].isoformat(),
                                   "last": f["last"].isoformat(), "shares": _shares(percent(s) for s in f["shares"])})
    if flag.rule == CaseRule.KNOWLEDGE:
        return _reason(flag.rule, {"now": percent(f["now"]), "before": percent(f["before"]), "days": f["days"],
                                   "drop": point_change(f["before"], f["now"]),  # the difference of the two printed
                                   "answers_now": f["answers_now"], "answers_before": f["answers_before"]})
    return _reason(flag.rule, {"cases": f["cases"], "before": f["cases_year_before"], "first": f"{f['first']:%Y-%m}",
                               "last": f"{f['last']:%Y-%m}", "year_first": f"{f['year_first']:%Y-%m}",
                               "year_last": f"{f['year_last']:%Y-%m}"})


_PATTERNS: dict[tuple[str, CaseRule], re.Pattern[str]] = {}


def _pattern(locale: str, rule: CaseRule) -> re.Pattern[str]:
    """The rule's sentence in `locale` as a pattern that reads its figures back: the sentence is
    written with a mark for each figure, and each mark becomes a group (a figure named twice must
    read the same both times). Kept per catalogue: translations do not change while the app runs."""
    key = (locale, rule)
    if key not in _PATTERNS:
        with force_locale(locale):
            sentence = _reason(rule, {name: f"\x00{name}\x00" for name in REASON_FIGURES[rule]})
        pattern, seen = "", set()
        for n, part in enumerate(sentence.split("\x00")):
            if n % 2 == 0:
                pattern += re.escape(part)
            else:
                pattern += f"(?P={part})" if part in seen else f"(?P<{part}>.+?)"
                seen.add(part)
        _PATTERNS[key] = re.compile(pattern)
    return _PATTERNS[key]


def reason_words(rule: CaseRule | str, stored: str) -> str:
    """A case's stored reason in the reader's language. A reason the town's rules wrote (describe,
    in the town's language at the time, Chinese or English) is read back into its figures and
    written again: old cases and new read the same, the shares listed with the language's marks
    (older Chinese reasons listed them with half-width commas). A reason typed by hand, or one
    that no rule's sentence matches (written by an older wording), is shown as stored."""
    chosen = parse(CaseRule, str(rule))
    if chosen is None or chosen not in REASON_FIGURES:
        return stored
    for locale in LOCALES:
        found = _pattern(locale, chosen).fullmatch(stored.strip())
        if found is not None:
            figures: dict[str, object] = dict(found.groupdict())
            if chosen == CaseRule.PARTICIPATION:
                figures["shares"] = _shares(re.findall(r"\d+%|–", found["shares"]))
            return _reason(chosen, figures)
    return stored


def town_reasons() -> Callable[[Flag], str]:
    """What supervision.service.flag_companies writes as a new case's reason."""
    return in_town_language(describe)

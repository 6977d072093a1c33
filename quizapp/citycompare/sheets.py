"""The city page as an XLSX workbook, headed in the reader's language: one row per town and the
city's total, with the counts behind every share (expected and done, first tries and right ones)
and the three declines of the month against a year before. The figures come from
citycompare.service, the same lines the page shows; shares keep one decimal (docs/metrics.md)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.citycompare.rules import TownLine
from quizapp.citycompare.service import CityPage
from quizapp.exports import service as exports
from quizapp.incidents import wording as incident_words
from quizapp.incidents.rules import FIGURES
from quizapp.wording import FIGURE_NAMES


def _kind(name: str) -> str:
    return "money" if name == "loss_yuan" else "int"


def _row(line: TownLine, name: str, code: str) -> tuple:
    y = line.declines
    declines: list = []
    for figure in FIGURES:
        declines += [line.figure(figure), getattr(y.month_last_year, figure), line.change(figure)]
    return (name, code, line.companies, line.headcount, line.tally.expected, line.tally.done, line.participation,
            line.tally.common_answered, line.tally.common_correct, line.knowledge, *declines)


def workbook(page: CityPage) -> tuple[bytes, str]:
    """The towns in the page's order, then the city's total; and the file's name."""
    found = page.figures
    month = f"{found.month:%Y-%m}"
    C = exports.Column
    declines: list[exports.Column] = []
    for figure in FIGURES:
        label = incident_words.figure_name(figure)
        declines += [C(f"{label} {month}", _kind(figure)), C(_("%(figure)s, same month last year", figure=label),
                                                              _kind(figure)),
                     C(_("%(figure)s, change (%%)", figure=label), "int")]
    report = exports.Report("city", _l("Towns compared"), found.span.first, found.span.last, (
        C(_l("Town")), C(_l("Town code")), C(_l("Companies"), "int"),
        C(_("Active workers on %(day)s", day=found.span.last.isoformat()), "int"),
        C(_l("Quizzes expected"), "int"), C(_l("Quizzes done"), "int"), C(_l("Participation"), "share"),
        C(_l("First tries at the common set"), "int"), C(_l("Right first tries"), "int"),
        C(FIGURE_NAMES["knowledge"], "share"), *declines,
    ), [*(_row(line, line.name, line.code) for line in page.rows), _row(found.total, _("City total"), "")])
    return exports.to_xlsx(report), f"towns-{found.span.first}-{found.span.last}-{month}.xlsx"

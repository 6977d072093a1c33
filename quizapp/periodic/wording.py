"""Weekly and monthly reports in words: the reports' titles, the scope's name and each figure's
definition (docs/reports.md), shown beside the figures on the page and in the workbook's Summary
sheet. Used by the periodic views, template and sheets."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.periodic.service import PeriodicReport, ReportScope
from quizapp.rules import metrics
from quizapp.web import listing
from quizapp.wording import FIGURE_DEFINITIONS, figure_definition

DEFINITIONS = {
    "companies": _l("Companies of the report's grid or town that count on some day of the period: one deactivated "
                    "since is included, through the day before it was deactivated."),
    "headcount": _l("Workers active on the last day of the period with data (that day's headcount), summed over "
                    "the companies with data; \"–\" when no day of the period has data."),
    # After the one definition (figure_definition("participation"), put before it in `definitions`):
    # what a report adds to it.
    "participation": _l("Summed over the companies' workdays with data in the period; a grid or the town is summed "
                        "first and divided once; a day's quizzes are capped at its headcount. A day "
                        "without a daily record (before a company used quizapp, or a night the rollup did not run) "
                        "is left out, not counted as 0%%; \"–\" when nothing was expected."),
    "knowledge": FIGURE_DEFINITIONS["knowledge"],  # the one definition every surface shows
    "behaviour": _l("Share of \"did you do it\" answers over the period that said \"done\", counted apart from "
                    "knowledge (grid reports only)."),
    "change": _l("This period minus the previous one (the week or month before), in percentage points; for "
                 "active workers, the difference in workers. \"–\" when either period has no data (or, for "
                 "active workers, when different companies have data in the two periods)."),
    "target": _l("The town's participation target (set by the town admin; 80%% when unset)."),
    "below": _l("Companies whose participation over the period is under the town's target of %(target)s; a "
                "company with nothing expected is never below."),
    # Incidents are counted by the month the cases happened (Incident.month), never the day a record
    # was entered: the words say "happened in", not "recorded for" (docs/metrics.md, "The three figures").
    "incidents_week": _l("Confirmed cases and losses of the cases that happened in %(months)s: incidents are counted "
                         "by the month the cases happened, so a weekly report counts the whole month or months its "
                         "days fall in. Records for a grid as a whole are included."),
    "incidents_month": _l("Confirmed cases and losses of the cases that happened in %(months)s, for the companies and "
                          "for the grid as a whole."),
    # Raw reports (原始警情) are every fraud-related report received, confirmed or not; confirmed cases
    # (确认警情) only those confirmed as fraud cases (docs/metrics.md "The three figures").
    "raw_reports_week": _l("Fraud-related police reports received (raw reports), whether or not they were confirmed "
                           "as fraud cases, of the months they happened in, %(months)s: a weekly report counts the "
                           "whole month or months its days fall in. Records for a grid as a whole are included; a "
                           "record entered before raw reports were kept counts 0."),
    "raw_reports_month": _l("Fraud-related police reports received (raw reports), whether or not they were "
                            "confirmed as fraud cases, of %(months)s, the month they happened in, for the companies "
                            "and for the grid as a whole; a record entered before raw reports were kept counts 0."),
    "opened": _l("Supervision cases opened in the period, by a rule or by hand."),
    "follow_ups": _l("Follow-ups (formal talk, visit, talk) that took place in the period, by their date."),
    "closed": _l("Supervision cases closed in the period."),
    "open_at_end": _l("Supervision cases open on the period's last day (a case closed later still counts)."),
    "overdue_at_end": _l("Of those, the cases past their deadline on the period's last day."),
}
TITLES = {"week": _l("Weekly report"), "month": _l("Monthly report")}


def title(report: PeriodicReport) -> str:
    return str(TITLES[report.period.kind])


def scope_name(scope: ReportScope) -> str:
    """The grid's name, or the whole town."""
    return _("Whole town") if scope.grid is None else scope.grid.name


def definitions(report: PeriodicReport) -> dict[str, str]:
    """Each figure's definition as the page and the workbook show it."""
    months = str(listing(f"{m:%Y-%m}" for m in report.incidents.months))  # 2026-11和2026-12
    values = {"target": metrics.percent(report.target), "months": months}
    found = {key: str(text) % values for key, text in DEFINITIONS.items()}
    found["participation"] = f"{figure_definition('participation')} {found['participation']}"
    found["counted"] = _("Counted by the month the cases happened: %(months)s", months=months)
    found["incidents"] = found[f"incidents_{report.period.kind}"]
    found["raw_reports"] = found[f"raw_reports_{report.period.kind}"]
    return found

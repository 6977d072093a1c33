"""A weekly or monthly report as an XLSX workbook: Summary (each figure beside its definition),
[Grids,] Company list, Incidents, Outreach, Workers' reports and Supervision, headed in the reader's
language. The figures come from periodic.service.export_report."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.incidents import wording as incident_words
from quizapp.incidents.rules import FIGURES, YearOnYear
from quizapp.leads import wording as lead_words
from quizapp.outreach import wording as outreach_words
from quizapp.periodic import rules
from quizapp.periodic.rules import Line, Period
from quizapp.periodic.service import PeriodicReport
from quizapp.periodic.wording import definitions, scope_name, title
from quizapp.rules import metrics
from quizapp.web import listing
from quizapp.wording import FIGURE_NAMES, figure_name


def _points(now: float | None, before: float | None) -> float | None:
    # The sheet shows shares with one decimal: the change is the difference of those two figures.
    return metrics.point_change(now, before, 1)


def _dates(period: Period) -> str:
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def _summary(report: PeriodicReport) -> exports.Report:
    T, D, t = exports.Typed, definitions(report), report.total

    def share(value: float | None) -> exports.Typed:
        return T(value, "share")

    def count(value: int | None) -> exports.Typed:
        return T(value, "int")

    def points(now: float | None, before: float | None) -> exports.Typed:
        return T(_points(now, before), "points")

    a, i = report.activity, report.incidents
    o, ob, reach = report.outreach, report.outreach_before, outreach_words.definitions()
    behaviour = []  # a grid's report only: the town's leaves the share out (periodic.service)
    if report.behaviour is not None and report.behaviour_before is not None:
        now, before = report.behaviour.share, report.behaviour_before.share
        behaviour.append((_("Did-you-do-it share"), share(now), share(before), points(now, before),
                          D["behaviour"]))
    rows = [
        (_("Report"), title(report), None, None, ""),
        (_("Scope"), scope_name(report.scope), None, None, ""),
        (_("Period"), _dates(report.period), _dates(report.previous), None, ""),
        (_("Companies"), count(t.companies), None, None, D["companies"]),
        (_("Active workers"), count(t.headcount), count(t.headcount_before), count(t.headcount_change),
         D["headcount"]),
        (_("Participation"), share(t.participation), share(t.participation_before),
         points(t.participation, t.participation_before), D["participation"]),
        (figure_name("knowledge"), share(t.knowledge), share(t.knowledge_before),
         points(t.knowledge, t.knowledge_before), D["knowledge"]),
        *behaviour,
        (_("Participation target"), share(report.target), None, None, D["target"]),
        (_("Companies below target"), count(t.below_count), count(report.below_before), None, D["below"]),
        (_("Raw reports"), count(i.raw_reports), None, None, D["raw_reports"]),
        (figure_name("confirmed_cases"), count(i.cases), None, None, D["incidents"]),
        (_("Losses (yuan)"), T(i.loss_yuan, "money"), None, None, D["incidents"]),
        (_("Outreach events"), count(o.total.events), count(ob.total.events),
         count(o.total.events - ob.total.events), reach["events"]),
        (_("People reached"), count(o.total.people), count(ob.total.people),
         count(o.total.people - ob.total.people), reach["people"]),
        (_("Workers' reports: leads"), count(report.leads.total.leads), None, None, lead_words.definitions()["leads"]),
        (_("Workers' reports: reports"), count(report.leads.total.reports), None, None,
         lead_words.definitions()["reports"]),
        (_("Supervision cases opened"), count(a.opened), None, None, D["opened"]),
        (_("Follow-ups logged"), count(a.follow_ups), None, None, D["follow_ups"]),
        (_("Supervision cases closed"), count(a.closed), None, None, D["closed"]),
        (_("Open at the end of the period"), count(a.open_at_end), None, None, D["open_at_end"]),
        (_("Overdue at the end of the period"), count(a.overdue_at_end), None, None, D["overdue_at_end"]),
    ]
    C = exports.Column
    return exports.Report("summary", _l("Summary"), report.period.first, report.period.last, (
        C(_l("Figure")), C(_l("This period")), C(_l("Previous period")), C(_l("Change")), C(_l("Definition"))), rows)


def _figure_columns() -> tuple[exports.Column, ...]:
    C = exports.Column
    return (C(_l("Active workers"), "int"), C(_l("Participation"), "share"), C(_l("Previous period"), "share"),
            C(_l("Change (points)"), "points"), C(FIGURE_NAMES["knowledge"], "share"),
            C(_l("Previous period"), "share"),
            C(_l("Change (points)"), "points"))


def _figures(line: Line) -> tuple:
    return (line.headcount, line.participation, line.participation_before,
            _points(line.participation, line.participation_before),
            line.knowledge, line.knowledge_before, _points(line.knowledge, line.knowledge_before))


def _declines(y: YearOnYear, first, last) -> exports.Report:
    """The three declines (incidents.figures.declines) as the page's table: each figure this month and
    the year to date beside a year before, the change in whole percent (empty where not compared)
    and whether it declined; the last row says what is compared."""
    C, changes, down = exports.Column, y.changes(), y.declines()
    kind = {"raw_reports": "int", "cases": "int", "loss_yuan": "money"}
    month = f"{y.month:%Y-%m}" + (f" {_('(in progress)')}" if y.partial else "")
    ytd = _("Year to date") + (f" {_('(January to %(month)s)', month=f'{y.ytd_last:%Y-%m}')}" if y.ytd_last else "")
    rows: list[tuple] = []
    for name in FIGURES:
        def cell(value, name=name):
            return exports.Typed(value, kind[name])

        def said(key: str) -> str | None:
            return None if down[key] is None else incident_words.verdict(down[key])

        rows.append((incident_words.figure_name(name), cell(getattr(y.this_month, name)),
                     cell(getattr(y.month_last_year, name)), changes[f"month_{name}"], said(f"month_{name}"),
                     cell(getattr(y.year_to_date, name)) if y.ytd_last else None,
                     cell(getattr(y.ytd_last_year, name)) if y.ytd_last else None, changes[f"ytd_{name}"],
                     said(f"ytd_{name}")))
    rows.append((incident_words.basis(y.month, y.partial),))
    return exports.Report("declines", _l("Three declines"), first, last, (
        C(_l("Figure")), C(month), C(_l("Same month last year")), C(_l("Change (%)"), "int"), C(_l("Declined?")),
        C(ytd), C(_l("Same period last year")), C(_l("Change (%)"), "int"), C(_l("Declined?"))), rows)


def _sheets(report: PeriodicReport) -> list[exports.Report]:
    C, first, last = exports.Column, report.period.first, report.period.last

    def yes_no(flag: bool) -> str:
        return _("yes") if flag else _("no")

    sheets = [_summary(report)]
    if report.town:
        sheets.append(exports.Report("grids", _l("Grids"), first, last, (
            C(_l("Grid")), C(_l("Companies"), "int"), *_figure_columns(), C(_l("Companies below target"), "int")),
            [(g.name, g.companies, *_figures(g), g.below_count) for g in report.grids]))
    sheets.append(exports.Report("companies", _l("Company list"), first, last, (
        C(_l("Grid")), C(_l("Company code")), C(_l("Company")), *_figure_columns(), C(_l("Below target"))),
        [(c.grid_name, c.code, c.name, *_figures(c), yes_no(c.below(report.target))) for c in report.companies]))
    incidents = report.incidents
    sheets.append(exports.Report("incidents", _l("Incidents"), first, last, (
        C(_l("Months the cases happened")), C(_l("Fraud type")), C(_l("Raw reports"), "int"),
        C(FIGURE_NAMES["confirmed_cases"], "int"),
        C(_l("Losses (yuan)"), "money")),
        [*((str(listing(f"{m:%Y-%m}" for m in incidents.months)), report.fraud_names.get(t.fraud_type, t.fraud_type),
            t.raw_reports, t.cases, t.loss_yuan) for t in incidents.by_type),
         ("", _("Total"), incidents.raw_reports, incidents.cases, incidents.loss_yuan)]))
    sheets.append(_declines(report.declines, first, last))
    sheets.append(exports.Report("quiet", _l("Months since the last case"), first, last, (
        C(_l("Grid")), C(_l("Last case")), C(FIGURE_NAMES["grid_months_since_case"], "int"),
        C(FIGURE_NAMES["zero_case_run"])),
        [(q.name, f"{q.last_case:%Y-%m}" if q.last_case else None, q.months,
          incident_words.zero_run(q.zero_months) if q.zero_months else None) for q in report.quiet]))
    shown = outreach_words.labelled(report.outreach)
    sheets.append(exports.Report("outreach", _l("Outreach"), first, last, (
        C(_l("By")), C(_l("Grid or kind")), C(_l("Events"), "int"), C(_l("People reached"), "int")),
        [*((_("Grid"), name, t.events, t.people) for name, t in shown.grids),
         *((_("Kind of activity"), name, t.events, t.people) for name, t in shown.kinds),
         ("", _("Total"), shown.total.events, shown.total.people)]))
    sheets.append(_leads(report))
    a = report.activity
    sheets.append(exports.Report("supervision", _l("Supervision"), first, last, (
        C(_l("Grid")), C(_l("Company")), C(_l("Cases opened"), "int"), C(_l("Follow-ups logged"), "int"),
        C(_l("Cases closed"), "int"), C(_l("Open at the end of the period"), "int")),
        [*((r.grid_name, r.name, r.activity.opened, r.activity.follow_ups, r.activity.closed, r.activity.open_at_end)
           for r in report.activity_by_company),
         ("", _("Total"), a.opened, a.follow_ups, a.closed, a.open_at_end)]))
    return sheets


def _leads(report: PeriodicReport) -> exports.Report:
    """Workers' reports by grid and channel (the grids' and channels' totals, then each pair)."""
    C, shown, summary = exports.Column, lead_words.labelled(report.leads), report.leads
    grid_names = {g.id: g.name for g, _t in summary.by_grid}
    channels = dict(lead_words.CHANNEL_LABELS)
    pairs = sorted(summary.by_grid_channel.items(), key=lambda item: (grid_names.get(item[0][0], ""),
                                                                      list(channels).index(item[0][1])))
    return exports.Report("leads", _l("Workers' reports"), report.period.first, report.period.last, (
        C(_l("Grid")), C(_l("Channel")), C(_l("Leads"), "int"), C(_l("Reports"), "int"), C(_l("Money lost"), "int")),
        [*((name, _("All channels"), t.leads, t.reports, t.money_lost) for name, t in shown.grids),
         *((_("All grids"), name, t.leads, t.reports, t.money_lost) for name, t in shown.channels),
         *((grid_names.get(grid_id, ""), str(channels[channel]), t.leads, t.reports, t.money_lost)
           for (grid_id, channel), t in pairs),
         (_("Total"), "", shown.total.leads, shown.total.reports, shown.total.money_lost)])


def workbook(report: PeriodicReport) -> tuple[bytes, str, str]:
    """The report as an XLSX workbook (Summary, [Grids,] Company list, Incidents, Three declines, Months
    without a case, Outreach, Workers' reports, Supervision), its
    file name and that name in ASCII (periodic.rules.ascii_filename)."""
    name = rules.filename(title(report), scope_name(report.scope), report.period)
    ascii_name = rules.ascii_filename(report.scope.grid.code if report.scope.grid else None, report.period)
    return exports.to_xlsx_book(_sheets(report)), name, ascii_name

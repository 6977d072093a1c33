"""The supervision ledger (台账) as a spreadsheet: one row per follow-up (a case without one gets
one row), headed and worded in the reader's language (the rules' reasons too:
supervision.wording.reason_words), ending with the case's grid's months without a case as the list
shows them (incidents.wording). The cases come from supervision.service.export_ledger."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.exports import service as exports
from quizapp.incidents import wording as incident_words
from quizapp.rules.vocab import CaseStatus
from quizapp.supervision.service import CaseView
from quizapp.supervision.wording import KIND_LABELS, RULE_LABELS, reason_words
from quizapp.wording import FIGURE_NAMES


def ledger(views: list[CaseView], fmt: str, today: date) -> tuple[bytes, str]:
    """The cases and their follow-ups as CSV or XLSX, and the file's name."""
    rows: list[tuple] = []
    for v in views:
        c, q = v.case, v.quiet
        quiet = (q.months if q else None, incident_words.zero_run(q.zero_months) if q and q.zero_months else None)
        head = (c.id, v.grid.name, v.company.code, v.company.name, str(RULE_LABELS.get(c.rule, c.rule)),
                reason_words(c.rule, c.reason),
                c.opened_on, _("open") if c.status == CaseStatus.OPEN else _("closed"), c.closed_on,
                c.close_reason or "", v.owner.display_name if v.owner else "", c.deadline,
                _("overdue") if v.overdue else "")
        if not v.follow_ups:
            rows.append(head + (None, "", "", "", "", "", "", None, None) + quiet)
        for f in reversed(v.follow_ups):  # oldest first
            u = f.follow_up
            summoned = " · ".join(p for p in (u.summoned_name, u.summoned_role) if p)
            rows.append(head + (u.happened_on, str(KIND_LABELS.get(u.kind, u.kind)), u.who, summoned, u.place or "",
                                u.notes, u.outcome, f.effect.participation_before, f.effect.participation_after)
                        + quiet)
    C = exports.Column
    report = exports.Report("ledger", _l("Supervision ledger"), min((v.case.opened_on for v in views), default=today),
                            today, (
        C(_l("Case"), "int"), C(_l("Grid")), C(_l("Company code")), C(_l("Company")), C(_l("Rule")), C(_l("Reason")),
        C(_l("Opened on"), "date"), C(_l("Status")), C(_l("Closed on"), "date"), C(_l("Result")), C(_l("Owner")),
        C(_l("Deadline"), "date"), C(_l("Overdue")),
        C(_l("Follow-up on"), "date"), C(_l("Kind")), C(_l("Who")), C(_l("Summoned")), C(_l("Where")), C(_l("Notes")),
        C(_l("Outcome")),
        C(_l("Participation, 2 weeks before"), "share"), C(_l("Participation, 2 weeks after"), "share"),
        C(FIGURE_NAMES["grid_months_since_case"], "int"), C(FIGURE_NAMES["zero_case_run"]),
    ), rows)
    return exports.render(report, fmt), f"supervision-ledger-{today.isoformat()}.{fmt}"

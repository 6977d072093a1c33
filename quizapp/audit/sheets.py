"""The audit log as a CSV file (exports.service: Excel-ready, formula-safe), headed in the reader's
language; the entries come from audit.log.export_entries."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from quizapp.audit.log import AuditEntry, AuditFilter
from quizapp.audit.wording import action_label, detail_line, detail_words
from quizapp.exports import service as exports


def audit_log(entries: list[AuditEntry], names: dict, chosen: AuditFilter, today: date) -> tuple[bytes, str]:
    """The entries as CSV, and the file's name (the dates asked for, or those of the entries): each
    detail in words (with the `names` audit.log.reference_names found) and as stored."""
    words = detail_words(names)
    first = chosen.first or (entries[-1].at.date() if entries else today)
    last = chosen.last or (entries[0].at.date() if entries else today)
    labels: dict[str, str] = {}
    rows = []
    for e in entries:
        if e.action not in labels:
            labels[e.action] = action_label(e.action)  # translated once per code, not once per row
        label = labels[e.action] if e.times == 1 else f"{labels[e.action]} ×{e.times}"
        rows.append((e.at.strftime("%Y-%m-%d %H:%M:%S"), e.who, e.username or "", e.token or "", label,
                     e.action, detail_line(e.detail, words), e.detail))
    report = exports.Report("audit", _l("Audit log"), first, last, (
        exports.Column(_l("When (local time)")), exports.Column(_l("Done by")), exports.Column(_l("Username")),
        exports.Column(_l("API token")), exports.Column(_l("What")), exports.Column(_l("Action code")),
        exports.Column(_l("Detail")), exports.Column(_l("Detail as stored"))), rows)
    return exports.to_csv(report), f"audit-{first.isoformat()}-{last.isoformat()}.csv"

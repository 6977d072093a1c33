"""The outreach ledger in words, in the reader's language: each kind's name, why a field, a row or
a file was refused (the reasons outreach.rules and outreach.service give), the figures'
definitions (docs/metrics.md). Used by the outreach views, templates and sheets, and by the
dashboard, reports and digest that show the totals."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.outreach.rules import KIND_NAMES, MAX_PEOPLE, Problem
from quizapp.outreach.service import OutreachSummary
from quizapp.rules.metrics import OutreachTotals
from quizapp.rules.vocab import OutreachKind
from quizapp.wording import Messages

KINDS = {
    OutreachKind.COMPANY_TALK: _l("Talk in a company"),
    OutreachKind.COMMUNITY: _l("In a community"),
    OutreachKind.SCHOOL: _l("In a school"),
    OutreachKind.MARKET: _l("In a market"),
    OutreachKind.FAMILY: _l("In families"),
    OutreachKind.STALL: _l("Street stall"),
    OutreachKind.DOOR_TO_DOOR: _l("Door-to-door round"),
    OutreachKind.PRESHIFT: _l("Pre-shift talk"),
}


def kind_name(kind: OutreachKind | str) -> str:
    found = KINDS.get(OutreachKind(kind))
    return str(found) if found is not None else str(kind)


def kind_choices() -> list[tuple[str, str]]:
    return [(k.value, str(label)) for k, label in KINDS.items()]


def kinds_in_files() -> str:
    """What a file's kind column accepts, as the town writes it."""
    return "、".join(KIND_NAMES.values())


REASONS = {
    "empty": _l("This cell is empty."),
    "formula": _l("A formula is not accepted: type the value itself."),
    "bad_date": _l("Not a date: write it like 2026-03-01."),
    "no_such_day": _l("There is no such day: %(detail)s."),
    "future_date": _l("This day has not come yet."),
    "too_old": _l("Too long ago: the ledger takes activities from %(detail)s on."),
    "unknown_kind": _l("Unknown kind of activity “%(value)s”. The kinds are: %(kinds)s."),
    "not_whole": _l("People reached are a whole number."),
    "people_range": _l("People reached are from 0 to %(detail)s."),
    "too_long": _l("Too long (at most %(detail)s characters)."),
    "unknown_grid": _l("Not one of your grids (use the grid's code or its name)."),
    "shared_grid_name": _l("Several grids of the town have this name: use the grid's code."),
    "grid_needed": _l("Choose the grid."),
    "outside_grids": _l("Outside your grids."),
    "not_yours": _l("Only whoever recorded it (the company, or the grid's officers) may change this record."),
    "photo_too_big": _l("The photo is too big (at most 8 MB)."),
    "photo_not_image": _l("The photo must be a JPEG or PNG picture."),
    "photo_too_large": _l("The photo has too many pixels (at most 40 megapixels)."),
    "empty_file": _l("The file is empty."),
    "too_big": _l("The file is too big (at most %(detail)s MB)."),
    "old_xls": _l("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again."),
    "not_xlsx": _l("The file is not a readable XLSX workbook."),
    "too_big_unpacked": _l("The workbook unpacks to more than %(detail)s MB: copy only its rows into a new workbook, "
                           "or save it as CSV, and upload that."),
    "encoding": _l("The file's text encoding cannot be read: save it as UTF-8 or GBK (GB18030)."),
    "unreadable": _l("The file is not a readable CSV file."),
    "missing_columns": _l("Columns missing: %(detail)s."),
    "no_rows": _l("The file has a header row but no data rows."),
    "too_many_rows": _l("Too many rows (at most %(detail)s)."),
    "expired": _l("This preview has expired (a preview is kept for %(detail)s hours). Please upload the file "
                  "again."),
    "preview_gone": _l("This preview was not found: it is no longer kept, or another account made it. Please "
                       "upload the file again."),
    "already_imported": _l("This file was already imported; nothing was added again."),
    "nothing_new": _l("Every activity in this file is already recorded: nothing was added."),
}


def _worded(reason: str, detail: str = "", value: str = "") -> str:
    """A reason with its specifics: `detail`, the cell's `value`, and the kinds a file may use."""
    return str(REASONS[reason]) % {"detail": detail, "value": value, "kinds": kinds_in_files()}


def reason_text(problem: Problem) -> str:
    reason = "empty_file" if problem.reason == "empty" and problem.row == 0 else problem.reason
    return _worded(reason, problem.detail, problem.value)


def _message(reason: str) -> Callable[..., str]:
    return lambda detail="", value="": _worded(reason, detail, value)


# A record refused (outreach.service): "outreach.<reason>", worded as the import's cells.
MESSAGES: Messages = {f"outreach.{reason}": _message(reason) for reason in REASONS}


@dataclass(frozen=True)
class Labelled:
    """An outreach summary's rows with their labels in words: what the totals macro
    (outreach/_totals.html), the reports' sheets and the digest show."""

    total: OutreachTotals
    grids: list[tuple[str, OutreachTotals]]
    kinds: list[tuple[str, OutreachTotals]]
    months: list[tuple[str, OutreachTotals]]


def labelled(summary: OutreachSummary) -> Labelled:
    return Labelled(summary.total, [(g.name, t) for g, t in summary.by_grid],
                    [(kind_name(k), t) for k, t in summary.by_kind],
                    [(f"{m:%Y-%m}", t) for m, t in summary.by_month])


def definitions() -> dict[str, str]:
    """The two figures, as docs/metrics.md defines them."""
    return {
        "events": _("Outreach events: every activity recorded in the ledger (a talk, a stall, a door-to-door "
                    "round, a pre-shift talk) counts once, by the day it took place."),
        "people": _("People reached: the people each activity reached, as recorded, added up; someone at two "
                    "activities counts twice (at most %(max)s per activity).", max=f"{MAX_PEOPLE:,}"),
    }

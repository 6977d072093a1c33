"""The roster in words, in the reader's language: the column names, why a row was left out (the
reasons roster.rules stores on an import) and why a file, an apply or a cancel was refused (the
codes roster.service and roster.rules raise), and the days a worker coming back was away. Used by
the roster's views, sheets and templates."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.roster.rules import CLEAR_MARKER, HEADERS
from quizapp.rules.metrics import Span
from quizapp.wording import Messages

FIELDS = {"employee_no": _l("Employee number"), "name": _l("Name"), "team": _l("Team / department"),
          "shift": _l("Shift"), "active_from": _l("Start date"), "active": _l("Active")}


# Why a row was left out (or a field refused): the reasons roster.rules gives, by name.
ROW_REASONS = {
    "duplicate": lambda value, detail: _("The same employee number as row %(rows)s (capitals and full-width "
                                         "characters do not count, as at sign-in): none of these rows is imported. "
                                         "Keep one row per worker.", rows=detail),
    "new_without_team": lambda value, detail: _("A new worker needs a team: the cell is blank."),
    "new_without_shift": lambda value, detail: _("A new worker needs a shift: the cell is blank."),
    "empty_name": lambda value, detail: _("The name is empty."),
    "empty_employee_no": lambda value, detail: _("The employee number is empty."),
    "unknown_shift": lambda value, detail: _("Unknown shift “%(value)s”. The company's shifts are: %(shifts)s.",
                                             value=value, shifts=detail),
    "formula": lambda value, detail: _("Starts like a spreadsheet formula (= + - @): refused, so that the roster "
                                       "never carries commands. Remove the sign or write the value as plain text."),
    "too_long": lambda value, detail: _("Too long: at most %(max)s characters.", max=detail),
    "bad_date": lambda value, detail: _("Not a date. Write it like 2024-03-01."),
    "no_such_day": lambda value, detail: _("There is no such day: %(day)s.", day=value),
    "scientific": lambda value, detail: _("Excel has turned this employee number into a number in scientific notation "
                                          "(%(value)s): its digits are lost. Set the column's format to Text, type "
                                          "the numbers again and upload the file again.", value=value),
    "lost_zeros": lambda value, detail: _("Excel has stored the employee number as a number, so its leading zeros "
                                          "are lost: %(value)s is probably %(meant)s. Set the column's format to "
                                          "Text, type the numbers again with their zeros and upload the file again.",
                                          value=value, meant=detail),
    "taken": lambda value, detail: _("Another worker of the company already has this employee number."),
    "ignored_column": lambda value, detail: _("Not a roster column: ignored."),
    "shift_gone": lambda value, detail: _("The shift “%(value)s” was renamed or removed after this file was "
                                          "uploaded. The company's shifts are now: %(shifts)s.", value=value,
                                          shifts=detail or _("none")),
    "cannot_clear": lambda value, detail: _("The employee number and the name cannot be emptied."),
}


def describe(problem: dict) -> str:
    """A stored row problem (an import's rows left out) in the reader's language."""
    word = ROW_REASONS.get(problem["reason"])
    return word(problem.get("value", ""), problem.get("detail", "")) if word else problem["reason"]


def template_notes() -> list[str]:
    """How to fill in the template, on the XLSX template's second sheet (the import reads the first)."""
    h = HEADERS
    return [
        _("How to fill in the roster"),
        _("One row per worker on the first sheet, below the header row. Keep the header row as it is."),
        _("%(no)s and %(name)s are required. A worker is matched to the roster by %(no)s.", no=h["employee_no"],
          name=h["name"]),
        _("A new worker needs %(team)s and %(shift)s; %(start)s may be left blank. For a worker already on the "
          "roster a blank cell changes nothing: the roster keeps what it has.", team=h["team"], shift=h["shift"],
          start=h["active_from"]),
        _("One row per employee number: rows with the same number (capitals and full-width characters do not "
          "count) are all left out."),
        _("To empty one of them, write “%(marker)s” in the cell. The preview lists every field that will be "
          "emptied before anything is saved.", marker=CLEAR_MARKER),
        _("%(start)s as a date, e.g. 2024-03-01.", start=h["active_from"]),
        _("Workers who are not in the file are not changed, unless you choose to deactivate them when you "
          "confirm the import."),
    ]


def days_text(days: Span) -> str:
    """A run of days as the roster writes it: 2026-11-02, or 2026-11-02 – 2026-11-20."""
    first, last = days.first.isoformat(), days.last.isoformat()
    return first if first == last else f"{first} – {last}"


def away_note(away: Span) -> str:
    """The days a worker coming back was away, and that they stay not counted (metrics.days_away)."""
    if away.first == away.last:
        return _("Away on %(day)s: that day stays not counted.", day=away.first.isoformat())
    return _("Away from %(first)s to %(last)s: those days stay not counted.", first=away.first.isoformat(),
             last=away.last.isoformat())


def comeback(away: Span | None) -> tuple[str, ...]:
    """What bringing a worker back does, for the confirmation: expected again from today; the days
    they were away (named) stay not counted, so no past day's figure changes."""
    back = _("From today the worker is expected at the quiz again and signs in again with their PIN.")
    if away is None:
        return back, _("The worker was away on no past day: no past day's figures change.")
    if away.first == away.last:
        return back, _("The day the worker was away, %(day)s, stays not counted: no past day's figures change.",
                       day=away.first.isoformat())
    return back, _("The days the worker was away, %(first)s to %(last)s, stay not counted: no past day's figures "
                   "change.", first=away.first.isoformat(), last=away.last.isoformat())


def _closed(status: str, action: str) -> str:
    if action == "apply":
        return _("This import was already applied or cancelled: it cannot be applied again.")
    return _("This import was already applied or cancelled.")


MESSAGES: Messages = {
    # Why a whole file was refused, and what to do about it.
    "roster.file.empty": lambda: _("The file is empty: there is no roster in it."),
    "roster.file.no_rows": lambda row: _("The file has a header row but no workers below it."),
    "roster.file.too_big": lambda mb: _("The file is larger than %(mb)s MB. Save only the roster sheet, as CSV or "
                                        ".xlsx, and try again.", mb=mb),
    "roster.file.too_many_rows": lambda limit: _("The file has more than %(limit)s rows (blank rows count too). "
                                                 "Delete the empty rows below the roster, or split it into smaller "
                                                 "files.", limit=limit),
    "roster.file.too_big_unpacked": lambda mb: _("This workbook unpacks to more than %(mb)s MB, far more than a "
                                                 "roster needs. Copy only the roster's rows into a new workbook, "
                                                 "or save the sheet as CSV, and upload that.", mb=mb),
    "roster.file.encoding": lambda: _("The file's text could not be read. In Excel choose Save As, then “CSV UTF-8” "
                                      "or “Excel Workbook (.xlsx)”, and upload that file."),
    "roster.file.unreadable": lambda: _("The file could not be read as CSV. Save it again from Excel as CSV or "
                                        ".xlsx."),
    "roster.file.not_xlsx": lambda: _("This is not a valid Excel workbook (.xlsx). Open it in Excel and save it "
                                      "again as .xlsx or CSV."),
    "roster.file.old_xls": lambda: _("This is an old Excel file (.xls). In Excel choose Save As, then “Excel "
                                     "Workbook (.xlsx)”."),
    "roster.file.missing_columns": lambda missing, found: _(
        "Required columns are missing: %(missing)s. Columns found in the file: %(found)s. Use the template's header "
        "row.", missing=", ".join(missing), found=", ".join(found) or _("none")),
    "roster.file.duplicate_columns": lambda columns: _("Two columns mean the same thing (%(columns)s): keep only "
                                                       "one.", columns=columns),
    # Applying or cancelling an import.
    "roster.import_closed": _closed,
    "roster.import_expired": lambda hours: _("This preview has expired (a preview is kept for %(detail)s hours). "
                                              "Please upload the file again.", detail=hours),
    "roster.plan_changed": lambda: _("The roster changed since this preview was shown. Check the preview again, "
                                     "then confirm."),
    "roster.shifts_changed": lambda rows: _("Nothing was applied: the company's shifts changed after this preview, "
                                            "and %(rows)s rows name a shift that no longer exists. Upload the file "
                                            "again.", rows=rows),
    "roster.confirm_most": lambda count, active: _(
        "Nothing was applied: this would deactivate all %(active)s active workers. If that is meant, tick “Yes: I "
        "have checked the list, deactivate them” as well; otherwise apply without deactivating.", active=active)
    if count == active else _(
        "Nothing was applied: this would deactivate %(count)s of the %(active)s active workers. If that is meant, "
        "tick “Yes: I have checked the list, deactivate them” as well; otherwise apply without deactivating.",
        count=count, active=active),
    # A worker added or edited by hand (roster.service.save_worker): the row reasons, on their field.
    **{f"roster.row.{reason}": word for reason, word in ROW_REASONS.items()},
    # ... but a form has fields, not cells: the add-a-worker form's blank team or shift.
    "roster.row.new_without_team": lambda value, detail: _("A new worker needs a team."),
    "roster.row.new_without_shift": lambda value, detail: _("A new worker needs a shift."),
}

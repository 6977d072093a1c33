"""The register import in words, in the reader's language: the fields, why a row has a problem
(the reasons register.rules stores at row and column), why a file, an apply or a cancel was
refused (the codes register.service and register.rules raise), and the template's notes. Used by
the register's views and templates."""

from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from quizapp.organisation.rules import COMPANY_CODE_MAX, COMPANY_CODE_MIN, GRID_CODE_MAX
from quizapp.register.rules.file import HEADERS, HEADERS_EN, NO, UNCHECKED_COMPANY_NAME, UNCHECKED_GRID_NAME, YES
from quizapp.rules.spreadsheets import CLEAR_MARKER
from quizapp.web import listed
from quizapp.wording import Messages

FIELDS = {"grid_code": _l("Grid code"), "grid_name": _l("Grid name"), "company_code": _l("Company code"),
          "company_name": _l("Company name"), "questions_per_quiz": _l("Questions per quiz"),
          "workdays": _l("Workdays"), "shifts": _l("Shifts"), "active": _l("Active"), "grid": _l("Grid"),
          "name": _l("Grid name")}

def _code(why: str, limit: int) -> str:
    """Why a new grid or company code is refused (organisation.rules' problem keys)."""
    if why == "empty":
        return _("The code is empty.")
    if why == "too_long":
        return _("The code is too long: at most %(n)s characters.", n=limit)
    if why == "too_short":
        return _("A new company code has at least %(n)s characters.", n=limit)
    if why == "characters":
        return _("Use only letters, digits and hyphens in a code.")
    return _("A code may not start or end with a hyphen.")


_CODE_PROBLEMS = ("empty", "too_long", "too_short", "characters", "edge_hyphen")


def _rows(detail: dict) -> tuple[str, int]:
    """The other rows of a clash (file.other_rows: some of them and how many more) in words, and
    how many they are."""
    rows = [str(row) for row in detail.get("rows", [])]
    more = int(detail.get("more", 0))
    if more:
        rows.append(_("%(n)s more", n=more))
    return listed(rows), len(detail.get("rows", [])) + more


def _duplicate(value: object, detail: object) -> str:
    if not isinstance(detail, dict):  # a later row: the first row with the code
        return _("The company code %(code)s is already on row %(row)s.", code=value, row=detail)
    rows, count = _rows(detail)
    return ngettext("The company code %(code)s is also on row %(rows)s.",
                    "The company code %(code)s is also on rows %(rows)s.", count, code=value, rows=rows)


def _name_taken(value: object, detail: object) -> str:
    if isinstance(detail, dict):  # the first of the rows: the later ones
        rows, count = _rows(detail)
        return ngettext("Another company of this grid, on row %(rows)s, is also called %(name)s.",
                        "Other companies of this grid, on rows %(rows)s, are also called %(name)s.", count,
                        name=value, rows=rows)
    if detail:
        return _("Another company of this grid is already called %(name)s (row %(row)s).", name=value, row=detail)
    return _("Another company of this grid is already called %(name)s.", name=value)


REASONS = {
    "formula": lambda value, detail: _("Starts like a spreadsheet formula (= + - @): refused, so that the register "
                                       "never carries commands. Remove the sign or write the value as plain text."),
    "cannot_clear": lambda value, detail: _("Only the shifts can be emptied with “%(marker)s”.",
                                            marker=CLEAR_MARKER),
    "too_long": lambda value, detail: _("Too long: at most %(max)s characters.", max=detail),
    "empty_grid_code": lambda value, detail: _("The grid code is missing."),
    "empty_company_code": lambda value, detail: _("The company code is missing."),
    "empty_company_name": lambda value, detail: _("The company name is missing."),
    "bad_per_quiz": lambda value, detail: _("Questions per quiz must be a whole number from %(range)s.",
                                            range=detail),
    "bad_workdays": lambda value, detail: _("Not a list of weekdays. Write them like 1-6 (Monday to Saturday), "
                                            "1,3,5 or 周一至周五."),
    "bad_shift_time": lambda value, detail: _("“%(shift)s” is not a shift with its start time. Write each shift as "
                                              "its name and a time of day on the 24-hour clock, like 早班 08:00; "
                                              "夜班 20:00.", shift=detail),
    "shift_name_empty": lambda value, detail: _("“%(shift)s” has a start time but no name.", shift=detail),
    "shift_name_too_long": lambda value, detail: _("“%(shift)s”: a shift name is at most 32 characters.",
                                                   shift=detail),
    "shift_twice": lambda value, detail: _("The shift %(name)s is listed twice.", name=detail),
    "bad_active": lambda value, detail: _("Write %(yes)s or %(no)s (yes or no).", yes=YES, no=NO),
    "duplicate_company": _duplicate,
    "grid_name_differs": lambda value, detail: _("This grid has another name on row %(row)s (%(name)s): give a grid "
                                                 "one name.", row=str(detail).split(": ", 1)[0],
                                                 name=str(detail).split(": ", 1)[-1]),
    "unknown_grid": lambda value, detail: _("The grid code %(code)s is neither in the town nor named in this file. "
                                            "Give the grid's name in its column to create it, or correct the code.",
                                            code=value),
    "grid_other_town": lambda value, detail: _("The grid code %(code)s belongs to another town.", code=value),
    "company_other_town": lambda value, detail: _("The company code %(code)s belongs to a company of another town.",
                                                  code=value),
    "grid_name_taken": lambda value, detail: _("The grid %(code)s is already called %(name)s.", code=detail,
                                               name=value),
    "company_name_taken": _name_taken,
    "shift_has_workers": lambda value, detail: _("The shift %(names)s would be removed, but workers on the roster "
                                                 "are still on it. Keep it in the cell, or move the workers to "
                                                 "another shift first.", names=detail),
    "ignored_column": lambda value, detail: _("Not a register column: ignored."),
    "scientific": lambda value, detail: _("Excel has turned this code into a number in scientific notation "
                                          "(%(value)s): its digits are lost. Set the column's format to Text, type "
                                          "the codes again and upload the file again.", value=value),
    "lost_zeros": lambda value, detail: _("Excel has stored this code as a number, so its leading zeros are lost: "
                                          "%(value)s is probably %(meant)s. Set the column's format to Text, type "
                                          "the codes again with their zeros and upload the file again.",
                                          value=value, meant=detail),
}
for _why in _CODE_PROBLEMS:
    REASONS[f"grid_code_{_why}"] = partial(lambda why, value, detail: _code(why, GRID_CODE_MAX), _why)
    REASONS[f"company_code_{_why}"] = partial(lambda why, value, detail: _code(
        why, COMPANY_CODE_MIN if why == "too_short" else COMPANY_CODE_MAX), _why)


def describe(problem: dict) -> str:
    """A stored problem in the reader's language; a grid code's problem also says which checks of
    its row wait for the grid (file.grid_waits), so the row does not pass for otherwise right."""
    word = REASONS.get(problem.get("reason", ""))
    text = word(problem.get("value", ""), problem.get("detail", "")) if word else str(problem.get("reason", ""))
    unchecked = problem.get("unchecked") or ()
    if UNCHECKED_COMPANY_NAME in unchecked:
        text = _("%(problem)s %(waits)s", problem=text, waits=_(
            "Until the grid code is right, the company name is not checked against the grid's other companies."))
    if UNCHECKED_GRID_NAME in unchecked:
        text = _("%(problem)s %(waits)s", problem=text, waits=_(
            "Until the grid code is right, the grid name is not checked against the town's other grids."))
    return text


def template_notes(english: bool = False) -> list[str]:
    """How to fill in the register, on the XLSX's second sheet (the import reads the first)."""
    h = HEADERS_EN if english else HEADERS
    return [
        _("How to fill in the town's register"),
        _("One row per company on the first sheet, below the header row. Keep the header row as it is (Chinese or "
          "English)."),
        _("%(grid)s, %(code)s and %(name)s are required. A company is matched to the town by %(code)s, a grid by "
          "%(grid)s.", grid=h["grid_code"], code=h["company_code"], name=h["company_name"]),
        _("%(grid_name)s: needed once for a new grid; left blank, a grid keeps its name. A row with only %(grid)s "
          "and %(grid_name)s creates or renames a grid without companies.", grid=h["grid_code"],
          grid_name=h["grid_name"]),
        _("A company whose %(grid)s differs from its grid in the town moves to that grid: the preview lists every "
          "move.", grid=h["grid_code"]),
        _("%(per_quiz)s: %(low)s to %(high)s. %(days)s: 1 = Monday … 7 = Sunday, like 1-6 or 1,2,3,4,5. %(shifts)s: "
          "each shift's name and start time, like 早班 08:00; 夜班 20:00. %(active)s: %(yes)s or %(no)s.",
          per_quiz=h["questions_per_quiz"], low=3, high=8, days=h["workdays"], shifts=h["shifts"],
          active=h["active"], yes=YES, no=NO),
        _("For a company already in the town a blank cell changes nothing. To remove every shift of a company, write "
          "“%(marker)s” in its %(shifts)s cell.", marker=CLEAR_MARKER, shifts=h["shifts"]),
        _("A new company code has 6 to 32 letters, digits or hyphens. The code is in the company's QR code: a code "
          "that is hard to guess keeps strangers from trying its employee numbers."),
        _("Companies and grids not in the file are not changed, unless you choose to deactivate them when you "
          "confirm the import. Nothing is ever deleted."),
    ]


def _closed(status: str, action: str) -> str:
    if action == "apply":
        return _("This import was already applied or cancelled: it cannot be applied again.")
    return _("This import was already applied or cancelled.")


MESSAGES: Messages = {
    "register.file.empty": lambda: _("The file is empty: there is no register in it."),
    "register.file.no_rows": lambda row: _("The file has a header row but no companies or grids below it."),
    "register.file.too_big": lambda mb: _("The file is larger than %(mb)s MB. Save only the register sheet, as CSV "
                                          "or .xlsx, and try again.", mb=mb),
    "register.file.too_many_rows": lambda limit: _("The file has more than %(limit)s rows (blank rows count too). "
                                                   "Delete the empty rows below the register.", limit=limit),
    "register.file.too_big_unpacked": lambda mb: _("This workbook unpacks to more than %(mb)s MB, far more than a "
                                                   "register needs. Copy only the register's rows into a new "
                                                   "workbook, or save the sheet as CSV, and upload that.", mb=mb),
    "register.file.encoding": lambda: _("The file's text could not be read. In Excel choose Save As, then “CSV "
                                        "UTF-8” or “Excel Workbook (.xlsx)”, and upload that file."),
    "register.file.unreadable": lambda: _("The file could not be read as CSV. Save it again from Excel as CSV or "
                                          ".xlsx."),
    "register.file.not_xlsx": lambda: _("This is not a valid Excel workbook (.xlsx). Open it in Excel and save it "
                                        "again as .xlsx or CSV."),
    "register.file.old_xls": lambda: _("This is an old Excel file (.xls). In Excel choose Save As, then “Excel "
                                       "Workbook (.xlsx)”."),
    "register.file.missing_columns": lambda missing, found: _(
        "Required columns are missing: %(missing)s. Columns found in the file: %(found)s. Use the template's header "
        "row.", missing=", ".join(missing), found=", ".join(found) or _("none")),
    "register.file.duplicate_columns": lambda columns: _("Two columns mean the same thing (%(columns)s): keep only "
                                                         "one.", columns=columns),
    "register.import_closed": _closed,
    "register.import_expired": lambda hours: _("This preview has expired (a preview is kept for %(detail)s hours). "
                                              "Please upload the file again.", detail=hours),
    "register.not_yours": lambda: _("Only the town admin imports the town's register."),
    "register.plan_changed": lambda: _("The town's register changed since this preview was shown, or the "
                                       "confirmation did not come from it. Check the preview again, then confirm."),
    "register.confirm_most": lambda companies, grids, active_companies, active_grids: _(
        "Nothing was applied: this would deactivate %(companies)s of the %(active_companies)s active companies and "
        "%(grids)s of the %(active_grids)s active grids. If that is meant, tick “Yes: I have checked the lists, "
        "deactivate them and close their cases” as well; otherwise apply without deactivating.",
        companies=companies, active_companies=active_companies, grids=grids, active_grids=active_grids),
    "register.has_problems": lambda count: _("The file has %(count)s problems: nothing can be applied. Correct them "
                                             "in the file and upload it again.", count=count),
}

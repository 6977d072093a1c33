"""What applying a register file would do to the town: grids and companies to add, to change (each
field old -> new, a move to another grid among them), unchanged, and the active ones the file does
not list; and the problems only the town can show (a grid code neither in the file nor in the
town, a code another town uses, a name another grid or company already has, a shift that workers
are still on). Pure: the town comes in as plain values (register.service reads it).

The plan is the contract between the preview and the apply: its fingerprint travels with the
confirmation, and the apply works the plan out again and refuses when it differs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from quizapp.organisation.rules import (
    PER_QUIZ_DEFAULT,
    WORKDAYS_DEFAULT,
    company_code_problem,
    grid_code_problem,
    name_key,
)
from quizapp.register.rules.file import HEADERS, ZEROS_LOST, format_shifts, grid_waits, other_rows, problem
from quizapp.rules.spreadsheets import CLEAR_MARKER, padded_ids, spelling_key, zeros_dropped

Shifts = tuple[tuple[str, str], ...]  # (name, "HH:MM"), by start time


@dataclass(frozen=True)
class TownGrid:
    id: int
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class TownCompany:
    id: int
    code: str
    name: str
    grid_id: int
    questions_per_quiz: int
    workdays: str
    shifts: Shifts
    active: bool
    busy_shifts: frozenset[str] = frozenset()  # shift names workers on the roster are on


@dataclass(frozen=True)
class TownCase:
    """An open supervision case of one of the town's companies: deactivating the company closes it."""

    id: int
    company_id: int
    rule: str
    opened_on: date


@dataclass(frozen=True)
class Town:
    """The acting admin's town as the plan needs it, its open supervision cases, and the codes
    other towns use (casefolded grid codes, company codes): a file may not take them."""

    grids: tuple[TownGrid, ...]
    companies: tuple[TownCompany, ...]
    other_grid_codes: frozenset[str] = frozenset()
    other_company_codes: frozenset[str] = frozenset()
    open_cases: tuple[TownCase, ...] = ()


@dataclass(frozen=True)
class NewGrid:
    row: int
    code: str
    name: str


@dataclass(frozen=True)
class GridChange:
    row: int
    grid: TownGrid
    fields: tuple[tuple[str, object, object], ...]  # ("name" | "active", old, new)


@dataclass(frozen=True)
class NewCompany:
    row: int
    code: str
    name: str
    grid_code: str
    questions_per_quiz: int
    workdays: str
    shifts: Shifts
    active: bool


@dataclass(frozen=True)
class CompanyChange:
    row: int
    company: TownCompany
    fields: tuple[tuple[str, object, object], ...]  # (field, old, new); "grid": old and new grid codes

    @property
    def moves(self) -> bool:
        return any(name == "grid" for name, _old, _new in self.fields)

    @property
    def deactivates(self) -> bool:
        return ("active", True, False) in self.fields

    def new(self, name: str) -> object:
        return next((new for f, _old, new in self.fields if f == name), None)


@dataclass
class Plan:
    new_grids: list[NewGrid] = field(default_factory=list)
    changed_grids: list[GridChange] = field(default_factory=list)
    unchanged_grids: int = 0
    new_companies: list[NewCompany] = field(default_factory=list)
    changed_companies: list[CompanyChange] = field(default_factory=list)
    unchanged_companies: int = 0
    missing_companies: list[TownCompany] = field(default_factory=list)  # active, not in the file
    missing_grids: list[TownGrid] = field(default_factory=list)  # active, not in the file
    problems: list[dict] = field(default_factory=list)  # what only the town shows, at row and column
    grid_names: dict[str, str] = field(default_factory=dict)  # grid key -> its name after the import
    active_companies: int = 0  # active in the town now
    active_grids: int = 0
    # Open supervision cases that applying closes: of the companies the file deactivates (启用 否),
    # always; of the companies not in the file, only when the admin ticks "deactivate".
    cases_closed: list[TownCase] = field(default_factory=list)
    cases_closed_if_deactivated: list[TownCase] = field(default_factory=list)
    companies: dict[int, TownCompany] = field(default_factory=dict)  # the town's, by id: to name a case's

    @property
    def moved(self) -> list[CompanyChange]:
        return [c for c in self.changed_companies if c.moves]

    @property
    def deactivated_by_file(self) -> list[CompanyChange]:
        """The companies the file itself deactivates (启用 否), tick or not."""
        return [c for c in self.changed_companies if c.deactivates]

    @property
    def deactivates_most(self) -> bool:
        """Whether deactivating what the file leaves out would deactivate more than half of the
        town's active companies or grids: most often a file of one grid or one company, not the
        town's register. The preview says so prominently and applying it takes a second tick."""
        return (bool(self.missing_companies) and len(self.missing_companies) * 2 > self.active_companies) or (
            bool(self.missing_grids) and len(self.missing_grids) * 2 > self.active_grids)

    def grid_label(self, code: str) -> str:
        """A grid as the preview names it: its name after the import, and its code."""
        name = self.grid_names.get(spelling_key(code))
        return f"{name} ({code})" if name else code

    def fingerprint(self) -> str:
        """Changes whenever the plan does: the confirmation applies only what the user saw."""
        summary = [[(g.code, g.name) for g in self.new_grids],
                   [(c.grid.id, [list(map(str, f)) for f in c.fields]) for c in self.changed_grids],
                   [[str(v) for v in vars(c).values()] for c in self.new_companies],
                   [(c.company.id, [list(map(str, f)) for f in c.fields]) for c in self.changed_companies],
                   [c.id for c in self.missing_companies], [g.id for g in self.missing_grids], len(self.problems),
                   [c.id for c in self.cases_closed], [c.id for c in self.cases_closed_if_deactivated]]
        return hashlib.sha256(json.dumps(summary, ensure_ascii=False).encode()).hexdigest()[:32]


def mentioned(rows: list[dict], problems: list[dict]) -> tuple[set[str], set[str]]:
    """Every grid key and company code the file names, bad rows included: what a bad row names is
    not "missing" from the file."""
    grids = {spelling_key(r["grid_code"]) for r in [*rows, *problems] if r.get("grid_code")}
    companies = {r["company_code"] for r in [*rows, *problems] if r.get("company_code")}
    return grids, companies


def _shifts(value: object) -> Shifts:
    return tuple((str(n), str(t)) for n, t in value) if isinstance(value, list | tuple) else ()


class _Planner:
    def __init__(self, rows: list[dict], problems: list[dict], town: Town, columns: dict[str, str]) -> None:
        self.rows, self.town, self.columns = rows, town, columns
        # A row with a problem in the file is checked like any other (the first upload shows all
        # that is wrong), but adds or changes nothing: the preview lists no company from it.
        self.bad_rows = {p["row"] for p in problems if p.get("row")}
        self.plan = Plan()
        self.grids = {spelling_key(g.code): g for g in town.grids}
        self.grid_by_id = {g.id: g for g in town.grids}
        self.companies = {c.code: c for c in town.companies}
        self.mentioned_grids, self.mentioned_companies = mentioned(rows, problems)
        # The town's zero-padded codes (000123) by their digits without the zeros: a file's 123 that is
        # no code of the town is that grid or company with its zeros dropped by Excel, not a new one.
        self.padded_grids = padded_ids(list(self.grids))
        self.padded_companies = padded_ids(list(self.companies))
        # Named with Excel's number (in a good row or a bad one), it is in the file: not "missing".
        self.mentioned_grids |= {meant for key in self.mentioned_grids
                                 if key not in self.grids and (meant := zeros_dropped(key, self.padded_grids))}
        self.mentioned_companies |= {meant for code in self.mentioned_companies if code not in self.companies
                                     and (meant := zeros_dropped(code, self.padded_companies))}
        self.codes: dict[str, str] = {}  # grid key -> the code it keeps (the town's spelling, or the file's)
        self.bad_grids: dict[str, tuple[str, str]] = {}  # grid key -> its problem (reason, detail)
        self.naming: dict[str, list[dict]] = {}  # grid key -> the rows giving it a name

    def fault(self, row: dict, name: str, reason: str, value: object = "", detail: object = "") -> dict:
        wrong = problem(row["row"], self.columns.get(name, HEADERS[name]), name, reason, value, detail,
                        row["grid_code"], row.get("company_code", ""))
        self.plan.problems.append(wrong)
        return wrong

    def grids_step(self) -> None:
        """Each grid code the file names is the town's, a new one named in the file, or a problem;
        a problem is the grid code's, so it is at every row that has the code."""
        for row in self.rows:
            if row.get("grid_name") and row["grid_code"]:
                self.naming.setdefault(spelling_key(row["grid_code"]), []).append(row)
        named = {key: rows[0] for key, rows in self.naming.items()}
        for row in self.rows:
            if not row["grid_code"]:
                continue  # no grid code, or one the file could not read: the file's problem says so
            key = spelling_key(row["grid_code"])
            if key not in self.codes and key not in self.bad_grids:
                self._grid(row, key, named.get(key))
            if key in self.bad_grids:
                reason, detail = self.bad_grids[key]
                wrong = self.fault(row, "grid_code", reason, row["grid_code"], detail)
                if not _badly_written(reason):  # a new grid's names are checked whatever its code's spelling
                    grid_waits(wrong, row)
        for grid in self.plan.new_grids:
            self.plan.grid_names[spelling_key(grid.code)] = grid.name
        for key, current in self.grids.items():
            self.plan.grid_names.setdefault(key, current.name)
        for key, row in named.items():
            if key in self.grids and key not in self.bad_grids:
                self.plan.grid_names[key] = row["grid_name"]
        self._grid_names_unique(named)

    def _grid(self, row: dict, key: str, naming: dict | None) -> None:
        """What a grid code is, decided at the first row that has it: the town's, new (named in
        the file), or its problem (self.bad_grids)."""
        current = self.grids.get(key)
        meant = zeros_dropped(key, self.padded_grids) if current is None else None
        if key in self.town.other_grid_codes:
            self.bad_grids[key] = ("grid_other_town", "")
        elif meant is not None:  # 1 where the town has 01: not a new grid, Excel's number
            self.bad_grids[key] = ("lost_zeros", self.grids[meant].code)
        elif current is None and (padded := _zeros_lost(row, "grid_code")):  # 1 beside 01 in the file
            self.bad_grids[key] = ("lost_zeros", padded)
        elif current is None and naming is None:
            self.bad_grids[key] = ("unknown_grid", "")
        elif current is None and naming is not None and (why := grid_code_problem(naming["grid_code"])):
            self.bad_grids[key] = (f"grid_code_{why}", "")
        elif current is None and naming is not None:
            self.codes[key] = naming["grid_code"]
            self.plan.new_grids.append(NewGrid(naming["row"], naming["grid_code"], naming["grid_name"]))
        elif current is not None:
            self.codes[key] = current.code
            self.plan.grid_names[key] = current.name

    def _grid_names_unique(self, named: dict[str, dict]) -> None:
        """A grid's name after the import is no other grid's: at every row that gives it that name.
        A new grid whose code is badly written is checked too (its name does not depend on the
        spelling of its code); a grid code the town cannot place (another town's, Excel's number)
        leaves its name unchecked, and the code's problem says so (file.grid_waits)."""
        final = {**self.plan.grid_names, **{key: named[key]["grid_name"] for key, (reason, _d) in self.bad_grids.items()
                                            if _badly_written(reason)}}
        holders: dict[str, list[str]] = {}
        for key, name in final.items():
            holders.setdefault(name_key(name), []).append(key)
        for keys in holders.values():
            for key in keys:
                others = [k for k in keys if k != key]
                if others and key in named and (key not in self.bad_grids or _badly_written(self.bad_grids[key][0])):
                    other = self.codes.get(others[0]) or (
                        self.grids[others[0]].code if others[0] in self.grids else named[others[0]]["grid_code"])
                    for row in self.naming[key]:
                        if name_key(row["grid_name"]) == name_key(final[key]):
                            self.fault(row, "grid_name", "grid_name_taken", row["grid_name"], other)

    def companies_step(self) -> tuple[list[tuple[dict, str]], set[str]]:
        """Check every row's company against the town, whatever else is wrong with the row (its
        grid, another cell): the company code, and a shift workers are on. The rows with nothing
        wrong are listed (new, changed, unchanged). Returns the rows whose names are checked
        against their grid (those whose grid is right), with the grid key, and the grid keys that
        get an active company."""
        in_grid: list[tuple[dict, str]] = []
        lit: set[str] = set()
        for row in self.rows:
            code = row.get("company_code")
            if not code:
                continue  # a grid's row, or a code the file could not read: the file's problem says so
            key = spelling_key(row["grid_code"]) if row["grid_code"] else None
            if key is not None and row.get("company_name") and (
                    key in self.codes or _badly_written(self.bad_grids.get(key, ("", ""))[0])):
                in_grid.append((row, key))  # a new grid's companies are the file's, whatever its code's spelling
            if key is not None and key not in self.codes:
                key = None  # the grid code's problem is at this row (grids_step)
            listed = key is not None and row["row"] not in self.bad_rows
            current = self.companies.get(code)
            meant = zeros_dropped(code, self.padded_companies) if current is None else None
            if code in self.town.other_company_codes:
                self.fault(row, "company_code", "company_other_town", code)
            elif meant is not None:  # 123456 where the town has 00123456: not a new company, Excel's number
                self.fault(row, "company_code", "lost_zeros", code, meant)
            elif current is None and (padded := _zeros_lost(row, "company_code")):  # 123 beside 000124 in the file
                self.fault(row, "company_code", "lost_zeros", code, padded)
            elif current is None and (why := company_code_problem(code)):
                self.fault(row, "company_code", f"company_code_{why}", code)
            elif current is None and listed and key is not None:
                active = row.get("active", True)
                self.plan.new_companies.append(NewCompany(
                    row["row"], code, row["company_name"], self.codes[key],
                    row.get("questions_per_quiz", PER_QUIZ_DEFAULT), row.get("workdays", WORKDAYS_DEFAULT),
                    _shifts(row.get("shifts", [])), active))
                if active:
                    lit.add(key)
            elif current is not None:
                change = self._change(row, current, key)
                if change is not None and listed and key is not None:
                    if (change.new("active") if any(f == "active" for f, _o, _n in change.fields) else
                            current.active):
                        lit.add(key)
                    if change.fields:
                        self.plan.changed_companies.append(change)
                    else:
                        self.plan.unchanged_companies += 1
        return in_grid, lit

    def _change(self, row: dict, current: TownCompany, key: str | None) -> CompanyChange | None:
        """What the row changes of a company of the town (`key` None: its grid code is wrong, so no
        move is worked out), or None for a shift workers are on, which is the row's problem."""
        fields: list[tuple[str, object, object]] = []
        if row.get("company_name") and row["company_name"] != current.name:
            fields.append(("company_name", current.name, row["company_name"]))
        old_grid = self.grid_by_id.get(current.grid_id)
        if key is not None and (old_grid is None or spelling_key(old_grid.code) != key):
            fields.append(("grid", old_grid.code if old_grid else "", self.codes[key]))
        for name in ("questions_per_quiz", "workdays", "active"):
            if name in row and row[name] != getattr(current, name):
                fields.append((name, getattr(current, name), row[name]))
        if "shifts" in row:
            new = _shifts(row["shifts"])
            if new != current.shifts:
                busy = sorted(({n for n, _t in current.shifts} - {n for n, _t in new}) & current.busy_shifts)
                if busy:
                    # The shifts as a Chinese page writes them (the names are the company's, in Chinese).
                    self.fault(row, "shifts", "shift_has_workers", format_shifts(new, "；") or CLEAR_MARKER,
                               "、".join(busy))
                    return None
                fields.append(("shifts", current.shifts, new))
        return CompanyChange(row["row"], current, tuple(fields))

    def names_step(self, in_grid: list[tuple[dict, str]]) -> None:
        """A company's name is unique within its grid after the import (case and spaces ignored):
        of two rows, each says so (the later one names the first, the first the later ones)."""
        holders: dict[tuple[str, str], list[dict | None]] = {}
        for company in self.town.companies:
            grid = self.grid_by_id.get(company.grid_id)
            if company.code not in self.mentioned_companies and grid is not None:
                holders.setdefault((spelling_key(grid.code), name_key(company.name)), []).append(None)
        for row, key in in_grid:
            holders.setdefault((key, name_key(row["company_name"])), []).append(row)
        for entries in holders.values():
            first = entries[0]
            later = [entry for entry in entries[1:] if entry is not None]
            if first is not None and later:
                self.fault(first, "company_name", "company_name_taken", first["company_name"],
                           other_rows([entry["row"] for entry in later]))
            for entry in later:
                self.fault(entry, "company_name", "company_name_taken", entry["company_name"],
                           first["row"] if first is not None else "")

    def activity_step(self, lit: set[str]) -> None:
        """A grid that gets an active company is active; grids and companies the file does not name."""
        named_rows: dict[str, dict] = {}  # grid key -> the row naming it, or else the first row with it
        for row in self.rows:
            if not row["grid_code"]:
                continue
            key = spelling_key(row["grid_code"])
            if row.get("grid_name") or key not in named_rows:
                named_rows[key] = row if not named_rows.get(key, {}).get("grid_name") else named_rows[key]
        changes: dict[str, list[tuple[str, object, object]]] = {}
        for key, name in self.plan.grid_names.items():
            current = self.grids.get(key)
            if current is not None and name != current.name:
                changes.setdefault(key, []).append(("name", current.name, name))
        for key in lit:
            current = self.grids.get(key)
            if current is not None and not current.active:
                changes.setdefault(key, []).append(("active", False, True))
        for key, fields in sorted(changes.items(), key=lambda item: named_rows[item[0]]["row"]):
            self.plan.changed_grids.append(GridChange(named_rows[key]["row"], self.grids[key], tuple(fields)))
        self.plan.unchanged_grids = len([k for k in self.codes if k in self.grids and k not in changes])
        self.plan.missing_companies = sorted((c for c in self.town.companies
                                              if c.active and c.code not in self.mentioned_companies),
                                             key=lambda c: c.code)
        self.plan.missing_grids = sorted((g for key, g in self.grids.items()
                                          if g.active and key not in self.mentioned_grids), key=lambda g: g.code)

    def cases_step(self) -> None:
        """The town's size now, and the open cases the deactivations would close."""
        self.plan.active_companies = sum(1 for c in self.town.companies if c.active)
        self.plan.active_grids = sum(1 for g in self.town.grids if g.active)
        self.plan.companies = {c.id: c for c in self.town.companies}
        by_file = {c.company.id for c in self.plan.deactivated_by_file}
        if_ticked = {c.id for c in self.plan.missing_companies}
        order = sorted(self.town.open_cases, key=lambda c: (self.plan.companies[c.company_id].code, c.id))
        self.plan.cases_closed = [c for c in order if c.company_id in by_file]
        self.plan.cases_closed_if_deactivated = [c for c in order if c.company_id in if_ticked]


def _badly_written(reason: str) -> bool:
    """A grid code's problem that is only its spelling (a new grid's code too long, with a space...):
    the grid is otherwise known, unlike one of another town, one Excel changed, or one not named."""
    return reason.startswith("grid_code_")


def _zeros_lost(row: dict, field: str) -> str | None:
    """The code with its zeros, if the file read it from a number cell shorter than its column's
    zero-padded codes (file.ZEROS_LOST). Asked only of a code the town does not have as read: 45
    beside 0123 in the file is the town's company 45, not 0045."""
    return row.get(ZEROS_LOST, {}).get(field)


def plan_import(rows: list[dict], problems: list[dict], town: Town, columns: dict[str, str] | None = None) -> Plan:
    """Match the file's rows to the town: grids by code (case and width ignored: the town's
    spelling stays), companies by code. A blank setting keeps the company's; a company whose grid
    code differs moves (a change shown like any other); an inactive grid that gets an active
    company is reactivated. `problems` are the file's own (their codes count as named); `rows`
    may hold the rows with those problems too (file.ParsedRegister.every_row): they are checked
    against the town like the others, every check that does not need the cell that is wrong, but
    add or change no company. The plan's problems are only those the town shows, in row order,
    each at every row it concerns: a grid code's at every row with the code (and there only the
    checks that need the grid wait, which the problem names: file.grid_waits), a clash of names at
    each row of it. A code that is no grid's or company's
    of the town but is one of its zero-padded codes with the zeros gone (123 for 000123, as Excel
    keeps a code typed into a number cell) is a problem ("lost_zeros"), not a new grid or company,
    and that grid or company is in the file (not "missing"): the roster import's rule."""
    planner = _Planner(rows, problems, town, columns or {})
    planner.grids_step()
    in_grid, lit = planner.companies_step()
    planner.names_step(in_grid)
    planner.activity_step(lit)
    planner.cases_step()
    planner.plan.problems.sort(key=lambda p: (p["row"], p["column"]))
    return planner.plan

"""Provenance: every question rests on a documented fact, checked by a person not too long ago.
Used by `quizapp bank check` and `bank load` (through checker.read_bank) and the tests.

Pure: file texts and today's date in, problems, warnings and counts out. The sources live in
question_bank/sources/*.md; a source id is defined once, in the first column of a row of a
`## Sources` table (format in question_bank/sources/README.md). A question's `source` names ids,
its `reviewed` is the ISO date a person last checked it against them.
- a source id no table defines, a malformed or future `reviewed` date: always a problem;
- a question without `source` or `reviewed`: counted, and a problem only when provenance is
  required (`bank check --require-provenance`; off until the whole bank is sourced);
- `reviewed` more than a year ago: a warning (the facts and the scams move).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from quizapp.bank.rules.checker import Bank, Problem, read_bank

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*-s\d+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STALE_AFTER = timedelta(days=365)


@dataclass
class Sources:
    """Source ids defined in the sources files, with where each is defined."""

    defined: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse_sources(path: str, text: str, sources: Sources | None = None) -> Sources:
    """Read the ids of one sources file's `## Sources` table into `sources` (fenced examples are skipped)."""
    sources = sources or Sources()
    in_table = in_fence = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if line.startswith("#"):
            in_table = line.lstrip("#").strip().lower() == "sources" and line.startswith("## ")
            continue
        if not in_table or not line.startswith("|"):
            continue
        first = line.strip("|").split("|")[0].strip()
        if first == "id" or set(first) <= set("-: "):
            continue  # the header row and the |---| row
        if not SOURCE_ID.match(first):
            sources.problems.append(Problem(path, number, f"source id {first!r} must look like <topic>-s<number>"))
        elif first in sources.defined:
            where = "{}:{}".format(*sources.defined[first])
            sources.problems.append(Problem(path, number, f"source id {first!r} is also defined at {where}"))
        else:
            sources.defined[first] = (path, number)
    return sources


@dataclass
class Provenance:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def check_provenance(bank: Bank, sources: Sources, today: date | None, required: bool = False) -> Provenance:
    """Check every question's `source` ids and `reviewed` date (see the module docstring for the rules).
    Without `today` the dates are checked for form only."""
    result = Provenance(problems=list(sources.problems))
    counts = dict.fromkeys(("questions", "with_source", "missing_source", "missing_reviewed",
                            "reviewed_over_a_year_ago", "unknown_source_ids"), 0)
    for q in sorted(bank.questions.values(), key=lambda q: (q.path, q.line)):
        counts["questions"] += 1
        where = f"question {q.qid}"
        if q.sources:
            counts["with_source"] += 1
        else:
            counts["missing_source"] += 1
            if required:
                result.problems.append(Problem(q.path, q.line, f"{where}: missing 'source' (the fact it rests on)"))
        for source in q.sources:
            if source not in sources.defined:
                counts["unknown_source_ids"] += 1
                result.problems.append(Problem(q.path, q.line, f"{where}: source {source!r} is defined in no "
                                                               "'## Sources' table of question_bank/sources/*.md"))
        if q.reviewed is None:
            counts["missing_reviewed"] += 1
            if required:
                result.problems.append(Problem(q.path, q.line, f"{where}: missing 'reviewed' (YYYY-MM-DD)"))
            continue
        day = _iso_date(q.reviewed)
        if day is None:
            result.problems.append(Problem(q.path, q.line, f"{where}: reviewed {q.reviewed!r} is not a date "
                                                           "written YYYY-MM-DD"))
        elif today is not None and day > today:
            result.problems.append(Problem(q.path, q.line, f"{where}: reviewed {q.reviewed} is in the future"))
        elif today is not None and today - day > STALE_AFTER:
            counts["reviewed_over_a_year_ago"] += 1
            result.warnings.append(Problem(q.path, q.line, f"{where}: reviewed {q.reviewed}, over a year ago; "
                                                           "check it against its sources again"))
    result.counts = counts
    return result


def _iso_date(text: str) -> date | None:
    if not ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_sources(root: str | Path) -> Sources:
    """The source ids of `<bank>/sources/*.md` (the folder next to a single bank file; UTF-8, with or
    without a byte-order mark); README.md is the format."""
    root = Path(root)
    folder = (root if root.is_dir() else root.parent) / "sources"
    sources = Sources()
    for file in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if file.name.lower() == "readme.md":
            continue
        try:
            text = file.read_text(encoding="utf-8-sig")  # a byte-order mark (Windows Notepad) is no text
        except UnicodeDecodeError as exc:  # e.g. saved as GBK ("ANSI"): a problem at its file, not a traceback
            sources.problems.append(Problem(str(file), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        parse_sources(str(file), text, sources)
    return sources


def read_checked_bank(root: str | Path, today: date | None, required: bool = False) -> tuple[Bank, Provenance]:
    """The bank with its provenance problems added to `bank.problems` (what `bank check` and `bank load` read)."""
    bank = read_bank(root)
    provenance = check_provenance(bank, read_sources(root), today, required)
    bank.problems.extend(provenance.problems)
    return bank, provenance

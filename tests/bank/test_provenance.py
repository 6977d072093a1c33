"""Provenance: source ids defined in question_bank/sources/*.md, reviewed dates, and the switch that
makes a missing source or date a problem."""

import json
from datetime import date
from pathlib import Path

from quizapp.bank.rules.checker import Bank, parse_file
from quizapp.bank.rules.provenance import check_provenance, parse_sources, read_checked_bank, read_sources
from quizapp.cli import main
from tests.factories import bank_text, line_of

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 5)

SOURCES = """# 主题 (alpha): facts

## Facts
- A fact. [alpha-s1]

| id | not | a sources table |
|---|---|---|
| alpha-s9 | under Facts | ignored |

## Sources
| id | publisher | title | address | checked |
|---|---|---|---|---|
| alpha-s1 | 某市公安局 | 提醒 | https://example.test/1 | 2026-12-05 |
| alpha-s2 | 某市公安局 | 提醒二 | https://example.test/2 | 2026-12-05 |
| Alpha 3 | bad id | x | y | z |
| alpha-s1 | again | x | y | z |

```
## Sources
| alpha-s7 | an example in a fence | x | y | z |
```
"""


def sourced(count: int = 3, source: str = "alpha-s1", reviewed: str = "2026-06-01") -> str:
    """The factory bank with `source` and `reviewed` on every question."""
    return bank_text("alpha", count).replace("type: single", f"type: single\nsource: {source}\nreviewed: {reviewed}")


def test_source_ids_come_from_the_sources_table_only():
    sources = parse_sources("alpha.md", SOURCES)
    assert sorted(sources.defined) == ["alpha-s1", "alpha-s2"]
    assert sources.defined["alpha-s1"] == ("alpha.md", 13)
    assert [str(p) for p in sources.problems] == [
        "alpha.md:15: source id 'Alpha 3' must look like <topic>-s<number>",
        "alpha.md:16: source id 'alpha-s1' is also defined at alpha.md:13",
    ]


def check(text: str, today: date | None = TODAY, required: bool = False):
    bank = parse_file("alpha.txt", text, Bank())
    assert bank.ok, bank.problems
    return check_provenance(bank, parse_sources("alpha.md", SOURCES.split("| Alpha 3")[0]), today, required)


def test_a_sourced_recently_reviewed_bank_passes_and_is_counted():
    result = check(sourced(3, source="alpha-s1, alpha-s2"))
    assert result.problems == [] and result.warnings == []
    assert result.counts == {"questions": 3, "with_source": 3, "missing_source": 0, "missing_reviewed": 0,
                             "reviewed_over_a_year_ago": 0, "unknown_source_ids": 0}


def test_an_unknown_source_id_or_a_bad_date_is_always_a_problem():
    text = sourced(3).replace("source: alpha-s1", "source: alpha-s5", 1)
    text = text.replace("reviewed: 2026-06-01", "reviewed: 2026-12-06", 2)
    lines = text.split("\n")
    third = [i for i, line in enumerate(lines) if line.startswith("reviewed:")][2]
    lines[third] = "reviewed: 5 June 2026"
    result = check("\n".join(lines))
    messages = [p.message for p in result.problems]
    assert messages == [
        "question alpha-001: source 'alpha-s5' is defined in no '## Sources' table of question_bank/sources/*.md",
        "question alpha-001: reviewed 2026-12-06 is in the future",
        "question alpha-002: reviewed 2026-12-06 is in the future",
        "question alpha-003: reviewed '5 June 2026' is not a date written YYYY-MM-DD",
    ]
    assert result.counts["unknown_source_ids"] == 1
    # Without today only the form of the date is checked.
    assert [p.message for p in check("\n".join(lines), today=None).problems][-1].endswith("written YYYY-MM-DD")
    assert len(check("\n".join(lines), today=None).problems) == 2


def test_a_review_over_a_year_old_is_a_warning_not_a_problem():
    result = check(sourced(2, reviewed="2025-12-04"))
    assert result.problems == [] and result.counts["reviewed_over_a_year_ago"] == 2
    assert result.warnings[0].message == ("question alpha-001: reviewed 2025-12-04, over a year ago; "
                                          "check it against its sources again")
    assert check(sourced(2, reviewed="2025-12-05")).warnings == []  # exactly a year: still fresh


def test_missing_provenance_is_counted_and_a_problem_only_when_required():
    text = bank_text("alpha", 2)
    relaxed = check(text)
    assert relaxed.problems == [] and relaxed.counts["missing_source"] == relaxed.counts["missing_reviewed"] == 2
    strict = check(text, required=True)
    first = line_of(text, "=== alpha-001")
    assert [str(p) for p in strict.problems][:2] == [
        f"alpha.txt:{first}: question alpha-001: missing 'source' (the fact it rests on)",
        f"alpha.txt:{first}: question alpha-001: missing 'reviewed' (YYYY-MM-DD)",
    ]
    assert len(strict.problems) == 4


def write_bank(folder: Path, text: str) -> None:
    (folder / "sources").mkdir()
    (folder / "sources" / "alpha.md").write_text(SOURCES.split("| Alpha 3")[0], encoding="utf-8")
    (folder / "sources" / "README.md").write_text("## Sources\n| readme-s1 | format example |\n", encoding="utf-8")
    (folder / "alpha.txt").write_text(text, encoding="utf-8")


def test_sources_are_read_next_to_the_bank_files_without_the_readme(tmp_path):
    write_bank(tmp_path, sourced(2))
    assert sorted(read_sources(tmp_path).defined) == ["alpha-s1", "alpha-s2"]
    assert sorted(read_sources(tmp_path / "alpha.txt").defined) == ["alpha-s1", "alpha-s2"]
    bank, provenance = read_checked_bank(tmp_path, TODAY, required=True)
    assert bank.ok and provenance.counts["with_source"] == 2


def test_a_sources_file_with_a_byte_order_mark_defines_its_ids_and_one_not_in_utf8_is_a_problem(tmp_path):
    write_bank(tmp_path, sourced(2, source="alpha-s1, beta-s1"))
    # Notepad's BOM in front of a table that opens the file: the heading must still read as '## Sources'.
    table = "## Sources\r\n| id | publisher |\r\n|---|---|\r\n| beta-s1 | 某市公安局 |\r\n"
    (tmp_path / "sources" / "beta.md").write_bytes(table.encode("utf-8-sig"))
    bank, _ = read_checked_bank(tmp_path, TODAY, required=True)
    assert bank.ok, bank.problems
    assert sorted(read_sources(tmp_path).defined) == ["alpha-s1", "alpha-s2", "beta-s1"]
    (tmp_path / "sources" / "beta.md").write_bytes(table.encode("gbk"))  # Notepad's "ANSI" on a Chinese Windows
    bank, _ = read_checked_bank(tmp_path, TODAY, required=True)
    assert f"{tmp_path / 'sources' / 'beta.md'}:1: not UTF-8 text" in "\n".join(map(str, bank.problems))


def test_bank_check_requires_provenance_behind_a_switch(runner, tmp_path):
    write_bank(tmp_path, bank_text("alpha", 2))
    relaxed = runner.invoke(main, ["bank", "check", str(tmp_path), "--no-require-provenance"])
    assert relaxed.exit_code == 0, relaxed.output
    assert ("provenance (not yet required): 2 of 2 questions without a source, 2 without a reviewed date, "
            "0 reviewed over a year ago") in relaxed.stdout
    strict = runner.invoke(main, ["bank", "check", str(tmp_path), "--require-provenance"])
    assert strict.exit_code == 1
    first = line_of(bank_text("alpha", 2), "=== alpha-001")
    assert f"{tmp_path / 'alpha.txt'}:{first}: question alpha-001: missing 'source'" in strict.stderr
    by_env = runner.invoke(main, ["bank", "check", str(tmp_path), "--json"], env={"QUIZAPP_REQUIRE_PROVENANCE": "1"})
    assert by_env.exit_code == 1 and json.loads(by_env.stdout)["provenance_required"] is True
    by_env = runner.invoke(main, ["bank", "check", str(tmp_path), "--json"], env={"QUIZAPP_REQUIRE_PROVENANCE": "0"})
    assert by_env.exit_code == 0 and json.loads(by_env.stdout)["provenance"]["missing_source"] == 2


def test_bank_check_and_load_refuse_an_unknown_source_even_when_not_required(runner, tmp_path):
    write_bank(tmp_path, sourced(2, source="alpha-s4"))
    result = runner.invoke(main, ["bank", "check", str(tmp_path), "--no-require-provenance"])
    assert result.exit_code == 1 and "source 'alpha-s4' is defined in no '## Sources' table" in result.stderr
    assert "nothing loaded" in runner.invoke(main, ["bank", "load", str(tmp_path)]).output


def test_the_real_bank_passes_bank_check_with_provenance_required(runner):
    """Provenance is required by default: every question of the real bank has its source and reviewed date."""
    result = runner.invoke(main, ["bank", "check", str(ROOT / "question_bank"), "--json"],
                           env={"QUIZAPP_REQUIRE_PROVENANCE": None})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["provenance_required"] is True
    assert data["provenance"]["missing_source"] == 0 and data["provenance"]["missing_reviewed"] == 0
    assert data["provenance"]["unknown_source_ids"] == 0 and data["provenance"]["questions"] == data["questions"]

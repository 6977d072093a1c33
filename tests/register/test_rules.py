"""The register file and plan, pure: cells (workdays, shifts, active), rows with their problems at
row and column, hostile files refused as the roster refuses them, the template and an export that
read back unchanged, and the plan against a town (new, changed field by field, moves, unchanged,
not in the file, and the problems only the town shows)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from quizapp.register.rules.file import (
    HEADERS,
    MAX_BYTES,
    MAX_ROWS,
    RegisterFileError,
    format_shifts,
    format_workdays,
    parse_active,
    parse_register,
    parse_shifts,
    parse_workdays,
    sheet_rows,
    template_rows,
    to_csv,
    to_xlsx,
)
from quizapp.register.rules.plan import Town, TownCase, TownCompany, TownGrid, plan_import
from quizapp.roster import rules as roster

HEAD = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"
TOWN = Town(
    grids=(TownGrid(1, "g1", "网格一", True), TownGrid(2, "g2", "网格二", True), TownGrid(3, "g3", "旧网格", False)),
    companies=(
        TownCompany(10, "acme01", "甲厂", 1, 5, "123456", (("早班", "08:00"), ("夜班", "20:00")), True,
                    frozenset({"早班"})),
        TownCompany(11, "bolt01", "乙厂", 2, 5, "123456", (), True),
        TownCompany(12, "gone01", "停业厂", 2, 5, "123456", (), False),
    ))


def parsed(text: str):
    return parse_register("register.csv", text.encode())


def plan_of(text: str, town: Town = TOWN):
    found = parsed(text)
    return found, plan_import(found.every_row, found.problems, town, found.columns)


def where(problems) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["reason"]) for p in problems]


# --- cells ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "days"), [
    ("1-6", "123456"), ("123456", "123456"), (123456, "123456"), ("1,3,5", "135"), ("周一至周五", "12345"),
    ("星期一、星期三", "13"), ("Mon-Fri", "12345"), ("每天", "1234567"), ("1-5，7", "123457"), ("一至六", "123456"),
])
def test_workdays_are_read_in_the_ways_people_write_them(text, days):
    assert parse_workdays(text) == days


@pytest.mark.parametrize("text", ["8", "6-1", "周八", "weekdays", "1-6x"])
def test_what_is_not_a_list_of_weekdays_is_refused(text):
    assert parse_workdays(text) is None


@given(st.sets(st.sampled_from("1234567"), min_size=1))
def test_workdays_written_back_read_back_the_same(days):
    stored = "".join(sorted(days))
    assert parse_workdays(format_workdays(stored)) == stored


def test_shifts_read_with_their_start_times_in_order():
    assert parse_shifts("夜班 20:00; 早班 8:00") == ([["早班", "08:00"], ["夜班", "20:00"]], None)
    assert parse_shifts("早班=07:30，中班@15：30")[0] == [["早班", "07:30"], ["中班", "15:30"]]
    assert parse_shifts("早班 25:00") == ([], ("bad_shift_time", "早班 25:00"))
    assert parse_shifts("早班") == ([], ("bad_shift_time", "早班"))
    assert parse_shifts("08:00") == ([], ("shift_name_empty", "08:00"))
    assert parse_shifts("早班 08:00; 早班 09:00") == ([], ("shift_twice", "早班"))
    shifts = [["A 班", "06:00"], ["早班", "08:00"]]
    assert parse_shifts(format_shifts(shifts)) == (shifts, None)


def test_active_is_yes_or_no_in_either_language():
    values = ("是", "启用", "yes", "TRUE", 1, "否", "停用", "no", 0)
    assert [parse_active(v) for v in values] == [True] * 5 + [False] * 4
    assert parse_active("maybe") is None


# --- rows and their problems -----------------------------------------------------------------------

def test_a_good_file_reads_every_column_and_leaves_blank_cells_out():
    found = parsed(HEAD + "G01,新塘村网格,DLS2K7MQ,东莞示例电子有限公司,6,1-5,早班 08:00,是\n"
                          "G01,,dls9h3xw,五金厂,,,,\n" + "G02,大塘朗网格,,,,,,\n")
    assert found.problems == []
    assert found.rows == [
        {"row": 2, "grid_code": "G01", "grid_name": "新塘村网格", "company_code": "dls2k7mq",
         "company_name": "东莞示例电子有限公司", "questions_per_quiz": 6, "workdays": "12345",
         "shifts": [["早班", "08:00"]], "active": True},
        {"row": 3, "grid_code": "G01", "company_code": "dls9h3xw", "company_name": "五金厂"},
        {"row": 4, "grid_code": "G02", "grid_name": "大塘朗网格"},
    ]


def test_english_headers_and_a_title_line_above_them_are_read():
    found = parsed("Town register 2026\nGrid code,Grid name,Company code,Company name,Shifts,Notes\n"
                   "G01,Xintang,dls2k7mq,Demo Electronics,Early 08:00,x\n")
    assert found.rows[0]["row"] == 3 and found.rows[0]["shifts"] == [["Early", "08:00"]]
    assert found.ignored == ["Notes"]


def test_every_problem_is_at_its_row_and_column():
    found = parsed(HEAD + ",网格,abcdefgh,厂,,,,\n"           # 2: no grid code
                          "G01,网格,,厂,,,,\n"                 # 3: no company code
                          "G01,网格,nonamexx,,,,,\n"           # 4: no company name
                          "G01,网格,ABCDEFGH,同码厂,9,8,早班 25:00,也许\n"  # 5: a repeated code, bad settings
                          "G01,另一个名字,xyzxyzxy,厂二,,,,\n"    # 6: the grid with another name
                          "G01,网格,=cmd(),厂三,,,,\n"          # 7: a formula
                          "G01,网格,qwertyui,厂四,清空,,清空,\n")  # 8: 清空 only empties shifts
    assert where(found.problems) == [
        (2, "网格编码", "empty_grid_code"), (2, "企业编码", "duplicate_company"),
        (3, "企业编码", "empty_company_code"), (3, "网格名称", "grid_name_differs"),
        (4, "企业名称", "empty_company_name"),
        (5, "每次题数", "bad_per_quiz"), (5, "工作日", "bad_workdays"), (5, "班次", "bad_shift_time"),
        (5, "启用", "bad_active"), (5, "企业编码", "duplicate_company"),
        (6, "网格名称", "grid_name_differs"),
        (7, "企业编码", "formula"),
        (8, "每次题数", "cannot_clear"),
    ]
    # Both rows of a repeated code and of a grid's two names say so, each naming the other.
    assert [p["detail"] for p in found.problems if p["reason"] in ("duplicate_company", "grid_name_differs")] == [
        {"rows": [5], "more": 0}, "6: 另一个名字", 2, "3: 网格"]
    assert [r["row"] for r in found.rows] == []  # every row has a problem
    assert [r["row"] for r in found.every_row] == [2, 3, 4, 5, 6, 7, 8]  # and the plan checks them all
    assert found.every_row[0]["grid_code"] == "" and "company_code" not in found.every_row[5]


def test_hostile_files_are_refused_with_the_roster_s_limits():
    assert (MAX_BYTES, MAX_ROWS) == (roster.MAX_BYTES, roster.MAX_ROWS)
    for name, data, reason in [
        ("big.csv", HEAD.encode() + b"a" * MAX_BYTES, "too_big"),
        ("blank.csv", (HEAD + "G01,网格,abcdefgh,厂,,,,\n" + "\n" * MAX_ROWS).encode(), "too_many_rows"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old_xls"),
        ("fake.xlsx", b"not a zip at all", "not_xlsx"),
        ("binary.csv", b"\xff\xfe" + "网格编码\x00".encode("utf-16-le") * 3, "encoding"),
        ("empty.csv", b"   ", "empty"),
        ("header.csv", HEAD.encode(), "no_rows"),
        ("columns.csv", "网格,企业名称\nG01,厂\n".encode(), "missing_columns"),
        ("twice.csv", "网格编码,网格代码,网格名称,企业编码,企业名称\n".encode(), "duplicate_columns"),
    ]:
        with pytest.raises(RegisterFileError) as refused:
            parse_register(name, data)
        assert refused.value.code == f"register.file.{reason}", name


def test_an_xlsx_with_formulas_and_numbers_is_read_like_the_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS.values()))
    sheet.append(["G01", "网格", "abcdefgh", "厂", 5.0, 123456, "早班 08:00", "是"])
    sheet.append(["G01", "网格", "=HYPERLINK(\"x\")", "厂二", None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    found = parse_register("register.xlsx", out.getvalue())
    assert found.rows[0]["questions_per_quiz"] == 5 and found.rows[0]["workdays"] == "123456"
    assert where(found.problems) == [(3, "企业编码", "formula")]


@pytest.mark.parametrize("english", [False, True])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_and_an_export_read_back_as_written(fmt, english):
    rows = [*template_rows(), {"grid_code": "G9", "grid_name": "=危险名", "company_code": "abcdefgh",
                               "company_name": "厂", "questions_per_quiz": 8, "workdays": "7", "shifts": [],
                               "active": False}]
    table = sheet_rows(rows, english)
    data = to_csv(table) if fmt == "csv" else to_xlsx(table, ["notes"])
    found = parse_register(f"register.{fmt}", data)
    assert [p["reason"] for p in found.problems] == []
    assert found.rows[0] == {"row": 2, **rows[0]}
    assert found.rows[2] == {"row": 4, **rows[2]}
    assert found.rows[3]["grid_name"] == "'=危险名"  # written as text, never as a formula


# --- the plan ------------------------------------------------------------------------------------

def test_an_export_of_the_town_plans_no_change():
    text = HEAD + ("g1,网格一,acme01,甲厂,5,1-6,早班 08:00; 夜班 20:00,是\n"
                   "g2,网格二,bolt01,乙厂,5,1-6,,是\ng2,网格二,gone01,停业厂,5,1-6,,否\ng3,旧网格,,,,,,\n")
    found, plan = plan_of(text)
    assert (plan.new_grids, plan.changed_grids, plan.new_companies, plan.changed_companies) == ([], [], [], [])
    assert (plan.unchanged_grids, plan.unchanged_companies, plan.missing_companies, plan.problems) == (3, 3, [], [])


def test_new_changed_moved_unchanged_and_missing():
    _found, plan = plan_of(HEAD + "G7,新网格,newco001,新厂,,,,\n"
                                  "g2,网格二改名,acme01,甲厂新名,6,,早班 08:00; 夜班 21:00,\n"
                                  "G3,,gone01,停业厂,,,,是\n")
    assert [(g.code, g.name) for g in plan.new_grids] == [("G7", "新网格")]
    new = plan.new_companies[0]
    assert (new.code, new.grid_code, new.questions_per_quiz, new.workdays, new.shifts, new.active) == (
        "newco001", "G7", 5, "123456", (), True)
    acme, gone = plan.changed_companies
    assert acme.fields == (("company_name", "甲厂", "甲厂新名"), ("grid", "g1", "g2"), ("questions_per_quiz", 5, 6),
                           ("shifts", (("早班", "08:00"), ("夜班", "20:00")), (("早班", "08:00"), ("夜班", "21:00"))))
    assert acme.moves and gone.moves and gone.fields == (("grid", "g2", "g3"), ("active", False, True))
    # Grid g3 gets an active company back: it is reactivated; g2 is renamed (its name as the file gives it).
    assert {(c.grid.code, c.fields) for c in plan.changed_grids} == {
        ("g2", (("name", "网格二", "网格二改名"),)), ("g3", (("active", False, True),))}
    assert [c.code for c in plan.missing_companies] == ["bolt01"] and [g.code for g in plan.missing_grids] == ["g1"]
    assert plan.grid_label("G2") == "网格二改名 (G2)" and plan.problems == []


def test_the_problems_only_the_town_shows():
    town = Town(TOWN.grids, TOWN.companies, other_grid_codes=frozenset({"x9"}),
                other_company_codes=frozenset({"theirs01"}))
    _found, plan = plan_of(HEAD + "G5,,abcdefgh,无网格厂,,,,\n"      # 2: a grid neither in the town nor the file
                                  "G5,,bcdefghi,无网格厂二,,,,\n"    # 3: the same, again at its row
                                  "X9,别镇网格,cdefghij,厂,,,,\n"     # 4: another town's grid code
                                  "g2,,theirs01,厂,,,,\n"          # 5: another town's company code
                                  "g2,,short,厂五,,,,\n"            # 6: a new code too short
                                  "g2,,defghijk,乙厂,,,,\n"         # 7: a name the grid's company has
                                  "G8,网格一,efghijkl,厂,,,,\n"       # 8: a grid name grid g1 has
                                  "g1,,acme01,甲厂,,,清空,\n"        # 9: a shift workers are still on
                                  "bad code,坏网格,,,,,,\n", town)    # 10: a new grid code with a space
    assert where(plan.problems) == [
        (2, "网格编码", "unknown_grid"), (3, "网格编码", "unknown_grid"), (4, "网格编码", "grid_other_town"),
        (5, "企业编码", "company_other_town"), (6, "企业编码", "company_code_too_short"),
        (7, "企业名称", "company_name_taken"), (8, "网格名称", "grid_name_taken"),
        (9, "班次", "shift_has_workers"), (10, "网格编码", "grid_code_characters"),
    ]
    assert plan.problems[7]["detail"] == "早班"


def test_a_shift_nobody_is_on_may_go_and_blank_cells_keep_the_company_s_settings():
    _found, plan = plan_of(HEAD + "g1,,acme01,甲厂,,,早班 08:00,\n")
    assert plan.changed_companies[0].fields == (("shifts", (("早班", "08:00"), ("夜班", "20:00")),
                                                 (("早班", "08:00"),)),)
    _found, plan = plan_of(HEAD + "g1,,acme01,甲厂,,,,\n")
    assert plan.changed_companies == [] and plan.unchanged_companies == 1


def test_the_fingerprint_follows_the_plan():
    _f, one = plan_of(HEAD + "g1,,acme01,甲厂,6,,,\n")
    _f, same = plan_of(HEAD + "g1,,acme01,甲厂,6,,,\n")
    _f, other = plan_of(HEAD + "g1,,acme01,甲厂,7,,,\n")
    moved = Town(TOWN.grids, (TownCompany(10, "acme01", "甲厂", 1, 6, "123456", (), True),) + TOWN.companies[1:])
    _f, town_changed = plan_of(HEAD + "g1,,acme01,甲厂,6,,,\n", moved)
    assert one.fingerprint() == same.fingerprint()
    assert len({one.fingerprint(), other.fingerprint(), town_changed.fingerprint()}) == 3


def test_a_grid_code_merged_over_its_companies_is_read_on_every_row():
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(list(HEADERS.values()))
    sheet.append(["G01", "新塘村网格", "dls2k7mq", "甲厂"])
    sheet.append([None, None, "dls9h3xw", "乙厂"])
    sheet.append([None, None, "dls4m8pq", "丙厂"])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("B2:B4")
    book.create_sheet("说明").append(["怎样填写"])
    out = io.BytesIO()
    book.save(out)
    found = parse_register("register.xlsx", out.getvalue())
    assert found.problems == []
    assert [(r["grid_code"], r.get("grid_name"), r["company_code"]) for r in found.rows] == [
        ("G01", "新塘村网格", "dls2k7mq"), ("G01", "新塘村网格", "dls9h3xw"), ("G01", "新塘村网格", "dls4m8pq")]
    assert (found.sheet, found.other_sheets) == ("名册", ["说明"])


def test_a_code_in_scientific_notation_is_refused():
    found = parsed(HEAD + "1.2E+05,网格,dls2k7mq,甲厂\nG01,网格,1.38E+10,乙厂\n")
    assert where(found.problems) == [(2, "网格编码", "scientific"), (3, "企业编码", "scientific")]


def _xlsx(*rows: list) -> bytes:
    book = Workbook()
    book.active.append(list(HEADERS.values()))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_code_in_a_number_cell_beside_zero_padded_codes_lost_its_zeros():
    # 00123457 and 02 typed into General cells: Excel keeps the numbers 123457 and 2.
    found = parse_register("register.xlsx", _xlsx(["01", "网格一", "00123456", "甲厂"], [2, "网格二", 123457, "乙厂"],
                                                   ["01", None, 12345678, "丙厂"]))
    assert found.problems == [] and [r["company_code"] for r in found.rows] == ["00123456", "123457", "12345678"]
    first = TownGrid(4, "01", "网格一", True)
    plan = plan_import(found.rows, found.problems, Town((first,), ()), found.columns)
    assert [(p["row"], p["column"], p["reason"], p["value"], p["detail"]) for p in plan.problems] == [
        (3, "企业编码", "lost_zeros", "123457", "00123457"),  # the company is looked at, whatever its grid
        (3, "网格编码", "lost_zeros", "2", "02")]
    # As long as the padded ones: a code as it stands. With grid 2 the town's, the company's zeros are lost.
    second = TownGrid(5, "2", "网格二", True)
    plan = plan_import(found.rows, found.problems, Town((first, second), ()), found.columns)
    assert [(p["row"], p["column"], p["reason"], p["value"], p["detail"]) for p in plan.problems] == [
        (3, "企业编码", "lost_zeros", "123457", "00123457")]
    # But a short number the town has as it stands is that grid or company: codes of mixed widths are
    # legitimate, and "0045" would be a new company while the town's 45 read as missing.
    town = Town((first, second), (TownCompany(13, "123457", "乙厂", 5, 5, "123456", (), True),))
    plan = plan_import(found.rows, found.problems, town, found.columns)
    assert plan.problems == [] and [c.code for c in plan.new_companies] == ["00123456", "12345678"]
    # A CSV's cells are all text: a digits-only code is a code, whatever its width.
    assert parsed(HEAD + "01,网格一,00123456,甲厂\n2,网格二,123457,乙厂\n").problems == []


def test_a_code_that_is_one_of_the_town_s_with_its_zeros_gone_is_not_a_new_one():
    town = Town(TOWN.grids + (TownGrid(4, "01", "零一网格", True),),
                TOWN.companies + (TownCompany(13, "00123456", "零厂", 4, 5, "123456", (), True),))
    _found, plan = plan_of(HEAD + "1,,abcdefgh,新厂,,,,\n1,,bcdefghi,新厂二,,,,\n"  # grid 01 as 1, on two rows
                                 "01,,123456,零厂,,,,\n"  # company 00123456 as 123456
                                 "01,,123457,新厂三,,,,\n", town)  # digits only, no code of the town: a new company
    assert [(p["row"], p["column"], p["reason"], p["value"], p["detail"]) for p in plan.problems] == [
        (2, "网格编码", "lost_zeros", "1", "01"), (3, "网格编码", "lost_zeros", "1", "01"),
        (4, "企业编码", "lost_zeros", "123456", "00123456")]
    assert [c.code for c in plan.new_companies] == ["123457"] and plan.new_grids == []
    # Named with Excel's number, the grid and the company are in the file: not offered for deactivation.
    assert "00123456" not in [c.code for c in plan.missing_companies]
    assert "01" not in [g.code for g in plan.missing_grids]


def test_a_removed_shift_workers_are_on_is_shown_as_people_read_shifts():
    _found, plan = plan_of(HEAD + "g1,,acme01,甲厂,,,夜班 20:00; 中班 14:00,\n")  # 早班 goes: workers are on it
    assert [(p["reason"], p["value"], p["detail"]) for p in plan.problems] == [
        ("shift_has_workers", "中班 14:00；夜班 20:00", "早班")]
    _found, cleared = plan_of(HEAD + "g1,,acme01,甲厂,,,清空,\n")
    assert cleared.problems[0]["value"] == "清空"


def test_the_plan_counts_the_town_and_names_the_open_cases_deactivating_would_close():
    town = replace(TOWN, open_cases=(TownCase(7, 11, "manual", date(2026, 11, 2)),
                                     TownCase(8, 10, "participation", date(2026, 11, 3))))
    _found, plan = plan_of(HEAD + "g1,,acme01,甲厂,,,,\n", town)  # bolt01 and grid g2 are not in the file
    assert (plan.active_companies, plan.active_grids) == (2, 2)
    assert [c.id for c in plan.cases_closed_if_deactivated] == [7] and plan.cases_closed == []
    assert not plan.deactivates_most  # one of two companies, one of two grids: not more than half
    _found, off = plan_of(HEAD + "g1,,acme01,甲厂,,,,否\ng2,,bolt01,乙厂,,,,\n", town)  # the file deactivates acme01
    assert [c.id for c in off.cases_closed] == [8] and off.cases_closed_if_deactivated == []
    assert [c.company.code for c in off.deactivated_by_file] == ["acme01"]
    # A case opened after the preview changes the plan the admin confirms.
    _found, more = plan_of(HEAD + "g1,,acme01,甲厂,,,,\n", replace(town, open_cases=town.open_cases + (
        TownCase(9, 11, "knowledge", date(2026, 11, 20)),)))
    assert more.fingerprint() != plan.fingerprint()


def test_deactivating_more_than_half_of_the_companies_or_grids_is_most_of_the_town():
    grids = tuple(TownGrid(i, f"g{i}", f"网格{i}", True) for i in range(1, 5))
    companies = tuple(TownCompany(10 + i, f"co{i:04d}", f"厂{i}", 1 + i % 4, 5, "12345", (), True) for i in range(5))
    _found, plan = plan_of(HEAD + "g2,,co0001,厂1,,,,\n", Town(grids, companies))
    assert (len(plan.missing_companies), plan.active_companies, len(plan.missing_grids), plan.active_grids) == (
        4, 5, 3, 4)
    assert plan.deactivates_most
    # One company of five and one grid of four: not most.
    _found, half = plan_of(HEAD + "g1,,co0000,厂0,,,,\ng1,,co0004,厂4,,,,\ng2,,co0001,厂1,,,,\n"
                                  "g3,,co0002,厂2,,,,\n", Town(grids, companies))
    assert (len(half.missing_companies), len(half.missing_grids)) == (1, 1) and not half.deactivates_most


# --- every check on the first upload ---------------------------------------------------------------

OTHERS = Town(TOWN.grids + (TownGrid(4, "01", "零一网格", True),),
              TOWN.companies + (TownCompany(13, "00123456", "零厂", 4, 5, "123456", (), True),),
              other_grid_codes=frozenset({"x9"}), other_company_codes=frozenset({"theirs01"}))


def test_a_row_whose_grid_is_wrong_has_its_company_code_checked_too():
    found, plan = plan_of(HEAD + "X9,,theirs01,厂,,,,\n"          # 2: another town's grid and company
                                 "G5,,short,厂二,,,,\n"            # 3: an unknown grid, a new code too short
                                 "bad code,坏网格,ab cdefg,厂三,,,,\n"  # 4: two codes with a space
                                 "1,,123456,零厂,,,,\n"            # 5: grid 01 and company 00123456, zeros lost
                                 "X9,,acme01,甲厂,,,清空,\n", OTHERS)  # 6: a shift workers are on
    assert found.problems == []
    assert where(plan.problems) == [
        (2, "企业编码", "company_other_town"), (2, "网格编码", "grid_other_town"),
        (3, "企业编码", "company_code_too_short"), (3, "网格编码", "unknown_grid"),
        (4, "企业编码", "company_code_characters"), (4, "网格编码", "grid_code_characters"),
        (5, "企业编码", "lost_zeros"), (5, "网格编码", "lost_zeros"),
        (6, "班次", "shift_has_workers"), (6, "网格编码", "grid_other_town"),
    ]
    # Whether the name is another company's of the grid waits for a grid the town cannot place: the
    # grid's problem says so. A new grid's companies are the file's, whatever the spelling of its code.
    assert [p.get("unchecked") for p in plan.problems if p["field"] == "grid_code"] == [
        ["company_name"], ["company_name"], None, ["company_name"], ["company_name"]]
    assert plan.new_companies == [] and plan.changed_companies == []


def test_a_row_with_a_problem_in_its_cells_is_still_checked_against_the_town():
    found, plan = plan_of(HEAD + "g1,,theirs01,厂,9,,,\n"          # 2: bad questions per quiz, a code of another town
                                 "G7,新网格,short,厂二,,8,,\n"      # 3: bad workdays, a code too short; names G7
                                 "G7,,bcdefghi,厂三,,,,\n"          # 4: good, in the grid row 3 names
                                 "=A1,,cdefghij,厂四,,,,\n"         # 5: a formula for a grid code, a good code
                                 "X9,网格,theirs01,厂五,,,,否否\n"     # 6: a bad active, another town's grid
                                 "g1,,acme01,厂,,,清空,也许\n", OTHERS)  # 7: a bad active, row 2's name, a busy shift
    assert where(found.problems) == [
        (2, "每次题数", "bad_per_quiz"), (2, "企业编码", "duplicate_company"), (3, "工作日", "bad_workdays"),
        (5, "网格编码", "formula"), (6, "启用", "bad_active"), (6, "企业编码", "duplicate_company"),
        (7, "启用", "bad_active")]
    assert where(plan.problems) == [
        (2, "企业名称", "company_name_taken"), (2, "企业编码", "company_other_town"),
        (3, "企业编码", "company_code_too_short"),
        (6, "企业编码", "company_other_town"), (6, "网格编码", "grid_other_town"),
        (7, "企业名称", "company_name_taken"), (7, "班次", "shift_has_workers")]
    # G7 is named (on row 3): row 4 is fine, and is the only company the preview lists.
    assert [c.code for c in plan.new_companies] == ["bcdefghi"] and [g.code for g in plan.new_grids] == ["G7"]
    assert next(p for p in found.problems if p["row"] == 5).get("unchecked") == ["company_name"]


def test_another_town_s_grid_or_a_bad_new_grid_code_is_marked_on_every_row_that_names_it():
    _found, plan = plan_of(HEAD + "X9,别镇网格,abcdefgh,厂,,,,\nX9,,bcdefghi,厂二,,,,\nx9,,cdefghij,厂三,,,,\n"
                                  "bad code,坏网格,defghijk,厂四,,,,\nbad code,,efghijkl,厂五,,,,\n"
                                  "Y9,,fghijklm,厂六,,,,\nY9,,ghijklmn,厂七,,,,\n", OTHERS)
    assert where(plan.problems) == [
        (2, "网格编码", "grid_other_town"), (3, "网格编码", "grid_other_town"), (4, "网格编码", "grid_other_town"),
        (5, "网格编码", "grid_code_characters"), (6, "网格编码", "grid_code_characters"),
        (7, "网格编码", "unknown_grid"), (8, "网格编码", "unknown_grid")]
    _found, alone = plan_of(HEAD + "X9,,abcdefgh,厂,,,,\nX9,,bcdefghi,厂二,,,,\n", OTHERS)
    assert where(alone.problems) == [(2, "网格编码", "grid_other_town"), (3, "网格编码", "grid_other_town")]


def test_a_clash_between_rows_is_marked_on_each_of_them():
    found, plan = plan_of(HEAD + "g1,,abcdefgh,甲一,,,,\n"     # 2: the code again on 4 and 5
                                 "g1,,bcdefghi,同名,,,,\n"      # 3: the name again on 6
                                 "g1,,ABCDEFGH,甲二,,,,\n"
                                 "g2,,abcdefgh,甲三,,,,\n"
                                 "g1,,cdefghij,同名,,,,\n"
                                 "G8,网格一,defghijk,厂,,,,\n"    # 7, 8: a name grid g1 has
                                 "G8,网格一,efghijkl,厂二,,,,\n"
                                 "G9,九号,fghijklm,厂三,,,,\n"     # 9, 10: a grid given two names
                                 "G9,玖号,ghijklmn,厂四,,,,\n")
    assert where(found.problems) == [
        (2, "企业编码", "duplicate_company"), (4, "企业编码", "duplicate_company"),
        (5, "企业编码", "duplicate_company"), (9, "网格名称", "grid_name_differs"),
        (10, "网格名称", "grid_name_differs")]
    assert [p["detail"] for p in found.problems] == [{"rows": [4, 5], "more": 0}, 2, 2, "10: 玖号", "9: 九号"]
    assert where(plan.problems) == [
        (3, "企业名称", "company_name_taken"), (6, "企业名称", "company_name_taken"),
        (7, "网格名称", "grid_name_taken"), (8, "网格名称", "grid_name_taken")]
    assert [p["detail"] for p in plan.problems[:2]] == [{"rows": [6], "more": 0}, 3]


def test_a_code_repeated_on_many_rows_names_some_of_them_and_how_many_more():
    found = parsed(HEAD + "".join(f"g1,,abcdefgh,厂{i},,,,\n" for i in range(15)))
    first = found.problems[0]
    assert (first["row"], first["detail"]) == (2, {"rows": list(range(3, 13)), "more": 4})
    assert len(found.problems) == 15


def test_a_repeated_code_that_lost_its_zeros_says_both():
    found = parse_register("register.xlsx", _xlsx(["01", "网格一", "00123456", "甲厂"], ["01", None, 123457, "乙厂"],
                                                   ["01", None, 123457, "丙厂"]))
    plan = plan_import(found.every_row, found.problems, Town((TownGrid(4, "01", "网格一", True),), ()),
                       found.columns)
    assert where(found.problems) == [(3, "企业编码", "duplicate_company"), (4, "企业编码", "duplicate_company")]
    assert where(plan.problems) == [(3, "企业编码", "lost_zeros"), (4, "企业编码", "lost_zeros")]


def test_a_new_grid_s_names_are_checked_whatever_its_code_s_spelling_and_otherwise_said_to_wait():
    _found, plan = plan_of(HEAD + "bad code,网格一,abcdefgh,同名,,,,\n"  # 2: a name grid g1 has, a code with a space
                                  "bad code,,bcdefghi,同名,,,,\n"      # 3: the same grid, the same company name
                                  "1,零一新名,,,,,,\n"                 # 4: grid 01 without its zeros, renamed
                                  "X9,别镇网格,cdefghij,厂,,,,\n", OTHERS)  # 5: another town's grid
    assert where(plan.problems) == [
        (2, "企业名称", "company_name_taken"), (2, "网格名称", "grid_name_taken"),
        (2, "网格编码", "grid_code_characters"), (3, "企业名称", "company_name_taken"),
        (3, "网格编码", "grid_code_characters"), (4, "网格编码", "lost_zeros"), (5, "网格编码", "grid_other_town")]
    assert [p.get("unchecked") for p in plan.problems] == [
        None, None, None, None, None, ["grid_name"], ["company_name", "grid_name"]]

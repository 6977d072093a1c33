"""Grids and companies as the town admin manages them: duplicates, inactive grids, moves (incidents stay
with their grid, cases go with the company), deactivation, the audit log, and the company list on a
town-sized table in a fixed number of queries."""

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select

from quizapp.extensions import db
from quizapp.incidents.figures import quiet_grids
from quizapp.models import AuditLog, Company, Employee, Grid, Incident, StaffUser, SupervisionCase
from quizapp.organisation import service
from quizapp.organisation.rules import CompanyQuery, company_code_problem
from quizapp.organisation.service import CompanyInput
from quizapp.organisation.wording import MESSAGES
from quizapp.rules.errors import Conflict, ServiceError
from quizapp.signin import service as accounts
from quizapp.supervision import service as supervision
from quizapp.wording import say
from tests.factories import (
    ON_ROSTER_SINCE,
    make_company,
    make_employee,
    make_grid,
    make_incident,
    make_staff,
    make_town_row,
)

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)


CLOSED = "Closed because the town admin deactivated the company."


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def audit_rows(action: str) -> list[dict]:
    return [json.loads(row.detail) for row in db.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


# --- grids --------------------------------------------------------------------------------------

def test_a_new_grid_is_active_and_audited(town):
    admin = staff("admin")
    created = service.create_grid(admin, "xt-2", "新塘村第二网格")
    assert created.active and created in service.active_grids(staff("admin"))
    assert audit_rows("admin.grid.create") == [{"grid_id": created.id, "code": "xt-2", "name": "新塘村第二网格"}]
    assert db.session.scalar(select(AuditLog.actor_id).where(AuditLog.action == "admin.grid.create")) == admin.id


@pytest.mark.parametrize("code, name, field", [("G1", "另一个网格", "code"), ("g9", "网格 一", "name")])
def test_grid_codes_and_names_are_unique_whatever_the_case_or_spacing(town, english, code, name, field):
    with pytest.raises(Conflict) as refused:
        service.create_grid(staff("admin"), code, name)
    assert [p.field for p in refused.value.problems] == [field]
    assert refused.value.code == f"organisation.grid_{field}_taken"
    assert say(refused.value, MESSAGES).startswith("Another grid")


def test_editing_a_grid_records_old_and_new_values(town):
    g1 = grid("g1")
    assert service.update_grid(staff("admin"), g1, "g1", "网格一") == {}  # nothing changed: no row
    changed = service.update_grid(staff("admin"), g1, "dl-1", "大岭一网格")
    assert changed == {"code": {"old": "g1", "new": "dl-1"}, "name": {"old": "网格一", "new": "大岭一网格"}}
    assert audit_rows("admin.grid.update") == [{"grid_id": g1.id, **changed}]
    # Its own code and name do not count as duplicates.
    assert service.update_grid(staff("admin"), g1, "DL-1", "大岭一网格") == {"code": {"old": "dl-1", "new": "DL-1"}}


def test_a_grid_with_active_companies_is_not_deactivated_and_they_are_named(town, english):
    g1 = grid("g1")
    with pytest.raises(Conflict) as refused:
        service.set_grid_active(staff("admin"), g1, False)
    assert (refused.value.code, refused.value.field) == ("organisation.grid_has_active_companies", None)
    assert refused.value.data == {"grid": "网格一", "names": ["甲厂"]}
    assert "甲厂" in say(refused.value, MESSAGES) and "move them" in say(refused.value, MESSAGES)
    assert g1.active and not audit_rows("admin.grid.deactivate")


def test_a_long_list_of_blocking_companies_is_shortened(town, english):
    g1 = grid("g1")
    for n in range(7):
        make_company(g1, f"co{n}xxxx", f"企业{n}")
    with pytest.raises(Conflict) as refused:
        service.set_grid_active(staff("admin"), g1, False)
    assert len(refused.value.data["names"]) == 8  # all of them; the words shorten the list
    assert "8 active companies" in say(refused.value, MESSAGES)
    assert "and 3 more" in say(refused.value, MESSAGES)


def test_a_grid_without_active_companies_is_deactivated_and_no_longer_offered(town):
    admin = staff("admin")
    g1 = grid("g1")
    service.set_company_active(admin, db.session.get(Company, town.company_a), False, TODAY, CLOSED)
    assert service.set_grid_active(admin, g1, False) is True
    assert service.set_grid_active(admin, g1, False) is False  # already inactive: nothing written twice
    assert g1 not in service.active_grids(staff("admin")) and g1 in service.all_grids(staff("admin"))
    assert audit_rows("admin.grid.deactivate") == [
        {"grid_id": g1.id, "code": "g1", "active": {"old": True, "new": False}}]
    assert service.set_grid_active(admin, g1, True) is True
    assert len(audit_rows("admin.grid.reactivate")) == 1


def test_grid_rows_count_companies_and_active_officers(town):
    g1, g2 = grid("g1"), grid("g2")
    make_company(g1, "second1", "丙厂").active = False
    gone = make_staff("officer-old", "grid_officer", grids=[g1])
    gone.active = False
    make_staff("officer-2", "grid_officer", grids=[g1, g2])
    rows = {row.grid.code: row for row in service.grid_rows(staff("admin"), TODAY)}
    assert (rows["g1"].active_companies, rows["g1"].inactive_companies, rows["g1"].officers) == (1, 1, 2)
    assert (rows["g2"].active_companies, rows["g2"].inactive_companies, rows["g2"].officers) == (1, 0, 1)


def test_one_grid_s_row_for_its_edit_page_is_its_row_in_the_list(town):
    """The edit page reads only its grid (not the town's 125) and shows what the list shows."""
    g1 = grid("g1")
    make_company(g1, "second1", "丙厂").active = False
    make_incident(g1.id, date(2026, 8, 1), cases=2)
    (row,) = service.grid_rows(staff("admin"), TODAY, grid_id=g1.id)
    listed = next(r for r in service.grid_rows(staff("admin"), TODAY) if r.grid.id == g1.id)
    assert row == listed and (row.active_companies, row.inactive_companies, row.quiet.months) == (1, 1, 3)
    other_town = make_town_row("other", "外镇")
    assert service.grid_rows(staff("admin"), TODAY, grid_id=make_grid("x1", "外镇网格", town=other_town).id) == []


def test_grid_rows_carry_each_grid_s_months_without_a_case_in_one_read(town, statements_of):
    """The grid list's months without a case are the incidents page's (incidents.figures.quiet_grids),
    read once for the page: the number of statements does not grow with the number of grids."""
    g1, g2 = grid("g1"), grid("g2")
    make_incident(g1.id, date(2026, 8, 1), cases=2)
    make_incident(g1.id, date(2026, 10, 1), cases=0, raw_reports=3)  # reports, no case: still quiet
    make_incident(g2.id, date(2027, 1, 1), cases=1)  # after the month shown: not counted
    rows, before = statements_of(lambda: {r.grid.code: r for r in service.grid_rows(staff("admin"), TODAY)})
    assert quiet_grids(staff("admin"), TODAY, TODAY)[g1.id] == rows["g1"].quiet
    assert (rows["g1"].quiet.months, rows["g1"].quiet.zero_months) == (3, 2)
    assert (rows["g2"].quiet.months, rows["g2"].quiet.zero_months) == (None, None)
    for n in range(10):
        make_incident(make_grid(f"x{n}", f"新网格{n}").id, date(2026, 1 + n, 1))
    rows, after = statements_of(lambda: {r.grid.code: r for r in service.grid_rows(staff("admin"), TODAY)})
    assert after == before and len(rows) == 12
    assert [rows[f"x{n}"].quiet.months for n in range(10)] == [10 - n for n in range(10)]


# --- companies ----------------------------------------------------------------------------------

def new_company(grid_id, name="丁厂", code="k7m2qx9p", **kwargs) -> CompanyInput:
    return CompanyInput(name=name, grid_id=grid_id, code=code, **kwargs)


def test_a_new_company_gets_its_defaults_and_is_audited(town):
    company = service.create_company(staff("admin"), new_company(grid("g2").id, workdays="12345",
                                                                 questions_per_quiz=4))
    assert (company.active, company.workdays, company.questions_per_quiz) == (True, "12345", 4)
    assert accounts.company_by_code("k7m2qx9p") == company  # its QR code works at once
    assert audit_rows("admin.company.create") == [{
        "company_id": company.id, "code": "k7m2qx9p", "name": "丁厂", "grid": "g2", "workdays": "12345",
        "questions_per_quiz": 4}]


@pytest.mark.parametrize("change, field, words", [
    ({"grid_id": None}, "grid_id", "Choose one of the grids"),
    ({"grid_id": 999999}, "grid_id", "Choose one of the grids"),
    ({"code": "ACME"}, "code", "Another company already has the code"),
    ({"name": "甲厂"}, "name", "already has a company called 甲厂"),
])
def test_what_a_new_company_may_not_be(town, english, change, field, words):
    data = new_company(grid("g1").id)
    with pytest.raises(ServiceError) as refused:
        service.create_company(staff("admin"), CompanyInput(**{**data.__dict__, **change}))
    assert refused.value.field == field and words in say(refused.value, MESSAGES)
    assert db.session.scalar(select(Company).where(Company.code == data.code)) is None


def test_the_same_name_is_fine_in_another_grid(town):
    assert service.create_company(staff("admin"), new_company(grid("g2").id, name="甲厂")).grid_id == grid("g2").id


def test_an_inactive_grid_is_not_offered_for_new_or_moved_companies(town, english):
    admin = staff("admin")
    spare = make_grid("g3", "网格三")
    service.set_grid_active(admin, spare, False)
    with pytest.raises(ServiceError) as refused:
        service.create_company(admin, new_company(spare.id))
    assert (refused.value.code, refused.value.field) == ("organisation.grid_inactive", "grid_id")
    assert "is inactive" in say(refused.value, MESSAGES)
    company_a = db.session.get(Company, town.company_a)
    with pytest.raises(ServiceError):
        service.update_company(admin, company_a, CompanyInput("甲厂", spare.id, "acme"))
    assert company_a.grid_id == grid("g1").id


def test_suggested_codes_are_valid_and_unused(town):
    codes = {service.suggest_code() for _ in range(50)}
    assert all(company_code_problem(code) is None and not service.code_taken(code) for code in codes)


def test_moving_a_company_keeps_incidents_with_their_grid_and_moves_its_cases(town):
    admin = staff("admin")
    company_a = db.session.get(Company, town.company_a)
    g1, g2 = grid("g1"), grid("g2")
    incident = Incident(grid_id=g1.id, company_id=company_a.id, month=date(2026, 10, 1), fraud_type="alpha",
                        cases=2, loss_yuan=5000)
    case = SupervisionCase(company_id=company_a.id, rule="manual", reason="test", opened_on=TODAY, status="open")
    db.session.add_all([incident, case])
    db.session.flush()

    changed = service.update_company(admin, company_a, CompanyInput("甲厂", g2.id, "acme"))

    assert changed == {"grid": {"old": "g1", "new": "g2"}}
    assert company_a.grid_id == g2.id
    assert incident.grid_id == g1.id  # the grid's history of cases does not change
    assert case.status == "open"  # the case is the company's: the new grid's officers follow it up
    officer_2 = make_staff("officer-2", "grid_officer", grids=[g2])
    assert supervision.find_case(officer_2, case.id) == case
    assert supervision.find_case(staff("officer-1"), case.id) is None
    assert audit_rows("admin.company.update") == [{
        "company_id": company_a.id, "grid": {"old": "g1", "new": "g2"}, "open_cases_moved": 1,
        "incidents_kept_in": "g1"}]


def test_renaming_and_recoding_a_company_records_old_and_new_values(town):
    company_a = db.session.get(Company, town.company_a)
    changed = service.update_company(staff("admin"), company_a, CompanyInput("甲厂新名", company_a.grid_id, "k7m2qx9p"))
    assert changed == {"name": {"old": "甲厂", "new": "甲厂新名"}, "code": {"old": "acme", "new": "k7m2qx9p"}}
    assert accounts.company_by_code("acme") is None  # the old posters stop working: the form warned
    assert accounts.company_by_code("k7m2qx9p") == company_a
    assert service.update_company(staff("admin"), company_a, CompanyInput("甲厂新名", company_a.grid_id,
                                                                          "k7m2qx9p")) == {}


def test_deactivating_a_company_stops_sign_in_closes_its_cases_and_keeps_its_people(town):
    admin = staff("admin")
    company_a = db.session.get(Company, town.company_a)
    case = SupervisionCase(company_id=company_a.id, rule="manual", reason="test", opened_on=TODAY, status="open")
    db.session.add(case)
    db.session.flush()

    assert service.set_company_active(admin, company_a, False, TODAY, CLOSED) is True

    assert accounts.company_by_code("acme") is None
    assert (case.status, case.closed_on, case.closed_by) == ("closed", TODAY, admin.id)
    assert case.close_reason == CLOSED
    assert staff("staff-a").company_id == company_a.id  # staff accounts are not deleted
    assert db.session.scalar(select(Employee.id).where(Employee.company_id == company_a.id)) is not None
    assert audit_rows("admin.company.deactivate") == [{
        "company_id": company_a.id, "code": "acme", "active": {"old": True, "new": False},
        "cases_closed": [case.id]}]
    assert service.set_company_active(admin, company_a, False, TODAY, CLOSED) is False

    assert service.set_company_active(admin, company_a, True, TODAY, CLOSED) is True
    assert accounts.company_by_code("acme") == company_a
    assert case.status == "closed"


def test_a_company_in_an_inactive_grid_is_not_reactivated(town, english):
    admin = staff("admin")
    company_a = db.session.get(Company, town.company_a)
    service.set_company_active(admin, company_a, False, TODAY, CLOSED)
    service.set_grid_active(admin, grid("g1"), False)
    with pytest.raises(Conflict) as refused:
        service.set_company_active(admin, company_a, True, TODAY, CLOSED)
    assert refused.value.code == "organisation.company_grid_inactive"
    assert "which is inactive" in say(refused.value, MESSAGES)
    assert not company_a.active


def test_company_facts(town):
    company_a = db.session.get(Company, town.company_a)
    facts = service.company_facts(company_a, TODAY)
    assert (facts.active_workers, facts.staff_accounts, facts.open_cases, facts.incidents) == (2, 1, 0, 0)


# --- the company list ---------------------------------------------------------------------------

def test_search_filters_and_counts_active_workers(town):
    g1, g2 = grid("g1"), grid("g2")
    company_a = db.session.get(Company, town.company_a)
    make_employee(company_a, "A003", "离职工", active=False)
    later = make_employee(company_a, "A004", "新员工")
    later.active_from = TODAY + timedelta(days=1)
    gone = make_company(g2, "gone-co1", "已关厂")
    gone.active = False
    make_company(g1, "pct-co01", "百分_%厂")

    def names(**query) -> set[str]:
        # A set: the database's collation decides how Chinese names sort.
        return {row.name for row in service.search_companies(staff("admin"), CompanyQuery(**query), TODAY).rows}

    assert names() == {"甲厂", "乙厂", "百分_%厂"}
    assert names(status="inactive") == {"已关厂"}
    assert names(status="all") == {"甲厂", "乙厂", "百分_%厂", "已关厂"}
    assert names(q="BOLT") == {"乙厂"}  # by code, case ignored
    assert names(q="甲") == {"甲厂"}
    assert names(q="_%") == {"百分_%厂"}  # wildcards are taken literally
    assert names(q="%") == {"百分_%厂"}
    assert names(grid=g1.id) == {"甲厂", "百分_%厂"}
    row = next(r for r in service.search_companies(staff("admin"), CompanyQuery(q="acme"), TODAY).rows)
    assert (row.code, row.grid_code, row.grid_name, row.active, row.active_workers) == ("acme", "g1", "网格一", True, 2)


def test_the_list_of_a_town_sized_table_takes_three_queries_a_page(town, app):
    """3,000 companies and 60,000 workers: a page is a count, the page and one GROUP BY."""
    g1 = grid("g1")
    db.session.execute(insert(Company), [
        {"code": f"bulk{n:05d}", "name": f"批量企业{n:05d}", "grid_id": g1.id} for n in range(3000)])
    ids = db.session.scalars(select(Company.id).where(Company.code.like("bulk%")).order_by(Company.code)).all()
    db.session.execute(insert(Employee), [
        {"company_id": cid, "employee_no": f"E{k}", "name": "工人", "active": True, "created_at": ON_ROSTER_SINCE}
        for cid in ids for k in range(20)])
    db.session.flush()

    statements = []

    def count(*args):
        statements.append(args[2])

    admin = staff("admin")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        listing = service.search_companies(admin, CompanyQuery(q="批量", page=40), TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 3
    assert (listing.total, listing.pages, listing.number) == (3000, 60, 40)
    assert [r.name for r in listing.rows][:2] == ["批量企业01950", "批量企业01951"]
    assert {r.active_workers for r in listing.rows} == {20}
    beyond = service.search_companies(staff("admin"), CompanyQuery(q="批量", page=999), TODAY)
    assert beyond.number == 60 and len(beyond.rows) == 50


def test_a_deactivated_company_keeps_its_past_rows_and_gets_none_for_the_days_it_does_not_count(town):
    """The rollup side of "Companies that leave" (docs/metrics.md): deactivating keeps the rows of
    the days before (today's goes: it is out of today's figures), the nightly rebuild writes no row
    for a day it does not count, and reactivating keeps the days away without rows (an inactive
    company's rows written before migration 0036 go, with the town's rows moving with them)."""
    from quizapp.models import CompanyDay, TownDay
    from quizapp.rollups import towns
    from quizapp.rollups.service import rebuild_company_day

    admin = staff("admin")
    company_a = db.session.get(Company, town.company_a)
    company_a.created_at = datetime(2026, 1, 1)  # in use long before the test's today
    days = [TODAY - timedelta(days=back) for back in range(3, -1, -1)]  # 21st to today, the 24th
    for day in days:
        db.session.add(CompanyDay(company_id=company_a.id, day=day, workday=True, headcount=2, completed=1))
    db.session.flush()
    towns.refresh_days([days[0], days[2]])  # as if written with the row the 23rd had: see below

    def rows() -> list[date]:
        return list(db.session.scalars(select(CompanyDay.day).where(CompanyDay.company_id == company_a.id)
                                       .order_by(CompanyDay.day)))

    def town_heads(day: date) -> int:
        return db.session.scalar(select(TownDay.headcount).where(TownDay.day == day)) or 0

    service.set_company_active(admin, company_a, False, days[1], CLOSED)  # deactivated on the 22nd
    assert company_a.active_until == days[1]
    assert rows() == [days[0], days[2], days[3]]  # the 22nd's row went; the 21st stays as written
    assert (town_heads(days[0]), town_heads(days[2])) == (2, 2)
    # The nights after: no row for a day it does not count (a row written meanwhile goes).
    assert rebuild_company_day(company_a, days[2], TODAY) is None
    assert rows() == [days[0], days[3]]
    assert town_heads(days[2]) == 0
    # Back today: the 22nd to the 23rd were away and stay without a row; the 21st stays.
    service.set_company_active(admin, company_a, True, TODAY, CLOSED)
    assert company_a.active_until is None
    assert audit_rows("admin.company.reactivate")[-1]["days_away"] == {"from": "2026-11-22", "to": "2026-11-23"}
    assert rows() == [days[0], days[3]]
    assert rebuild_company_day(company_a, days[2], TODAY) is None  # a rebuild of a day away writes none
    assert rebuild_company_day(company_a, days[0], TODAY) is not None  # a day it counted is rebuilt


def test_reactivating_a_company_deactivated_before_the_day_was_kept_deletes_none_of_its_rows(town):
    """Deactivated before migration 0036, the day it left is unknown: reactivating guesses no days
    away (every day since its first would delete its rows, the only record of its quizzes once
    retention purged the answers); it comes back with its history, as before 0036."""
    from quizapp.models import CompanyAbsence, CompanyDay, TownDay
    from quizapp.rollups import towns

    admin = staff("admin")
    company_a = db.session.get(Company, town.company_a)
    company_a.active = False  # before migration 0036: no day kept, counted on no day
    company_a.created_at = datetime(2026, 1, 1)
    yesterday = TODAY - timedelta(days=1)
    db.session.add(CompanyDay(company_id=company_a.id, day=yesterday, workday=True, headcount=5, completed=1))
    db.session.flush()
    towns.refresh_days([yesterday])
    assert db.session.scalar(select(TownDay.headcount).where(TownDay.day == yesterday)) == 5
    assert service.away_if_back(company_a, TODAY) is None
    service.set_company_active(admin, company_a, True, TODAY, CLOSED)
    assert db.session.scalars(select(CompanyAbsence).where(CompanyAbsence.company_id == company_a.id)).all() == []
    assert db.session.scalar(select(CompanyDay.day).where(CompanyDay.company_id == company_a.id)) == yesterday
    assert "days_away" not in audit_rows("admin.company.reactivate")[-1]
    assert db.session.scalar(select(TownDay.headcount).where(TownDay.day == yesterday)) == 5  # its row is kept


def test_rebuilding_a_day_of_a_company_deactivated_before_the_day_was_kept_leaves_its_row(town):
    """`quizapp rollup --date D` rebuilds every company's D: a company deactivated before migration
    0036 (the day it left unknown) is not known not to count on D, and its row of D (the only record
    of its quizzes once retention purged the answers) stays as written, the town's row with it."""
    from quizapp.models import CompanyDay, CompanyTopicDay, Topic, TownDay
    from quizapp.rollups import towns
    from quizapp.rollups.service import rebuild_company_day

    company_a = db.session.get(Company, town.company_a)
    company_a.active = False  # before migration 0036: no day kept
    company_a.created_at = datetime(2026, 1, 1)
    day = TODAY - timedelta(days=2)
    topic_id = db.session.scalar(select(Topic.id).limit(1))
    db.session.add(CompanyDay(company_id=company_a.id, day=day, workday=True, headcount=5, completed=3,
                              score_sum=12, question_sum=15, topics_built=True))
    assert topic_id is not None
    db.session.add(CompanyTopicDay(company_id=company_a.id, day=day, topic_id=topic_id, answered=4, correct=3))
    db.session.flush()
    towns.refresh_days([day])
    assert rebuild_company_day(company_a, day, TODAY) is None
    db.session.expire_all()
    row = db.session.get(CompanyDay, (company_a.id, day))
    assert row is not None
    assert (row.headcount, row.completed, row.score_sum, row.question_sum) == (5, 3, 12, 15)
    topics = db.session.scalars(select(CompanyTopicDay.answered).where(CompanyTopicDay.company_id == company_a.id))
    assert list(topics) == [4]
    assert db.session.scalar(select(TownDay.headcount).where(TownDay.day == day)) == 5

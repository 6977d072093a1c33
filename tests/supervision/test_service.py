"""Flagging companies, cases and follow-ups, the rules' settings and the ledger, scoped to grids."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.incidents.figures import quiet_grids
from quizapp.models import AuditLog, CompanyDay, Grid, Incident, StaffUser, SupervisionCase, TownSetting
from quizapp.rules.errors import Conflict, Forbidden, Invalid
from quizapp.rules.vocab import CaseStatus
from quizapp.supervision import service, sheets
from quizapp.supervision.rules import Rules
from quizapp.supervision.wording import town_reasons
from tests.factories import first_town, make_company, make_grid, make_incident, make_staff

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime.combine(TODAY, time(12))  # the moment read: 20:00 in the town
SUMMONS = ("张厂长", "厂长", "派出所会议室")  # who was summoned to a 约谈 (name, role) and where
LOW_WEEK = [date(2026, 11, d) for d in (18, 19, 20, 21, 23)]  # the last five workdays (Mon-Sat) before it


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def officer_2() -> StaffUser:
    return make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])


def rollup(company_id: int, days, completed: int, headcount: int = 10, right: int = 0, answered: int = 0) -> None:
    for d in days:
        db.session.merge(CompanyDay(company_id=company_id, day=d, workday=d.isoweekday() != 7, headcount=headcount,
                                    completed=completed, common_correct=right, common_answered=answered))
    db.session.flush()


def flag(day: date):
    """The nightly check, with reasons in the town's language as the command writes them (run at
    noon UTC of `day`: 20:00 in the town)."""
    return service.flag_companies(day, datetime.combine(day, time(12)), town_reasons())


def cases(company_id: int | None = None) -> list[SupervisionCase]:
    query = select(SupervisionCase).order_by(SupervisionCase.id)
    if company_id:
        query = query.where(SupervisionCase.company_id == company_id)
    return list(db.session.scalars(query))


def test_low_participation_on_five_workdays_opens_a_case_once(town):
    rollup(town.company_a, LOW_WEEK, completed=4)
    rollup(town.company_b, LOW_WEEK, completed=7)
    opened = flag(TODAY)
    assert [(c.company_id, c.rule, c.status, c.opened_on) for c in opened] == [
        (town.company_a, "participation", "open", TODAY)]
    assert "2026-11-18" in opened[0].reason and "40%" in opened[0].reason and "60%" in opened[0].reason
    # The next check finds the same evidence but the case is open already.
    assert flag(TODAY + timedelta(days=1)) == []
    assert len(cases()) == 1


def test_a_closed_case_is_not_reopened_on_the_evidence_it_was_closed_on(town):
    rollup(town.company_a, LOW_WEEK, completed=4)
    (case,) = flag(TODAY)
    service.add_follow_up(staff("officer-1"), case, "visit", TODAY, "HR", "", "", TODAY)
    service.close_case(staff("officer-1"), case, "Talked to the manager", TODAY)
    assert flag(TODAY + timedelta(days=1)) == []
    # Five more low workdays after the close: the problem is back.
    later = [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 30)]
    rollup(town.company_a, later, completed=1)
    assert [c.rule for c in flag(date(2026, 12, 1))] == ["participation"]


def test_falling_knowledge_opens_a_case(town):
    rollup(town.company_a, [TODAY - timedelta(days=45)], completed=10, right=40, answered=50)
    rollup(town.company_a, [TODAY - timedelta(days=10)], completed=10, right=20, answered=50)
    (case,) = flag(TODAY)
    assert case.rule == "knowledge" and "40%" in case.reason and "80%" in case.reason


def test_rising_incidents_open_a_case_but_whole_grid_records_do_not_count(town):
    g1 = db.session.scalar(select(Grid).where(Grid.code == "g1")).id
    db.session.add_all([
        Incident(grid_id=g1, company_id=town.company_a, month=date(2026, 10, 1), fraud_type="alpha", cases=2),
        Incident(grid_id=g1, company_id=town.company_a, month=date(2025, 10, 1), fraud_type="alpha", cases=1),
        Incident(grid_id=g1, company_id=None, month=date(2026, 11, 1), fraud_type="alpha", cases=9),
    ])
    (case,) = flag(TODAY)
    assert (case.company_id, case.rule) == (town.company_a, "incidents")
    assert "2026-09" in case.reason and "2025-11" in case.reason


def test_the_rules_come_from_the_town_setting(town):
    rollup(town.company_a, LOW_WEEK, completed=4)
    db.session.add(TownSetting(town_id=first_town().id, key="supervision_rules", value={"participation_target": 0.3}))
    db.session.flush()
    assert service.load_rules(first_town().id).participation_target == 0.3
    assert flag(TODAY) == []


def test_only_the_town_admin_changes_the_rules(town):
    with pytest.raises(Forbidden, match="supervision.rules_admin_only"):
        service.save_rules(staff("officer-1"), Rules(participation_target=0.9))
    saved = service.save_rules(staff("admin"), Rules(participation_target=0.9, incident_min_cases=4))
    assert saved.participation_target == 0.9 and service.load_rules(first_town().id).incident_min_cases == 4
    assert db.session.get(TownSetting, (first_town().id, "supervision_rules")).value["participation_target"] == 0.9
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.actor_id == staff("admin").id)) == \
        "supervision_rules"


def test_an_officer_adds_a_company_of_their_grid_by_hand_once(town):
    officer = staff("officer-1")
    case = service.open_case(officer, town.company_a, "  Complaints from workers  ", TODAY)
    assert (case.rule, case.reason, case.status) == ("manual", "Complaints from workers", "open")
    with pytest.raises(Conflict, match="supervision.manual_case_open"):
        service.open_case(officer, town.company_a, "again", TODAY)
    with pytest.raises(Forbidden, match="supervision.not_your_company"):
        service.open_case(officer, town.company_b, "not mine", TODAY)


def test_follow_ups_are_logged_on_open_cases_only_and_never_in_the_future(town):
    officer = staff("officer-1")
    case = service.open_case(officer, town.company_a, "reason", TODAY)
    with pytest.raises(Invalid, match="supervision.close_needs_follow_up"):
        service.close_case(officer, case, "nothing done yet", TODAY)
    follow_up = service.add_follow_up(officer, case, "yuetan", TODAY, " Factory manager ", "notes", "promised", TODAY,
                                      SUMMONS)
    assert (follow_up.kind, follow_up.who, follow_up.created_by) == ("yuetan", "Factory manager", officer.id)
    with pytest.raises(Invalid, match="supervision.future_follow_up"):
        service.add_follow_up(officer, case, "visit", TODAY + timedelta(days=1), "x", "", "", TODAY)
    with pytest.raises(Invalid, match="supervision.unknown_kind"):
        service.add_follow_up(officer, case, "phone", TODAY, "x", "", "", TODAY)
    with pytest.raises(Invalid, match="supervision.close_reason_needed"):
        service.close_case(officer, case, "   ", TODAY)
    service.close_case(officer, case, "Participation back above target", TODAY)
    assert (case.status, case.closed_on, case.closed_by) == ("closed", TODAY, officer.id)
    with pytest.raises(Conflict, match="supervision.case_closed"):
        service.add_follow_up(officer, case, "visit", TODAY, "x", "", "", TODAY)


def test_officers_see_the_cases_of_their_grids_only(town, english):
    case = service.open_case(staff("officer-1"), town.company_a, "reason", TODAY)
    other = officer_2()
    assert service.find_case(other, case.id) is None
    assert service.list_cases(other, CaseStatus.OPEN, TODAY) == []
    assert service.find_case(staff("admin"), case.id) is case
    assert [v.case for v in service.list_cases(staff("officer-1"), CaseStatus.OPEN, TODAY)] == [case]
    assert service.list_cases(staff("officer-1"), CaseStatus.CLOSED, TODAY) == []


def test_a_case_shows_participation_around_each_follow_up(town, english):
    officer = staff("officer-1")
    case = service.open_case(officer, town.company_a, "reason", TODAY)
    on = date(2026, 11, 10)
    rollup(town.company_a, [on - timedelta(days=n) for n in range(1, 15)], completed=3)
    rollup(town.company_a, [on + timedelta(days=n) for n in range(14)], completed=9)
    service.add_follow_up(officer, case, "visit", on, "HR", "", "", TODAY)
    service.add_follow_up(officer, case, "talk", TODAY, "HR", "", "", TODAY)
    view = service.case_view(case, TODAY)
    assert [f.follow_up.kind for f in view.follow_ups] == ["talk", "visit"]  # newest first
    visit = view.follow_ups[1].effect
    assert visit.participation_before == pytest.approx(0.3) and visit.participation_after == pytest.approx(0.9)
    assert view.latest.effect.days_to_come == 14 and view.company.name == "甲厂" and view.grid.code == "g1"


def test_the_ledger_lists_cases_with_their_follow_ups_and_is_audited(town, english):
    officer = staff("officer-1")
    first = service.open_case(officer, town.company_a, "first reason", TODAY - timedelta(days=20))
    service.add_follow_up(officer, first, "yuetan", TODAY - timedelta(days=15), "Boss", "n1", "o1", TODAY, SUMMONS)
    service.add_follow_up(officer, first, "visit", TODAY - timedelta(days=5), "HR", "n2", "o2", TODAY)
    service.close_case(officer, first, "fixed", TODAY)
    service.open_case(officer, town.company_a, "second reason", TODAY)
    db.session.add(SupervisionCase(company_id=town.company_b, rule="manual", reason="B's case", opened_on=TODAY))
    db.session.flush()
    data, name = sheets.ledger(service.export_ledger(officer, None, "csv", TODAY), "csv", TODAY)
    assert data.startswith(b"\xef\xbb\xbf") and name == "supervision-ledger-2026-11-24.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Case", "Grid", "Company code"]
    assert [(r[3], r[5], r[7], r[14]) for r in rows[1:]] == [
        ("甲厂", "first reason", "closed", "Formal talk (约谈)"), ("甲厂", "first reason", "closed", "Visit"),
        ("甲厂", "second reason", "open", "")]
    # Owner and deadline; a 约谈's summoned person and place.
    assert rows[1][10] == officer.display_name and rows[1][16:18] == ["张厂长 · 厂长", "派出所会议室"]
    assert "B's case" not in data.decode("utf-8-sig")
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "export_ledger"))
    assert log.actor_id == officer.id and '"status": "all"' in log.detail
    xlsx, _ = sheets.ledger(service.export_ledger(officer, CaseStatus.CLOSED, "xlsx", TODAY), "xlsx", TODAY)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.max_row == 3 and sheet["E2"].value == "Added by an officer"


def test_listed_cases_carry_their_grid_s_months_without_a_case_in_one_read(town, statements_of):
    """Each listed case's grid carries the incidents page's figure (incidents.figures.quiet_grids),
    read once for the list: as many statements for twelve grids' cases as for two."""
    admin = staff("admin")
    g1 = db.session.scalar(select(Grid).where(Grid.code == "g1"))
    make_incident(g1.id, date(2026, 9, 1), cases=1, company_id=town.company_a)
    for company_id in (town.company_a, town.company_b):
        db.session.add(SupervisionCase(company_id=company_id, rule="manual", reason="r", opened_on=TODAY))
    db.session.flush()
    views, before = statements_of(lambda: service.list_cases(admin, CaseStatus.OPEN, TODAY))
    assert {v.company.code: (v.quiet.months, v.quiet.zero_months) for v in views} == {
        "acme": (2, 1), "bolt": (None, None)}
    assert views[0].quiet == quiet_grids(admin, TODAY, TODAY)[views[0].grid.id]
    for n in range(10):
        grid = make_grid(f"x{n}", f"新网格{n}")
        company = make_company(grid, f"x{n}co", f"新厂{n}")
        make_incident(grid.id, date(2026, 1 + n, 1), company_id=company.id)
        db.session.add(SupervisionCase(company_id=company.id, rule="manual", reason="r", opened_on=TODAY))
    db.session.flush()
    views, after = statements_of(lambda: service.list_cases(admin, CaseStatus.OPEN, TODAY))
    assert after == before and len(views) == 12
    assert {v.company.code: v.quiet.months for v in views if v.company.code.startswith("x")} == {
        f"x{n}co": 10 - n for n in range(10)}
    assert service.case_view(views[0].case, TODAY).quiet is None  # the case page does not show it


def test_the_supervise_command_runs_the_rules(runner):
    result = runner.invoke(args=["supervise", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "case(s) opened" in result.output


def test_a_case_has_an_owner_a_deadline_and_a_history_and_is_audited(town):
    officer, admin = staff("officer-1"), staff("admin")
    case = service.open_case(officer, town.company_a, "by hand", TODAY)
    assert (case.owner_id, case.deadline) == (officer.id, TODAY + timedelta(days=30))
    # Owners: the officers of the company's grid and the town admin; officer-2 (grid g2) is not one.
    other = officer_2()
    assert {u.username for u in service.owner_choices(case)} == {"officer-1", "admin"}
    with pytest.raises(Invalid, match="supervision.not_an_owner"):
        service.assign_case(officer, case, other.id, TODAY + timedelta(days=7), TODAY)
    with pytest.raises(Invalid, match="supervision.deadline_past"):
        service.assign_case(officer, case, admin.id, TODAY - timedelta(days=1), TODAY)
    with pytest.raises(Invalid, match="supervision.deadline_far"):
        service.assign_case(officer, case, admin.id, TODAY + timedelta(days=400), TODAY)
    service.assign_case(officer, case, admin.id, TODAY + timedelta(days=7), TODAY)
    assert (case.owner_id, case.deadline) == (admin.id, TODAY + timedelta(days=7))
    service.add_follow_up(officer, case, "yuetan", TODAY, "Boss", "", "", TODAY, SUMMONS)
    service.close_case(officer, case, "Reminders on every shift now", TODAY)
    with pytest.raises(Invalid, match="supervision.reopen_reason_needed"):
        service.reopen_case(admin, case, " ", TODAY)
    service.reopen_case(admin, case, "Participation fell again", TODAY + timedelta(days=10))
    assert (case.status, case.closed_on, case.close_reason) == ("open", None, None)
    assert case.deadline == TODAY + timedelta(days=40)  # the passed deadline became the default one
    steps = service.history(case)
    assert [(s.kind, s.actor) for s in steps] == [
        ("opened", officer.display_name), ("assigned", officer.display_name), ("follow_up", officer.display_name),
        ("closed", officer.display_name), ("reopened", admin.display_name)]
    assert admin.display_name in steps[1].detail and "Participation fell again" == steps[-1].detail
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert [a for a in actions if a.startswith("supervision.case")] == [
        "supervision.case.open", "supervision.case.assign", "supervision.case.close", "supervision.case.reopen"]


def test_a_formal_talk_records_who_was_summoned_and_where(town):
    officer = staff("officer-1")
    case = service.open_case(officer, town.company_a, "by hand", TODAY)
    with pytest.raises(Invalid) as refused:
        service.add_follow_up(officer, case, "yuetan", TODAY, "Boss", "", "", TODAY)
    assert {(p.code, p.field) for p in refused.value.problems} == {
        ("supervision.summons_needed", "summoned_name"), ("supervision.summons_needed", "summoned_role"),
        ("supervision.summons_needed", "place")}
    with pytest.raises(Invalid, match="supervision.too_long"):
        service.add_follow_up(officer, case, "yuetan", TODAY, "Boss", "", "", TODAY, ("张" * 101, "厂长", "会议室"))
    talk = service.add_follow_up(officer, case, "yuetan", TODAY, "Boss", "", "", TODAY, (" 张厂长 ", "厂长", "会议室"))
    assert (talk.summoned_name, talk.summoned_role, talk.place) == ("张厂长", "厂长", "会议室")
    visit = service.add_follow_up(officer, case, "visit", TODAY, "HR", "", "", TODAY, ("ignored", "x", "y"))
    assert (visit.summoned_name, visit.place) == (None, None)  # only a 约谈 records a summons


def test_the_year_s_counts_and_overdue_cases_by_grid(town):
    officer, admin = staff("officer-1"), staff("admin")
    late = service.open_case(officer, town.company_a, "late", date(2026, 9, 1))  # deadline 2026-10-01
    service.add_follow_up(officer, late, "yuetan", date(2026, 9, 3), "Boss", "", "", TODAY, SUMMONS)
    service.add_follow_up(officer, late, "yuetan", date(2025, 12, 3), "Boss", "", "", TODAY, SUMMONS)  # last year
    b = service.open_case(admin, town.company_b, "b", TODAY)
    service.add_follow_up(admin, b, "visit", TODAY, "HR", "", "", TODAY)
    service.close_case(admin, b, "done", TODAY)
    counts = {g.code: n for g, n in service.year_counts(admin, 2026, TODAY)}
    assert (counts["g1"].summons, counts["g1"].opened, counts["g1"].closed, counts["g1"].overdue) == (1, 1, 0, 1)
    assert (counts["g2"].summons, counts["g2"].opened, counts["g2"].closed, counts["g2"].overdue) == (0, 1, 1, 0)
    assert [g.code for g, _n in service.year_counts(officer, 2026, TODAY)] == ["g1"]  # their grids only
    grids = {g.code: g.id for g in db.session.scalars(select(Grid))}
    assert service.overdue_cases(list(grids.values()), TODAY) == {grids["g1"]: 1}
    assert service.overdue_cases(list(grids.values()), date(2026, 10, 1)) == {}  # the deadline day is in time
    (view,) = service.list_cases(officer, CaseStatus.OPEN, TODAY)
    assert view.overdue and view.owner is not None and view.owner.username == "officer-1"


def test_the_preview_is_what_the_check_opens_and_writes_nothing(town):
    rollup(town.company_a, LOW_WEEK, completed=4)  # 40%: under the 60% line
    rollup(town.company_b, LOW_WEEK, completed=6)  # 60%: not under 60%, under 70%
    admin = staff("admin")
    current = service.preview_flags(admin, TODAY, NOW)
    assert [(c.id, f.rule) for c, f in current.flagged] == [(town.company_a, "participation")]
    assert current.by_change == set()
    higher = service.preview_flags(admin, TODAY, NOW, Rules(participation_target=0.7))
    assert [(c.id, f.rule) for c, f in higher.flagged] == [(town.company_a, "participation"),
                                                           (town.company_b, "participation")]
    assert higher.by_change == {(town.company_b, "participation")}  # only because of the new line
    assert cases() == [] and db.session.scalar(select(AuditLog.id)) is None  # nothing written
    with pytest.raises(Forbidden):
        service.preview_flags(staff("officer-1"), TODAY, NOW)
    assert [(c.company_id, c.rule) for c in flag(TODAY)] == [(f_company.id, f.rule) for f_company, f in current.flagged]
    assert service.preview_flags(admin, TODAY, NOW).flagged == []  # open cases are not flagged again

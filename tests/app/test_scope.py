"""quizapp/scope.py: every tenant filter in one place. What each account sees (the staff member's
company, an officer's grids and companies, the town admin's whole town, incidents), which workers
count on a day, and a check over the source that no feature writes one of these filters itself."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import Company, Employee, Grid, Incident, StaffUser
from quizapp.rules.errors import NotFound
from tests.factories import make_company, make_employee, make_grid, make_staff, make_town_row

TODAY = date(2026, 11, 24)
PACKAGE = Path(scope.__file__).parent


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def names(query) -> list[str]:
    return [row.name for row in db.session.scalars(query)]


# --- what each account sees -----------------------------------------------------------------------

@pytest.mark.usefixtures("ctx")
def test_each_role_sees_its_companies_and_grids(town):
    make_company(db.session.scalar(select(Grid).where(Grid.code == "g1")), "gone", "停业厂").active = False
    make_grid("g9", "旧网格").active = False
    assert names(scope.visible_companies(staff("staff-a"))) == ["甲厂"]
    assert names(scope.visible_companies(staff("officer-1"))) == ["甲厂"]  # g1 only; inactive companies never
    assert set(names(scope.visible_companies(staff("admin")))) == {"甲厂", "乙厂"}
    assert names(scope.visible_grids(staff("staff-a"))) == []
    assert names(scope.visible_grids(staff("officer-1"))) == ["网格一"]
    assert names(scope.visible_grids(staff("admin"))) == ["网格一", "网格二"]
    assert names(scope.visible_grids(staff("admin"), include_inactive=True)) == ["网格一", "网格二", "旧网格"]
    ids = set(db.session.scalars(scope.visible_company_ids(staff("officer-1"))))
    assert ids == {town.company_a}


@pytest.mark.usefixtures("ctx")
def test_supervision_cases_are_read_for_the_companies_of_one_s_grids_active_or_not(town):
    g1 = db.session.scalar(select(Grid).where(Grid.code == "g1"))
    gone = make_company(g1, "gone", "停业厂")
    gone.active = False
    old_grid = make_grid("g9", "旧网格")
    old = make_company(old_grid, "old", "旧厂")
    old.active, old_grid.active = False, False
    hj = make_town_row("hj", "黄江镇")
    other = make_company(make_grid("h1", "黄江网格", town=hj), "hj-co", "黄江厂")
    make_staff("admin-hj", "town_admin", town=hj)

    def seen(username):
        return set(db.session.scalars(scope.supervised_company_ids(staff(username))))

    assert seen("officer-1") == {town.company_a, gone.id}  # g1's, the deactivated one too
    assert seen("admin") == {town.company_a, town.company_b, gone.id, old.id}  # never another town's
    assert seen("admin-hj") == {other.id}
    assert seen("staff-a") == set()


@pytest.mark.usefixtures("ctx")
def test_the_staff_member_s_company_is_their_own_and_no_one_else_has_one(town):
    assert scope.own_company_id(staff("staff-b")) == town.company_b
    assert scope.own_company(staff("staff-a")).id == town.company_a
    for username in ("officer-1", "admin"):
        with pytest.raises(NotFound):
            scope.own_company_id(staff(username))


@pytest.mark.usefixtures("ctx")
def test_incidents_follow_the_grid_they_were_recorded_in(town):
    a = db.session.get(Company, town.company_a)
    g1, g2 = a.grid_id, db.session.get(Company, town.company_b).grid_id
    for grid_id, company_id, kind in ((g1, a.id, "of_a"), (g1, None, "grid1"), (g2, None, "grid2")):
        db.session.add(Incident(grid_id=grid_id, company_id=company_id, month=TODAY.replace(day=1),
                                fraud_type=kind, cases=1, loss_yuan=0))
    db.session.flush()
    a.grid_id = g2  # company A moves to the other grid: its past record stays with grid 1

    def seen(username):
        return set(db.session.scalars(select(Incident.fraud_type).where(scope.visible_incidents(staff(username)))))

    assert seen("officer-1") == {"of_a", "grid1"}
    assert seen("admin") == {"of_a", "grid1", "grid2"}
    assert seen("staff-a") == {"of_a"}


@pytest.mark.usefixtures("ctx")
def test_a_town_admin_sees_their_own_town_only_and_the_city_admin_no_grid_at_all(town):
    other = make_town_row("hm", "虎门镇")
    hm_grid = make_grid("g1", "虎门网格一", town=other)  # the first town's grid code too: codes are per town
    hm_company = make_company(hm_grid, "hm-co", "虎门厂")
    hm_admin = make_staff("admin-hm", "town_admin", town=other)
    city = make_staff("city", "city_admin")
    db.session.add_all([Incident(grid_id=hm_grid.id, company_id=hm_company.id, month=TODAY.replace(day=1),
                                 fraud_type="hm", cases=1, loss_yuan=0),
                        Incident(grid_id=db.session.get(Company, town.company_a).grid_id, company_id=town.company_a,
                                 month=TODAY.replace(day=1), fraud_type="dls", cases=1, loss_yuan=0)])
    db.session.flush()

    def incidents(account):
        return set(db.session.scalars(select(Incident.fraud_type).where(scope.visible_incidents(account))))

    assert set(names(scope.visible_companies(staff("admin")))) == {"甲厂", "乙厂"}
    assert names(scope.visible_companies(hm_admin)) == ["虎门厂"]
    assert names(scope.visible_grids(hm_admin)) == ["虎门网格一"]
    assert incidents(staff("admin")) == {"dls"} and incidents(hm_admin) == {"hm"} and incidents(city) == set()
    assert names(scope.visible_grids(city)) == [] and names(scope.visible_companies(city)) == []
    assert names(scope.towns_of(city)) == ["大岭山镇", "虎门镇"] and names(scope.towns_of(hm_admin)) == ["虎门镇"]
    assert scope.own_town_id(hm_admin) == other.id and scope.town_of(city) is None
    with pytest.raises(NotFound):
        scope.own_town_id(city)
    # An officer's and company staff's scopes are their grids and company, inside their town.
    assert names(scope.visible_companies(staff("officer-1"))) == ["甲厂"]
    assert scope.sees_whole_town(staff("admin")) and not scope.sees_whole_town(city) and scope.sees_city(city)


@pytest.mark.usefixtures("ctx")
def test_active_on_a_day_counts_from_the_start_date_through_the_leaving_date(town):
    a = db.session.get(Company, town.company_a)
    make_employee(a, "A010", "明天来").active_from = TODAY + timedelta(days=1)
    left_today = make_employee(a, "A011", "今天走")
    left_today.active_until = TODAY
    left_before = make_employee(a, "A012", "昨天走")
    left_before.active, left_before.active_until = False, TODAY - timedelta(days=1)
    make_employee(a, "A013", "今天来").active_from = TODAY
    db.session.flush()

    def count(*where):
        return set(db.session.scalars(select(Employee.name).where(Employee.company_id == a.id, *where)))

    base = {"王小明", "张新来"}
    assert count(*scope.active_on(TODAY)) == base | {"今天走", "今天来"}
    assert count(*scope.active_on(TODAY + timedelta(days=1))) == base | {"明天来", "今天来"}
    assert count(*scope.on_roster_from(TODAY)) == base | {"今天走", "今天来", "明天来"}
    assert count(*scope.left_before(TODAY)) == {"昨天走"}
    assert count(*scope.left_before(TODAY - timedelta(days=1))) == set()
    # Deactivated yesterday (the day recorded as active_until): they counted through the day before,
    # and still do when that day is read or rebuilt later (metrics.counted_until).
    two_days_ago = TODAY - timedelta(days=2)
    assert "昨天走" in count(*scope.active_on(two_days_ago))
    assert "昨天走" not in count(*scope.active_on(TODAY - timedelta(days=1)))
    never = make_employee(a, "A014", "早已停用")
    never.active = False  # deactivated before the day was recorded: no day
    db.session.flush()
    assert "早已停用" not in count(*scope.active_on(two_days_ago))


@pytest.mark.usefixtures("ctx")
def test_active_on_leaves_out_the_days_a_worker_was_away_as_metrics_counted_on_does(town):
    """Workers deactivated and brought back through the roster service on past days (by hand, with
    a leaving date, twice, the same day): on every day around, the SQL rule counts exactly the
    workers the pure rule does, with their absences."""
    from quizapp.models import EmployeeAbsence
    from quizapp.roster import service as roster
    from quizapp.rules import metrics

    a = db.session.get(Company, town.company_a)
    actor = staff("staff-a")
    day = TODAY - timedelta(days=40)
    histories = {
        "离开又回来": [(False, 10), (True, 25)],
        "两次回来": [(False, 5), (True, 8), (False, 15), (True, 30)],
        "当天回来": [(False, 20), (True, 20)],
        "离职日已过": [(True, 18)],  # a leaving date 12 days in, cleared on day 18
        "离职后停用": [(False, 22)],  # the same leaving date, then deactivated on day 22
        "回来后又停用": [(False, 3), (True, 12), (False, 33)],
    }
    workers = {}
    for n, (name, events) in enumerate(histories.items()):
        worker = make_employee(a, f"H{n:03d}", name)
        if name in ("离职日已过", "离职后停用"):
            worker.active_until = day + timedelta(days=12)
        for active, offset in events:
            roster.set_active(actor, worker, active, day + timedelta(days=offset))
        workers[name] = worker
    db.session.flush()
    # One absence per return from days away: a return the same day, or a deactivation, adds none.
    assert len(db.session.scalars(select(EmployeeAbsence.id)).all()) == 5
    zone_day = {w.id: metrics.counted_from(w.active_from, w.created_at.date()) for w in workers.values()}
    for offset in range(-2, 45):
        on = day + timedelta(days=offset)
        by_sql = set(db.session.scalars(select(Employee.name).where(
            Employee.id.in_([w.id for w in workers.values()]), *scope.active_on(on))))
        by_rule = {w.name for w in workers.values() if metrics.counted_on(
            on, zone_day[w.id], metrics.counted_until(w.active, w.active_until),
            [metrics.Span(x.first, x.last) for x in roster.absences(w)])}
        assert by_sql == by_rule, on
    # A day in a gap is left out; the days around it are not.
    back = workers["离开又回来"]
    assert [d.isoformat() for d in (roster.absences(back)[0].first, roster.absences(back)[0].last)] == [
        (day + timedelta(days=10)).isoformat(), (day + timedelta(days=24)).isoformat()]
    counted = select(Employee.id).where(Employee.id == back.id)
    assert db.session.scalar(counted.where(*scope.active_on(day + timedelta(days=9)))) == back.id
    assert db.session.scalar(counted.where(*scope.active_on(day + timedelta(days=10)))) is None
    assert db.session.scalar(counted.where(*scope.active_on(day + timedelta(days=25)))) == back.id


# --- no feature writes a tenant filter of its own -------------------------------------------------

@pytest.mark.usefixtures("ctx")
def test_a_deactivated_company_counts_through_the_day_before_and_not_on_its_days_away(town):
    """scope.company_counted_on / companies_counted_between, the rule every period reader uses
    (docs/metrics.md, "Companies that leave"), on companies deactivated and brought back through the
    admin's service: mid-period, the same day, before the day was kept."""
    from quizapp.organisation import service as organisation
    from quizapp.rules.metrics import Span

    grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
    admin = staff("admin")
    day = date(2026, 11, 10)  # a Tuesday: its week is 9-15 November

    def company(code: str) -> Company:
        found = make_company(grid, code, code)
        found.created_at = datetime(2026, 1, 1)
        db.session.flush()
        return found

    left = company("left")  # deactivated on the 12th
    organisation.set_company_active(admin, left, False, day + timedelta(days=2), "closed")
    back = company("back")  # deactivated on the 3rd, back on the 20th: away 3-19 November
    organisation.set_company_active(admin, back, False, date(2026, 11, 3), "closed")
    organisation.set_company_active(admin, back, True, date(2026, 11, 20), "closed")
    blink = company("blink")  # deactivated and back on the 12th: never away
    organisation.set_company_active(admin, blink, False, day + timedelta(days=2), "closed")
    organisation.set_company_active(admin, blink, True, day + timedelta(days=2), "closed")
    again = company("again")  # back on the 20th, deactivated again the same day: as if never back
    organisation.set_company_active(admin, again, False, date(2026, 11, 3), "closed")
    organisation.set_company_active(admin, again, True, date(2026, 11, 20), "closed")
    organisation.set_company_active(admin, again, False, date(2026, 11, 20), "closed")
    unknown = company("unknown")
    unknown.active = False  # deactivated before migration 0036: no day kept
    db.session.flush()
    assert (left.active_until, back.active_until, blink.active_until, again.active_until) == (
        date(2026, 11, 12), None, None, date(2026, 11, 3))

    def on(when: date) -> set[str]:
        return set(db.session.scalars(select(Company.code).where(Company.grid_id == grid.id,
                                                                 *scope.company_counted_on(when))))

    def between(first: date, last: date) -> set[str]:
        return set(db.session.scalars(select(Company.code).where(
            Company.grid_id == grid.id, *scope.companies_counted_between(first, last))))

    always = {"acme", "blink"}
    assert on(date(2026, 11, 2)) == always | {"left", "back", "again"}
    assert on(date(2026, 11, 11)) == always | {"left"}  # the day before its deactivation
    assert on(date(2026, 11, 12)) == always  # the day of it: no longer
    assert on(date(2026, 11, 19)) == always
    assert on(date(2026, 11, 20)) == always | {"back"}  # back that day
    # A period counts a company counting on any of its days: deactivated mid-week, it is in that
    # week (with its days before); away the whole week, it is not.
    assert between(date(2026, 11, 9), date(2026, 11, 15)) == always | {"left"}
    assert between(date(2026, 11, 12), date(2026, 11, 15)) == always
    assert between(date(2026, 11, 16), date(2026, 11, 22)) == always | {"back"}
    assert between(date(2026, 11, 1), date(2026, 11, 30)) == always | {"left", "back", "again"}
    assert between(date(2026, 10, 1), date(2026, 10, 31)) == always | {"left", "back", "again"}
    # The same on plain dates (metrics.counted_until, days_away) for every day of the month.
    rules_days = {"left": (Span(date(2026, 11, 12), date(2026, 12, 31)),),
                  "back": (Span(date(2026, 11, 3), date(2026, 11, 19)),),
                  "again": (Span(date(2026, 11, 3), date(2026, 12, 31)),), "unknown": (Span(date.min, date.max),)}
    for n in range(30):
        when = date(2026, 11, 1) + timedelta(days=n)
        assert on(when) == {code for code in ("acme", "blink", "left", "back", "again", "unknown")
                            if not any(s.contains(when) for s in rules_days.get(code, ()))}, when


@pytest.mark.usefixtures("ctx")
def test_a_company_added_today_is_in_no_past_period_and_in_todays(town):
    """scope.companies_counted_between, as scope.active_on for a worker: a company registered today
    (16:30 UTC the 23rd is 00:30 the 24th in Dongguan) is in no week or month already over (its
    rollup has no day before), and in every period with today in it."""
    grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
    new = make_company(grid, "new", "新厂")
    new.created_at = datetime(2026, 11, 23, 16, 30)  # the 24th, half past midnight local
    late = make_company(grid, "late", "昨晚厂")
    late.created_at = datetime(2026, 11, 23, 15, 30)  # the 23rd, 23:30 local
    db.session.flush()

    def between(first: date, last: date) -> set[str]:
        return set(db.session.scalars(select(Company.code).where(
            Company.grid_id == grid.id, *scope.companies_counted_between(first, last))))

    assert between(date(2026, 11, 16), date(2026, 11, 22)) == {"acme"}  # last week
    assert between(date(2026, 10, 1), date(2026, 10, 31)) == {"acme"}  # last month
    assert between(date(2026, 11, 23), date(2026, 11, 23)) == {"acme", "late"}  # added by the day's end
    assert between(date(2026, 11, 23), TODAY) == {"acme", "late", "new"}  # a period with today in it
    assert between(TODAY, TODAY) == {"acme", "late", "new"}
    assert between(date(2026, 11, 1), date(2026, 11, 30)) == {"acme", "late", "new"}  # this month


ACTOR_NAMES = {"actor", "user", "current_user"}  # how services and views name the signed-in account
ROSTER_DATES = {"active_from", "active_until"}
ABSENCE_DAYS = {"first_day", "last_day"}  # EmployeeAbsence's: the days a worker who came back was away

# (module, function) -> why it may: each is the town admin's managing of accounts and grids, or a
# permission (who may act), not a filter on what an account sees. Each entry must still be needed.
ALLOWED = {
    ("officer_grids", "accounts/service.py", "_filtered"): "the admin's account list, filtered by a grid's officers",
    ("officer_grids", "organisation/service.py", "grid_rows"): "the admin's grid list counts each grid's officers",
    ("account.company_id", "signin/views.py", "company"): "current_user is a worker here, not a staff account",
    ("account.company_id", "quiz/views.py", "_start"): "a worker's own company: whose town's common set they get",
    ("account.role", "supervision/service.py", "save_rules"): "a permission: only the town admin sets the rules",
    ("account.role", "supervision/views.py", "_is_admin"): "a permission: only the town admin sets the rules",
    ("company days", "organisation/service.py", "record_active_changes"):
        "deactivating a company reactivated today finds the absence that reactivation recorded, to undo it",
}


def hand_written_filters(source: str) -> list[tuple[str, str, int]]:
    """(kind, enclosing function, line) for each tenant filter the source writes itself:
    - `officer_grids`: which grids an officer has;
    - reading the signed-in account's company_id, grids or town_id, or comparing its role;
    - comparing Employee.active_from / active_until or EmployeeAbsence.first_day / last_day
      (whether a worker counts on a day);
    - comparing Company.active_until or CompanyAbsence.first_day / last_day (whether a company
      counts on a day or in a period: scope.company_counted_on, companies_counted_between)."""
    found = []

    class Visitor(ast.NodeVisitor):
        function = "<module>"

        def visit_FunctionDef(self, node):
            outer, self.function = self.function, node.name
            self.generic_visit(node)
            self.function = outer

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Name(self, node):
            if node.id == "officer_grids":
                found.append(("officer_grids", self.function, node.lineno))

        def visit_Attribute(self, node):
            account = isinstance(node.value, ast.Name) and node.value.id in ACTOR_NAMES
            if account and node.attr in ("company_id", "grids", "town_id"):
                found.append((f"account.{node.attr}", self.function, node.lineno))
            self.generic_visit(node)

        def visit_Compare(self, node):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and isinstance(side.value, ast.Name):
                    if side.value.id in ACTOR_NAMES and side.attr == "role":
                        found.append(("account.role", self.function, node.lineno))
                    if (side.value.id, side.attr in ROSTER_DATES, side.attr in ABSENCE_DAYS) in (
                            ("Employee", True, False), ("EmployeeAbsence", False, True)):
                        found.append(("roster dates", self.function, node.lineno))
                    if (side.value.id, side.attr in ROSTER_DATES, side.attr in ABSENCE_DAYS) in (
                            ("Company", True, False), ("CompanyAbsence", False, True)):
                        found.append(("company days", self.function, node.lineno))
            self.generic_visit(node)

        def visit_Call(self, node):
            # Employee.active_until.is_(None) and the like
            target = node.func
            if (isinstance(target, ast.Attribute) and target.attr in ("is_", "is_not", "isnot", "between")
                    and isinstance(target.value, ast.Attribute) and target.value.attr in ROSTER_DATES
                    and isinstance(target.value.value, ast.Name) and target.value.value.id == "Employee"):
                found.append(("roster dates", self.function, node.lineno))
            self.generic_visit(node)

    Visitor().visit(ast.parse(source))
    return found


def feature_modules() -> list[Path]:
    """Every module of the package but the scope itself, the guards, the models and migrations."""
    skip = {PACKAGE / "scope.py", PACKAGE / "access.py"}
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p not in skip and p.relative_to(PACKAGE).parts[0] not in ("models", "migrations"))


def test_the_check_finds_filters_written_by_hand():
    source = '''
def mine(actor, day):
    query = select(Company).where(Company.id == actor.company_id)
    grids = select(officer_grids.c.grid_id)
    if actor.role == "town_admin":
        pass
    away = EmployeeAbsence.last_day >= day
    gone = Company.active_until > day
    return or_(Employee.active_until.is_(None), Employee.active_from <= day), user.grids, away, gone
'''
    assert sorted(kind for kind, function, _line in hand_written_filters(source)) == [
        "account.company_id", "account.grids", "account.role", "company days", "officer_grids", "roster dates",
        "roster dates", "roster dates"]
    assert {function for _kind, function, _line in hand_written_filters(source)} == {"mine"}
    # Selecting the dates, or another object's company, is no filter on what the account sees.
    assert hand_written_filters("select(Employee.active_from)\nworker.company_id == 3\n") == []


def test_no_feature_writes_a_tenant_filter_of_its_own():
    modules = feature_modules()
    assert len(modules) > 50 and PACKAGE / "board" / "service.py" in modules
    used, offending = set(), []
    for path in modules:
        where = path.relative_to(PACKAGE).as_posix()
        for kind, function, line in hand_written_filters(path.read_text(encoding="utf-8")):
            if (kind, where, function) in ALLOWED:
                used.add((kind, where, function))
            else:
                offending.append(f"quizapp/{where}:{line} ({function}): {kind}: call quizapp/scope.py instead")
    assert offending == []
    assert used == set(ALLOWED), f"no longer needed: {set(ALLOWED) - used}"


def test_the_scope_module_uses_sqlalchemy_the_models_the_errors_and_the_roles_only():
    tree = ast.parse((PACKAGE / "scope.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    # typing: the Reader protocol, for annotations only; datetime and rules.zones (pure): the end of a
    # local day, by which a worker must have been put on the roster to count on it (active_on).
    assert imported == {"__future__", "typing", "datetime", "sqlalchemy", "quizapp.models", "quizapp.rules.errors",
                        "quizapp.rules.vocab", "quizapp.rules.zones"}

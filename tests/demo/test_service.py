"""The demo city (quizapp/demo/service.py) as `quizapp demo` builds it, once for these tests
(conftest.py): its entry points and accounts work as README says; its first town's history gives
every learning figure something to show, read as an API client reads it (GET /api/v1/learning):
first tries in each of the six months, every bucket of the forgetting curve, probe pairs at every
lag with a learning estimate, and the answer sharing planted in one company flagged; its second
town lags and keeps to itself."""

from datetime import timedelta

from sqlalchemy import func, select

from quizapp.alerts import service as alerts
from quizapp.clock import local_today, utcnow
from quizapp.demo import service as demo
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    Company,
    Employee,
    FollowUp,
    Grid,
    Incident,
    Lead,
    OutreachActivity,
    StaffUser,
    SupervisionCase,
    Town,
)
from quizapp.rules.vocab import OutreachKind
from quizapp.tokens import service as tokens


def test_the_demo_town_gives_every_learning_figure_something_to_show(demo_city):
    app, client = demo_city.app, demo_city.app.test_client()
    with app.app_context():
        admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
        _, secret = tokens.issue_token(admin, "demo", utcnow())
        sharing = db.session.scalars(select(Company.name).where(Company.code == demo.SHARING_COMPANY)).one()
        db.session.commit()
    response = client.get("/api/v1/learning", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    figures = response.get_json()

    # First tries at the common set in every month shown (the probe's baseline reaches back 7 months),
    # for every demo grid in the last two.
    assert len(figures["first_tries"]["total"]) == 6
    assert all(month["answered"] > 0 for month in figures["first_tries"]["total"])
    # (The rest of the town's companies, demo/town.py, add first tries to their own grids from their
    # 13 weeks of rollups.)
    answered = {row["name"]: row for row in figures["first_tries"]["grids"]
                if any(m["answered"] for m in row["months"])}
    assert {name for _, name in demo.GRIDS} <= set(answered)
    assert all(month["answered"] > 0 for _, name in demo.GRIDS for month in answered[name]["months"][-2:])
    # The forgetting curve: answers in every bucket, up to 181 days and more since last seen.
    assert all(point["answered"] > 0 for point in figures["retention"])
    # The probe: workers paired at every lag, and a learning estimate whose interval is above zero
    # (the demo's synthetic gain).
    probe = figures["probe"]
    assert probe["workers_paired"] > 100 and probe["workers_started"] >= probe["workers_paired"]
    assert probe["estimate"] is not None and probe["estimate"]["low"] > 0
    assert [line["lag_days"] for line in probe["by_lag"]] == [30, 90, 180]
    assert all(line["estimate"] is not None and line["estimate"]["units"] >= 20 for line in probe["by_lag"])
    # Answer sharing: the company whose late finishers hear the common answers is flagged, late
    # finishers ahead on the common set and not on personal questions.
    line = next(line for line in figures["sharing"] if line["name"] == sharing)
    assert line["flagged"] and line["gap"]["low"] > 0
    assert line["late_common"]["share"] > line["early_common"]["share"]
    assert abs(line["late_personal"]["share"] - line["early_personal"]["share"]) < line["gap"]["value"]


def test_the_demo_city_has_a_second_smaller_town_that_lags_and_keeps_to_itself(demo_city):
    """The demo's second town (黄江镇): its grids, companies and 13 weeks of quizzes answer by answer
    with their rollups (each day's as the nightly rebuild makes it), its own common-set secret,
    incidents in both years, and its accounts, which see it alone; the first town's see nothing of
    it, and the city admin lists both with counts. And in both towns every comparison has its
    earlier period: no company is short of data on the comparison page."""
    from datetime import timedelta

    from sqlalchemy import func

    from quizapp import scope
    from quizapp.bank.items import is_first_try
    from quizapp.comparison.rules import FULL_FOUR_WEEKS
    from quizapp.dashboard import service as dashboard
    from quizapp.models import (
        Answer,
        Attempt,
        CompanyDay,
        CompanyTopicDay,
        Employee,
        Grid,
        GridBoundary,
        Incident,
        Town,
        TownSetting,
    )
    from quizapp.quiz.rules import selection
    from quizapp.quiz.service import TOWN_SEED_KEY, load_pool
    from quizapp.rollups.service import rebuild_company_day
    from quizapp.rules.vocab import AttemptKind
    from quizapp.towns import service as towns
    from tests.pages import sign_in_staff

    app, client = demo_city.app, demo_city.app.test_client()
    with app.app_context():
        today = local_today()
        # Built as `quizapp demo` without QUIZAPP_TOWN_SEED (tests/demo/conftest.py): each town
        # makes its own secret.
        first, second = db.session.scalars(select(Town).order_by(Town.id)).all()
        assert (second.code, second.name, second.city_id) == (demo.SECOND_TOWN_CODE, demo.SECOND_TOWN_NAME,
                                                              first.city_id)
        in_town = {t.id: select(Company.id).join(Grid, Grid.id == Company.grid_id).where(Grid.town_id == t.id)
                   for t in (first, second)}

        # Its grids (with outlines) and companies, each with a roster and 13 weeks of quizzes.
        assert set(db.session.scalars(select(Grid.code).where(Grid.town_id == second.id))) == {
            code for code, _name in demo.SECOND_GRIDS}
        assert db.session.scalar(select(func.count(GridBoundary.grid_id)).join(Grid, Grid.id == GridBoundary.grid_id)
                                 .where(Grid.town_id == second.id)) == len(demo.SECOND_GRIDS)
        codes = dict(db.session.execute(select(Company.code, Company.id)
                                        .where(Company.id.in_(in_town[second.id]))).all())
        assert set(codes) == {row[0] for row in demo.SECOND_COMPANIES}
        days = db.session.execute(select(Attempt.company_id, func.count(func.distinct(Attempt.local_date)))
                                  .where(Attempt.company_id.in_(codes.values())).group_by(Attempt.company_id)).all()
        assert len(days) == len(codes) and all(n >= 70 for _company, n in days)
        # Begun with the 13 weeks: no quiz before them (no probe baseline).
        assert db.session.scalar(select(func.min(Attempt.local_date)).where(
            Attempt.company_id.in_(codes.values()))) >= today - timedelta(days=demo.HISTORY_DAYS)

        # The rollups are the nightly job's, from real attempts and answers (not invented totals).
        finished = db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.company_id.in_(codes.values()), Attempt.kind == AttemptKind.OFFICIAL,
            Attempt.finished_at.is_not(None)))
        rolled = db.session.execute(select(func.sum(CompanyDay.completed), func.sum(CompanyDay.score_sum),
                                           func.sum(CompanyDay.common_answered))
                                    .where(CompanyDay.company_id.in_(codes.values()))).one()
        scores = db.session.scalar(select(func.sum(Attempt.score)).where(Attempt.company_id.in_(codes.values())))
        first_tries = db.session.scalar(select(func.count(Answer.id)).join(Attempt, Attempt.id == Answer.attempt_id)
                                        .where(Attempt.company_id.in_(codes.values()), Answer.common.is_(True),
                                               is_first_try()))
        assert finished > 1000 and tuple(rolled) == (finished, scores, first_tries)
        # Day by day too: rebuilding every rollup day of a small company of each town (the first town's
        # with its probe baseline's earlier days) from the record changes nothing, per topic either.
        columns = ("workday", "headcount", "completed", "score_sum", "question_sum", "common_correct",
                   "common_answered", "behaviour_answered", "behaviour_yes", "topics_built")
        for code in (demo.COMPANIES[-1][0], demo.SECOND_COMPANIES[-1][0]):
            company = db.session.scalars(select(Company).where(Company.code == code)).one()

            def rollup(day, company=company):
                row = db.session.get(CompanyDay, (company.id, day))
                return tuple(getattr(row, c) for c in columns), db.session.execute(
                    select(CompanyTopicDay.topic_id, CompanyTopicDay.answered, CompanyTopicDay.correct)
                    .where(CompanyTopicDay.company_id == company.id, CompanyTopicDay.day == day)
                    .order_by(CompanyTopicDay.topic_id)).all()

            seeded = {day: rollup(day) for day in db.session.scalars(
                select(CompanyDay.day).where(CompanyDay.company_id == company.id))}
            assert len(seeded) > demo.HISTORY_DAYS and any(topics for _row, topics in seeded.values())
            for day in seeded:
                rebuild_company_day(company, day, today)
            assert {day: rollup(day) for day in seeded} == seeded

        # Every comparison has its earlier period: each company of both towns has its rollup row on
        # every day of the 13 weeks (the comparison page's 12 weeks, the dashboard's 30 days and the 30
        # before, the month before last), so the comparison page marks no company short of data in
        # "the 4 weeks before" (⚠), for the town admins and the officers alike.
        history = (CompanyDay.day >= today - timedelta(days=demo.HISTORY_DAYS), CompanyDay.day < today)
        rows = dict(db.session.execute(select(CompanyDay.company_id, func.count()).where(*history)
                                       .group_by(CompanyDay.company_id)).all())
        assert set(rows) == set(db.session.scalars(select(Company.id))) and set(rows.values()) == {demo.HISTORY_DAYS}
        for username in ("admin", "officer", demo.SECOND_ADMIN, demo.SECOND_OFFICER):
            account = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
            chosen = list(db.session.scalars(scope.visible_company_ids(account)))[:8]
            view = dashboard.compare(account, today, chosen, utcnow())
            assert view is not None and view.candidates and not view.short_of_data
            assert all(s.before.days == FULL_FOUR_WEEKS for s in view.candidates)
            # Every day of every week has data: the calendar weeks, the last one this week so far.
            assert all([t.days for t in s.weekly] == [(w.last - w.first).days + 1 for w in view.weeks]
                       for s in view.chosen)

        # Each town has its own secret, and the second's quizzes carry the common sets it orders.
        secrets = dict(db.session.execute(select(TownSetting.town_id, TownSetting.value)
                                          .where(TownSetting.key == TOWN_SEED_KEY)).all())
        assert set(secrets) == {first.id, second.id} and secrets[first.id] != secrets[second.id]
        pool = load_pool()
        sample = db.session.scalars(select(Attempt).where(Attempt.company_id.in_(codes.values()))
                                    .order_by(Attempt.id).limit(40)).all()
        for attempt in sample:
            asked = set(db.session.scalars(select(Answer.question_id).where(Answer.attempt_id == attempt.id,
                                                                            Answer.common.is_(True))))
            assert asked == set(selection.common_set(pool, attempt.local_date, secrets[second.id]["seed"]))

        # Behind the first town: fewer of its workers take the quiz, and they know less.
        def figures(town_id: int) -> tuple[float, float]:
            done, heads, right, answered = db.session.execute(select(
                func.sum(CompanyDay.completed), func.sum(CompanyDay.headcount), func.sum(CompanyDay.common_correct),
                func.sum(CompanyDay.common_answered)).where(CompanyDay.company_id.in_(in_town[town_id]),
                                                            CompanyDay.workday.is_(True),
                                                            CompanyDay.day >= today - timedelta(days=30))).one()
            return done / heads, right / answered

        (took_1, knew_1), (took_2, knew_2) = figures(first.id), figures(second.id)
        assert took_2 < took_1 - 0.1 and knew_2 < knew_1 - 0.05

        # Incidents this year and in last year's same months, for the three declines.
        months = set(db.session.scalars(select(Incident.month).join(Grid, Grid.id == Incident.grid_id)
                                        .where(Grid.town_id == second.id, Incident.cases > 0)))
        this_year = {m for m in months if m.year == today.year}
        assert this_year and any(m.replace(year=m.year - 1) in months for m in this_year)

        # Its people see their town only; the first town's see nothing of it.
        accounts = {u.username: u for u in db.session.scalars(select(StaffUser))}
        mine = set(codes.values())
        hj_admin, hj_officer, hj_staff = (accounts[demo.SECOND_ADMIN], accounts[demo.SECOND_OFFICER],
                                          accounts[f"staff-{demo.SECOND_STAFFED}"])
        assert {u.town_id for u in (hj_admin, hj_officer, hj_staff)} == {second.id}
        assert set(db.session.scalars(scope.visible_company_ids(hj_admin))) == mine
        assert set(db.session.scalars(scope.visible_company_ids(hj_officer))) == mine
        assert set(db.session.scalars(scope.visible_company_ids(hj_staff))) == {codes[demo.SECOND_STAFFED]}
        for username in ("admin", "officer", "officer2", "staff-dpt"):
            assert not set(db.session.scalars(scope.visible_company_ids(accounts[username]))) & mine
        # The city admin: both towns, with their counts.
        rows = {row.town.code: row for row in towns.town_rows(accounts["city"], today)}
        hj = rows[demo.SECOND_TOWN_CODE]
        workers = db.session.scalar(select(func.count(Employee.id)).where(Employee.company_id.in_(mine)))
        assert set(rows) == {demo.TOWN_CODE, demo.SECOND_TOWN_CODE}
        assert (hj.grids, hj.companies, hj.workers, hj.admins) == (len(demo.SECOND_GRIDS), len(mine), workers, 1)
        assert rows[demo.TOWN_CODE].companies > 100

    # On their pages too: each town admin's company search by code finds their own companies, not the other town's.
    first_town = [(code, name) for code, name, *_rest in demo.COMPANIES]
    second_town = [(code, name) for code, name, *_rest in demo.SECOND_COMPANIES]
    for username, own, other in (("admin", first_town, second_town), (demo.SECOND_ADMIN, second_town, first_town)):
        sign_in_staff(client, username, demo.DEMO_PASSWORD)
        for code, name in own:
            assert name in client.get("/admin/companies", query_string={"q": code}).get_data(as_text=True)
        for code, name in other:
            assert name not in client.get("/admin/companies", query_string={"q": code}).get_data(as_text=True)
        client.post("/logout")
    # The comparison page as the officers see it: no company marked short of data.
    for username in ("officer", demo.SECOND_OFFICER):
        sign_in_staff(client, username, demo.DEMO_PASSWORD)
        page = client.get("/reports/compare").get_data(as_text=True)
        assert 'name="company_id"' in page and 'class="short-data"' not in page
        client.post("/logout")
    sign_in_staff(client, "city", demo.DEMO_PASSWORD)
    page = client.get("/city/").get_data(as_text=True)
    assert demo.TOWN_NAME in page and demo.SECOND_TOWN_NAME in page


def test_demo_seeds_a_realistic_town_and_prints_its_entry_points_as_json(demo_city):
    app, info = demo_city.app, demo_city.info  # `quizapp demo --no-serve --json --port 8123` (conftest.py)
    assert set(info["roles"]) >= {"worker", "company_staff", "grid_officer", "town_admin"}
    assert info["roles"]["town_admin"]["sign_in_url"] == "http://127.0.0.1:8123/login"
    assert len(info["companies"]) >= 6
    assert all(c["worker_url"].startswith("http://127.0.0.1:8123/c/") and c["workers"] for c in info["companies"])
    assert any(w["pin"] for c in info["companies"] for w in c["workers"])
    # The city's second town, with its own accounts and a staffed company (tests/demo checks its history).
    second = info["second_town"]
    assert second["name"] == "黄江镇" and set(second["roles"]) == {"company_staff", "grid_officer", "town_admin"}
    assert second["companies"][0]["worker_url"].startswith("http://127.0.0.1:8123/c/")
    with app.app_context():
        sizes = db.session.execute(select(Company.code, func.count(Employee.id)).join(Employee)
                                   .group_by(Company.code)).all()
        assert max(n for _, n in sizes) >= 1000 and len(sizes) >= 6
        # Officers find something on every page: two years of incidents and a supervision list.
        months = db.session.scalars(select(Incident.month).distinct()).all()
        assert max(months) - min(months) > timedelta(days=365)
        assert db.session.scalar(select(func.count(SupervisionCase.id))) >= 1
        assert db.session.scalar(select(func.count(FollowUp.id))) >= 1
        # And an outreach ledger: five months of the grids' activities and the companies' pre-shift talks,
        # each within the date window the ledger keeps (no day in the future, none before its company joined).
        kinds = dict(db.session.execute(
            select(OutreachActivity.kind, func.count()).group_by(OutreachActivity.kind)).all())
        assert set(kinds) == set(OutreachKind) and sum(kinds.values()) > 300
        days = db.session.execute(select(func.min(OutreachActivity.day), func.max(OutreachActivity.day))).one()
        assert days[1] <= local_today() and days[1] - days[0] > timedelta(days=120)
        joined = dict(db.session.execute(select(Company.id, Company.created_at)).all())
        assert all(day >= joined[cid].date() for cid, day in db.session.execute(
            select(OutreachActivity.company_id, OutreachActivity.day).where(OutreachActivity.company_id.is_not(None))))
        # One live 本周警情 alert and one expired, each answered by workers of its grids in the first
        # personal slot, once each; the admin's reach figures count them.
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        states = {alerts.state(a, local_today()): a for a in alerts.published(admin)}
        assert set(states) == {"live", "expired"}
        for alert in states.values():
            _companies, _grids, whole = alerts.reach(admin, alert, local_today())
            assert whole.workers > 100 and 0.4 < (whole.accuracy or 0) < 0.95
            slots = db.session.execute(select(Answer.position, Attempt.common_total, Attempt.employee_id)
                                       .join(Attempt, Attempt.id == Answer.attempt_id)
                                       .where(Answer.alert_id == alert.id)).all()
            assert all(position == common + 1 for position, common, _ in slots)
            assert len({worker for _, _, worker in slots}) == len(slots) == whole.workers
        # And a handful of workers' reports in the first town (some reported by several workers, money lost in two).
        first_town = select(Grid.id).join(Town, Town.id == Grid.town_id).where(Town.name == "大岭山镇")
        leads = db.session.execute(select(Lead.reports, Lead.money_lost, Lead.status)
                                   .where(Lead.grid_id.in_(first_town))).all()
        assert len(leads) >= 5 and any(n > 1 for n, _lost, _s in leads) and sum(lost for _n, lost, _s in leads) == 2
        assert {status for _n, _lost, status in leads} == {"new", "reviewed"}
    # The demo's accounts work: the company staff account signs in.
    client = app.test_client()
    staff = info["roles"]["company_staff"]
    response = client.post("/login", data={"username": staff["username"], "password": staff["password"]})
    assert response.status_code == 302 and response.location == "/console/"
    client.post("/logout")
    # So does the second town's admin, as README says.
    hj_admin = second["roles"]["town_admin"]
    response = client.post("/login", data={"username": hj_admin["username"], "password": hj_admin["password"]})
    assert response.status_code == 302 and response.location == "/admin/"
    # So do its workers, as README says: the printed PIN, and the first-time flow with the printed code.
    company = info["companies"][0]
    returning = next(w for w in company["workers"] if w["pin"])
    newcomer = next(w for w in company["workers"] if w["first_time"])
    worker = app.test_client()
    signed_in = worker.post(f"/c/{company['code']}", data={"employee_no": returning["employee_no"],
                                                           "pin": returning["pin"]})
    assert signed_in.location == "/today"
    worker.post("/logout").close()
    set_up = worker.post(f"/c/{company['code']}/welcome", data={
        "employee_no": newcomer["employee_no"], "code": newcomer["code"], "pin": "8642", "pin_again": "8642"})
    assert set_up.location == "/today"

"""The synthetic town (demo.synth and `quizapp synth`): sizes add up, the rollup is consistent
with itself and with the attempts behind it, the reports read it, and a real town is never mixed
with a fake one unless forced."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.dashboard import service as dashboard
from quizapp.demo.synth import TownNotEmpty, company_sizes, synthesize
from quizapp.demo.synth_cli import synth
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, Grid, StaffUser
from quizapp.rollups.service import active_headcount_query

TODAY = date(2026, 11, 24)
MID_MORNING = datetime.combine(TODAY, time(2))  # 10:00 in the town: today partly done, as synthesized


def test_company_sizes_add_up_and_every_company_has_a_few_workers():
    import random

    sizes = company_sizes(random.Random(3), 300, 15_000)
    assert sum(sizes) == 15_000 and min(sizes) >= 3
    assert max(sizes) > 10 * (15_000 / 300) / 2  # heavy-tailed: some big factories
    with pytest.raises(ValueError):
        company_sizes(random.Random(3), 10, 20)


@pytest.mark.usefixtures("ctx")
def test_a_small_synthetic_town_is_consistent_and_readable_by_the_reports():
    report = synthesize(TODAY, companies=12, workers=600, days=20, grids=3, seed=7, attempt_days=5)
    db.session.flush()
    assert (report.companies, report.grids, report.workers) == (12, 3, 600)
    assert db.session.scalar(select(func.count(Employee.id))) == 600
    assert db.session.scalar(select(func.count(Grid.id))) == 3
    assert db.session.scalar(select(func.min(CompanyDay.day))) == TODAY - timedelta(days=19)
    assert db.session.scalar(select(func.count()).select_from(CompanyDay)) == report.rollup_rows
    # Every row within bounds; days off expect nothing; headcount matches the roster that day.
    for row in db.session.scalars(select(CompanyDay)):
        assert 0 <= row.completed <= row.headcount and row.common_correct <= row.common_answered
        assert row.workday or row.completed == 0
        roster = db.session.scalar(select(active_headcount_query(row.company_id, row.day)))
        assert row.headcount == roster, (row.company_id, row.day)
    # The last 5 days' rollup rows are exactly the finished official attempts behind them.
    per_day = dict(((c, d), n) for c, d, n in db.session.execute(
        select(Attempt.company_id, Attempt.official_date, func.count(Attempt.id)).group_by(
            Attempt.company_id, Attempt.official_date)))
    recent = db.session.scalars(select(CompanyDay).where(CompanyDay.day > TODAY - timedelta(days=5)))
    assert all(per_day.get((r.company_id, r.day), 0) == r.completed for r in recent)
    assert report.attempts == sum(per_day.values()) > 0
    # The accounts work with the reports: an officer of the 3 grids sees all 12 companies.
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "synth-officer-1"))
    assert len(officer.grids) == 3 and report.accounts == ["synth-admin", "synth-officer-1"]
    rows = dashboard.company_figures(officer, TODAY, MID_MORNING)
    assert len(rows) == 12 and all(r.last30.participation is not None for r in rows if r.headcount)
    assert any(r.coverage for r in rows)
    assert len(dashboard.town_view(officer, TODAY, MID_MORNING).grids) == 3


@pytest.mark.usefixtures("ctx")
def test_the_same_seed_gives_the_same_town():
    synthesize(TODAY, companies=4, workers=40, days=7, grids=2, seed=11)
    first = db.session.execute(select(CompanyDay.company_id, CompanyDay.day, CompanyDay.completed)
                               .order_by(CompanyDay.company_id, CompanyDay.day)).all()
    offset = db.session.scalar(select(func.min(Company.id)))
    db.session.rollback()
    synthesize(TODAY, companies=4, workers=40, days=7, grids=2, seed=11)
    again = db.session.execute(select(CompanyDay.company_id, CompanyDay.day, CompanyDay.completed)
                               .order_by(CompanyDay.company_id, CompanyDay.day)).all()
    shift = db.session.scalar(select(func.min(Company.id))) - offset
    assert [(c - shift, d, n) for c, d, n in again] == first


def test_synth_refuses_a_database_with_companies_unless_forced(app, runner, town):
    result = runner.invoke(synth, ["--companies", "2", "--workers", "10", "--days", "3", "--grids", "1"])
    assert result.exit_code != 0 and "--force" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Company.id))) == 2
        with pytest.raises(TownNotEmpty):
            synthesize(TODAY, companies=1, workers=3, days=1, grids=1)
        db.session.rollback()
    result = runner.invoke(synth, ["--companies", "2", "--workers", "10", "--days", "3", "--grids", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert "synthesised 1 town(s): 2 companies in 1 grids, 10 workers, 3 days" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Company.id))) == 4


def test_synth_checks_its_options(runner, app):
    result = runner.invoke(synth, ["--companies", "10", "--workers", "20"])
    assert result.exit_code != 0 and "at least 3 workers per company" in result.output
    result = runner.invoke(synth, ["--companies", "3", "--workers", "9", "--days", "2", "--grids", "2"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Employee.id))) == 9


@pytest.mark.usefixtures("ctx")
def test_a_synthetic_city_has_each_towns_grids_companies_roster_and_accounts():
    report = synthesize(TODAY, companies=5, workers=50, days=10, grids=2, seed=3, towns=3, attempt_days=3,
                        attempt_towns=1)
    db.session.flush()
    assert (report.towns, report.companies, report.grids, report.workers) == (3, 15, 6, 150)
    assert db.session.scalar(select(func.count(Employee.id))) == 150
    grids = db.session.scalars(select(Grid.code).order_by(Grid.code)).all()
    assert len(grids) == 6 and grids[0].endswith("-t01-g001") and grids[-1].endswith("-t03-g002")
    assert report.accounts == ["synth-admin", "synth-officer-1", "synth-t02-admin", "synth-t02-officer-1",
                               "synth-t03-admin", "synth-t03-officer-1"]
    # Each company has every past day; its headcount is its roster's that day.
    past = db.session.execute(select(CompanyDay.company_id, func.count()).where(CompanyDay.day < TODAY)
                              .group_by(CompanyDay.company_id)).all()
    assert len(past) == 15 and {n for _, n in past} == {9}
    for row in db.session.scalars(select(CompanyDay).where(CompanyDay.day.in_([TODAY - timedelta(days=9), TODAY]))):
        assert row.headcount == db.session.scalar(select(active_headcount_query(row.company_id, row.day)))
    # Attempts only behind the first town's rollup, exactly its finishers.
    first_town = select(Company.id).join(Grid).where(Grid.code.like("%-t01-%"))
    attempts = db.session.scalar(select(func.count(Attempt.id)))
    assert attempts == report.attempts > 0
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.company_id.not_in(first_town))) == 0
    finished = db.session.scalar(select(func.sum(CompanyDay.completed)).where(
        CompanyDay.company_id.in_(first_town), CompanyDay.day > TODAY - timedelta(days=3)))
    assert finished == attempts
    scores = db.session.scalar(select(func.sum(CompanyDay.score_sum)).where(
        CompanyDay.company_id.in_(first_town), CompanyDay.day > TODAY - timedelta(days=3)))
    assert scores == db.session.scalar(select(func.sum(Attempt.score)))

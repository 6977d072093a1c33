"""The towns compared (citycompare.service): each town's figures over complete days are those its
own pages compute from CompanyDay for the same days, its deactivated companies left out as they
do; the city's total is the sum of the towns' counts; the declines are each town's year on year;
a town's reader gets only its own town and only the city admin gets the page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from quizapp.citycompare import rules, service
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents import figures as incident_figures
from quizapp.models import Company, CompanyDay, Incident, StaffUser
from quizapp.rollups import figures, towns
from quizapp.rules import metrics
from quizapp.rules.errors import Forbidden
from tests.factories import make_company, make_grid, make_staff, make_town_row

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date(2026, 11, 25)


def day_row(company_id: int, day: date, headcount: int, completed: int, right: int, answered: int,
            workday: bool = True) -> None:
    db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=headcount,
                              completed=completed, score_sum=0, question_sum=0, common_correct=right,
                              common_answered=answered, behaviour_answered=0, behaviour_yes=0))


def history(company_ids: list[int], days: int = 40) -> None:
    """Every company's days before TODAY with data (varied), and the nightly TownDay refresh."""
    for back in range(1, days + 1):
        day = TODAY - timedelta(days=back)
        for n, company_id in enumerate(company_ids):
            heads = 10 + n * 7
            done = (back * 3 + n * 5) % (heads + 3)  # sometimes more than the headcount: capped
            day_row(company_id, day, heads, done, done % 4, done // 2 + 1, workday=day.isoweekday() != 7)
    db.session.flush()
    towns.refresh_days([TODAY - timedelta(days=back) for back in range(1, days + 1)])


@pytest.fixture
def city(town):
    """Two towns: the fixture's (companies A and B, B to be deactivated) and 虎门镇 with two of its own."""
    other = make_town_row("hm", "虎门镇")
    grid = make_grid("h1", "虎门一", town=other)
    c, d = make_company(grid, "hm-c", "丙厂"), make_company(grid, "hm-d", "丁厂")
    history([town.company_a, town.company_b, c.id, d.id])
    make_staff("admin-hm", "town_admin", town=other)
    return make_staff("city", "city_admin")


def town_admin(username: str = "admin") -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def own_pages(actor: StaffUser, span: metrics.Span) -> metrics.Tally:
    """The town's figure as its own pages add it up: every visible company's CompanyDay tally."""
    now = datetime.combine(TODAY, time(12))  # 20:00 in the town
    return metrics.total(figures.period_tallies(dashboard.visible_scope(actor), span, TODAY, now).values())


@pytest.mark.parametrize("days", rules.PERIODS)
def test_each_town_s_figure_is_the_one_its_own_pages_compute_for_the_same_days(city, days):
    db.session.get(Company, db.session.scalar(select(Company.id).where(Company.code == "bolt"))).active = False
    db.session.flush()  # company B deactivated: gone from its town's pages, and from here
    found = service.town_figures(city, TODAY, days)
    span = rules.period_span(TODAY, days)
    assert (found.span.first, found.span.last) == (TODAY - timedelta(days=days), TODAY - timedelta(days=1))
    by_code = {line.code: line for line in found.towns}
    for code, admin in (("dls", "admin"), ("hm", "admin-hm")):
        assert by_code[code].tally == own_pages(town_admin(admin), span), code
        # Active workers at the period's end, as the map and the API read them (rollups.figures).
        heads = figures.end_headcounts(dashboard.visible_scope(town_admin(admin)), span, TODAY)
        assert by_code[code].headcount == sum(heads.values()), code
    assert by_code["dls"].companies == 1 and by_code["hm"].companies == 2
    assert by_code["dls"].headcount == 10 and by_code["hm"].headcount == 24 + 31


def test_the_city_total_adds_the_towns_counts_and_divides_once(city):
    found = service.town_figures(city, TODAY, 30)
    total = found.total
    assert total.tally == metrics.total(line.tally for line in found.towns)
    assert total.companies == sum(line.companies for line in found.towns)
    assert total.headcount == sum(line.headcount for line in found.towns)
    assert total.participation == total.tally.done / total.tally.expected
    shares = [line.participation for line in found.towns]
    assert total.participation != sum(shares) / len(shares)  # not an average of percentages


def test_the_declines_are_each_town_s_year_on_year_and_the_total_sums_the_records(city, town):
    grid_a = db.session.get(Company, town.company_a).grid_id
    hm_grid = db.session.scalar(select(Company.grid_id).where(Company.code == "hm-c"))
    october, last_october = date(2026, 10, 1), date(2025, 10, 1)
    for grid_id, company_id, month, cases, loss, raw in (
            (grid_a, town.company_a, october, 2, "120.50", 5), (grid_a, None, last_october, 4, "300.00", 9),
            (hm_grid, None, october, 3, "10.25", 3), (hm_grid, None, last_october, 1, "5.00", 1)):
        db.session.add(Incident(grid_id=grid_id, company_id=company_id, month=month, fraud_type="shuadan",
                                cases=cases, loss_yuan=Decimal(loss), raw_reports=raw))
    db.session.flush()
    found = service.town_figures(city, TODAY, 30)
    assert found.month == october  # the last complete month by default
    by_code = {line.code: line for line in found.towns}
    for code, admin in (("dls", "admin"), ("hm", "admin-hm")):
        own = incident_figures.declines(town_admin(admin), october, TODAY)
        assert by_code[code].declines == own, code
    assert by_code["dls"].change("cases") == -50 and by_code["hm"].change("cases") == 200
    assert found.total.figure("cases") == 5 and found.total.figure("loss_yuan") == Decimal("130.75")
    assert found.total.change("raw_reports") == -20  # 8 against 10


def test_a_town_s_reader_gets_its_own_town_and_only_the_city_admin_the_page(city):
    mine = service.town_figures(town_admin(), TODAY, 30)
    assert [line.code for line in mine.towns] == ["dls"]
    for username in ("admin", "officer-1"):
        with pytest.raises(Forbidden):
            service.city_page(town_admin(username), TODAY, rules.CityQuery())
    page = service.city_page(city, TODAY, rules.CityQuery(sort="participation", descending=True))
    shares = [line.participation for line in page.rows]
    assert shares == sorted(shares, reverse=True) and len(shares) == 2


def test_the_page_reads_town_day_not_company_day(city):
    """TownDay is what the page reads: a company-day changed behind the rollup's back shows only
    after the nightly refresh (the rollup, not the 32.8 million company-days, is read)."""
    before = service.town_figures(city, TODAY, 7).total.tally
    row = db.session.get(CompanyDay, (db.session.scalar(select(Company.id).where(Company.code == "hm-c")),
                                      TODAY - timedelta(days=2)))
    row.common_answered += 100
    db.session.flush()
    assert service.town_figures(city, TODAY, 7).total.tally == before
    towns.refresh_days([TODAY - timedelta(days=2)])
    assert service.town_figures(city, TODAY, 7).total.tally.common_answered == before.common_answered + 100


def test_a_town_s_workers_are_counted_on_its_last_day_with_data_and_that_day_is_given(city):
    """The nightly job did not write 虎门镇's yesterday: its workers are those of the day before, and
    the line says which day (the page marks it); the overview's count (today) is the same function's."""
    hm = db.session.scalar(select(Company.id).where(Company.code == "hm-c"))
    yesterday = TODAY - timedelta(days=1)
    for company_id in (hm, db.session.scalar(select(Company.id).where(Company.code == "hm-d"))):
        db.session.delete(db.session.get(CompanyDay, (company_id, yesterday)))
    db.session.flush()
    towns.refresh_days([yesterday])
    found = {line.code: line for line in service.town_figures(city, TODAY, 7).towns}
    assert (found["dls"].headcount_day, found["hm"].headcount_day) == (yesterday, TODAY - timedelta(days=2))
    assert found["hm"].headcount == 24 + 31
    total = service.town_figures(city, TODAY, 7).total
    assert total.headcount == found["dls"].headcount + found["hm"].headcount and total.headcount_day is None
    ids = [line.id for line in found.values()]
    today = service.town_headcounts(ids, metrics.Span(TODAY, TODAY), TODAY)
    assert {h.day for h in today.values()} == {TODAY}  # every town, today: the rosters now

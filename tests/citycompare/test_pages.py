"""The towns compared (/reports/city and its XLSX, GET /api/v1/towns/figures): the city admin's
page in Chinese, sorted by any column, printable, the XLSX and the API with the same digits, and
each town's figure the one its own town view and API show for the same days; nobody else gets it."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import Company, CompanyDay, Incident, StaffUser
from quizapp.rollups import towns
from quizapp.rules.metrics import percent
from quizapp.tokens import service as tokens
from tests.factories import make_company, make_grid, make_staff, make_town_row
from tests.pages import read, sign_in_staff, table_rows, texts

ROWS = [(2, 1), (8, 7), (5, 1), (20, 9)]  # (headcount, done) per company, every day


@pytest.fixture
def city(app, town):
    """Two towns with 40 days of history each and incidents in last month and a year before; the
    city admin, and a token each for the city and for the first town."""
    with app.app_context():
        today = local_today()
        other = make_town_row("hm", "虎门镇")
        grid = make_grid("h1", "虎门一", town=other)
        c, d = make_company(grid, "hm-c", "丙厂"), make_company(grid, "hm-d", "丁厂")
        companies = [town.company_a, town.company_b, c.id, d.id]
        for back in range(1, 41):
            day = today - timedelta(days=back)
            for company_id, (heads, done) in zip(companies, ROWS, strict=True):
                db.session.add(CompanyDay(company_id=company_id, day=day, workday=True, headcount=heads,
                                          completed=(done + back) % (heads + 1), score_sum=0, question_sum=0,
                                          common_correct=back % 3, common_answered=3, behaviour_answered=0,
                                          behaviour_yes=0))
        db.session.flush()
        towns.refresh_days([today - timedelta(days=back) for back in range(1, 41)])
        month = add_months(today.replace(day=1), -1)
        grid_a = db.session.get(Company, town.company_a).grid_id
        for grid_id, when, cases, loss in ((grid_a, month, 3, "99.90"), (grid_a, add_months(month, -12), 6, "10.00"),
                                           (grid.id, month, 2, "1.50")):
            db.session.add(Incident(grid_id=grid_id, month=when, fraud_type="shuadan", cases=cases,
                                    loss_yuan=Decimal(loss), raw_reports=cases + 1))
        make_staff("admin-hm", "town_admin", town=other)
        city_admin = make_staff("city", "city_admin")
        _, city_token = tokens.issue_token(city_admin, "city analysis", utcnow())
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        _, town_token = tokens.issue_token(admin, "analysis", utcnow())
        db.session.commit()
        return {"today": today, "city": city_token, "town": town_token}


def api(client, url: str, secret: str) -> dict:
    response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def town_rows(html: str) -> dict[str, list[str]]:
    return {row[0]: row for row in table_rows(html) if row and row[0] in ("大岭山镇", "虎门镇", "全市合计")}


def test_a_town_s_figure_has_the_same_digits_on_the_city_page_its_xlsx_its_api_and_the_town_s_own_pages(
        client, city):
    sign_in_staff(client, "city")
    status, page = read(client, "/reports/city?days=30")
    assert status == 200
    rows = town_rows(page)
    assert set(rows) == {"大岭山镇", "虎门镇", "全市合计"}
    book = load_workbook(io.BytesIO(client.get("/reports/city.xlsx?days=30").data))
    sheet = book.worksheets[0]
    xlsx = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    figures = api(client, "/api/v1/towns/figures?days=30", city["city"])
    by_code = {t["code"]: t for t in figures["towns"]}
    first, last = city["today"] - timedelta(days=30), city["today"] - timedelta(days=1)
    assert (figures["from"], figures["to"]) == (first.isoformat(), last.isoformat())
    # The first town's own surfaces for the same days: its API and its town view.
    own = api(client, f"/api/v1/grids/summary?from={first}&to={last}", city["town"])["town"]
    town_admin = client.application.test_client()
    sign_in_staff(town_admin, "admin")
    _, heat = read(town_admin, "/reports/town")
    own_page = texts(heat, "dd")
    shown = rows["大岭山镇"]
    assert (by_code["dls"]["expected"], by_code["dls"]["done"]) == (own["expected"], own["done"])
    assert xlsx["大岭山镇"][4:6] == (own["expected"], own["done"])
    participation = percent(own["done"] / own["expected"])
    knowledge = percent(own["common_correct"] / own["common_answered"])
    assert shown[3] == participation == percent(xlsx["大岭山镇"][6]) == percent(by_code["dls"]["participation"])
    assert shown[4] == knowledge == percent(xlsx["大岭山镇"][9]) == percent(by_code["dls"]["knowledge_index"])
    assert own_page[-2] == participation and own_page[-1] == knowledge  # "30 days before today" on the town view
    # The city's total: the towns' counts added up, the same digits everywhere.
    total = figures["total"]
    assert total["expected"] == sum(t["expected"] for t in figures["towns"])
    assert total["done"] == sum(t["done"] for t in figures["towns"])
    assert rows["全市合计"][3] == percent(total["done"] / total["expected"]) == percent(xlsx["全市合计"][6])
    # The declines: last month's confirmed cases and their change.
    cases = next(f for f in by_code["dls"]["declines"] if f["figure"] == "cases")
    assert (cases["month"], cases["month_last_year"], cases["month_change"], cases["month_declined"]) == (
        3, 6, -50, True)
    assert shown[7] == "3" and "-50%" in shown[8]
    assert xlsx["大岭山镇"][13:16] == (3, 6, -50)
    assert rows["全市合计"][7] == "5" and xlsx["全市合计"][16] == Decimal("101.40") or xlsx["全市合计"][16] == 101.4


def test_the_towns_sort_by_any_figure_and_the_page_prints(client, city):
    sign_in_staff(client, "city")
    for column in ("participation", "knowledge", "companies", "headcount", "cases", "cases_change", "loss_yuan",
                   "raw_reports", "name"):
        for direction in ("asc", "desc"):
            status, page = read(client, f"/reports/city?sort={column}&dir={direction}")
            assert status == 200, column
            order = [row[0] for row in table_rows(page) if row and row[0] in ("大岭山镇", "虎门镇")]
            assert len(order) == 2
    _, low_first = read(client, "/reports/city?sort=cases&dir=asc")
    _, high_first = read(client, "/reports/city?sort=cases&dir=desc")
    order = [row[0] for row in table_rows(low_first) if row and row[0] in ("大岭山镇", "虎门镇")]
    assert order == ["虎门镇", "大岭山镇"]  # 2 cases before 3
    assert [row[0] for row in table_rows(high_first) if row and row[0] in ("大岭山镇", "虎门镇")] == order[::-1]
    assert 'aria-sort="descending"' in high_first
    # Printable: the reports' stylesheet (its print rules hide the menu and the filters).
    assert "css/reports.css" in low_first and 'class="filters no-print"' in low_first
    _, css = read(client, "/static/css/reports.css")
    assert "@media print" in css and ".no-print" in css.split("@media print", 1)[1]
    # Chinese by default, the city's menu, and the landing page links here.
    assert "镇街对比" in low_first and "全市合计" in low_first
    overview = read(client, "/city/")[1]
    assert "/reports/city" in overview
    # Each page names the day of its workers' count and defines it, in Chinese too.
    yesterday = city["today"] - timedelta(days=1)
    assert f"在册员工（{yesterday}）" in texts(low_first, "a")
    assert "今天新加入或移出名册的员工，明天起才计入这里" in low_first
    assert "今日在册员工" in texts(overview, "th") and "今天加入名册的员工立即计入" in overview


def test_only_the_city_admin_opens_the_page_and_a_town_token_reads_its_own_town(client, city):
    for username in ("admin", "officer-1", "admin-hm", "staff-a"):
        reader = client.application.test_client()
        sign_in_staff(reader, username)
        for url in ("/reports/city", "/reports/city.xlsx"):
            assert reader.get(url).status_code == 403, (username, url)
    mine = api(client, "/api/v1/towns/figures", city["town"])
    assert [t["code"] for t in mine["towns"]] == ["dls"]
    response = client.get("/api/v1/towns/figures?days=14", headers={"Authorization": f"Bearer {city['town']}"})
    assert response.status_code == 400 and response.get_json()["parameter"] == "days"

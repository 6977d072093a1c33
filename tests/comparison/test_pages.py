"""The comparison page: choosing companies, the chart data as JSON (no inline script), the same
numbers as tables, rankings by improvement and by level, and 404 outside the officer's grids."""

import json
import re
from datetime import timedelta

from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Grid
from tests.factories import make_company, make_staff
from tests.pages import read, sign_in_staff_in_english


def today_in(app):
    with app.app_context():
        return local_today()


def weekly(app, company_id, shares, heads):
    """Rows for the 12 weeks ending today (today left out), one share done per week."""
    with app.app_context():
        today = local_today()
        company = db.session.get(Company, company_id)
        for n, share in enumerate(shares):
            for back in range(7):
                day = today - timedelta(days=7 * (11 - n) + back)
                if day < today:
                    workday = str(day.isoweekday()) in company.workdays
                    done = round(share * heads) if workday else 0
                    db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=heads,
                                              completed=done, common_correct=done, common_answered=2 * done))
        db.session.commit()


def test_chosen_companies_get_chart_data_tables_and_rankings(app, client, town):
    weekly(app, town.company_a, [1.0] * 12, 2)
    weekly(app, town.company_b, [0.0] * 8 + [0.5] * 4, 2)
    sign_in_staff_in_english(client, "admin")
    status, text = read(client, f"/reports/compare?company_id={town.company_a}&company_id={town.company_b}")
    assert status == 200
    data = json.loads(re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', text, re.S)[1])
    assert len(data["weeks"]) == 12 and [s["name"] for s in data["series"]] == ["甲厂", "乙厂"]
    assert data["series"][0]["participation"][0] == 100.0 and data["series"][1]["participation"][0] == 0.0
    assert data["series"][0]["knowledge"][0] == 50.0
    # Charts from the vendored ECharts and our own script; no inline executable script or style.
    assert "/static/vendor/echarts/echarts.min.js" in text and "/static/js/compare.js" in text
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", text) == []
    assert "style=" not in text
    # Without JavaScript the same numbers are tables.
    assert text.count('class="figures weekly"') == 2 and "100%" in text
    # Weeks are Monday to Sunday, headed by their Monday; this one "so far", in the chart too.
    monday = today_in(app) - timedelta(days=today_in(app).weekday())
    assert data["weeks"][-1] == f"{monday:%m-%d} so far" and "Participation per week (Monday to Sunday)" in text
    improvement = text[text.index("Ranking by improvement"):text.index("Ranking by level")]
    assert improvement.index("乙厂") < improvement.index("甲厂")  # 0% -> about 50% beats steady 100%
    level = text[text.index("Ranking by level"):]
    assert level.index("甲厂") < level.index("乙厂")


def test_without_a_choice_the_picker_lists_visible_companies_by_improvement(app, client, town):
    sign_in_staff_in_english(client, "officer-1")
    status, text = read(client, "/reports/compare")
    assert status == 200 and "甲厂" in text and "乙厂" not in text
    assert "compare-data" not in text and "echarts.min.js" not in text
    assert "王小明" not in text


def test_an_officer_cannot_compare_a_company_outside_their_grids(app, client, town):
    sign_in_staff_in_english(client, "officer-1")
    assert read(client, f"/reports/compare?company_id={town.company_b}")[0] == 404
    assert read(client, f"/reports/compare?company_id={town.company_a}&company_id={town.company_b}")[0] == 404
    with app.app_context():
        make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])
        db.session.commit()
    client.post("/logout")
    sign_in_staff_in_english(client, "officer-2")
    assert read(client, f"/reports/compare?company_id={town.company_a}")[0] == 404
    status, text = read(client, f"/reports/compare?company_id={town.company_b}")
    assert status == 200 and "乙厂" in text and "甲厂" not in text and "李小红" not in text


def test_more_than_eight_companies_are_cut_to_eight_with_a_notice(app, client, town):
    with app.app_context():
        grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        ids = [make_company(grid, f"c{n}", f"工厂{n}").id for n in range(9)]
        db.session.commit()
    sign_in_staff_in_english(client, "officer-1")
    status, text = read(client, "/reports/compare?" + "&".join(f"company_id={i}" for i in ids) + "&company_id=x")
    assert status == 200 and "Only the first 8 companies are compared." in text
    data = json.loads(re.search(r'id="compare-data">(.*?)</script>', text, re.S)[1])
    assert [s["name"] for s in data["series"]] == [f"工厂{n}" for n in range(8)]


def test_the_picker_narrows_by_grid_and_name(app, client, town):
    sign_in_staff_in_english(client, "admin")
    with app.app_context():
        g2 = db.session.scalar(select(Grid.id).where(Grid.code == "g2"))
    _, text = read(client, f"/reports/compare?grid={g2}")
    assert "乙厂" in text and "甲厂" not in text
    _, text = read(client, "/reports/compare?q=甲&rank=level")
    assert "甲厂" in text and "乙厂" not in text
    assert read(client, "/reports/compare?grid=999999")[0] == 404


def test_printed_before_choosing_the_page_says_to_choose_and_keeps_the_list(client, town):
    """On paper (reports.css): without a choice the candidate list prints under a line saying to
    choose companies first; once companies are chosen the picker is left out for their comparison."""
    sign_in_staff_in_english(client, "admin")
    status, text = read(client, "/reports/compare")
    assert status == 200
    assert 'class="print-note"' in text and "choose companies on screen and press Compare" in text
    assert 'class="compare-picker"' in text and "甲厂" in text
    status, text = read(client, f"/reports/compare?company_id={town.company_a}")
    assert 'class="compare-picker has-chosen"' in text and 'class="print-note"' not in text

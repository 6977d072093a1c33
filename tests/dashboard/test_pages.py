"""The grid dashboard and the town view as pages: scoping, sorting and filtering by URL, figures
with their definitions, the below-target highlight, and aggregates only (no worker's name)."""

import re
from datetime import timedelta

from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee, Grid, TownSetting
from quizapp.rollups.service import rebuild_company_day
from tests.factories import first_town, make_company, make_employee, make_staff
from tests.pages import read, sign_in_staff, sign_in_staff_in_english, texts

WORKER_NAMES = ("王小明", "张新来", "李小红")


def history(app, town, a_share=0.5, b_share=1.0, days=35):
    """Rollup rows for every day of the last `days` before today: A (2 workers) and B (1 worker)
    did the quiz at the given shares; nobody has finished today yet."""
    with app.app_context():
        today = local_today()
        for company_id, share, heads in ((town.company_a, a_share, 2), (town.company_b, b_share, 1)):
            company = db.session.get(Company, company_id)
            for back in range(1, days + 1):
                day = today - timedelta(days=back)
                workday = str(day.isoweekday()) in company.workdays
                done = round(share * heads) if workday else 0
                db.session.add(CompanyDay(company_id=company_id, day=day, workday=workday, headcount=heads,
                                          completed=done, common_correct=done, common_answered=2 * done))
        db.session.commit()


def grid_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Grid.id).where(Grid.code == code))


def officer_2(app):
    with app.app_context():
        make_staff("officer-2", "grid_officer", grids=[db.session.scalar(select(Grid).where(Grid.code == "g2"))])
        db.session.commit()


def test_the_officer_sees_their_grids_companies_with_figures_and_definitions(app, client, town):
    history(app, town)
    sign_in_staff_in_english(client, "officer-1")
    status, text = read(client, "/reports/")
    assert status == 200
    assert "甲厂" in text and "乙厂" not in text
    assert not any(name in text for name in WORKER_NAMES) and "A001" not in text
    # 50% over 30 days is below the default 80% target: the row is highlighted and says so.
    assert re.search(r'<tr class="below">\s*<td class="no-print"><input type="checkbox" name="company_id" value="'
                     rf'{town.company_a}"', text)
    assert "below target" in text
    # Definitions beside the figures: as titles and in the definitions block.
    assert 'title="Participation = done ÷ expected' in text
    assert '<dl class="definitions">' in text and "common daily set" in text
    assert "no case recorded" in text
    assert "style=" not in text and "<script>" not in text


def test_the_town_admin_sees_every_company_and_can_filter_by_grid(app, client, town):
    history(app, town)
    sign_in_staff_in_english(client, "admin")
    _, text = read(client, "/reports/")
    assert "甲厂" in text and "乙厂" in text
    _, text = read(client, f"/reports/?grid={grid_id(app, 'g2')}")
    assert "乙厂" in text and "甲厂" not in text
    assert not any(name in text for name in WORKER_NAMES)


def test_an_officer_of_another_grid_never_sees_company_a(app, client, town):
    history(app, town)
    officer_2(app)
    sign_in_staff_in_english(client, "officer-2")
    status, text = read(client, "/reports/")
    assert status == 200 and "乙厂" in text and "甲厂" not in text
    assert read(client, f"/reports/?grid={grid_id(app, 'g1')}")[0] == 404
    assert read(client, f"/reports/compare?company_id={town.company_a}")[0] == 404
    assert not any(name in text for name in WORKER_NAMES)


def test_sorting_by_column_and_direction_works_without_javascript(app, client, town):
    history(app, town, a_share=0.5, b_share=1.0)
    sign_in_staff_in_english(client, "admin")
    _, text = read(client, "/reports/?sort=p30&dir=desc")
    assert text.index("乙厂") < text.index("甲厂")
    _, text = read(client, "/reports/?sort=p30&dir=asc")
    assert text.index("甲厂") < text.index("乙厂")
    assert 'aria-sort="ascending"' in text
    # The sorted column's link flips the direction; the others keep the filters.
    assert "sort=p30&amp;dir=desc" in text
    _, text = read(client, "/reports/?sort=name&dir=desc&sort=nonsense")
    assert text.index("甲厂") < text.index("乙厂")  # by name, descending: 甲 (U+7532) after 乙 (U+4E59)


def test_filters_by_name_and_below_target(app, client, town):
    history(app, town, a_share=0.5, b_share=1.0)
    sign_in_staff_in_english(client, "admin")
    _, text = read(client, "/reports/?below=1")
    assert "甲厂" in text and "乙厂" not in text
    _, text = read(client, "/reports/?q=乙")
    assert "乙厂" in text and "甲厂" not in text
    with app.app_context():
        db.session.add(TownSetting(town_id=first_town().id, key="participation_target", value={"value": 0.4}))
        db.session.commit()
    _, text = read(client, "/reports/?below=1")
    assert "No company matches." in text
    assert texts(text, "p", class_="summary") == ["2 companies; 0 below the participation target of 40% over 30 days."]


def test_a_late_answer_and_a_roster_change_show_on_the_dashboard_once_the_day_is_rebuilt(app, client, town):
    with app.app_context():
        for company in db.session.scalars(select(Company)):
            company.workdays = "1234567"  # today is a workday whatever the weekday
        db.session.commit()
    sign_in_staff_in_english(client, "officer-1")
    today_cells = re.compile(r'<td class="num">(\d+)</td>\s*<td class="num" title="[^"]*">([^<]*)</td>')
    _, text = read(client, "/reports/")
    assert today_cells.search(text).groups() == ("2", "0%")  # nobody has finished: 2 expected, 0 done
    with app.app_context():
        # Worker A's quiz arrives late, written straight to the record; the day is then rebuilt.
        now = utcnow()
        db.session.add(Attempt(employee_id=town.worker_a, company_id=town.company_a, local_date=local_today(),
                               kind="official", official_date=local_today(), started_at=now - timedelta(minutes=4),
                               deadline_at=now + timedelta(minutes=1), finished_at=now, total=5, slots=5, answered=5,
                               score=4))
        rebuild_company_day(db.session.get(Company, town.company_a), local_today(), local_today())
        db.session.commit()
    _, text = read(client, "/reports/")
    assert today_cells.search(text).groups() == ("2", "50%")
    with app.app_context():
        db.session.scalar(select(Employee).where(Employee.employee_no == "A002")).active = False
        rebuild_company_day(db.session.get(Company, town.company_a), local_today(), local_today())
        db.session.commit()
    _, text = read(client, "/reports/")
    assert today_cells.search(text).groups() == ("1", "100%")


def test_big_lists_come_a_page_at_a_time(app, client, town):
    with app.app_context():
        grid = db.session.scalar(select(Grid).where(Grid.code == "g1"))
        for n in range(105):
            make_company(grid, f"c{n:03d}", f"工厂{n:03d}")
        db.session.commit()
    sign_in_staff_in_english(client, "officer-1")
    _, text = read(client, "/reports/?sort=name")
    assert "Page 1 of 2 (106 companies)" in text and "工厂099" in text and "甲厂" not in text
    _, text = read(client, "/reports/?sort=name&page=2")
    assert "甲厂" in text and "工厂000" not in text


def test_the_town_view_shows_the_admin_the_town_and_an_officer_their_grids(app, client, town):
    history(app, town)
    sign_in_staff_in_english(client, "admin")
    assert client.get("/admin/town").location.endswith("/reports/town")  # the digest's old link
    status, text = read(client, "/reports/town")
    assert status == 200
    assert "网格一" in text and "网格二" in text and "heat-5" in text and "heat-9" in text
    # Two companies: one ranked list, not a top 5 and a bottom 5 holding the same two.
    assert "Every company with figures, highest first" in text and "Top 5 companies" not in text and "甲厂" in text
    assert "style=" not in text and not any(name in text for name in WORKER_NAMES)
    client.post("/logout")
    sign_in_staff_in_english(client, "officer-1")
    assert client.get("/admin/town").status_code == 403  # the admin's pages stay the admin's
    status, text = read(client, "/reports/town")
    assert status == 200 and "My grids by week" in text and "Town view ·" not in text
    assert "网格一" in text and "网格二" not in text and "甲厂" in text and "乙厂" not in text
    assert not any(name in text for name in WORKER_NAMES) and "A001" not in text


def test_the_reports_menu_names_the_town_view_as_its_page_does(app, client, town):
    """The menu item and the page it opens say the same thing, in both languages: the town admin's
    town view (全镇概览), an officer's own grids (我的网格（按周）), never the town to an officer."""
    seen = {}
    for username in ("admin", "officer-1"):
        for lang in ("en", "zh_CN"):
            sign_in_staff(client, username)
            client.set_cookie("lang", lang)
            _, elsewhere = read(client, "/reports/")
            _, page = read(client, "/reports/town")
            title, = texts(page, "title")
            heading, = texts(page, "h1")
            item = texts(elsewhere, "a", href="/reports/town")
            assert item == [title] == texts(page, "strong") and heading.startswith(f"{title} · ")
            seen[username, lang] = title
            client.post("/logout")
    assert seen == {("admin", "en"): "Town view", ("admin", "zh_CN"): "全镇概览",
                    ("officer-1", "en"): "My grids by week", ("officer-1", "zh_CN"): "我的网格（按周）"}


def test_a_company_with_no_workers_yet_shows_dashes_not_zeroes(app, client, town):
    with app.app_context():
        make_company(db.session.scalar(select(Grid).where(Grid.code == "g1")), "new", "新开厂")
        make_employee(db.session.get(Company, town.company_a), "A003", "赵新人")
        db.session.commit()
    sign_in_staff_in_english(client, "officer-1")
    _, text = read(client, "/reports/?q=新开")
    row = text[text.index("新开厂"):text.index("</tr>", text.index("新开厂"))]
    shown = re.sub(r'title="[^"]*"', "", row)  # the figures, not their definitions
    assert "–" in shown and "0%" not in shown
    assert 'class="no-data" title="No figure' in row  # each "–" says why
    assert "赵新人" not in text

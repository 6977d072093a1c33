"""Every page of the console works on a 360 px phone inside WeChat: the document is never wider
than the screen (tables stack their rows or scroll inside their own box), names are never broken
one character per line, and the menu wraps. The pages are walked from the url_map, so a new
console page is checked too (or the test names it as a file, not a page)."""

import pytest
from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Company, StaffUser
from quizapp.rounds import service as rounds
from tests.browser import TEAMS, page_width, shot, sign_in_staff
from tests.factories import make_activity

pytestmark = pytest.mark.e2e

# Console GET endpoints that answer with a file, an image or JSON, not a page.
NOT_PAGES = {"console.board_data", "console.roster_template", "console.poster_qr", "console.outreach_template",
             "console.outreach_export", "console.outreach_photo", "console.round_data",
             "console.roster_preview_download"}


def console_pages(app, plant) -> dict[str, str]:
    """Each console page's address, with the plant's worker, import, team, a shift, a long
    outreach record and a pre-shift round filled in."""
    with app.app_context():
        activity = make_activity(db.session.get(Company, plant.town.company_a).grid_id, local_today(), 320,
                                 "preshift", company_id=plant.town.company_a,
                                 place="三车间喷涂组与四车间包装组联合班前会（夜班，食堂二楼）",
                                 speaker="岭南精密家具反诈宣传员")
        staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        started = rounds.start_round(staff, local_today(), utcnow(), "夜班", TEAMS[4], "test-town")
        db.session.commit()
        activity_id, round_id = activity.id, started.id
    values = {"employee_id": plant.employee_id, "import_id": plant.import_id, "team": TEAMS[4], "fmt": "html",
              "activity_id": activity_id, "round_id": round_id}
    pages = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console.") and "GET" in rule.methods and rule.endpoint not in NOT_PAGES:
            pages[rule.endpoint] = rule.build({k: values[k] for k in rule.arguments})[1]
    pages["console.chase (one shift)"] = "/console/chase?shift=早班"
    pages["console.preshift (one team)"] = f"/console/preshift?shift=夜班&team={TEAMS[4]}"
    return pages


def test_every_console_page_fits_a_360_px_phone(app, phone, live_server, plant):
    page = phone.new_page()
    sign_in_staff(page, live_server, "staff-a")
    pages = console_pages(app, plant)
    assert len(pages) >= 16  # the walk found the console's pages (board, roster, trends, exports, ...)
    too_wide = {}
    for endpoint, url in pages.items():
        response = page.goto(f"{live_server}{url}")
        assert response.status == 200, (endpoint, url, response.status)
        width, sticking_out = page_width(page)
        if width > 360:
            too_wide[endpoint] = (width, sticking_out)
    assert too_wide == {}


def test_names_stay_whole_and_the_menu_wraps_on_a_phone(phone, live_server, plant):
    page = phone.new_page()
    sign_in_staff(page, live_server, "staff-a")
    page.goto(f"{live_server}/console/roster")
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    heights = page.locator("table.roster-table td.person").evaluate_all("cells => cells.map(c => c.offsetHeight)")
    assert len(heights) >= 50 and max(heights) < 1.5 * line  # one line each, even 欧阳 names
    menu = page.locator(".console-nav a, .console-nav strong").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect()).map(b => [Math.round(b.top), b.right])")
    assert len({top for top, _right in menu}) >= 2 and all(right <= 360 for _top, right in menu)
    shot(page, "console-phone-1-roster")
    page.goto(f"{live_server}/console/")
    assert page.locator("table.figures th[scope=row]").first.is_visible()
    shot(page, "console-phone-2-board")

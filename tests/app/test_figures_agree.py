"""Every figure agrees on every surface that shows it (issue 10, docs/metrics.md).

A town with the gaps real towns have (nights the rollup did not run, a company that started using
quizapp on the 1st of last month, a worker who joined and one who left mid-period (and, in their own
tests, a worker deactivated today, workers who come back after days away, and a company deactivated
today), a day whose frozen
headcount a late joiner passed, today still counting with a quiz whose time ran out, one opened and left
with no answer until its time ran out (not done) and one still being answered, a current month only
partly over, incidents back-filled into past months) is read through every surface that shows a figure:
the console's board, trends and exports, the grid dashboard, the comparison, the town view and the admin
home, the weekly and monthly reports (page and XLSX), the daily digest's text, the incidents page, the
learning page, the admin's grid list, the supervision list and its ledger, the outreach ledger and the
API (with a token). Each figure must be the same on all of them, to the digit each shows, and the same
as computed here from what was stored (`Town.expect`), so that surfaces agreeing on a wrong number fail
too. The city admin's two pages (the overview and the towns compared, its XLSX and the API) show a
town's active workers: each names its day, and read for the same day they agree.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizapp.clock import local_today, town_zone, utcnow
from quizapp.digest import service as digest
from quizapp.digest.wording import compose
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import Attempt, Company, CompanyDay, Employee, Incident, StaffUser, SupervisionCase
from quizapp.quiz import service as quiz
from quizapp.quiz.service import GRACE_SECONDS
from quizapp.rollups import service as rollups
from quizapp.rollups import towns as town_rollups
from quizapp.roster import service as roster
from quizapp.tokens import service as tokens
from tests.factories import (
    make_activity,
    make_company,
    make_employee,
    make_grid,
    make_staff,
    right_choice,
    take_quiz,
)
from tests.pages import QUIET, RUN, read, sign_in_staff_in_english, sign_in_worker, texts

HISTORY = 100  # days of rollups of 甲厂 and 乙厂; 丙厂 started using quizapp on the 1st of last month
GAPS = {"acme": {9, 17, 45}, "bolt": {3}}  # days ago: nights the rollup did not run
WORKDAYS = {"acme": "1234567", "bolt": "12345", "cog": "123456"}  # 甲厂 works every day: today is a workday
NAMES = {"acme": "甲厂", "bolt": "乙厂", "cog": "丙厂"}


# --- the town ------------------------------------------------------------------------------------

@dataclass
class Town:
    today: date
    now: datetime
    ids: dict[str, int]  # company code -> id
    grids: dict[str, int]  # grid code -> id
    rows: dict[tuple[str, date], tuple[bool, int, int, int, int]] = field(default_factory=dict)
    live: dict[str, tuple[int, int]] = field(default_factory=dict)  # today: active workers, done
    workers: dict[str, int] = field(default_factory=dict)  # employee number -> id
    cog_start: date = date.min  # 丙厂's first day in quizapp
    streak: int = 0  # A001's
    result_attempt: int = 0  # A001's attempt of today
    late_attempt: int = 0  # A002's attempt of today, its time run out, not closed
    left_attempt: int = 0  # A005's attempt of today, left with no answer until its time ran out
    token: str = ""
    outreach: list[tuple[str, date, int]] = field(default_factory=list)  # grid code, day, people reached
    incidents: list[tuple[str, date, int, Decimal, int]] = field(default_factory=list)  # grid, month, cases, loss, raw

    def declines(self, grids, month: date) -> list[list[str]]:
        """The three declines of `month` for the grids, as the pages write them, from what was stored
        (docs/metrics.md, "Year on year"): [figure, month, a year before, change, declined?, year to
        date, a year before, change, declined?] for raw reports, cases and losses. A month in progress
        is not compared; the year to date runs through the last complete month of the year."""
        partial = month == self.today.replace(day=1)
        ytd_last = add_months(month, -1) if partial else month
        if ytd_last.year != month.year:
            ytd_last = None

        def total(first: date, last: date, index: int):
            return sum((r[index] for r in self.incidents if r[0] in grids and first <= r[1] <= last),
                       Decimal(0) if index == 3 else 0)

        def change(now, before, compared: bool) -> tuple[str, str]:
            if not compared:
                return "–", "–"
            verdict = "–" if not now and not before else "declined" if now < before else "did not decline"
            if not before:
                return "–", verdict
            ratio = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
            whole = int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            return ("no change" if whole == 0 else f"{whole:+d}%"), verdict

        def text(value, index: int) -> str:
            return f"{value:,.2f}" if index == 3 else str(value)

        rows = []
        year_ago = add_months(month, -12)
        for label, index in (("Raw reports (原始警情)", 4), ("Confirmed cases (确认警情)", 2),
                             ("Losses (损失金额, yuan)", 3)):
            now, before = total(month, month, index), total(year_ago, year_ago, index)
            row = [label, text(now, index), text(before, index), *change(now, before, not partial)]
            if ytd_last is None:
                row += ["–", "–", "–", "–"]
            else:
                ytd = total(month.replace(month=1), ytd_last, index)
                ytd_before = total(year_ago.replace(month=1), add_months(ytd_last, -12), index)
                row += [text(ytd, index), text(ytd_before, index), *change(ytd, ytd_before, True)]
            rows.append(row)
        return rows

    def quiet(self, grid: str, month: date) -> tuple[str, str]:
        """(months without a case, zero cases in a row) of a grid at `month`, as the pages write them."""
        cased = [r[1] for r in self.incidents if r[0] == grid and r[2] > 0 and r[1] <= month]
        if not cased:
            return "–", "–"
        last = max(cased)
        complete = min(month, add_months(self.today.replace(day=1), -1))
        run = max((complete.year - last.year) * 12 + complete.month - last.month, 0)
        months = (month.year - last.year) * 12 + month.month - last.month
        return str(months), ("–" if not run else f"{run} month{'s' if run > 1 else ''} in a row with zero cases")

    def reach(self, grids, first: date, last: date) -> tuple[int, int]:
        """(events, people reached) of the grids' activities from first to last, as stored."""
        found = [people for code, day, people in self.outreach if code in grids and first <= day <= last]
        return len(found), sum(found)

    def expect(self, codes, first: date, last: date) -> tuple[int, int, int, int, int]:
        """(expected, done, common right, common answered, days with data) from what was stored,
        as docs/metrics.md defines them: a day without a row left out, today live."""
        expected = done = right = answered = days = 0
        day = first
        while day <= last:
            for code in codes:
                if day == self.today:
                    heads, finished = self.live[code]
                    working = str(day.isoweekday()) in WORKDAYS[code]
                    expected += heads if working else 0
                    done += finished if working else 0
                    row = self.rows.get((code, day))
                    right, answered = right + (row[3] if row else 0), answered + (row[4] if row else 0)
                    days += 1
                elif (code, day) in self.rows:
                    workday, heads, completed, cc, ca = self.rows[(code, day)]
                    expected += heads if workday else 0
                    done += min(completed, heads) if workday else 0
                    right, answered, days = right + cc, answered + ca, days + 1
            day += timedelta(days=1)
        return expected, done, right, answered, days

    def percent(self, codes, first: date, last: date, knowledge: bool = False) -> str:
        expected, done, right, answered, _ = self.expect(codes, first, last)
        part, whole = (right, answered) if knowledge else (done, expected)
        return shown(part, whole)


def shown(part: int, whole: int, places: int = 0) -> str:
    """A share as the pages write it: rounded half up, "–" when there is nothing to divide by."""
    if not whole:
        return "–"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{value}%"


def of(figures: dict, knowledge: bool = False) -> str:
    """An API answer's share as a page writes it, from its exact counts (the 4-place share would
    round twice)."""
    if knowledge:
        return shown(figures["common_correct"], figures["common_answered"])
    return shown(figures["done"], figures["expected"])


def as_shown(value: float | None, places: int = 0) -> str:
    """A share read from a spreadsheet (a number at full precision), written as a page writes it."""
    if value is None:
        return "–"
    exact = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{exact}%"


def active(employee: Employee, day: date) -> bool:
    return employee.active and (employee.active_from is None or employee.active_from <= day) and (
        employee.active_until is None or employee.active_until >= day)


@pytest.fixture
def town(app, bank) -> Town:
    with app.app_context():
        today, now = local_today(), utcnow()
        g1, g2 = make_grid("g1", "网格一"), make_grid("g2", "网格二")
        companies = {"acme": make_company(g1, "acme", NAMES["acme"], workdays=WORKDAYS["acme"]),
                     "bolt": make_company(g1, "bolt", NAMES["bolt"], workdays=WORKDAYS["bolt"]),
                     "cog": make_company(g2, "cog", NAMES["cog"], workdays=WORKDAYS["cog"])}
        people = {"acme": [make_employee(companies["acme"], f"A00{i}", f"甲{i}") for i in range(1, 6)],
                  "bolt": [make_employee(companies["bolt"], f"B00{i}", f"乙{i}") for i in range(1, 4)],
                  "cog": [make_employee(companies["cog"], f"C00{i}", f"丙{i}") for i in range(1, 3)]}
        joined, left, walked_away = people["acme"][2], people["acme"][3], people["acme"][4]
        joined.active_from = today - timedelta(days=20)  # joined mid-period
        left.active_until = today - timedelta(days=10)  # left mid-period
        make_staff("staff-a", "company_staff", company=companies["acme"])
        make_staff("staff-c", "company_staff", company=companies["cog"])
        make_staff("officer-1", "grid_officer", grids=[g1])
        admin = make_staff("admin", "town_admin")
        db.session.commit()
        found = Town(today, now, {code: c.id for code, c in companies.items()}, {"g1": g1.id, "g2": g2.id})
        found.workers = {e.employee_no: e.id for staff in people.values() for e in staff}

        # A001's streak: 甲厂's last four workdays before today, and today.
        a1 = people["acme"][0]
        streak_days, day = [], today - timedelta(days=1)
        while len(streak_days) < 4:
            if str(day.isoweekday()) in WORKDAYS["acme"]:
                streak_days.append(day)
            day -= timedelta(days=1)
        for day in streak_days:
            take_quiz(a1, day)
        # Today: finished quizzes, a wrong answer or two, and one started whose time ran out (or not yet).
        found.result_attempt = take_quiz(a1, today).id
        take_quiz(joined, today, wrong=1)
        # A002 did the two workdays before (a streak of 3 with today's) and today answered one
        # question right before the 5 minutes ran out, 10 minutes ago; not closed yet (the worker did
        # not come back, the nightly job has not run): done, 1 of n, on every surface.
        for day in streak_days[:2]:
            take_quiz(people["acme"][1], day)
        late = take_quiz(people["acme"][1], today, finish=False)
        slot = next(a for a in late.answers if not a.behaviour and a.alert_id is None)
        quiz.record_answer(people["acme"][1], late.id, slot.position, right_choice(slot),
                           late.started_at + timedelta(seconds=20), today)
        late.started_at, late.deadline_at = now - timedelta(minutes=15), now - timedelta(minutes=10)
        found.late_attempt = late.id
        # A005 opened today's quiz and answered nothing; its 5 minutes ran out 20 minutes ago: not
        # done (docs/metrics.md, "Done"), on every surface, until they come back to it.
        walk = take_quiz(walked_away, today, finish=False)
        walk.started_at, walk.deadline_at = now - timedelta(minutes=25), now - timedelta(minutes=20)
        found.left_attempt = walk.id
        going = take_quiz(people["bolt"][1], today, finish=False)  # still answering
        going.started_at, going.deadline_at = now - timedelta(minutes=1), now + timedelta(minutes=4)
        take_quiz(people["bolt"][0], today)
        take_quiz(people["cog"][0], today, wrong=2)
        found.streak = len(streak_days) + 1

        # The rollup's past days, as the nightly job would have written them, with its gaps, and one
        # workday of 甲厂 whose headcount a finisher froze before a worker was added (done > heads).
        found.cog_start = add_months(today.replace(day=1), -1)
        frozen = next(today - timedelta(days=back) for back in range(8, 15)
                      if str((today - timedelta(days=back)).isoweekday()) in WORKDAYS["acme"]
                      and back not in GAPS["acme"])
        for code, staff in people.items():
            start = (today - found.cog_start).days if code == "cog" else HISTORY
            for back in range(1, start + 1):
                day = today - timedelta(days=back)
                if back in GAPS.get(code, ()):
                    continue
                rng = random.Random(f"{code}{day}")
                workday = str(day.isoweekday()) in WORKDAYS[code]
                heads = sum(1 for e in staff if active(e, day))
                completed = rng.randint(0, heads) if workday else rng.randint(0, 1)
                if code == "acme" and day == frozen:
                    completed = heads + 1
                answered = completed * 2
                right = rng.randint(0, answered)
                db.session.merge(CompanyDay(company_id=companies[code].id, day=day, workday=workday, headcount=heads,
                                            completed=completed, score_sum=completed * 4, question_sum=completed * 5,
                                            common_correct=right, common_answered=answered))
                found.rows[(code, day)] = (workday, heads, completed, right, answered)
        # Today's rows, written by the finishers (the common set counts from them).
        for code, company in companies.items():
            row = db.session.get(CompanyDay, (company.id, today))
            if row is not None:
                found.rows[(code, today)] = (row.workday, row.headcount, row.completed, row.common_correct,
                                             row.common_answered)
        for code, staff in people.items():
            heads = [e for e in staff if active(e, today)]
            started = db.session.scalars(select(Attempt).where(
                Attempt.employee_id.in_([e.id for e in heads]), Attempt.official_date == today)).all()
            found.live[code] = (len(heads), sum(1 for a in started if a.answered > 0 and (
                a.finished_at is not None or a.deadline_at + timedelta(seconds=GRACE_SECONDS) < now)))

        # Incidents: this month's, and last months' entered today (a back-fill).
        month, last_month, before = today.replace(day=1), add_months(today.replace(day=1), -1), \
            add_months(today.replace(day=1), -2)
        db.session.add_all([
            Incident(grid_id=g1.id, company_id=companies["acme"].id, month=month, fraud_type="alpha", cases=2,
                     loss_yuan=Decimal("1000.50"), raw_reports=5),
            Incident(grid_id=g1.id, company_id=None, month=month, fraud_type="other", cases=1, loss_yuan=Decimal(10),
                     raw_reports=1),
            Incident(grid_id=g1.id, company_id=companies["acme"].id, month=last_month, fraud_type="beta", cases=3,
                     loss_yuan=Decimal(3000), raw_reports=6),
            Incident(grid_id=g1.id, company_id=companies["bolt"].id, month=last_month, fraud_type="alpha", cases=1,
                     loss_yuan=Decimal(500), raw_reports=2),
            Incident(grid_id=g2.id, company_id=companies["cog"].id, month=before, fraud_type="alpha", cases=4,
                     loss_yuan=Decimal(400)),
            # A year earlier, for the three declines: the same month, last month and the month before.
            Incident(grid_id=g1.id, company_id=companies["acme"].id, month=add_months(month, -12), fraud_type="alpha",
                     cases=2, loss_yuan=Decimal(800), raw_reports=4),
            Incident(grid_id=g1.id, company_id=companies["bolt"].id, month=add_months(month, -13), fraud_type="beta",
                     cases=4, loss_yuan=Decimal(5000), raw_reports=7),
            Incident(grid_id=g2.id, company_id=None, month=add_months(month, -14), fraud_type="other", cases=6,
                     loss_yuan=Decimal("900.40"), raw_reports=3)])
        found.incidents = [(g1.id == i_grid and "g1" or "g2", i_month, cases, loss, raw) for i_grid, i_month, cases,
                           loss, raw in db.session.execute(select(Incident.grid_id, Incident.month, Incident.cases,
                                                                  Incident.loss_yuan, Incident.raw_reports))]
        # Outreach: this month's (a company's pre-shift talks count for its grid) and last month's.
        for grid_code, company, day, kind, people in (
                ("g1", "acme", month, "preshift", 45), ("g1", None, month, "community", 1200),
                ("g1", "bolt", today, "preshift", 30), ("g2", None, month, "school", 600),
                ("g1", None, last_month, "stall", 80), ("g2", "cog", last_month, "preshift", 12),
                ("g2", None, last_month, "door_to_door", 25)):
            grid_id = g1.id if grid_code == "g1" else g2.id
            make_activity(grid_id, day, people, kind, company_id=companies[company].id if company else None)
            found.outreach.append((grid_code, day, people))
        _, found.token = tokens.issue_token(admin, "figures", now)
        db.session.commit()
        return found


# --- reading the surfaces -------------------------------------------------------------------------

class _Tables(HTMLParser):
    """Every table of a page: its caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.stack: list[dict] = []
        self.cell: list[str] | None = None
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append({"caption": "", "rows": []})
        elif tag == "caption" and self.stack:
            self.caption = []
        elif tag == "tr" and self.stack:
            self.stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self.stack:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
        elif tag == "caption" and self.caption is not None:
            self.stack[-1]["caption"] = " ".join("".join(self.caption).split())
            self.caption = None
        elif tag in ("td", "th") and self.cell is not None:
            self.stack[-1]["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.caption is not None:
            self.caption.append(data)


def tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser.tables


def table(html: str, *headers: str, caption: str | None = None) -> list[dict[str, str]]:
    """The rows of the table whose header row has these column names (or this caption), each as
    {column: text}; a header cell matches by its start (a sorted column carries "▲")."""
    for found in tables(html):
        if caption is not None and found["caption"] != caption:
            continue
        head = found["rows"][0] if found["rows"] else []
        if all(any(cell.startswith(h) for cell in head) for h in headers):
            names = [next((h for h in headers if cell.startswith(h)), cell) for cell in head]
            return [dict(zip(names, row, strict=False)) for row in found["rows"][1:] if len(row) == len(head)]
    raise AssertionError(f"no table with {headers or caption}")


def rows_by(html: str, key: str, *headers: str, caption: str | None = None) -> dict[str, dict[str, str]]:
    """The rows of that table by their `key` column."""
    return {row[key]: row for row in table(html, key, *headers, caption=caption)}


def term(html: str, name: str) -> str:
    """The text of the <dd> after the <dt> that reads `name`."""
    found = re.search(r"<dt>\s*" + re.escape(name) + r"\s*</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert found, name
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def signed_in(app, username: str):
    client = app.test_client()
    sign_in_staff_in_english(client, username)
    return client


def page(client, url: str) -> str:
    status, html = read(client, url)
    assert status == 200, url
    return html


def api(app, town: Town, url: str) -> dict:
    response = app.test_client().get(f"/api/v1{url}", headers={"Authorization": f"Bearer {town.token}"})
    assert response.status_code == 200, (url, response.get_json())
    return response.get_json()


def company_figures(app, town: Town, code: str, first: date, last: date) -> dict:
    found = api(app, town, f"/companies/summary?from={first}&to={last}")["companies"]
    return next(c for c in found if c["code"] == code)


def workbook(client, url: str) -> dict[str, list[list]]:
    response = client.get(url)
    assert response.status_code == 200, url
    book = load_workbook(io.BytesIO(response.get_data()))
    response.close()
    return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets}


def sheet_rows(book: dict, title: str) -> list[dict]:
    head, *rows = book[title]
    return [dict(zip(head, row, strict=True)) for row in rows]


# --- the figures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("days", [7, 30, 90])
def test_participation_over_a_period_agrees_on_the_console_the_dashboard_the_exports_and_the_api(app, town, days):
    first, last = town.today - timedelta(days=days - 1), town.today
    staff, admin = signed_in(app, "staff-a"), signed_in(app, "admin")
    trends = page(staff, f"/console/trends?days={days}")
    for code in ("acme", "cog"):
        expected, done, *_ = town.expect([code], first, last)
        figures = company_figures(app, town, code, first, last)
        assert (figures["expected"], figures["done"]) == (expected, done)
        assert of(figures) == town.percent([code], first, last)
        assert figures["participation"] == (round(done / expected, 4) if expected else None)
        assert figures["days_with_data"] == town.expect([code], first, last)[4]
        if days in (7, 30):
            row = rows_by(page(admin, "/reports/"), "Company", f"{days} days")[NAMES[code]]
            assert row[f"{days} days"].split()[0] == town.percent([code], first, last)
    expected, done, *_ = town.expect(["acme"], first, last)
    assert term(trends, "Participation") == town.percent(["acme"], first, last)
    assert term(trends, "Done / expected") == f"{done} / {expected}"
    missing = sum(1 for back in range(days) if ("acme", town.today - timedelta(days=back)) not in town.rows
                  and back > 0)
    if missing:
        assert f"{missing} days of this period have no daily record" in trends
    # Teams: the trends page's small multiples and the by-team export (one decimal there).
    teams = staff.get(f"/console/exports/by-team.csv?days={days}").get_data().decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(teams)):
        [card] = [t for t in texts(trends, "article", class_="multiple") if t.startswith(row["Team"])]
        done, expected = int(row["Done"]), int(row["Quizzes expected"])
        assert re.search(r"Participation (\S+) ·", card).group(1) == shown(done, expected)
        assert (row["Participation"] or "–") == shown(done, expected, 1)
    # The by-day export: each day's participation (one decimal) is the API's day.
    data = staff.get(f"/console/exports/by-day.csv?days={days}").get_data()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    answer = api(app, town, f"/companies/{town.ids['acme']}/days?from={first}&to={last}")
    by_api = {d["date"]: d for d in answer["days"]}
    assert len(rows) == days
    for row in rows:
        day = by_api.get(row["Date"])
        if day is None:  # no data that day: empty figures, said so
            assert row["Participation"] == "" and row["Done"] == "" and row["Note"]
        else:
            assert (row["Participation"] or "–") == shown(day["done"], day["expected"], 1)
            assert (row["Active workers"], row["Done"]) == (str(day["headcount"]), str(day["done"]))


def test_a_company_new_to_quizapp_shows_the_same_over_90_days_everywhere(app, town):
    """Issue 10's case: the console said 21% (632/3,058) where the API said 65% (632/967)."""
    first, last = town.today - timedelta(days=89), town.today
    expected, done, *_ = town.expect(["cog"], first, last)
    trends = page(signed_in(app, "staff-c"), "/console/trends?days=90")
    assert term(trends, "Done / expected") == f"{done} / {expected}"
    figures = company_figures(app, town, "cog", first, last)
    assert (figures["done"], figures["expected"]) == (done, expected)
    assert term(trends, "Participation") == of(figures) == shown(done, expected)
    assert figures["days_with_data"] == (town.today - town.cog_start).days + 1  # its days here, today too


def test_today_agrees_on_the_board_the_admin_home_the_dashboard_the_town_view_the_digest_and_the_api(
        app, town, monkeypatch):
    today = town.today
    heads, done = town.live["acme"]
    board = page(signed_in(app, "staff-a"), "/console/")
    total = {name: texts(board, "span", **{"data-figure": "total", "data-field": name})[0]
             for name in ("done", "expected", "share")}
    working = str(today.isoweekday()) in WORKDAYS["acme"]
    assert (total["done"], total["expected"]) == (str(done), str(heads))
    assert total["share"] == (shown(done, heads) if working else "–")
    admin = signed_in(app, "admin")
    [home] = [r for r in table(page(admin, "/admin/"), "Company", "Participation") if r["Company"] == NAMES["acme"]]
    assert (home["Active workers"], home["Done today"]) == (str(heads), str(done))
    if working:
        assert home["Participation"] == shown(done, heads)
    [row] = [r for r in table(page(admin, "/reports/"), "Company", "Today") if r["Company"] == NAMES["acme"]]
    assert row["Active workers"] == str(heads)
    assert row["Today"] == (shown(done, heads) if working else "day off")
    [day] = api(app, town, f"/companies/{town.ids['acme']}/days?from={today}")["days"]
    assert (day["headcount"], day["done"], day["provisional"]) == (heads, done if working else 0, True)
    # The town and a grid, today: the town view, the API and the officer's digest.
    codes = ["acme", "bolt", "cog"]
    view = page(admin, "/reports/town")
    assert term(view, "Participation today") == town.percent(codes, today, today)
    assert term(view, "Active workers") == str(sum(town.live[c][0] for c in codes))
    summary = api(app, town, f"/grids/summary?from={today}&to={today}")
    assert of(summary["town"]) == town.percent(codes, today, today)
    [grid_day] = api(app, town, f"/grids/{town.grids['g1']}/days?from={today}")["days"]
    expected, grid_done, *_ = town.expect(["acme", "bolt"], today, today)
    assert (grid_day["expected"], grid_day["done"]) == (expected, grid_done)
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        text = compose(digest.figures(officer, today, town_zone(), utcnow())).text
    if expected:
        assert (f"Participation on {today}: {shown(grid_done, expected)} ({grid_done} of {expected} expected "
                "quizzes done)" in text.splitlines())
    else:
        assert f"Participation on {today}: no quiz expected (not a workday)" in text.splitlines()


def test_weeks_the_four_weeks_before_and_the_knowledge_index_agree_on_the_comparison_town_view_and_api(app, town):
    admin = signed_in(app, "admin")
    html = page(admin, f"/reports/compare?company_id={town.ids['acme']}&company_id={town.ids['cog']}")
    weekly = rows_by(html, "Company", caption="Participation per week (Monday to Sunday), by the week's Monday")
    knowledge = rows_by(html, "Company", caption="Knowledge index per week (Monday to Sunday), by the week's Monday")
    today = town.today
    # The weekly report's weeks, Monday to Sunday; the last one is this week so far.
    monday = today - timedelta(days=today.weekday())
    weeks = [(monday - timedelta(days=7 * back), min(monday - timedelta(days=7 * back - 6), today))
             for back in range(11, -1, -1)]
    heads = [h for h in table(html, "Company", caption="Participation per week (Monday to Sunday), by the week's "
                                                         "Monday")[0] if h != "Company"]
    assert heads == [f"{first:%m-%d}" for first, _ in weeks[:-1]] + [f"{monday:%m-%d} so far"]
    for code in ("acme", "cog"):
        cells = [v for k, v in weekly[NAMES[code]].items() if k != "Company"]
        index = [v for k, v in knowledge[NAMES[code]].items() if k != "Company"]
        for (first, last), cell, known in zip(weeks, cells, index, strict=True):
            figures = company_figures(app, town, code, first, last)
            assert cell == of(figures) == town.percent([code], first, last)
            assert known == of(figures, knowledge=True) == town.percent([code], first, last, knowledge=True)
    # The week before this one is the weekly report's (its default: the last complete week), to the
    # digit: 丙厂 is 网格二's only company.
    report = rows_by(page(admin, "/reports/periodic/week?scope=town"), "Grid", "Companies", "Active workers")
    cog_weeks = [v for k, v in weekly[NAMES["cog"]].items() if k != "Company"]
    assert report["网格二"]["Participation"].split()[0] == cog_weeks[-2] == town.percent(["cog"], *weeks[-2])
    # The picker: the last 4 weeks and the 4 before, marked when those hold less than 28 days of
    # data (丙厂 is new; a night without a rollup counts too), with a warning saying how many.
    picker = {r["Company"]: r for r in table(html, "Company", "Participation, last 4 weeks")}
    recent, before = (weeks[-4][0], today), (weeks[-8][0], weeks[-5][1])
    short = 0
    for code in NAMES:
        cell = picker[NAMES[code]]["4 weeks before"]
        assert picker[NAMES[code]]["Participation, last 4 weeks"] == town.percent([code], *recent)
        assert cell.removesuffix(" ⚠") == town.percent([code], *before)
        days = town.expect([code], *before)[4]
        assert cell.endswith("⚠") == (0 < days < 28)
        short += days < 28
    assert short and f"{short} companies listed have less than 4 weeks of data" in html
    # The town view: the heat table's weeks per grid, the 30-day lists (one list: fewer than 10).
    view = page(admin, "/reports/town")
    heat = {r["Grid"]: r for r in table(view, "Grid", "Companies")}
    for grid, codes in (("网格一", ["acme", "bolt"]), ("网格二", ["cog"])):
        cells = [v for k, v in heat[grid].items()
                 if k not in ("Grid", "Companies", QUIET, RUN)]
        assert cells == [town.percent(codes, first, last) for first, last in weeks]
    grids30 = table(view, "Grid", "30 days", caption="Every grid with figures, highest first")
    last30 = (today - timedelta(days=29), today)
    summary = {g["name"]: g for g in api(app, town, f"/grids/summary?from={last30[0]}&to={today}")["grids"]}
    for row in grids30:
        assert row["30 days"] == of(summary[row["Grid"]])
    assert "Top 5 grids" not in view and "Bottom 5 companies" not in view
    assert term(view, "Knowledge index, 30 days") == town.percent(["acme", "bolt", "cog"], *last30, knowledge=True)
    row = rows_by(page(admin, "/reports/"), "Company", "Knowledge index (30 days)")[NAMES["acme"]]
    assert row["Knowledge index (30 days)"] == of(company_figures(app, town, "acme", *last30), knowledge=True)


@pytest.mark.parametrize("kind", ["week", "month"])
def test_the_weekly_and_monthly_reports_agree_on_the_page_the_workbook_and_the_api(app, town, kind):
    today = town.today
    if kind == "month":
        first = add_months(today.replace(day=1), -1)
        last = today.replace(day=1) - timedelta(days=1)
    else:
        first = today - timedelta(days=today.weekday() + 7)
        last = first + timedelta(days=6)
    previous_last = first - timedelta(days=1)
    previous_first = add_months(first, -1) if kind == "month" else first - timedelta(days=7)
    admin = signed_in(app, "admin")
    html = page(admin, f"/reports/periodic/{kind}?scope=town&start={first}")
    book = workbook(admin, f"/reports/periodic/{kind}.xlsx?scope=town&start={first}")
    grids_page = {r["Grid"]: r for r in table(html, "Grid", "Companies", "Active workers")}
    grids_book = {r["Grid"]: r for r in sheet_rows(book, "Grids")}
    grids_api = {g["name"]: g for g in api(app, town, f"/grids/summary?from={first}&to={last}")["grids"]}
    for grid, codes in (("网格一", ["acme", "bolt"]), ("网格二", ["cog"])):
        want = town.percent(codes, first, last)
        assert grids_page[grid]["Participation"].split()[0] == want
        assert as_shown(grids_book[grid]["Participation"]) == want
        assert of(grids_api[grid]) == want
        assert grids_page[grid]["Knowledge index"] == as_shown(grids_book[grid]["Knowledge index"]) == \
            town.percent(codes, first, last, knowledge=True)
    # Every company: the page's one ranked list (fewer than 10), the workbook's list and the API.
    ranked = {r["Company"]: r for r in table(html, "Company", "Grid", "Active workers",
                                               caption="Every company with figures, highest first")}
    listed = {r["Company"]: r for r in sheet_rows(book, "Company list")}
    for code in NAMES:
        name, want = NAMES[code], town.percent([code], first, last)
        figures = company_figures(app, town, code, first, last)
        assert as_shown(listed[name]["Participation"]) == of(figures) == want
        if name in ranked:
            assert ranked[name]["Participation"].split()[0] == want
        # Active workers: the last day of the period with data; "–" (empty in the workbook) without.
        days = [day for (c, day) in town.rows if c == code and first <= day <= last]
        heads = town.rows[(code, max(days))][1] if days else None
        assert listed[name]["Active workers"] == heads
        if name in ranked:
            assert ranked[name]["Active workers"] == ("–" if heads is None else str(heads))
    # The totals: the page's Summary table and the workbook's Summary sheet.
    summary_page = {r["Figure"]: r for r in table(html, "Figure", "This period", "Previous period")}
    summary_book = {r["Figure"]: r for r in sheet_rows(book, "Summary")}
    codes = list(NAMES)
    assert summary_page["Participation"]["This period"] == as_shown(summary_book["Participation"]["This period"]) \
        == town.percent(codes, first, last)
    assert summary_page["Participation"]["Previous period"] == town.percent(codes, previous_first, previous_last)
    workers, in_book = summary_page["Active workers"], summary_book["Active workers"]
    for column in ("This period", "Previous period"):
        assert workers[column] == ("–" if in_book[column] is None else str(in_book[column]))
    # A change of none reads "no change", never "+0" (wording.change_words); on some days the roster is the same.
    change = in_book["Change"]
    assert workers["Change"] == ("–" if change is None else "no change" if change == 0 else f"{change:+d}")


def test_first_try_accuracy_by_grid_and_month_is_the_knowledge_index_on_the_learning_page_reports_and_api(
        app, town):
    """The learning page's and the API's first-try accuracy by grid and month is the knowledge index
    over that grid and month: the monthly report's, to the digit."""
    admin, officer = signed_in(app, "admin"), signed_in(app, "officer-1")
    html, officers = page(admin, "/reports/learning"), page(officer, "/reports/learning")
    learning = api(app, town, "/learning")["first_tries"]
    this_month = town.today.replace(day=1)
    months = [add_months(this_month, back) for back in (-2, -1, 0)]
    by_page = rows_by(html, "Grid", caption="Knowledge index by grid and month")
    by_officer = rows_by(officers, "Grid", caption="Knowledge index by grid and month")
    assert "网格二" not in by_officer
    by_api = {g["name"]: {m["month"]: m for m in g["months"]} for g in learning["grids"]}
    for month in months:
        last = min(add_months(month, 1) - timedelta(days=1), town.today)
        column = month.strftime("%Y-%m")
        report = page(admin, f"/reports/periodic/month?scope=town&start={month}") if month < this_month else None
        grids_report = {r["Grid"]: r for r in table(report, "Grid", "Companies", "Active workers")} if report else {}
        for grid, codes in (("网格一", ["acme", "bolt"]), ("网格二", ["cog"])):
            want = town.percent(codes, month, last, knowledge=True)
            assert by_page[grid][column] == want, (grid, column)
            found = by_api[grid][column]
            assert shown(found["right"], found["answered"]) == want
            if grid in grids_report:
                assert grids_report[grid]["Knowledge index"] == want
        assert by_officer["网格一"][column] == by_page["网格一"][column]
        everyone = town.percent(list(NAMES), month, last, knowledge=True)
        assert by_page["All grids shown"][column] == everyone
        total = next(m for m in learning["total"] if m["month"] == column)
        assert shown(total["right"], total["answered"]) == everyone


def test_a_month_without_data_shows_dashes_never_zero_or_a_change_against_nothing(app, town):
    """丙厂 started on the 1st of last month: its grid's report of last month has no month before."""
    month = town.cog_start
    admin = signed_in(app, "admin")
    html = page(admin, f"/reports/periodic/month?scope={town.grids['g2']}&start={month:%Y-%m}")
    book = workbook(admin, f"/reports/periodic/month.xlsx?scope={town.grids['g2']}&start={month:%Y-%m}")
    summary = {r["Figure"]: r for r in table(html, "Figure", "This period", "Previous period")}
    workers = summary["Active workers"]
    assert workers["This period"] == "2"
    assert workers["Previous period"] == "–" and workers["Change"] == "–"  # never "0" and "+n"
    assert summary["Participation"]["Previous period"] == "–"
    # No company had anything expected before: how many were below target is unknown, never "0".
    assert summary["Companies below target"]["Previous period"] == "–"
    assert summary["Companies below target"]["This period"] in ("0", "1")
    assert re.search(r'<span class="no-data" title="[^"]+">–</span>', html)
    sheet = {r["Figure"]: r for r in sheet_rows(book, "Summary")}
    row = sheet["Active workers"]
    assert row["Previous period"] is None and row["Change"] is None
    assert sheet["Companies below target"]["Previous period"] is None
    assert sheet["Companies below target"]["This period"] == int(summary["Companies below target"]["This period"])
    figures = company_figures(app, town, "cog", add_months(month, -1), month - timedelta(days=1))
    assert figures["participation"] is None and figures["days_with_data"] == 0


def test_incidents_count_by_the_month_they_happened_on_the_digest_the_incidents_page_reports_and_api(
        app, town, monkeypatch):
    today = town.today
    this_month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
    officer = signed_in(app, "officer-1")
    incidents = page(officer, f"/reports/incidents?month={today:%Y-%m}&grid={town.grids['g1']}")
    rows = rows_by(incidents, "Month", "Confirmed cases", "Losses (yuan)")
    # Entered today, back-filled or not: each counts in the month it happened.
    now, before = rows[f"{this_month:%Y-%m}"], rows[f"{last_month:%Y-%m}"]
    assert (now["Confirmed cases"], now["Losses (yuan)"]) == ("3", "1,010.50")
    assert (before["Confirmed cases"], before["Losses (yuan)"]) == ("4", "3,500.00")
    found = api(app, town, f"/incidents?from={this_month}&to={today}&grid_id={town.grids['g1']}")
    assert found["total"] == {"cases": 3, "loss_yuan": 1010.5, "raw_reports": 6}
    # The three figures of the month in progress: shown, labelled partial, not compared.
    yoy = {cells[0]: cells[1] for cells in (list(r.values()) for r in table(incidents, "Same month last year"))}
    assert yoy == {"Raw reports (原始警情)": "6", "Confirmed cases (确认警情)": "3",
                   "Losses (损失金额, yuan)": "1,010.50"}
    assert "(in progress)" in incidents and "is still in progress" in incidents
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        text = compose(digest.figures(account, today, town_zone(), utcnow())).text
    assert (f"Confirmed cases in {this_month:%Y-%m} (the month the cases happened, so far): 3 (losses 1,010.50 "
            "yuan)") in text.splitlines()
    assert f"Raw reports (原始警情) in {this_month:%Y-%m} (the month they happened, so far): 6" in text.splitlines()
    # Last month in the monthly report (page and workbook) and the API.
    html = page(officer, f"/reports/periodic/month?scope={town.grids['g1']}&start={last_month:%Y-%m}")
    summary = {r["Figure"]: r for r in table(html, "Figure", "This period")}
    assert (summary["Confirmed cases"]["This period"], summary["Losses (yuan)"]["This period"]) == ("4", "3,500.00")
    assert summary["Raw reports"]["This period"] == "8"
    book = workbook(officer, f"/reports/periodic/month.xlsx?scope={town.grids['g1']}&start={last_month:%Y-%m}")
    total = [r for r in sheet_rows(book, "Incidents") if r["Fraud type"] == "Total"][0]
    assert (total["Confirmed cases"], total["Losses (yuan)"]) == (4, Decimal(3500))
    end = this_month - timedelta(days=1)
    assert api(app, town, f"/incidents?from={last_month}&to={end}&grid_id={town.grids['g1']}")["total"] == \
        {"cases": 4, "loss_yuan": 3500.0, "raw_reports": 8}


def test_a_workers_streak_is_the_same_on_their_result_and_on_the_staffs_history(app, town):
    staff = signed_in(app, "staff-a")
    history = page(staff, f"/console/workers/{town.workers['A001']}/history")
    assert term(history, "Workdays in a row") == str(town.streak)
    worker = app.test_client()
    sign_in_worker(worker, "acme", "A001")
    worker.set_cookie("lang", "en")
    result = page(worker, f"/attempt/{town.result_attempt}/result")
    assert texts(result, "p", class_="streak") == [f"{town.streak} workdays in a row"]


def test_headcount_agrees_on_the_board_the_dashboard_the_admin_home_the_town_view_and_the_api(app, town):
    admin = signed_in(app, "admin")
    dashboard = {r["Company"]: r for r in table(page(admin, "/reports/"), "Company", "Active workers")}
    home = {r["Company"]: r for r in table(page(admin, "/admin/"), "Company", "Active workers")}
    for code in NAMES:
        heads = town.live[code][0]
        assert dashboard[NAMES[code]]["Active workers"] == home[NAMES[code]]["Active workers"] == str(heads)
        [day] = api(app, town, f"/companies/{town.ids[code]}/days?from={town.today}")["days"]
        assert day["headcount"] == heads
    board = page(signed_in(app, "staff-a"), "/console/")
    assert texts(board, "span", **{"data-figure": "total", "data-field": "expected"}) == [str(town.live["acme"][0])]
    # 甲厂: 5 on the roster, one joined 20 days ago (counted), one left 10 days ago (not).
    assert town.live["acme"][0] == 4


def test_outreach_events_and_people_agree_on_the_ledger_dashboard_reports_digest_and_api(app, town, monkeypatch):
    today = town.today
    month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
    month_end = month - timedelta(days=1)

    def shown_pair(events: int, people: int) -> tuple[str, str]:
        return f"{events:,}", f"{people:,}"

    this_month = {code: town.reach([code], month, today) for code in ("g1", "g2")}
    assert this_month["g1"] == (3, 1275)  # 甲厂's and 乙厂's pre-shift talks count for 网格一
    officer, admin = signed_in(app, "officer-1"), signed_in(app, "admin")
    # The ledger (officer: 网格一 only) and the dashboard (admin: both grids), this month by grid.
    ledger = rows_by(page(officer, "/reports/outreach"), "Grid", "Events", "People reached",
                     caption=f"By grid, {month:%Y-%m}")
    assert list(ledger) == ["网格一", "Total"]
    assert (ledger["网格一"]["Events"], ledger["网格一"]["People reached"]) == shown_pair(*this_month["g1"])
    dashboard = rows_by(page(admin, "/reports/"), "Grid", "Events", "People reached",
                        caption="Outreach by grid, this month")
    for code, name in (("g1", "网格一"), ("g2", "网格二")):
        assert (dashboard[name]["Events"], dashboard[name]["People reached"]) == shown_pair(*this_month[code])
    total = town.reach(["g1", "g2"], month, today)
    assert (dashboard["Total"]["Events"], dashboard["Total"]["People reached"]) == shown_pair(*total)
    # The API, this month and last month.
    found = api(app, town, f"/outreach?from={month}&to={today}")
    assert {g["code"]: (g["events"], g["people"]) for g in found["grids"]} == this_month
    assert (found["total"]["events"], found["total"]["people"]) == total
    before = town.reach(["g1", "g2"], last_month, month_end)
    found = api(app, town, f"/outreach?from={last_month}&to={month_end}")
    assert (found["total"]["events"], found["total"]["people"]) == before == (3, 117)
    # Last month's report of the town: the page's totals, its Outreach table and the workbook.
    html = page(admin, f"/reports/periodic/month?scope=town&start={last_month:%Y-%m}")
    summary = {r["Figure"]: r for r in table(html, "Figure", "This period", "Previous period")}
    assert (summary["Outreach events"]["This period"], summary["People reached"]["This period"]) == \
        shown_pair(*before)
    by_grid = rows_by(html, "Grid", "Events", "People reached", caption="Outreach by grid")
    assert (by_grid["网格二"]["Events"], by_grid["网格二"]["People reached"]) == \
        shown_pair(*town.reach(["g2"], last_month, month_end))
    book = workbook(admin, f"/reports/periodic/month.xlsx?scope=town&start={last_month:%Y-%m}")
    rows = {r["Figure"]: r for r in sheet_rows(book, "Summary")}
    assert (rows["Outreach events"]["This period"], rows["People reached"]["This period"]) == before
    sheet = {(r["By"], r["Grid or kind"]): r for r in sheet_rows(book, "Outreach")}
    assert (sheet[(None, "Total")]["Events"], sheet[(None, "Total")]["People reached"]) == before
    assert sheet[("Grid", "网格一")]["People reached"] == town.reach(["g1"], last_month, month_end)[1]
    # The digest: the officer's grid, this month so far.
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        text = compose(digest.figures(account, today, town_zone(), utcnow())).text
    events, people = shown_pair(*this_month["g1"])
    assert f"Outreach in {month:%Y-%m} so far: {events} events, {people} people reached" in text.splitlines()


# --- the three declines ---------------------------------------------------------------------------

def declines_on_page(html: str) -> list[list[str]]:
    """The rows of the page's year-on-year table (its header has "Same month last year")."""
    [found] = [t for t in tables(html) if t["rows"] and "Same month last year" in t["rows"][0]]
    return found["rows"][1:]


def declines_in_book(book: dict) -> list[list[str]]:
    """The workbook's "Three declines" sheet written as the page writes it (an empty cell: "–")."""
    rows = []
    for cells in book["Three declines"][1:4]:
        label, *values = cells
        shown_row = [label]
        for position, value in enumerate(values):
            if value is None:
                shown_row.append("–")
            elif position in (2, 6):  # changes, in whole percent
                shown_row.append("no change" if value == 0 else f"{value:+d}%")
            elif isinstance(value, str):
                shown_row.append(value)
            else:
                shown_row.append(f"{Decimal(str(value)):,.2f}" if "Losses" in label else str(value))
        rows.append(shown_row)
    return rows


def declines_in_api(answer: dict) -> list[list[str]]:
    """The API's answer written as the page writes it."""
    labels = {"raw_reports": "Raw reports (原始警情)", "cases": "Confirmed cases (确认警情)",
              "loss_yuan": "Losses (损失金额, yuan)"}
    words = {True: "declined", False: "did not decline", None: "–"}

    def number(value, name):
        if value is None:
            return "–"
        return f"{Decimal(str(value)):,.2f}" if name == "loss_yuan" else str(value)

    def change(value):
        return "–" if value is None else "no change" if value == 0 else f"{value:+d}%"

    return [[labels[f["figure"]], number(f["month"], f["figure"]), number(f["month_last_year"], f["figure"]),
             change(f["month_change"]), words[f["month_declined"]], number(f["year_to_date"], f["figure"]),
             number(f["ytd_last_year"], f["figure"]), change(f["ytd_change"]), words[f["ytd_declined"]]]
            for f in answer["figures"]]


def declines_in_digest(text: str) -> list[list[str]]:
    """The digest's three lines, parsed back into the page's cells (its amounts drop ".00")."""
    rows = []
    pattern = re.compile(r"^(.+?): (\d{4}-\d{2}) (\S+) \(same month last year (\S+), (.+?), (.+?)\)"
                         r"(?:; January to \d{4}-\d{2} (\S+) \(a year before (\S+), (.+?), (.+?)\))?$")
    for line in text.splitlines():
        found = pattern.match(line)
        if not found:
            continue
        label = found.group(1)
        cells = [found.group(i) for i in (3, 4, 5, 6, 7, 8, 9, 10)]
        if cells[4] is None:
            cells[4:] = ["–", "–", "–", "–"]
        for i in (0, 1, 4, 5):
            if "Losses" in label and cells[i] != "–":
                cells[i] = f"{Decimal(cells[i].replace(',', '')):,.2f}"
        rows.append([label, *cells])
    return rows


def test_the_three_declines_and_their_verdicts_agree_on_every_surface(app, town, monkeypatch):
    """原始警情, 确认警情 and 损失金额 year on year, and whether each declined: the incidents page, the
    dashboard, the weekly and monthly reports (page and workbook), the digest and the API show the
    same figures and the same words, and the same as computed here from what was stored. The month
    in progress is shown and not compared, and each surface says so."""
    today = town.today
    this_month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
    admin, officer = signed_in(app, "admin"), signed_in(app, "officer-1")
    everywhere, own = ("g1", "g2"), ("g1",)
    now_town, now_g1 = town.declines(everywhere, this_month), town.declines(own, this_month)
    before_town = town.declines(everywhere, last_month)
    # The figures this test stands on: the month in progress is not compared; last month is, with a
    # decline (losses), no change (cases) and a rise (raw reports) in the town.
    assert [row[3:5] for row in now_town] == [["–", "–"]] * 3
    assert [row[3:5] for row in before_town] == [["+14%", "did not decline"], ["no change", "did not decline"],
                                                 ["-30%", "declined"]]
    # The incidents page (this month and last month), the dashboard (this month).
    assert declines_on_page(page(admin, f"/reports/incidents?month={this_month:%Y-%m}")) == now_town
    assert declines_on_page(page(admin, f"/reports/incidents?month={last_month:%Y-%m}")) == before_town
    assert declines_on_page(page(officer, f"/reports/incidents?month={this_month:%Y-%m}")) == now_g1
    dashboard = page(admin, "/reports/")
    assert declines_on_page(dashboard) == now_town
    assert f"{this_month:%Y-%m} is still in progress" in dashboard
    assert declines_on_page(page(officer, "/reports/")) == now_g1
    # The monthly report of last month (complete: compared), page and workbook.
    html = page(admin, f"/reports/periodic/month?scope=town&start={last_month:%Y-%m}")
    assert declines_on_page(html) == before_town and f"{last_month:%Y-%m} is complete" in html
    book = workbook(admin, f"/reports/periodic/month.xlsx?scope=town&start={last_month:%Y-%m}")
    assert declines_in_book(book) == before_town
    grid_report = page(officer, f"/reports/periodic/month?scope={town.grids['g1']}&start={last_month:%Y-%m}")
    assert declines_on_page(grid_report) == town.declines(own, last_month)
    # The weekly report of last week: the month its last day is in (in progress or not).
    monday = today - timedelta(days=today.weekday() + 7)
    week_month = (monday + timedelta(days=6)).replace(day=1)
    html = page(admin, f"/reports/periodic/week?scope=town&start={monday}")
    book = workbook(admin, f"/reports/periodic/week.xlsx?scope=town&start={monday}")
    assert declines_on_page(html) == declines_in_book(book) == town.declines(everywhere, week_month)
    # The API, the town's and a grid's.
    assert declines_in_api(api(app, town, "/declines")) == now_town
    assert declines_in_api(api(app, town, f"/declines?month={last_month:%Y-%m}")) == before_town
    answer = api(app, town, f"/declines?month={this_month:%Y-%m}&grid_id={town.grids['g1']}")
    assert declines_in_api(answer) == now_g1 and answer["partial"] is True
    # The digest: the officer's grid and the town admin's town, today's month.
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        accounts = {name: db.session.scalar(select(StaffUser).where(StaffUser.username == name))
                    for name in ("officer-1", "admin")}
        texts_sent = {name: compose(digest.figures(account, today, town_zone(), utcnow())).text
                      for name, account in accounts.items()}
    assert declines_in_digest(texts_sent["officer-1"]) == now_g1
    assert declines_in_digest(texts_sent["admin"]) == now_town
    assert f"{this_month:%Y-%m} is still in progress" in texts_sent["admin"]


def test_months_without_a_case_per_grid_agree_wherever_grids_are_listed(app, town, monkeypatch):
    """Months without a case and "连续 N 个月零发案" per grid: the incidents page, the dashboard, the
    town view, the map, the monthly report (page and workbook), the digest and the API."""
    today = town.today
    this_month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
    admin = signed_in(app, "admin")
    names = {"g1": "网格一", "g2": "网格二"}
    want = {code: town.quiet(code, this_month) for code in names}
    assert want["g2"] == ("2", "1 month in a row with zero cases")  # its last case: two months ago

    def pairs(rows: dict) -> dict:
        return {code: (rows[name][QUIET], rows[name][RUN])
                for code, name in names.items()}

    headers = (QUIET, RUN)
    assert pairs(rows_by(page(admin, f"/reports/incidents?month={this_month:%Y-%m}"), "Grid", "Last case",
                         *headers)) == want
    assert pairs(rows_by(page(admin, "/reports/"), "Grid", *headers,
                         caption="Months since the last case, by grid")) == want
    assert pairs(rows_by(page(admin, "/reports/town"), "Grid", "Companies", *headers)) == want
    assert pairs(rows_by(page(admin, "/reports/map"), "Grid", "Active workers", *headers)) == want
    wanted_before = {code: town.quiet(code, last_month) for code in names}
    report = page(admin, f"/reports/periodic/month?scope=town&start={last_month:%Y-%m}")
    assert pairs(rows_by(report, "Grid", *headers, caption="Months since the last case, by grid")) == wanted_before
    book = workbook(admin, f"/reports/periodic/month.xlsx?scope=town&start={last_month:%Y-%m}")
    sheet = {r["Grid"]: r for r in sheet_rows(book, "Months since the last case")}
    assert {code: ("–" if sheet[name][QUIET] is None else str(sheet[name][QUIET]),
                   sheet[name][RUN] or "–") for code, name in names.items()} == wanted_before
    answer = {g["code"]: g for g in api(app, town, "/declines")["grids"]}
    for code in names:
        months, run = answer[code]["months_without_case"], answer[code]["zero_case_months"]
        assert ("–" if months is None else str(months),
                "–" if not run else f"{run} month{'s' if run > 1 else ''} in a row with zero cases") == want[code]
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with app.test_request_context("/"):
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        text = compose(digest.figures(account, today, town_zone(), utcnow())).text
    for code in names:
        months, run = want[code]
        assert f"Months since the grid's last case: {months}; zero-case months in a row: {run}" in text.splitlines()


def test_months_without_a_case_agree_on_the_grid_list_the_supervision_list_and_the_outreach_ledger(app, town):
    """Where an officer compares grids outside the incident pages: the admin's grid list, the
    supervision list (each listed company's grid) and its ledger, and the outreach ledger's grid
    table show the incidents page's and the API's months without a case and "连续 N 个月零发案"."""
    this_month = town.today.replace(day=1)
    names = {"g1": "网格一", "g2": "网格二"}
    with app.app_context():
        for code in ("acme", "cog"):  # a company of each grid on the supervision list
            db.session.add(SupervisionCase(company_id=town.ids[code], rule="manual", reason="看一看",
                                           opened_on=town.today, status="open"))
        db.session.commit()
    admin, officer = signed_in(app, "admin"), signed_in(app, "officer-1")
    headers = (QUIET, RUN)
    want = {code: town.quiet(code, this_month) for code in names}
    assert want == {"g1": ("0", "–"), "g2": ("2", "1 month in a row with zero cases")}

    def by_grid(rows: dict, key=lambda code: names[code], codes=tuple(names)) -> dict:
        return {code: (rows[key(code)][headers[0]], rows[key(code)][headers[1]]) for code in codes}

    # The incidents page and the API: what the other surfaces must show.
    assert by_grid(rows_by(page(admin, "/reports/incidents"), "Grid", "Last case", *headers)) == want
    grids = api(app, town, "/declines")["grids"]
    answer = {g["code"]: (g["months_without_case"], g["zero_case_months"]) for g in grids}
    assert {code: ("–" if months is None else str(months),
                   f"{run} month{'s' if run > 1 else ''} in a row with zero cases" if run else "–")
            for code, (months, run) in answer.items()} == want
    # The admin's grid list.
    assert by_grid(rows_by(page(admin, "/admin/grids"), "Code", *headers), key=str) == want
    # The supervision list, by each company's grid, and its ledger (the last two columns).
    company_of = {"g1": NAMES["acme"], "g2": NAMES["cog"]}
    assert by_grid(rows_by(page(admin, "/reports/supervision"), "Company", "Grid", *headers),
                   key=company_of.get) == want
    assert by_grid(rows_by(page(officer, "/reports/supervision"), "Company", *headers), key=company_of.get,
                   codes=("g1",)) == {"g1": want["g1"]}
    response = admin.get("/reports/supervision/ledger.csv")
    text = response.get_data().decode("utf-8-sig")
    response.close()
    ledger = {row["Company"]: row for row in csv.DictReader(io.StringIO(text))}
    assert {code: (ledger[company_of[code]][headers[0]] or "–", ledger[company_of[code]][headers[1]] or "–")
            for code in names} == want
    # The outreach ledger's grid table, this month (both grids recorded activities).
    assert by_grid(rows_by(page(admin, "/reports/outreach"), "Grid", "Events", *headers)) == want
    assert by_grid(rows_by(page(officer, "/reports/outreach"), "Grid", "Events", *headers),
                   codes=("g1",)) == {"g1": want["g1"]}


@pytest.mark.parametrize("days", [7, 90])
def test_teams_add_up_to_the_company_with_a_worker_added_today_without_a_start_date(app, town, days):
    """A worker imported today without 入职日期 is expected from today on, by the company's rows and by
    their team alike: the teams' expected quizzes (trends page and by-team export) add up to the
    company's, and the new team expects one quiz (today's), not one for every past workday."""
    with app.app_context():
        company = db.session.get(Company, town.ids["acme"])
        make_employee(company, "A009", "新人", team="新班组", added=town.now)
        db.session.commit()
    first, last = town.today - timedelta(days=days - 1), town.today
    staff = signed_in(app, "staff-a")
    trends = page(staff, f"/console/trends?days={days}")
    expected = int(term(trends, "Done / expected").split(" / ")[1])
    assert expected == town.expect(["acme"], first, last)[0] + 1  # today's row is live: the newcomer counts today
    teams = list(csv.DictReader(io.StringIO(
        staff.get(f"/console/exports/by-team.csv?days={days}").get_data().decode("utf-8-sig"))))
    assert sum(int(row["Quizzes expected"]) for row in teams) == expected
    assert {row["Team"]: int(row["Quizzes expected"]) for row in teams}["新班组"] == 1


# --- a quiz whose time ran out, not closed yet; a worker deactivated today ------------------------

def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def knowledge_answers(town: Town, first: date, last: date, employee: int | None = None) -> int:
    """Answers to the bank's knowledge questions given in 甲厂's official quizzes done from first to
    last (docs/metrics.md, "Done": finished, or their time ran out), counted from the raw record."""
    with_time = town.now - timedelta(seconds=GRACE_SECONDS)
    attempts = [a for a in db.session.scalars(select(Attempt).where(
        Attempt.company_id == town.ids["acme"], Attempt.official_date >= first, Attempt.official_date <= last))
        if a.answered and (a.finished_at is not None or a.deadline_at < with_time)
        and employee in (None, a.employee_id)]
    return sum(1 for a in attempts for answer in a.answers
               if answer.chosen is not None and not answer.behaviour and answer.alert_id is None)


def test_a_quiz_whose_time_ran_out_is_done_before_it_is_closed_on_every_surface(app, town):
    """A002's quiz of today ran out with one question answered (right) and was not closed: the
    board, the by-worker and by-day exports, the worker's history, their streak and the weakest
    topics all count it, as the company's figures do."""
    first = town.today - timedelta(days=6)
    staff = signed_in(app, "staff-a")
    heads, done = town.live["acme"]
    board = page(staff, "/console/")
    assert texts(board, "span", **{"data-figure": "total", "data-field": "done"}) == [str(done)]
    [today_row] = [r for r in csv_rows(staff, "/console/exports/by-day.csv?days=7") if r["Date"] == str(town.today)]
    assert today_row["Done"] == str(done)
    # The by-worker export: today's quiz is done and is the last one.
    workers = {r["Employee number"]: r for r in csv_rows(staff, "/console/exports/by-worker.csv?days=7")}
    a002 = workers["A002"]
    assert (a002["Quizzes expected"], a002["Done"], a002["Last quiz"]) == ("7", "3", str(town.today))
    assert a002["Participation"] == shown(3, 7, 1)
    # Every worker's quizzes done today add up to the company's today (the by-worker export's
    # period of one day is not offered: its done less the six days before, from the record).
    with app.app_context():
        before = db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.company_id == town.ids["acme"], Attempt.official_date >= first,
            Attempt.official_date < town.today, Attempt.finished_at.is_not(None)))
    assert sum(int(r["Done"]) for r in workers.values()) - before == done
    # The staff's history of the worker: today's row, the quizzes done, the streak.
    history = page(staff, f"/console/workers/{town.workers['A002']}/history")
    with app.app_context():
        late = db.session.get(Attempt, town.late_attempt)
        assert late.finished_at is None  # still not closed: nothing above closed it
        score, total = late.score, late.total
    assert (score, total) != (0, 0) and score == 1
    rows = {r["Date"][:10]: r for r in table(history, "Date", "Official quiz", "Practice")}
    assert rows[str(town.today)]["Official quiz"] == f"{score}/{total} · time ran out"
    assert term(history, "Workdays in a row") == "3"
    assert term(history, "Official quizzes done") == "3"
    # The weakest topics, of the company (trends) and of the worker (history), count its answer.
    with app.app_context():
        company_answers = knowledge_answers(town, first, town.today)
        own = knowledge_answers(town, town.today - timedelta(days=89), town.today, town.workers["A002"])
    trends = page(staff, "/console/trends?days=7")
    assert sum(int(r["Answers"]) for r in table(trends, "Topic", "Answers", "Share right")) == company_answers
    assert sum(int(r["Answers"]) for r in table(history, "Topic", "Answers", "Share right")) == own
    with app.app_context():
        late = db.session.get(Attempt, town.late_attempt)
        assert len([a for a in late.answers if a.chosen is not None]) == 1


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_worker_deactivated_today_still_counts_on_the_days_before_for_the_company_its_teams_and_workers(
        app, town, days):
    """A001 (a quiz on each of the four days before and one today) is deactivated today, as staff do
    it: the company's past days keep them (their rows were written with them), today leaves them
    out (they are off the roster now, quiz and all), and the teams, shifts and workers add up to the
    company: the by-team export, the trends page's teams and the by-worker export the same."""
    with app.app_context():
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        roster.set_active(account, db.session.get(Employee, town.workers["A001"]), False, town.today)
        db.session.commit()
    first, last = town.today - timedelta(days=days - 1), town.today
    expected, done, *_ = town.expect(["acme"], first, last)
    heads, done_today = town.live["acme"]
    expected, done = expected - 1, done - 1  # today (a workday of 甲厂): one worker and their quiz fewer
    staff = signed_in(app, "staff-a")
    board = page(staff, "/console/")
    assert texts(board, "span", **{"data-figure": "total", "data-field": "expected"}) == [str(heads - 1)]
    assert texts(board, "span", **{"data-figure": "total", "data-field": "done"}) == [str(done_today - 1)]
    trends = page(staff, f"/console/trends?days={days}")
    assert term(trends, "Done / expected") == f"{done} / {expected}"
    figures = company_figures(app, town, "acme", first, last)
    assert (figures["done"], figures["expected"]) == (done, expected)
    row = rows_by(page(signed_in(app, "admin"), "/reports/"), "Company", "30 days")[NAMES["acme"]]
    assert row["30 days"].split()[0] == town_percent_without_a001(town)
    # The teams and shifts: every worker of 甲厂 is in 一车间 / 早班; they expect what the company does.
    teams = csv_rows(staff, f"/console/exports/by-team.csv?days={days}")
    assert sum(int(r["Quizzes expected"]) for r in teams) == expected
    [team] = teams
    cards = texts(trends, "article", class_="multiple")
    for name in (team["Team"], "早班"):
        [card] = [t for t in cards if t.startswith(name)]
        assert re.search(r"Participation (\S+) ·", card).group(1) == shown(int(team["Done"]), expected)
    # The workers: their expected add up to the company's; A001 is listed, inactive, with their days.
    workers = {r["Employee number"]: r for r in csv_rows(staff, f"/console/exports/by-worker.csv?days={days}")}
    assert sum(int(r["Quizzes expected"]) for r in workers.values()) == expected
    a001 = workers["A001"]
    days_before = sum(1 for back in range(1, days) if ("acme", town.today - timedelta(days=back)) in town.rows)
    assert (a001["Status"], a001["Quizzes expected"], a001["Done"]) == ("inactive", str(days_before), "4")
    assert a001["Participation"] == shown(4, days_before, 1)
    assert a001["Last quiz"] == str(town.today - timedelta(days=1))  # today's is in no figure of today
    assert int(team["Done"]) == sum(int(r["Done"]) for r in workers.values())


def town_percent_without_a001(town: Town) -> str:
    """甲厂's 30 days as the dashboard shows them with A001 deactivated today."""
    expected, done, *_ = town.expect(["acme"], town.today - timedelta(days=29), town.today)
    return shown(done - 1, expected - 1)


# --- workers who come back ----------------------------------------------------------------------

@pytest.mark.parametrize("days", [7, 30, 90])
def test_workers_who_come_back_are_expected_on_no_day_they_were_away_on_any_surface(app, town, days):
    """A003 (joined 20 days ago) was deactivated 14 days ago and brought back 6 days ago, as staff do
    it; the nightly rows of the days between were written without them. A004's leaving date (10
    days ago) passed, and staff bring them back today. Every surface keeps each past day as it was
    written, and counts them from the day they came back: the company (trends, API, dashboard), its
    teams (trends, by-team export) and its workers (by-worker export) agree, day by day."""
    today = town.today
    left, back = today - timedelta(days=14), today - timedelta(days=6)
    with app.app_context():
        account = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        a003 = db.session.get_one(Employee, town.workers["A003"])
        roster.set_active(account, a003, False, left)
        for back_days in range(7, 15):  # the nights of the days away: written without A003
            day = today - timedelta(days=back_days)
            row = db.session.get(CompanyDay, (town.ids["acme"], day))
            if row is not None:
                row.headcount -= 1
                workday, heads, completed, right, answered = town.rows[("acme", day)]
                town.rows[("acme", day)] = (workday, heads - 1, completed, right, answered)
        assert roster.set_active(account, a003, True, back).first == left
        away = roster.set_active(account, db.session.get_one(Employee, town.workers["A004"]), True, today)
        assert (away.first, away.last) == (today - timedelta(days=9), today - timedelta(days=1))
        db.session.commit()
    heads, done_today = town.live["acme"]
    first, last = today - timedelta(days=days - 1), today
    expected, done, *_ = town.expect(["acme"], first, last)
    expected += 1  # today (a workday of 甲厂): A004 is expected again, with no quiz yet
    staff = signed_in(app, "staff-a")
    board = page(staff, "/console/")
    assert texts(board, "span", **{"data-figure": "total", "data-field": "expected"}) == [str(heads + 1)]
    trends = page(staff, f"/console/trends?days={days}")
    assert term(trends, "Done / expected") == f"{done} / {expected}"
    figures = company_figures(app, town, "acme", first, last)
    assert (figures["done"], figures["expected"]) == (done, expected)
    if days == 30:
        row = rows_by(page(signed_in(app, "admin"), "/reports/"), "Company", "30 days")[NAMES["acme"]]
        assert row["30 days"].split()[0] == shown(done, expected)
    # The teams (all of 甲厂 is 一车间 / 早班) and the workers add up to the company.
    [team] = csv_rows(staff, f"/console/exports/by-team.csv?days={days}")
    assert int(team["Quizzes expected"]) == expected
    for name in (team["Team"], "早班"):
        [card] = [t for t in texts(trends, "article", class_="multiple") if t.startswith(name)]
        assert re.search(r"Participation (\S+) ·", card).group(1) == shown(int(team["Done"]), expected)
    workers = {r["Employee number"]: r for r in csv_rows(staff, f"/console/exports/by-worker.csv?days={days}")}
    assert sum(int(r["Quizzes expected"]) for r in workers.values()) == expected
    assert sum(int(r["Done"]) for r in workers.values()) == int(team["Done"])
    with_data = [today - timedelta(days=n) for n in range(days) if ("acme", today - timedelta(days=n)) in town.rows
                 or n == 0]
    assert int(workers["A003"]["Quizzes expected"]) == sum(
        1 for d in with_data if d >= today - timedelta(days=20) and not left <= d < back)
    assert int(workers["A004"]["Quizzes expected"]) == sum(1 for d in with_data if d <= today - timedelta(days=10)
                                                           or d == today)
    assert workers["A004"]["Status"] == workers["A003"]["Status"] == "active"


# --- the city's pages: a town's active workers ----------------------------------------------------

TOWN = "大岭山镇"


def city_workers(app, secret: str, day: date) -> dict[str, object]:
    """The town's active workers on every city surface: the overview (/city/, today's rosters, and
    GET /api/v1/towns) and the towns compared (/reports/city, its XLSX and GET /api/v1/towns/figures:
    the period's last day), each column read under the name that says its day."""
    client = signed_in(app, "city")
    overview = page(client, "/city/")
    compared = page(client, "/reports/city?days=7")
    header = f"Active workers on {day}"
    book = workbook(client, "/reports/city.xlsx?days=7")
    [sheet] = book.values()
    xlsx = {row["Town"]: row for row in sheet_rows(book, next(iter(book)))}
    assert sheet[0][3] == header
    headers = {"Authorization": f"Bearer {secret}"}
    towns = app.test_client().get("/api/v1/towns", headers=headers).get_json()["towns"]
    figures = app.test_client().get("/api/v1/towns/figures?days=7", headers=headers).get_json()
    return {"overview": rows_by(overview, "Code", "Active workers today")["dls"]["Active workers today"],
            "overview definition": term(overview, "Active workers today"),
            "compared": rows_by(compared, "Town", header)[TOWN][header],
            "compared total": rows_by(compared, "Town", header)["City total"][header],
            "compared definition": term(compared, "Active workers"),
            "xlsx": xlsx[TOWN][header], "api": towns[0]["workers"], "api figures": figures["towns"][0]["workers"],
            "api period end": figures["to"]}


def test_a_towns_active_workers_are_one_figure_on_the_city_overview_and_the_towns_compared(app, town, monkeypatch):
    """The overview counts today's rosters, the towns compared the rosters of its period's last day
    (yesterday: its days are complete ones). One figure on two days, each page naming its day and
    defining it: a worker put on the roster today is on the overview at once and on the towns
    compared from tomorrow, with the same digits the overview showed today."""
    today, yesterday, tomorrow = town.today, town.today - timedelta(days=1), town.today + timedelta(days=1)
    with app.app_context():
        town_rollups.refresh_days([yesterday])  # the nightly job's TownDay row of yesterday
        _, secret = tokens.issue_token(make_staff("city", "city_admin"), "city", utcnow())
        db.session.commit()
    live = sum(heads for heads, _ in town.live.values())
    assert live == sum(town.rows[(code, yesterday)][1] for code in NAMES) == 9  # nobody joined or left today
    found = city_workers(app, secret, yesterday)
    assert found["overview"] == found["compared"] == found["compared total"] == str(live)
    assert found["xlsx"] == found["api"] == found["api figures"] == live
    assert found["api period end"] == str(yesterday)
    assert "today" in found["overview definition"] and "roster" in found["overview definition"]
    assert str(yesterday) in found["compared definition"] and "today" in found["compared definition"]

    # A worker put on 甲厂's roster today: on the overview at once; the towns compared still end yesterday.
    with app.app_context():
        make_employee(db.session.get_one(Company, town.ids["acme"]), "A009", "甲九", added=utcnow())
        db.session.commit()
    found = city_workers(app, secret, yesterday)
    assert (found["overview"], found["compared"]) == (str(live + 1), str(live))
    assert (found["api"], found["api figures"], found["xlsx"]) == (live + 1, live, live)

    # Tonight's job writes today; tomorrow the towns compared end with today: the overview's digits.
    with app.app_context():
        for code in NAMES:
            rollups.rebuild_company_day(db.session.get_one(Company, town.ids[code]), today, tomorrow)
        town_rollups.refresh_days([today])
        db.session.commit()
    for module in ("quizapp.towns.views", "quizapp.citycompare.views", "quizapp.api.views"):
        monkeypatch.setattr(f"{module}.local_today", lambda: tomorrow)
    found = city_workers(app, secret, today)
    assert found["overview"] == found["compared"] == found["compared total"] == str(live + 1)
    assert found["api"] == found["api figures"] == found["xlsx"] == live + 1


# --- a worker who opened today's quiz and walked away -------------------------------------------

def test_a_quiz_left_with_no_answer_is_not_done_on_any_surface_until_its_worker_comes_back(app, town):
    """A005 opened today's quiz and answered nothing before the 5 minutes ran out (the QA
    walkthrough's HJM00010): not done on the board, the pre-shift screen, the exports, the staff's
    history (streak and quizzes done) and the worker's own screen, and on the chase list, started.
    Back the same day, the worker gets the same quiz with a fresh clock; done, every surface says so."""
    heads, done = town.live["acme"]
    staff = signed_in(app, "staff-a")

    def board_counts() -> tuple[str, str, str]:
        html = page(staff, "/console/")
        return tuple(texts(html, "span", **{"data-figure": "total", "data-field": name})[0]
                     for name in ("done", "expected", "in_progress"))

    def preshift_counts() -> tuple[str, str]:
        html = page(staff, "/console/preshift")
        return tuple(texts(html, "span", **{"data-figure": "focus", "data-field": name})[0]
                     for name in ("done", "expected"))

    def chase_list() -> str:
        return page(staff, "/console/chase").split("</nav>", 1)[1]

    def worker_row(number: str) -> dict[str, str]:
        return {r["Employee number"]: r for r in csv_rows(staff, "/console/exports/by-worker.csv?days=7")}[number]

    def today_done() -> str:
        [row] = [r for r in csv_rows(staff, "/console/exports/by-day.csv?days=7") if r["Date"] == str(town.today)]
        return row["Done"]

    assert board_counts() == (str(done), str(heads), "1") and preshift_counts() == (str(done), str(heads))
    assert today_done() == str(done)
    [day] = api(app, town, f"/companies/{town.ids['acme']}/days?from={town.today}")["days"]
    assert day["done"] == done
    chase = chase_list()
    assert "甲5" in chase and "A005" in chase and 'class="started"' in chase
    assert "甲2" not in chase  # A002's quiz ran out with an answer: done
    a005 = worker_row("A005")
    assert (a005["Done"], a005["Last quiz"]) == ("0", "")
    history = page(staff, f"/console/workers/{town.workers['A005']}/history")
    assert table(history, "Date", "Official quiz")[0]["Official quiz"] == "unfinished"
    assert (term(history, "Workdays in a row"), term(history, "Official quizzes done")) == ("0", "0")
    # The worker's own screen: not done, and the same quiz offered again.
    worker = app.test_client()
    sign_in_worker(worker, "acme", "A005")
    worker.set_cookie("lang", "en")
    screen = page(worker, "/today")
    assert "Done for today" not in screen and texts(screen, "h1") == ["Today's quiz is not done yet"]
    assert 'name="kind" value="official"' in screen
    result = page(worker, f"/attempt/{town.left_attempt}/result")
    assert texts(result, "h1") == ["Today's quiz is not done yet"]
    assert 'class="streak"' not in result and 'class="score"' not in result
    # Back: the same attempt, a fresh clock, every question answered.
    back = worker.post("/today/start", data={"kind": "official"})
    assert back.location == f"/attempt/{town.left_attempt}/q/1"
    with app.app_context():
        attempt = db.session.get_one(Attempt, town.left_attempt)
        assert attempt.deadline_at > utcnow() + timedelta(minutes=4) and attempt.finished_at is None
        slots = [(slot.position, right_choice(slot)) for slot in attempt.answers]
        assert db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.employee_id == town.workers["A005"], Attempt.official_date == town.today)) == 1
    for position, choice in slots:
        assert worker.post(f"/attempt/{town.left_attempt}/q/{position}",
                           data={"choice": [str(c) for c in choice]}).status_code == 200
    with app.app_context():
        assert db.session.get_one(Attempt, town.left_attempt).finished_at is not None
    assert board_counts() == (str(done + 1), str(heads), "0") and preshift_counts() == (str(done + 1), str(heads))
    assert today_done() == str(done + 1)
    [day] = api(app, town, f"/companies/{town.ids['acme']}/days?from={town.today}")["days"]
    assert day["done"] == done + 1
    assert "甲5" not in chase_list()
    assert (worker_row("A005")["Done"], worker_row("A005")["Last quiz"]) == ("1", str(town.today))
    history = page(staff, f"/console/workers/{town.workers['A005']}/history")
    assert (term(history, "Workdays in a row"), term(history, "Official quizzes done")) == ("1", "1")
    assert texts(page(worker, "/today"), "h1") == ["Done for today ✓"]
    assert texts(page(worker, f"/attempt/{town.left_attempt}/result"), "p", class_="streak") == ["1 workday in a row"]


# --- a company deactivated today -------------------------------------------------------------------

def _finished_periods(today: date) -> dict[str, date]:
    return {"week": today - timedelta(days=today.weekday() + 7), "month": add_months(today.replace(day=1), -1)}


def _period_surfaces(app, town: Town, admin, city, city_token: str) -> dict[str, object]:
    """What every surface says of the finished week and month (and of the complete days the city
    page and the town view read): the reports (page and XLSX, the town's and a grid's), the API's
    summaries and days, the learning page's past months (page and API), the town view's past weeks,
    the learning page's answer sharing (the 30 days before today), forgetting curve and probe, the
    city page (page, XLSX and API), the map of the last two finished months, the incidents
    page's participation of the 12 months to last month (the town's and a grid's) and the digest of
    yesterday (its day and its 30 days, the town admin's and an officer's)."""
    found: dict[str, object] = {}
    today = town.today
    finished = [add_months(today.replace(day=1), back) for back in (-2, -1)]
    found["map"] = tables(page(admin, f"/reports/map?from={finished[0]:%Y-%m}&to={finished[1]:%Y-%m}"))
    for scope in ("", f"&grid={town.grids['g1']}"):
        html = page(admin, f"/reports/incidents?month={finished[1]:%Y-%m}{scope}")
        found[f"incidents participation {scope}"] = [
            (row["Month"], row["Participation"]) for row in table(html, "Month", "Participation")]
    with app.test_request_context("/"):
        for username in ("admin", "officer-1"):
            account = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
            found[f"digest {username}"] = compose(digest.figures(account, today - timedelta(days=1), town_zone(),
                                                                 utcnow())).text
    for kind, first in _finished_periods(today).items():
        last = first + timedelta(days=6) if kind == "week" else today.replace(day=1) - timedelta(days=1)
        for scope in ("town", str(town.grids["g1"])):
            asked = f"scope={scope}&start={first}"
            found[f"{kind} page {scope}"] = tables(page(admin, f"/reports/periodic/{kind}?{asked}"))
            found[f"{kind} xlsx {scope}"] = workbook(admin, f"/reports/periodic/{kind}.xlsx?{asked}")
        found[f"{kind} api grids"] = api(app, town, f"/grids/summary?from={first}&to={last}")
        found[f"{kind} api companies"] = api(app, town, f"/companies/summary?from={first}&to={last}")
        found[f"{kind} api days"] = api(app, town, f"/grids/{town.grids['g1']}/days?from={first}&to={last}")
        found[f"{kind} api bolt"] = api(app, town, f"/companies/{town.ids['bolt']}/days?from={first}&to={last}")["days"]
    months = [m.strftime("%Y-%m") for m in (add_months(today.replace(day=1), -2), add_months(today.replace(day=1), -1))]
    learning = page(admin, "/reports/learning")
    by_month = rows_by(learning, "Grid", caption="Knowledge index by grid and month")
    for caption in ("Late minus early finishers, common minus personal questions",  # the 30 days before today
                    "Accuracy on questions seen before, by days since last seen", "Learning estimate by lag"):
        found[f"learning {caption}"] = table(learning, caption=caption)
    found["learning past months"] = {grid: [row[m] for m in months] for grid, row in by_month.items()}
    found["learning api past months"] = [(g["name"], m) for g in api(app, town, "/learning")["first_tries"]["grids"]
                                         for m in g["months"] if m["month"] in months]
    view = page(admin, "/reports/town")
    found["town view past weeks"] = {  # the 11 weeks before this one (which still counts today)
        r["Grid"]: [v for k, v in r.items() if k not in ("Grid", "Companies", QUIET, RUN)][:-1]
        for r in table(view, "Grid", "Companies")}
    found["town view complete days"] = [term(view, name) for name in (
        "Participation, 7 days before today", "Participation, 30 days before today")]
    for days in (7, 30):
        found[f"city {days}"] = tables(page(city, f"/reports/city?days={days}"))
        found[f"city xlsx {days}"] = workbook(city, f"/reports/city.xlsx?days={days}")
        response = app.test_client().get(f"/api/v1/towns/figures?days={days}",
                                         headers={"Authorization": f"Bearer {city_token}"})
        assert response.status_code == 200
        found[f"city api {days}"] = response.get_json()
    return found


def test_deactivating_a_company_today_changes_no_figure_of_a_period_already_over_on_any_surface(app, town):
    """乙厂 (its grid's weakest company some weeks) is deactivated today by the town admin, through the
    confirmation page. Every finished week's and month's figure, on every surface, reads the same
    digits before and after (it counts through yesterday: docs/metrics.md, "Companies that leave"),
    while today's lists (the dashboard, the town view's companies) no longer show it."""
    from quizapp.rollups import towns

    with app.app_context():
        towns.refresh_days([town.today - timedelta(days=back) for back in range(1, HISTORY + 1)])
        # Put on the supervision list yesterday: yesterday's digest names it (deactivating closes the case).
        db.session.add(SupervisionCase(company_id=town.ids["bolt"], rule="manual", reason="看一看",
                                       opened_on=town.today - timedelta(days=1), status="open"))
        city_admin = make_staff("city", "city_admin")
        _, city_token = tokens.issue_token(city_admin, "city", town.now)
        db.session.commit()
    admin, city = signed_in(app, "admin"), signed_in(app, "city")
    before = _period_surfaces(app, town, admin, city, city_token)
    assert NAMES["bolt"] in str(before["week page town"]) and NAMES["bolt"] in str(before["month xlsx town"])
    assert NAMES["bolt"] in page(admin, "/reports/")
    assert NAMES["bolt"] in before["digest admin"]  # newly on the supervision list yesterday

    response = admin.post(f"/admin/companies/{town.ids['bolt']}/deactivate", data={"confirm": "yes"})
    assert response.status_code == 302
    response.close()
    with app.app_context():
        assert not db.session.get(Company, town.ids["bolt"]).active

    after = _period_surfaces(app, town, admin, city, city_token)
    for surface, figures in before.items():
        assert after[surface] == figures, surface
    # Today's lists are the active companies': 乙厂 is gone from the dashboard and the town view's companies.
    assert NAMES["bolt"] not in page(admin, "/reports/")
    view = page(admin, "/reports/town")
    listed = table(view, "Company", "30 days", caption="Every company with figures, highest first")
    assert NAMES["acme"] in str(listed) and NAMES["bolt"] not in str(listed)

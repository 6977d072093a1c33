"""A figure means one thing (docs/metrics.md, "Names"): the same figure has the same name on every
surface, a different figure a different name, and the period is said where the figure is shown.

The figures audit found one figure under several names (知识指数, 首答知识正确率, 统一题首次作答正确率;
确认警情, 诈骗案件, 案件数; 完成率 beside 参与率; …) and two different grid figures under almost the
same words (连续未发案月数 4 beside 连续3个月零发案). These tests walk the surfaces that show each
figure, in Chinese and in English, and check the one name is there and the old variants are not:
pages, the weekly report's workbook, the city workbook, the supervision ledger, the digest and the
API's field descriptions.
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.clock import local_today, town_zone, utcnow
from quizapp.digest import service as digest
from quizapp.digest.wording import compose
from quizapp.extensions import db
from quizapp.incidents.rules import add_months
from quizapp.models import Employee, Grid, StaffUser, SupervisionCase
from quizapp.rules.vocab import CaseRule
from quizapp.wording import FIGURE_DEFINITIONS
from tests.alerts.drafts import published
from tests.factories import make_incident, make_staff, take_quiz
from tests.pages import sign_in_staff, sign_in_worker

LANGUAGES = {"zh": "zh_CN", "en": "en"}

# The old names of a figure, and words that read as the day a record was entered (incidents are
# counted by the month the cases happened). None may appear on any surface walked here.
RETIRED = {
    "zh": ["首答知识正确率", "首答知识水平", "统一题首次作答正确率", "公共题", "诈骗案件", "案件数", "连续未发案",
           "完成率", "连续完成天数", "按月登记", "已录入"],
    "en": ["First-try knowledge", "First-try accuracy", "Knowledge (30 days)", "Knowledge trend", "Fraud cases",
           "Share done", "Without a fraud case", "Months without a case", "Zero cases in a row", "recorded for 20",
           "as recorded so far", "Streak"],
}

NAMES = {  # figure -> language -> its one name
    "knowledge": {"zh": "知识指数", "en": "Knowledge index"},
    "knowledge_30": {"zh": "知识指数（30天）", "en": "Knowledge index (30 days)"},
    "cases": {"zh": "确认警情", "en": "Confirmed cases"},
    "company_quiet": {"zh": "本企业距上次发案月数", "en": "Months since the company's last case"},
    "grid_quiet": {"zh": "网格距上次发案月数", "en": "Months since the grid's last case"},
    "zero_run": {"zh": "连续零发案整月数", "en": "Zero-case months in a row (complete months)"},
    "active_workers": {"zh": "在册员工", "en": "Active workers"},
    "participation_today": {"zh": "今日参与率", "en": "Participation today"},
    "streak": {"zh": "连续完成答题工作日数", "en": "Workdays in a row"},
}

# Where each figure is shown (reports under /reports, the console under /console, the admin's
# grid list under /admin): the one name must be on each of these pages.
PAGES = {
    "/reports/": ["knowledge_30", "company_quiet", "grid_quiet", "zero_run", "cases", "active_workers"],
    "/reports/compare?company_id={company_a}&company_id={company_b}": ["knowledge"],  # two companies chosen
    "/reports/town": ["knowledge", "grid_quiet", "zero_run", "active_workers"],
    "/reports/periodic/week": ["knowledge", "cases", "grid_quiet", "zero_run", "active_workers"],
    "/reports/periodic/month": ["knowledge", "cases", "grid_quiet", "zero_run"],
    "/reports/map": ["knowledge", "cases", "grid_quiet", "zero_run", "active_workers"],
    "/reports/learning": ["knowledge"],
    "/reports/incidents": ["cases", "company_quiet", "grid_quiet", "zero_run"],
    "/reports/supervision": ["grid_quiet", "zero_run"],
    "/admin/grids": ["grid_quiet", "zero_run"],
}
# The knowledge index's tooltip: one definition wherever it is explained.
COMPARE = "/reports/compare?company_id={company_a}&company_id={company_b}"
DEFINED = ["/reports/", COMPARE, "/reports/town", "/reports/periodic/week", "/reports/map"]


@pytest.fixture
def shown(app, town):
    """The test town with something to show: quizzes today, cases last month and this month in
    grid 一 (so its months since the last case and its zero-case run differ), a supervision case,
    a published alert and the city admin."""
    with app.app_context():
        today = local_today()
        this_month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
        attempt = take_quiz(db.session.get(Employee, town.worker_a), today)
        g1 = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        make_incident(g1, add_months(this_month, -4), cases=2, company_id=town.company_a)
        make_incident(g1, last_month, cases=0)
        db.session.add(SupervisionCase(company_id=town.company_a, rule=CaseRule.MANUAL, reason="figures",
                                       opened_on=today))
        make_staff("city", "city_admin")
        db.session.commit()
        alert = published("g1")
        return {"today": today, "alert": alert.id, "month": this_month, "attempt": attempt.id}


def _text(body: str) -> str:
    """A page's text with its attributes (tooltips, data-label) kept, entities read."""
    return html.unescape(body)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _text(response.get_data(as_text=True))


def _signed_in(client, username: str, lang: str):
    sign_in_staff(client, username)
    client.set_cookie("lang", LANGUAGES[lang])
    return client


def _retired_in(text: str, lang: str) -> list[str]:
    return [word for word in RETIRED[lang] if word in text]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_figure_has_its_one_name_on_every_page_that_shows_it(app, town, shown, lang):
    client = _signed_in(app.test_client(), "admin", lang)
    for url, figures in PAGES.items():
        url = url.format(company_a=town.company_a, company_b=town.company_b)
        text = _page(client, url)
        assert [f for f in figures if NAMES[f][lang] not in text] == [], url
        assert _retired_in(text, lang) == [], url
    # The alert's reach: its workers are the active headcount, named so.
    text = _page(client, f"/reports/alerts/{shown['alert']}")
    assert NAMES["active_workers"][lang] in text and _retired_in(text, lang) == []
    if lang == "zh":
        assert re.search("(?<!在册)员工数", text) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_knowledge_index_is_defined_by_one_text_that_says_first_tries(app, town, shown, lang):
    client = _signed_in(app.test_client(), "admin", lang)
    with app.test_request_context("/", headers={"Cookie": f"lang={LANGUAGES[lang]}"}):
        definition = str(FIGURE_DEFINITIONS["knowledge"])
    assert ("首次作答" if lang == "zh" else "first tries") in definition
    for url in DEFINED:
        assert definition in _page(client, url.format(company_a=town.company_a, company_b=town.company_b)), url
    city = _signed_in(app.test_client(), "city", lang)
    text = _page(city, "/reports/city")
    assert definition in text and NAMES["knowledge"][lang] in text and _retired_in(text, lang) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_board_calls_today_s_share_participation_and_the_staff_say_workdays(app, shown, town, lang):
    client = _signed_in(app.test_client(), "staff-a", lang)
    board = _page(client, "/console/")
    assert NAMES["participation_today"][lang] in board and NAMES["active_workers"][lang] in board
    assert _retired_in(board, lang) == []
    history = _page(client, f"/console/workers/{town.worker_a}/history")
    assert NAMES["streak"][lang] in history and _retired_in(history, lang) == []


def test_the_worker_and_the_staff_count_the_streak_in_workdays(app, shown, town):
    """The worker's result says 连续N个工作日; the staff's history names the same figure in workdays."""
    worker = app.test_client()
    sign_in_worker(worker, town.code_a, town.worker_a_no)
    assert "连续1个工作日完成答题" in _page(worker, f"/attempt/{shown['attempt']}/result")
    staff = _signed_in(app.test_client(), "staff-a", "zh")
    history = _page(staff, f"/console/workers/{town.worker_a}/history")
    assert NAMES["streak"]["zh"] in history and "工作日" in NAMES["streak"]["zh"] and "连续完成天数" not in history


def _book_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body), read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    return "\n".join([*book.sheetnames, *cells])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbooks_use_the_same_names(app, shown, lang):
    client = _signed_in(app.test_client(), "admin", lang)
    week = _book_text(client.get("/reports/periodic/week.xlsx").get_data())
    for figure in ("knowledge", "cases", "grid_quiet", "zero_run"):
        assert NAMES[figure][lang] in week, figure
    assert _retired_in(week, lang) == []
    incidents = _book_text(client.get("/reports/incidents/export.xlsx").get_data())
    assert NAMES["cases"][lang] in incidents and _retired_in(incidents, lang) == []
    city = _signed_in(app.test_client(), "city", lang)
    book = _book_text(city.get("/reports/city.xlsx").get_data())
    assert NAMES["knowledge"][lang] in book and _retired_in(book, lang) == []
    if lang == "zh":
        assert "统一题首次作答数" in book


def test_a_week_across_two_months_says_it_counts_both_by_the_month_the_cases_happened(app, shown):
    """30 November – 6 December counts November and December in full: the report says so."""
    client = _signed_in(app.test_client(), "admin", "zh")
    today = shown["today"]
    start = today - timedelta(days=today.weekday() + 7)  # last complete week
    text = _page(client, f"/reports/periodic/week?start={start.isoformat()}")
    months = sorted({start.replace(day=1), (start + timedelta(days=6)).replace(day=1)})
    line = re.search(r"按发案月份统计：([^<]*)", text)
    assert line is not None
    assert [f"{m:%Y-%m}" for m in months] == re.findall(r"\d{4}-\d{2}", line.group(1))
    english = _page(_signed_in(app.test_client(), "admin", "en"), f"/reports/periodic/week?start={start.isoformat()}")
    assert "Counted by the month the cases happened:" in english and "happened in" in english


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_digest_says_which_day_its_participation_is_and_names_cases_and_quiet_months(app, shown, lang):
    app.config["BABEL_DEFAULT_LOCALE"] = LANGUAGES[lang]  # the digest is written in the town's language
    try:
        with app.test_request_context("/"):
            admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
            message = compose(digest.figures(admin, shown["today"], town_zone(), utcnow()))
    finally:
        app.config["BABEL_DEFAULT_LOCALE"] = "zh_CN"
    text = "\n".join([*message.lines, *message.footer])
    day = shown["today"].isoformat()
    said = {"zh": f"{day}参与率：", "en": f"Participation on {day}:"}[lang]
    participation = [line for line in message.lines if "参与率" in line or "articipation" in line]
    assert participation and all(said in line or "30" in line for line in participation)
    for figure in ("cases", "grid_quiet"):
        assert NAMES[figure][lang] in text, figure
    assert _retired_in(text, lang) == [] and _retired_in(_text(message.html), lang) == []
    assert day in _text(message.html)


def test_the_api_describes_its_fields_with_the_same_names(client, town):
    document = json.dumps(client.get("/api/v1/openapi.json").get_json(), ensure_ascii=False)
    for figure in ("knowledge", "cases", "grid_quiet", "zero_run"):  # in a sentence: "the knowledge index"
        english = NAMES[figure]["en"].split(" (")[0].lower()  # the description says "complete months" itself
        assert english in document.lower() and NAMES[figure]["zh"] in document, figure
    assert _retired_in(document, "en") == [] and _retired_in(document, "zh") == []


def test_the_incidents_import_still_reads_the_old_header_spellings():
    """Only what is shown and exported changed: a file with 案件数 (or 确认警情) still imports."""
    from quizapp.incidents.rules import HEADER_KEYS, _key
    for header in ("案件数", "确认警情", "cases", "confirmed cases"):
        assert HEADER_KEYS[_key(header)] == "cases"


def test_retired_words_are_in_no_translation_of_a_figure_label(app):
    """The catalog itself: no msgstr names a figure by a retired word (the pages above cover what is
    rendered; this covers the strings a walk does not reach, e.g. a page's empty state)."""
    from pathlib import Path

    from babel.messages.pofile import read_po
    path = Path(app.root_path) / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    retired = ("首答知识", "统一题首次作答正确率", "公共题", "诈骗案件", "连续未发案", "完成率", "连续完成天数")
    found = [(m.id, m.string) for m in catalog
             if m.id and isinstance(m.string, str) and any(word in m.string for word in retired)]
    assert found == []



# --- done and participation: one definition (docs/metrics.md, "Done") ------------------------------
# The hand-written variants said "finished official quizzes" (完成的正式答题), which leaves out a quiz
# whose time ran out; every surface now says quizapp.wording's one definition instead.
RETIRED_DONE = {
    "en": ["finished official quizzes ÷", "official quizzes done ÷", "finished official quizzes on those workdays",
           "done = finished", "finished today's official quiz"],
    "zh": ["完成的正式答题数 ÷", "完成的正式答题数之和 ÷", "完成的正式答题 ÷", "完成的正式答题数（",
           "已完成今日正式答题"],
}
# Where done or participation is defined in words: each shows the one definition.
DEFINES_PARTICIPATION = ["/reports/", COMPARE, "/reports/town", "/reports/periodic/week", "/reports/periodic/month",
                         "/reports/incidents", "/reports/digest", "/reports/supervision", "/reports/city"]


def _definition(app, key: str, lang: str) -> str:
    from quizapp.wording import figure_definition
    with app.test_request_context("/", headers={"Cookie": f"lang={LANGUAGES[lang]}"}):
        return figure_definition(key)


def _sources():
    """Every template, wording and sheets module, and the API's description."""
    from pathlib import Path

    import quizapp
    root = Path(quizapp.__file__).parent
    yield from root.rglob("templates/**/*.html")
    yield from (p for p in root.rglob("*.py") if p.name in ("wording.py", "sheets.py"))
    yield root / "api/openapi.py"


def test_no_source_writes_its_own_definition_of_done():
    found = [(path.name, word) for path in _sources() for word in RETIRED_DONE["en"]
             if word in path.read_text(encoding="utf-8").lower()]
    assert found == []


def test_no_translation_says_done_is_only_finished(app):
    from pathlib import Path

    from babel.messages.pofile import read_po
    with (Path(app.root_path) / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    found = [m.id for m in catalog if m.id and isinstance(m.string, str)
             and any(word in m.string for word in RETIRED_DONE["zh"])]
    assert found == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_one_definition_of_done_says_finished_or_time_ran_out_official_workdays(app, lang):
    done, participation = _definition(app, "done", lang), _definition(app, "participation", lang)
    short = _definition(app, "participation_short", lang)
    words = {"zh": ["答完或超时", "正式答题", "工作日", "当天在册", "练习不计"],
             "en": ["finished, or whose time ran out", "official", "workdays", "on the roster that day",
                    "Practice never counts"]}[lang]
    assert [w for w in words if w not in done] == []
    assert done in participation and ("参与率" if lang == "zh" else "Participation") in participation
    assert [w for w in words[:3] if w.replace(", or whose", " or whose").lower() not in short.lower()] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_that_defines_participation_says_the_one_definition(app, town, shown, lang):
    participation = _definition(app, "participation", lang)
    admin = _signed_in(app.test_client(), "admin", lang)
    for url in DEFINES_PARTICIPATION:
        client = _signed_in(app.test_client(), "city", lang) if url == "/reports/city" else admin
        text = _page(client, url.format(company_a=town.company_a, company_b=town.company_b))
        assert participation in text, url
        assert [w for w in RETIRED_DONE[lang] if w in text.lower()] == [], url
    staff = _signed_in(app.test_client(), "staff-a", lang)
    for url in ("/console/", "/console/trends", "/console/exports"):
        text = _page(staff, url)
        assert participation in text or _definition(app, "done", lang) in text, url
        assert [w for w in RETIRED_DONE[lang] if w in text.lower()] == [], url
    week = _book_text(admin.get("/reports/periodic/week.xlsx").get_data())
    assert participation in week


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_digest_says_the_one_definition_in_its_footer_and_email(app, shown, lang):
    app.config["BABEL_DEFAULT_LOCALE"] = LANGUAGES[lang]
    try:
        with app.test_request_context("/"):
            from quizapp.wording import figure_definition
            participation = figure_definition("participation")
            admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
            message = compose(digest.figures(admin, shown["today"], town_zone(), utcnow()))
    finally:
        app.config["BABEL_DEFAULT_LOCALE"] = "zh_CN"
    assert any(participation in line for line in message.footer)
    assert participation in _text(message.html)


def test_the_api_describes_done_and_participation_with_the_one_definition(client):
    from quizapp.rules.definitions import definition_source
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    described = [(s["properties"]["done"]["description"], s["properties"]["participation"]["description"])
                 for s in schemas.values() if "done" in s.get("properties", {})]
    assert described
    for done, participation in described:
        assert done.startswith(definition_source("done")) and "time ran out" in done
        assert participation.startswith(definition_source("participation"))

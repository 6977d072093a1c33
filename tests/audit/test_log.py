"""Reading the audit log back: filters by action prefix, account, API token and local dates; keyset
paging that neither skips nor repeats a row (ties on `at` included, and both ways SQLite spells a
timestamp); the CSV export, itself logged."""

import csv
import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, text

from quizapp.audit import log as audit_log
from quizapp.audit import service as audit
from quizapp.audit.log import AuditFilter
from quizapp.audit.sheets import audit_log as audit_csv
from quizapp.audit.wording import action_label, detail_line, detail_pairs, detail_words
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, StaffUser
from quizapp.rules.errors import Invalid
from tests.factories import make_staff

pytestmark = pytest.mark.usefixtures("ctx")

ACTIONS = ["export.ledger", "api.grids", "admin.account.create", "export_incidents", "api.companies"]
START = datetime(2026, 2, 27, 10, 0, 0)  # UTC: 18:00 in Shanghai
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _request(app, ctx):
    """Labels and CSV headers are translations: they need a request (for the language)."""
    with app.test_request_context():
        yield


@pytest.fixture
def log():
    """3,000 rows over about two days, three rows on each instant; actors an admin, an officer or
    an API token in turn."""
    admin, officer = make_staff("admin", "town_admin"), make_staff("officer-1", "grid_officer")
    token = ApiToken(name="分析系统", token_hash="a" * 64, hint="abcd", town_id=admin.town_id)
    db.session.add(token)
    db.session.flush()
    rows = []
    for i in range(3000):
        who = i % 3
        rows.append({"at": START + timedelta(seconds=180 * (i // 3)), "action": ACTIONS[i % len(ACTIONS)],
                     "actor_id": (admin.id, officer.id, None)[who], "token_id": token.id if who == 2 else None,
                     "detail": json.dumps({"n": i}), "town_id": admin.town_id})
    db.session.execute(insert(AuditLog), rows)
    db.session.flush()
    return {"admin": admin, "officer": officer, "token": token}


def reader() -> StaffUser:
    """The town admin who reads the log (their town's rows)."""
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))


def expected(where=lambda row: True) -> list[int]:
    rows = db.session.execute(select(AuditLog.id, AuditLog.at, AuditLog.action, AuditLog.actor_id,
                                     AuditLog.token_id)).all()
    return [r.id for r in sorted((r for r in rows if where(r)), key=lambda r: (r.at, r.id), reverse=True)]


def walk(chosen: AuditFilter, per_page: int) -> tuple[list[int], list[list[int]]]:
    """Every page from the newest, following "older" links; then back, following "newer" links."""
    pages, before = [], None
    while True:
        page = audit_log.audit_page(reader(), chosen, ZONE, before=before, per_page=per_page)
        pages.append([e.id for e in page.entries])
        if page.older is None:
            break
        before = page.older
    back = [pages[-1]]
    page = audit_log.audit_page(reader(), chosen, ZONE, before=pages[-2][-1] if len(pages) > 1 else None,
                                per_page=per_page)
    while page.newer is not None:
        page = audit_log.audit_page(reader(), chosen, ZONE, after=page.newer, per_page=per_page)
        back.append([e.id for e in page.entries])
    return [i for p in pages for i in p], back


def test_paging_through_everything_newest_first_without_gaps_or_repeats(log):
    ids, back = walk(AuditFilter(), per_page=97)
    assert ids == expected()
    assert len(ids) == 3000
    # Going back with "newer" shows the same pages the other way round (the first one is full).
    forward, _ = walk(AuditFilter(), per_page=97)
    pages = [forward[i:i + 97] for i in range(0, len(forward), 97)]
    assert back[1:] == pages[:-1][::-1]


def test_the_first_page_has_no_newer_link_and_the_last_no_older_link(log):
    first = audit_log.audit_page(reader(), AuditFilter(), ZONE, per_page=50)
    assert first.newer is None and first.older == first.entries[-1].id and len(first.entries) == 50
    last = audit_log.audit_page(reader(), AuditFilter(), ZONE, before=expected()[-3], per_page=50)
    assert [e.id for e in last.entries] == expected()[-2:] and last.older is None and last.newer is not None


@pytest.mark.parametrize("prefix, codes", [
    ("export.", {"export.ledger"}), ("export", {"export.ledger", "export_incidents"}),
    ("api.", {"api.grids", "api.companies"}), ("admin.account", {"admin.account.create"}),
    ("export_", {"export_incidents"}), ("%", set()),
])
def test_the_action_filter_is_a_literal_prefix(log, prefix, codes):
    ids, _ = walk(AuditFilter(action=prefix), per_page=200)
    assert ids == expected(lambda r: r.action in codes)


def test_by_account_and_by_token(log):
    ids, _ = walk(AuditFilter(account="officer-1"), per_page=250)
    assert ids == expected(lambda r: r.actor_id == log["officer"].id) and len(ids) == 1000
    ids, _ = walk(AuditFilter(token_id=log["token"].id, action="api."), per_page=250)
    assert ids == expected(lambda r: r.token_id == log["token"].id and r.action.startswith("api."))
    unknown = audit_log.audit_page(reader(), AuditFilter(account="nobody"), ZONE)
    assert unknown.unknown_account and unknown.entries == []


def test_by_local_dates(log):
    # 28 February in Shanghai is 27 Feb 16:00 to 28 Feb 16:00 UTC.
    day = AuditFilter(first=date(2026, 2, 28), last=date(2026, 2, 28))
    ids, _ = walk(day, per_page=300)
    inside = expected(lambda r: datetime(2026, 2, 27, 16) <= r.at < datetime(2026, 2, 28, 16))
    assert ids == inside and len(inside) == 480 * 3  # an instant every 3 minutes, three rows each
    assert all(e.at.date() == date(2026, 2, 28) for e in audit_log.audit_page(reader(), day, ZONE).entries)
    since, _ = walk(AuditFilter(first=date(2026, 3, 2)), per_page=500)
    assert since == expected(lambda r: r.at >= datetime(2026, 3, 1, 16))


def test_rows_stamped_by_the_database_page_correctly_too():
    """record() leaves `at` to the database (on SQLite "YYYY-MM-DD HH:MM:SS", no fraction): rows in
    the same second are told apart by id, and a day boundary at exactly 16:00:00 UTC holds."""
    admin = make_staff("admin", "town_admin")
    written = [audit.record(admin, "export.test", {"n": n}).id for n in range(7)]
    ids, _ = walk(AuditFilter(), per_page=2)
    assert ids == written[::-1]
    boundary = audit.record(admin, "export.midnight").id
    db.session.execute(text("UPDATE audit_log SET at = :at WHERE id = :id"),
                       {"at": "2026-03-01 16:00:00", "id": boundary})
    march_2 = audit_log.audit_page(reader(), AuditFilter(first=date(2026, 3, 2), last=date(2026, 3, 2)), ZONE)
    march_1 = audit_log.audit_page(reader(), AuditFilter(first=date(2026, 3, 1), last=date(2026, 3, 1)), ZONE)
    assert [e.id for e in march_2.entries] == [boundary] and march_1.entries == []
    assert march_2.entries[0].at.strftime("%Y-%m-%d %H:%M") == "2026-03-02 00:00"  # local time


def test_an_entry_says_who_what_and_the_detail(log, english):
    audit.record(log["admin"], "export_ledger", {"format": "xlsx", "status": "open"})
    newest = audit_log.audit_page(reader(), AuditFilter(), ZONE, per_page=1).entries[0]
    assert newest.who == "admin" and newest.username == "admin" and newest.token is None
    assert action_label(newest.action) == "Exported the supervision ledger"
    words = detail_words(audit_log.reference_names(reader(), [newest]))
    assert detail_pairs(newest.detail, words) == [("Format", "XLSX"), ("Supervision cases exported", "open")]
    assert detail_line(newest.detail, words) == "Format: XLSX; Supervision cases exported: open"
    by_token = audit_log.audit_page(reader(), AuditFilter(token_id=log["token"].id), ZONE, per_page=1).entries[0]
    assert by_token.who == "分析系统" and by_token.username is None
    assert action_label(by_token.action) == by_token.action  # an unknown code is shown as it is


def test_the_csv_export_is_the_filtered_log_and_is_logged(log, english):
    chosen = AuditFilter(action="api.", first=date(2026, 2, 28))
    entries = audit_log.export_entries(log["admin"], chosen, ZONE)
    data, name = audit_csv(entries, audit_log.reference_names(reader(), entries), chosen, date(2026, 3, 5))
    assert data.startswith(b"\xef\xbb\xbf") and name == "audit-2026-02-28-2026-03-01.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "When (local time)" and len(rows) - 1 == len(
        expected(lambda r: r.action.startswith("api.") and r.at >= datetime(2026, 2, 27, 16)))
    assert {r[5] for r in rows[1:]} == {"api.grids", "api.companies"} and rows[1][6].startswith("n: ")
    assert json.loads(rows[1][7])["n"] >= 0  # and as stored, for machines
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "export.audit"))
    assert logged.actor_id == log["admin"].id
    assert json.loads(logged.detail) == {"action": "api.", "format": "csv", "from": "2026-02-28", "rows": len(rows) - 1}


def test_an_export_above_the_limit_is_refused_and_not_logged(log):
    with pytest.raises(Invalid) as refused:
        audit_log.export_entries(log["admin"], AuditFilter(), ZONE, limit=2999)
    assert (refused.value.code, refused.value.data) == ("audit.too_many_rows", {"limit": 2999})
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "export.audit")) is None
    entries = audit_log.export_entries(log["admin"], AuditFilter(), ZONE, limit=3000)
    data, _ = audit_csv(entries, {}, AuditFilter(), date(2026, 3, 5))
    assert data.count(b"\r\n") == 3001


def test_tokens_for_the_filter(log):
    assert [t.name for t in audit_log.tokens(reader())] == ["分析系统"]
    assert db.session.scalar(select(StaffUser.username).where(StaffUser.id == log["officer"].id)) == "officer-1"


# --- details in the reader's words ------------------------------------------------------------------

@pytest.fixture
def changes():
    """A grid deactivated (old style and new), a company created and moved, a monthly report of the
    whole town and a weekly one of a grid, an account's role changed, a console export. (A detail
    is stored with its keys sorted, and read in that order.)"""
    from tests.factories import make_company, make_grid

    admin = make_staff("admin", "town_admin")
    g1, g2 = make_grid("g1", "网格一"), make_grid("g2", "网格二")
    company = make_company(g1, "acme", "甲厂")
    details = [
        ("admin.grid.deactivate", {"grid_id": g1.id, "code": "g1", "active": "True → False"}),
        ("admin.grid.reactivate", {"grid_id": g1.id, "code": "g1", "active": {"old": False, "new": True}}),
        ("admin.company.create", {"company_id": company.id, "grid": "g1", "workdays": "123456",
                                  "questions_per_quiz": 5}),
        ("admin.company.update", {"company_id": company.id, "grid": {"old": "g1", "new": "g2"},
                                  "incidents_kept_in": "g1"}),
        ("export.periodic", {"period": "month", "start": "2026-02-01", "scope": "town"}),
        ("export.periodic", {"period": "week", "start": "2026-02-23", "scope": str(g2.id)}),
        ("admin.account.update", {"account": "li", "changed": ["role", "grids"],
                                  "role": {"old": "grid_officer", "new": "town_admin"},
                                  "grids": {"old": ["g1", "g2"], "new": []}}),
        ("export.console", {"company": "acme", "report": "by-worker", "days": 30, "format": "xlsx"}),
    ]
    for action, detail in details:
        audit.record(admin, action, detail)
    return admin, len(details)


def _pairs(changes) -> list[list[tuple[str, str]] | None]:
    entries = audit_log.audit_page(reader(), AuditFilter(), ZONE, per_page=changes[1]).entries
    words = detail_words(audit_log.reference_names(reader(), entries))
    return [detail_pairs(e.detail, words) for e in reversed(entries)]


def test_details_read_in_chinese_as_people_say_them(changes):
    grid_off, grid_on, created, moved, monthly, weekly, account, export = _pairs(changes)
    assert grid_off == [("状态", "启用 → 停用"), ("编码", "g1"), ("网格", "网格一")]
    assert grid_on[0] == ("状态", "停用 → 启用")
    assert created == [("企业", "甲厂"), ("网格", "网格一"), ("每次答题的题数", "5"), ("工作日", "周一至周六")]
    assert moved == [("企业", "甲厂"), ("网格", "网格一 → 网格二"), ("案件记录留在", "网格一")]
    assert monthly == [("报表", "月报"), ("范围", "全镇"), ("周期开始", "2026-02-01")]
    assert weekly == [("报表", "周报"), ("范围", "网格二"), ("周期开始", "2026-02-23")]
    assert account == [("账号", "li"), ("改动", "角色、网格"), ("网格", "网格一、网格二 → –"),
                       ("角色", "网格员 → 镇反诈中心管理员")]
    assert export == [("企业", "甲厂"), ("天数", "30"), ("格式", "XLSX"), ("报表", "按员工完成情况")]


def test_details_read_in_english_too(changes, english):
    grid_off, _on, created, moved, monthly, weekly, account, _export = _pairs(changes)
    assert grid_off[0] == ("Status", "enabled → disabled")
    assert created[3] == ("Workdays", "Monday to Saturday")
    assert moved[1] == ("Grid", "网格一 → 网格二")  # names as the town wrote them
    assert monthly[0] == ("Report", "Monthly report") and monthly[1] == ("Scope", "Whole town")
    assert account[3] == ("Role", "Grid officer → Town administrator")


def test_the_csv_export_has_the_words_and_the_stored_detail(changes, english):
    chosen = AuditFilter(action="export.periodic")
    entries = audit_log.export_entries(changes[0], chosen, ZONE)
    data, _name = audit_csv(entries, audit_log.reference_names(reader(), entries), chosen, date(2026, 3, 5))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][6] == "Report: Weekly report; Scope: 网格二; Period starting: 2026-02-23"
    assert json.loads(rows[1][7])["period"] == "week"

"""The town admin's audit log page: who did what and when (local time), filters, paging, and the
CSV export, which is itself logged; refused to everyone else."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from quizapp.audit import log as audit_log
from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog, StaffUser
from tests.pages import read, sign_in_staff, sign_in_staff_in_english


@pytest.fixture
def admin(app, town):
    client = app.test_client()
    sign_in_staff_in_english(client, "admin")
    return client


@pytest.fixture
def logged(app, town):
    """An officer's ledger export at 08:30 Shanghai time on 2 March, an API read by a token on 1
    March, and 120 older rows of the admin's."""
    with app.app_context():
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        token = ApiToken(name="town analysis", token_hash="b" * 64, hint="bbbb", town_id=admin.town_id)
        db.session.add(token)
        db.session.flush()
        start = datetime(2026, 2, 1)
        db.session.execute(insert(AuditLog), [
            {"at": start + timedelta(hours=i), "actor_id": admin.id, "action": "admin.account.unlock",
             "detail": json.dumps({"account": f"bulk-{i:03d}"}), "town_id": admin.town_id} for i in range(120)])
        db.session.add_all([
            AuditLog(at=datetime(2026, 3, 1, 2, 0), token_id=token.id, action="api.grids", town_id=admin.town_id,
                     detail=json.dumps({"from": "2026-02-01", "to": "2026-02-28"})),
            AuditLog(at=datetime(2026, 3, 2, 0, 30), actor_id=officer.id, action="export_ledger", town_id=admin.town_id,
                     detail=json.dumps({"format": "xlsx", "status": "open"})),
        ])
        db.session.commit()
        return {"token": token.id}


def test_the_log_newest_first_with_who_what_when_and_detail(admin, logged):
    status, page = read(admin, "/admin/audit")
    assert status == 200
    page = page.split('<table class="figures audit-table">')[1]
    first = page.index("Exported the supervision ledger")
    assert first < page.index("town analysis") < page.index("Unlocked an account")
    assert "2026-03-02 08:30:00" in page  # 00:30 UTC, shown in Shanghai time
    assert "officer-1" in page and "(API token)" in page and "api.grids" in page
    assert "<dt>Format</dt><dd>XLSX</dd><dt>Supervision cases exported</dt><dd>open</dd>" in page
    assert "王小明" not in page


def test_filters(admin, logged):
    _, exports_only = read(admin, "/admin/audit?action=export")
    assert "Exported the supervision ledger" in exports_only and "api.grids" not in exports_only
    _, api = read(admin, "/admin/audit?action=api.")
    assert "town analysis" in api and "Exported the supervision ledger" not in api
    _, by_token = read(admin, f"/admin/audit?token={logged['token']}")
    assert "api.grids" in by_token and "Unlocked" not in by_token
    _, by_officer = read(admin, "/admin/audit?account=officer-1")
    assert "Exported the supervision ledger" in by_officer and "Unlocked" not in by_officer
    _, one_day = read(admin, "/admin/audit?from=2026-03-01&to=2026-03-01")
    assert "api.grids" in one_day and "Exported the supervision ledger" not in one_day and "Unlocked" not in one_day
    _, nobody = read(admin, "/admin/audit?account=ghost")
    assert "There is no account with the username ghost." in nobody
    status, forged = read(admin, "/admin/audit?token=abc&from=2026-99-01&to=x&before=zz&after=-3&action=%25")
    assert status == 200 and "Nothing in the log matches these filters." in forged


def links(page: str, word: str) -> list[str]:
    return [part.split('"')[0].replace("&amp;", "&") for part in page.split('href="')
            if f"{word}=" in part.split('"')[0]]


def test_paging_older_and_newer(admin, logged):
    _, first = read(admin, "/admin/audit?action=admin.")
    assert first.count("<tr>") - 1 == audit_log.PER_PAGE and "bulk-119" in first and "bulk-069" not in first
    assert links(first, "after") == [] and len(links(first, "before")) == 1
    assert "action=admin." in links(first, "before")[0]  # the filter is kept
    _, second = read(admin, links(first, "before")[0])
    assert "bulk-069" in second and "bulk-119" not in second and "bulk-019" not in second
    _, third = read(admin, links(second, "before")[0])
    assert third.count("<tr>") - 1 == 20 and links(third, "before") == []
    _, back = read(admin, links(third, "after")[0])
    assert back.split("<tbody>")[1] == second.split("<tbody>")[1]


def test_the_export_is_the_filtered_log_and_is_logged(app, admin, logged):
    response = admin.get("/admin/audit/export.csv?action=admin.&from=2026-02-01")
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 121 and {r[5] for r in rows[1:]} == {"admin.account.unlock"}
    assert rows[1][1] == "admin" and rows[1][6] == "Account: bulk-119" and rows[1][7] == '{"account": "bulk-119"}'
    with app.app_context():
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "export.audit"))
        assert json.loads(row.detail) == {"action": "admin.", "format": "csv", "from": "2026-02-01", "rows": 120}
    _, page = read(admin, "/admin/audit?action=export.")
    assert "Exported the audit log" in page


def test_an_export_too_large_is_refused_with_a_message(app, admin, logged, monkeypatch):
    monkeypatch.setattr(audit_log, "EXPORT_LIMIT", 50)
    response = admin.get("/admin/audit/export.csv?action=admin.", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "More than 50 rows match" in page and "admin." in page
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "export.audit")) is None


@pytest.mark.parametrize("username", ["officer-1", "staff-a"])
def test_other_roles_are_refused(client, logged, username):
    sign_in_staff(client, username)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_the_admin_s_audit_page_and_export_show_no_worker_s_number_or_name(app, town):
    """A company's day of roster work and sign-ins, then the admin reads every row of the log (page
    and CSV): no worker's employee number or name is anywhere in them."""
    from quizapp.clock import utcnow
    from quizapp.models import Employee
    from quizapp.roster import service as roster
    from tests.pages import sign_in_worker

    with app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == "staff-a"))
        added = roster.save_worker(actor, None, {"employee_no": "ZX-7731", "name": "赵可辨", "team": "一车间",
                                                 "shift": "早班", "active_from": None})
        roster.save_worker(actor, added, {"employee_no": "ZX-7731", "name": "赵可辨", "team": "二车间", "shift": "早班",
                                          "active_from": None})
        roster.sign_out_everywhere(actor, added)
        roster.reset_pin(actor, added, utcnow())
        roster.set_active(actor, added, False, utcnow().date())
        db.session.commit()
    phone = app.test_client()
    for number in (town.worker_a_no, "ZX-7731", "NO-SUCH-9"):
        sign_in_worker(phone, town.code_a, number, "1357").close()
    sign_in_worker(phone, town.code_a, town.worker_a_no).close()
    admin = app.test_client()
    sign_in_staff_in_english(admin, "admin")
    _, html = read(admin, "/admin/audit")
    response = admin.get("/admin/audit/export.csv")
    exported = response.get_data().decode("utf-8-sig")
    response.close()
    assert "Changed a worker on the roster" in html and "Failed worker sign-ins" in html
    with app.app_context():
        workers = list(db.session.execute(select(Employee.employee_no, Employee.name)))
    assert len(workers) == 4
    for text in (html, exported):
        shown = [value for worker in workers for value in worker if value in text]
        assert shown == [] and "NO-SUCH-9" not in text

"""The city admin's audit log (city.audit): the city's own rows (no town's), with the town admin's
filters, paging and CSV export; rows that belong to no town (a failed sign-in to a username that
is no account, a month of answers dropped for every town) are there, labelled; a town admin's log
keeps its town's rows only, and a real account's lock is its town's row, not the city's."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import AuditLog, StaffUser
from quizapp.signin.staff import verify_staff
from tests.factories import make_staff, make_town_row
from tests.pages import read, sign_in_staff, sign_in_staff_in_english, texts


@pytest.fixture
def city_rows(app, town):
    """The city admin (who makes a town on the page), a failed sign-in to a name that is no account
    and one to the town admin's account, the partitions dropped by retention, and the town admin's
    own rows."""
    with app.app_context():
        make_staff("city", "city_admin")
        make_town_row("other", "另一镇")
        make_staff("admin-other", "town_admin", town=make_town_row("third", "第三镇"))
        db.session.add(AuditLog(action="partitions.drop", detail=json.dumps(
            {"partitions": ["answer_y2025m03"], "answers": 1200, "before": "2025-04-20"})))
        db.session.commit()
    stranger = app.test_client()
    sign_in_staff(stranger, "nobody-here", "guess")
    sign_in_staff(stranger, "admin", "wrong password")
    city = app.test_client()
    sign_in_staff_in_english(city, "city")
    city.post("/city/towns", data={"code": "hm", "name": "虎门镇"}).close()
    return city


def rows_of(page: str) -> list[str]:
    return texts(page.split('<table class="figures audit-table">')[1], "tr")[1:]


def test_the_city_s_log_shows_its_own_rows_and_the_rows_of_no_town_labelled(city_rows):
    status, page = read(city_rows, "/city/audit")
    assert status == 200 and 'href="/city/tokens"' in page  # the city's menu, not the admin's
    rows = rows_of(page)
    created = next(r for r in rows if "Created a town" in r)
    assert "city.town.create" in created and "虎门镇" in created and "city" in created
    unknown = [r for r in rows if "Failed sign-ins" in r]
    assert len(unknown) == 1 and "Security: a username that is no account (no town's)" in unknown[0]
    assert "nobody-here" not in page  # what was typed is not kept
    dropped = next(r for r in rows if "Dropped whole months of answers" in r)
    assert "Whole installation (every town)" in dropped and "answer_y2025m03" in dropped
    # The town admin's failed sign-in and sign-ins are their town's: not here.
    assert not any("admin" in r.split() for r in rows) and "Signed in" not in " ".join(
        r for r in rows if "city" not in r)


def test_no_town_admin_sees_the_city_s_rows(app, city_rows):
    for username in ("admin", "admin-other"):
        client = app.test_client()
        sign_in_staff_in_english(client, username)
        status, page = read(client, "/admin/audit")
        assert status == 200
        assert "Created a town" not in page and "Dropped whole months" not in page and "Security:" not in page
        failed = [r for r in rows_of(page) if "Failed sign-ins" in r]
        # The first town's admin sees the wrong password to their own account; nobody the unknown name.
        assert [("admin" in r) for r in failed] == ([True] if username == "admin" else [])
        assert read(client, "/city/audit")[0] == 403 and read(client, "/city/audit/export.csv")[0] == 403


def test_the_city_s_filters_paging_and_export(app, city_rows):
    with app.app_context():
        city = db.session.scalar(select(StaffUser).where(StaffUser.username == "city"))
        start = datetime(2026, 2, 1)
        db.session.execute(insert(AuditLog), [
            {"at": start + timedelta(hours=i), "actor_id": city.id, "action": "city.town.rename",
             "detail": json.dumps({"town": "hm", "name": {"old": f"旧{i}", "new": f"新{i}"}})} for i in range(60)])
        db.session.commit()
    page = read(city_rows, "/city/audit?action=signin.")[1]
    signins = rows_of(page)
    assert all(" signin." in r for r in signins) and any("Failed sign-ins" in r for r in signins)
    assert 'href="/city/audit?action=city.' in page  # the city's quick filters
    first = read(city_rows, "/city/audit?action=city.")[1]
    assert len(rows_of(first)) == 50 and "Older" in first
    older = first.split('href="/city/audit?before=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = read(city_rows, f"/city/audit?before={older}")[1]
    assert rows_of(second) and "Newer" in second and set(rows_of(second)).isdisjoint(rows_of(first))
    response = city_rows.get("/city/audit/export.csv?action=city.")
    exported = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    response.close()
    assert response.status_code == 200 and len(exported) == 1 + 61  # the header, 60 renames and the new town
    with app.app_context():
        [logged] = db.session.scalars(select(AuditLog).where(AuditLog.action == "export.audit")).all()
        assert logged.town_id is None


def test_a_real_account_s_lock_is_its_town_s_row_and_the_city_admin_s_the_city_s(app, city_rows):
    with app.app_context():
        for username in ("admin", "city"):
            account = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
            for _ in range(5):  # wrong passwords in the account's own browser: locked at the fifth
                verify_staff(username, "wrong", utcnow(), trusted_ids=[account.id])
            locked = db.session.scalar(select(AuditLog).where(
                AuditLog.action == "signin.staff.locked", AuditLog.detail.contains(f'"{username}"')))
            assert locked.town_id == account.town_id, username
        db.session.commit()
    page = read(city_rows, "/city/audit?action=signin.staff.locked")[1]
    [row] = rows_of(page)
    assert "Security: the city's own account" in row.replace("&#39;", "'")

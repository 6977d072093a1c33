"""Every download names itself twice: a UTF-8 filename* and an ASCII filename made of codes and
dates (not "--2026-11-16.xlsx"), both built in one place (quizapp/downloads.py); and WeChat's
in-app browser is told apart by its User-Agent."""

import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from quizapp import downloads
from quizapp.extensions import db
from quizapp.models import Grid
from tests.browser import WECHAT_UA
from tests.pages import sign_in_staff

ROOT = Path(__file__).resolve().parents[2]


def test_an_ascii_name_is_its_own_fallback_and_keeps_its_utf8_form():
    assert downloads.content_disposition("acme-by-day-2026-11-23.csv") == (
        "attachment; filename=\"acme-by-day-2026-11-23.csv\"; filename*=UTF-8''acme-by-day-2026-11-23.csv")


def test_a_chinese_name_needs_a_fallback_and_is_kept_in_filename_star():
    header = downloads.content_disposition("周报-网格一-2026-11-16.xlsx", "weekly-g1-2026-11-16.xlsx")
    assert header.startswith('attachment; filename="weekly-g1-2026-11-16.xlsx"; ')
    assert header.endswith("filename*=UTF-8''" + quote("周报-网格一-2026-11-16.xlsx"))
    assert downloads.content_disposition("a.png", inline=True).startswith("inline; ")
    with pytest.raises(ValueError):
        downloads.content_disposition("周报-网格一-2026-11-16.xlsx")  # would save as "--2026-11-16.xlsx"
    with pytest.raises(ValueError):
        downloads.content_disposition("周报.xlsx", 'bad"name.xlsx')  # the fallback must be plain too


def test_ascii_name_keeps_only_what_every_file_system_keeps():
    assert downloads.ascii_name("acme-一车间-qr.png") == "acme-qr.png"
    assert downloads.ascii_name("周报") == "download"
    assert downloads.is_ascii_name("acme-qr.png") and not downloads.is_ascii_name("-2026.xlsx")


def test_wechat_is_told_apart_by_its_user_agent():
    assert downloads.is_wechat(WECHAT_UA)
    assert downloads.is_wechat("Mozilla/5.0 (iPhone) MicroMessenger/8.0.49 NetType/WIFI")
    assert not downloads.is_wechat("Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36")
    assert not downloads.is_wechat(None)


def test_no_module_but_downloads_sends_a_file():
    """One place builds Content-Disposition: a new download cannot forget the ASCII name."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "quizapp").rglob("*.py")
                 if path.name != "downloads.py" and re.search(r"send_file|Content-Disposition", path.read_text())]
    assert offenders == []


def _names(response) -> tuple[str, str]:
    header = response.headers["Content-Disposition"]
    response.close()
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    readable = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))
    return fallback, readable


def test_every_download_has_a_readable_ascii_name(app, client, town):
    """In Chinese (the default), so that names hold Chinese words: the ASCII name still says
    which company or grid and which dates."""
    with app.app_context():
        g1 = db.session.scalar(db.select(Grid.id).where(Grid.code == "g1"))
    sign_in_staff(client, "staff-a")
    console = [f"/console/exports/{report}.{fmt}" for report in ("by-day", "by-worker", "by-team")
               for fmt in ("csv", "xlsx")]
    console += ["/console/roster/template.csv", "/console/roster/template.xlsx", "/console/posters/qr.png",
                "/console/posters/qr.svg?team=一车间"]
    seen = {}
    for url in console:
        seen[url] = _names(client.get(url))
    client.post("/logout", data={})
    sign_in_staff(client, "admin")
    town_wide = [f"/reports/periodic/week.xlsx?scope={g1}", "/reports/periodic/month.xlsx?scope=town",
                 "/reports/incidents/export.csv", "/reports/incidents/export.xlsx", "/reports/incidents/template.csv",
                 "/reports/supervision/ledger.csv", "/reports/supervision/ledger.xlsx", "/admin/audit/export.csv",
                 f"/admin/companies/{town.company_a}/qr.png", f"/admin/companies/{town.company_a}/qr.svg"]
    for url in town_wide:
        seen[url] = _names(client.get(url))
    for url, (fallback, readable) in seen.items():
        assert downloads.is_ascii_name(fallback), (url, fallback)
        # Says what it is: a code (company, grid, town) or what kind of file, never just a date.
        assert re.match(r"^(acme|weekly-g1|monthly-town|incidents|supervision|audit|roster-template)\b", fallback), \
            (url, fallback)
        assert fallback.rsplit(".", 1)[1] == readable.rsplit(".", 1)[1]
    assert seen[f"/reports/periodic/week.xlsx?scope={g1}"][1].startswith("周报-网格一-")
    assert seen["/console/posters/qr.svg?team=一车间"] == ("acme-team-qr.svg", "acme-一车间-qr.svg")
    assert re.fullmatch(r"acme-by-worker-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.xlsx",
                        seen["/console/exports/by-worker.xlsx"][0])

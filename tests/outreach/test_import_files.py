"""The outreach import with the files officers really bring: the ledger's own export (CSV or XLSX,
in either language: grids by name, kinds as the app names them) read back into the same
activities; grids named by a name two grids share refused with the reason; a full 2,000-row file
confirmed whole; a confirmation that fails saying why."""

from __future__ import annotations

import html
import io
import random
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import OutreachActivity
from quizapp.outreach.rules import MAX_BYTES, MAX_NOTE, MAX_PLACE, MAX_ROWS, MAX_SPEAKER, parse_kind
from quizapp.outreach.wording import KINDS
from quizapp.rules.vocab import OutreachKind
from tests.factories import make_grid
from tests.pages import sign_in_staff, texts

HEADER = "日期,类型,地点或单位,网格,主讲人,覆盖人数,备注\r\n"


@pytest.fixture
def grids(aged):
    return aged


@pytest.fixture
def officer(client, grids):
    sign_in_staff(client, "officer-1")
    client.set_cookie("lang", "en")
    return client


def upload(client, data: bytes, name: str = "outreach.csv") -> str:
    """The preview page. The body is built in memory (the test client spools a body over 500 kB
    to a temporary file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    response = client.post("/reports/outreach/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    page = html.unescape(response.get_data(as_text=True))
    response.close()
    return page


def preview_of(page: str) -> str:
    """The kept preview's id, the one thing the confirmation form carries."""
    found = re.search(r'name="preview" type="hidden" value="([0-9]+)"', page)
    assert found, [line for line in texts(page, "p") + texts(page, "td") if line][:12]
    return found.group(1)


def activities(app) -> list[tuple]:
    with app.app_context():
        return sorted((a.grid_id, a.day, a.kind, a.place, a.speaker, a.people, a.note or "")
                      for a in db.session.scalars(select(OutreachActivity)))


def test_every_name_the_app_shows_for_a_kind_is_read_as_that_kind(app):
    for lang in ("zh_CN", "en"):
        with app.test_request_context("/"), force_locale(lang):
            for kind, label in KINDS.items():
                assert parse_kind(str(label)) == kind, (lang, str(label))
    assert parse_kind("岗前5分钟宣讲") == OutreachKind.PRESHIFT  # as the Chinese export writes it


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_imports_back_into_the_same_activities(app, officer, grids, fmt, lang):
    today = local_today()
    with app.app_context():
        for index, kind in enumerate(OutreachKind):
            db.session.add(OutreachActivity(grid_id=grids["g1"], day=today - timedelta(days=index), kind=kind,
                                            place=f"地点{index}", speaker="李警官", people=10 + index,
                                            note="刷单返利" if index % 2 else ""))
        db.session.commit()
    before = activities(app)
    officer.set_cookie("lang", lang)
    exported = officer.get(f"/reports/outreach/export.{fmt}?month={today:%Y-%m}")
    assert exported.status_code == 200
    with app.app_context():
        db.session.execute(delete(OutreachActivity))
        db.session.commit()
    page = upload(officer, exported.data, f"outreach.{fmt}")
    assert "未知的活动类型" not in page and "Unknown kind of activity" not in page
    assert "不是您的网格" not in page and "Not one of your grids" not in page
    officer.post("/reports/outreach/import/confirm", data={"preview": preview_of(page)}).close()
    assert activities(app) == before


def test_a_grid_is_named_by_its_code_or_by_a_name_no_other_grid_of_the_town_has(app, officer, grids):
    today = local_today()
    body = f"{HEADER}{today},进校园,大沙小学,网格一,李警官,600,\r\n{today},进社区,新塘村,G1,李警官,80,\r\n"
    preview_of(upload(officer, body.encode()))
    with app.app_context():
        make_grid("g9", "网格一")  # a second grid of the town by that name (not officer-1's)
        db.session.commit()
    page = upload(officer, body.encode())
    assert "Several grids of the town have this name: use the grid's code." in page and 'name="preview"' not in page
    assert texts(page, "td").count("Several grids of the town have this name: use the grid's code.") == 1  # G1 is fine


def test_a_grid_outside_the_officer_s_is_not_theirs_by_name_either(officer, grids):
    page = upload(officer, f"{HEADER}{local_today()},进校园,大沙小学,网格二,李警官,600,\r\n".encode())
    assert "Not one of your grids (use the grid's code or its name)." in page and 'name="preview"' not in page


def test_a_full_file_of_2000_rows_is_imported_whole(app, officer, grids):
    """The largest file the import takes: 2,000 rows whose place, speaker and note are as long as
    their columns allow, each a different run of characters (so the signed rows compress poorly)."""
    chance = random.Random(2026)

    def words(length: int) -> str:
        return "".join(chr(chance.randint(0x4E00, 0x9FA5)) for _ in range(length))

    today = local_today()
    rows = [f"{today},进社区,{words(MAX_PLACE)},g1,{words(MAX_SPEAKER)},{n},{words(MAX_NOTE)}\r\n"
            for n in range(MAX_ROWS)]
    data = (HEADER + "".join(rows)).encode("gb18030")
    assert len(data) <= MAX_BYTES
    page = upload(officer, data)
    token = preview_of(page)
    # The rows stay on the server: the confirmation carries the preview's id, far below Flask's 500 kB.
    response = officer.post("/reports/outreach/import/confirm", data={"preview": token}, follow_redirects=True)
    people = f"{sum(range(MAX_ROWS)):,}"
    assert f"Imported {MAX_ROWS} activities reaching {people} people." in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == MAX_ROWS


@pytest.mark.parametrize("data", [{}, {"preview": ""}, {"preview": "abc"}, {"preview": "2147483648"},
                                  {"preview": "999999"}])
def test_a_confirmation_that_fails_its_checks_says_why(app, officer, data):
    response = officer.post("/reports/outreach/import/confirm", data=data, follow_redirects=True)
    assert ("Nothing was imported: This preview was not found: it is no longer kept, or another account made it. "
            "Please upload the file again.") in \
        html.unescape(response.get_data(as_text=True))

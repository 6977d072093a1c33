"""The import pages in Chinese (the default) keep full-width punctuation in their sentences: the
roster's, the register's, the incidents' and the outreach ledger's pages and previews. The words
come from the catalog (checked by test_translations); this checks the templates' own glue between
them (a colon, brackets, commas around a name, a count, a list of columns or a change). Column
names shown as a file writes them (<code>, <pre>) are data, not sentences, and are left out."""

from __future__ import annotations

import io
from datetime import date
from html.parser import HTMLParser

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Employee, Grid
from tests.app.test_translations import half_width_slips
from tests.factories import make_lead, make_staff
from tests.pages import sign_in_staff


class _Prose(HTMLParser):
    """A page's text outside scripts, code and form fields: its sentences and what they list."""

    SKIP = {"script", "style", "code", "pre", "textarea", "option", "title"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def slips(client, url: str, response=None) -> list[str]:
    if response is None:
        response = client.get(url, follow_redirects=True)
    page = response.get_data(as_text=True)
    response.close()
    assert response.status_code in (200, 400), (url, response.status_code)
    parser = _Prose()
    parser.feed(page)
    return half_width_slips(" ".join(" ".join(parser.parts).split()))


def upload(client, url: str, data: bytes, filename: str):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       follow_redirects=True)


def test_the_roster_import_and_its_preview(app, client, town):
    with app.app_context():
        db.session.add_all([Employee(company_id=town.company_a, employee_no=f"M{i:03d}", name=f"工人{i}",
                                     team="一车间", shift="早班", active=True) for i in range(5)])
        db.session.commit()
    sign_in_staff(client, "staff-a")
    assert slips(client, "/console/roster/import") == []
    # Most of the roster not in the file: both ticks, each with its count.
    preview = upload(client, "/console/roster/import", "工号,姓名,班组,班次\nA001,王小明,一车间,早班\n".encode(),
                     "名单.csv")
    assert slips(client, "", preview) == []


def test_the_register_import_and_its_preview(client, town):
    sign_in_staff(client, "admin")
    assert slips(client, "/admin/register") == []
    head = "网格编码,网格名称,企业编码,企业名称,每次题数,工作日,班次,启用\n"
    file = head + "g1,,acme,甲厂,,,早班 07:30；夜班 20:00,\n"  # 乙厂 and grid g2 not in it: listed, with a tick
    preview = upload(client, "/admin/register", file.encode(), "名册.csv")
    assert slips(client, "", preview) == []


def test_the_incidents_and_outreach_imports_and_their_previews(client, town):
    sign_in_staff(client, "officer-1")
    assert slips(client, "/reports/incidents/import") == []
    month = date.today().replace(day=1).strftime("%Y-%m")
    incidents = f"月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注\r\n{month},g1,,other,2,300,\r\n"
    assert slips(client, "", upload(client, "/reports/incidents/import", incidents.encode(), "警情.csv")) == []
    assert slips(client, "/reports/outreach/import") == []
    today = local_today()
    outreach = (f"日期,类型,地点或单位,网格,主讲人,覆盖人数,备注\r\n{today},进校园,大沙小学,g1,李警官,600,\r\n"
                f"{today},进校园,大沙小学,g1,李警官,600,\r\n")  # row 3 repeats row 2: left out, said why
    preview = upload(client, "/reports/outreach/import", outreach.encode(), "宣传.csv")
    assert "第 3 行（" in preview.get_data(as_text=True)
    assert slips(client, "", preview) == []
    client.post("/logout")
    sign_in_staff(client, "staff-a")
    assert slips(client, "/console/outreach/import") == []


def test_lists_and_counts_beside_chinese_elsewhere(app, client, town):
    """The same glue outside the imports: the workers' reports tabs (新线索（1）) and an officer's
    grids on the accounts page (网格一和网格二), as translated sentences and lists."""
    with app.app_context():
        make_lead(db.session.get(Employee, town.worker_a))
        make_staff("officer-both", "grid_officer", grids=list(db.session.scalars(select(Grid))))
        db.session.commit()
    sign_in_staff(client, "admin")
    leads = client.get("/reports/leads").get_data(as_text=True)
    accounts = client.get("/admin/accounts").get_data(as_text=True)
    assert "（1）" in leads and "网格一和网格二" in accounts
    assert slips(client, "/reports/leads") == [] and slips(client, "/admin/accounts") == []

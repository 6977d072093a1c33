"""Bad input at the edge gets a 404, a 400 or the form back with its message at the field, never
a 500; stored odd values never break a page; a double tap makes one record. (The fuzz test,
tests/app/test_fuzz.py, sends the same kinds of values everywhere; these name the cases.)"""

import threading
from datetime import date, timedelta

from flask import request
from openpyxl import load_workbook
from sqlalchemy import func, select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Attempt, AuditLog, Employee, FollowUp, StaffUser, SupervisionCase
from quizapp.quiz import service as quiz
from quizapp.rules import inputs
from quizapp.validators import Form
from tests.factories import right_choice, take_quiz
from tests.pages import sign_in_staff, sign_in_staff_in_english, sign_in_worker, texts


def test_ids_in_urls_are_bounded_integers(client, town):
    sign_in_staff(client, "admin")
    for url in ("/admin/grids/99999999999999999999999", "/admin/grids/2147483648", "/admin/grids/²",
                "/admin/grids/0", "/admin/grids/-1", "/admin/companies/01"):
        assert client.get(url).status_code == 404, url


def test_control_characters_in_a_url_match_no_route(client, town):
    assert client.get("/c/%00").status_code == 404 and client.post("/c/a%01b/pin").status_code == 404
    sign_in_staff(client, "staff-a")
    assert client.get("/console/chase/%00").status_code == 404


def test_query_numbers_that_are_not_ascii_digits_fall_back(client, town):
    sign_in_staff(client, "admin")
    for url in ("/admin/companies?grid=²&page=²", "/admin/accounts?grid=²&company=99999999999999999999&page=-1",
                "/reports/compare?grid=²&company_id=99999999999999", "/admin/deliveries?page=99999999999999999999",
                "/admin/audit?from=0001-01-01&to=9999-12-31", "/reports/periodic/week?start=9999-12-31"):
        assert client.get(url).status_code == 200, url


def test_control_characters_in_a_form_field_give_the_form_back_with_the_message(client, town):
    sign_in_staff_in_english(client, "staff-a")
    response = client.post("/console/roster/new", data={"employee_no": "A\x00", "name": "名\x01", "team": "",
                                                        "shift": ""})
    assert response.status_code == 200
    errors = texts(response.get_data(as_text=True), "span", class_="field-error")
    assert errors.count("Remove the control characters (invisible characters such as NUL) from this field.") == 2
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(Employee).where(Employee.employee_no == "A")) == 0


class NoteForm(Form):
    note = TextAreaField()


def test_a_textarea_keeps_its_lines_and_tabs(app):
    with app.test_request_context("/", method="POST", data={"note": "a\r\nb\tc"}):
        form = NoteForm()
        assert form.validate() and form.note.data == "a\nb\tc"


def test_an_option_never_shown_or_several_for_a_one_answer_question_are_refused(app, client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    question = client.post("/today/start", data={"kind": "official"}).location
    for choices in (["99"], ["0", "1"], ["²"], ["-1"]):
        response = client.post(question, data={"choice": choices})  # the question again, with why
        assert response.status_code == 200 and 'name="choice"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.answered > 0)) == 0


def test_anonymous_posts_to_console_pages_are_refused_without_a_server_error(app, client, town, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for url in ("/console/roster/new", "/console/settings", "/reports/supervision/cases", "/admin/grids"):
        response = client.post(url, data={"name": "x"})
        assert response.status_code in (302, 400), url


def _stored_follow_up(town, day: date, note: str = "n", rule: str = "manual") -> int:
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    case = SupervisionCase(company_id=town.company_a, rule=rule, reason="r\x01", opened_on=local_today())
    db.session.add(case)
    db.session.flush()
    follow_up = FollowUp(case_id=case.id, kind="visit", happened_on=day, who="张三", notes=note,
                         created_by=officer.id)
    db.session.add(follow_up)
    db.session.commit()
    return follow_up.id


def test_a_stored_year_one_follow_up_breaks_no_page(app, client, town):
    with app.app_context():
        _stored_follow_up(town, date(1, 1, 1), note="bad\x01note")
        _stored_follow_up(town, date(9999, 12, 31), rule="participation")
        case_id = db.session.scalar(select(func.min(SupervisionCase.id)))
    sign_in_staff(client, "officer-1")
    for url in ("/reports/supervision", f"/reports/supervision/cases/{case_id}",
                f"/reports/supervision/cases/{case_id + 1}", "/reports/supervision/ledger.csv",
                "/reports/supervision/ledger.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    ledger = client.get("/reports/supervision/ledger.csv").get_data()
    assert b"\x00" not in ledger and b"\x01" not in ledger


def test_an_xlsx_export_drops_characters_xml_cannot_hold(app, client, town):
    with app.app_context():
        db.session.get(Employee, town.worker_a).employee_no = "A\x01\x0b1"  # (PostgreSQL cannot hold a NUL at all)
        db.session.commit()
    sign_in_staff(client, "staff-a")
    response = client.get("/console/exports/by-worker.xlsx?days=7")
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    assert "A1" in [row[0] for row in sheet.iter_rows(values_only=True)]


def test_an_officer_corrects_then_deletes_a_wrong_follow_up_and_both_are_audited(app, client, town):
    with app.app_context():
        follow_up_id = _stored_follow_up(town, local_today())
    sign_in_staff_in_english(client, "officer-1")
    url = f"/reports/supervision/follow-ups/{follow_up_id}"
    assert client.get(url).status_code == 200
    for day, message in (("1999-12-31", "Give a date from 2000-01-01 to "),
                         ((local_today() + timedelta(days=1)).isoformat(), "A follow-up cannot be in the future.")):
        page = client.post(url, data={"kind": "visit", "happened_on": day, "who": "张三"}).get_data(as_text=True)
        assert message in page
    response = client.post(url, data={"kind": "talk", "happened_on": local_today().isoformat(), "who": "李四"})
    assert response.status_code == 302
    with app.app_context():
        follow_up = db.session.get(FollowUp, follow_up_id)
        assert (follow_up.kind, follow_up.who) == ("talk", "李四")
    assert client.post(url + "/delete", data={"confirm": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(FollowUp, follow_up_id) is None
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        assert actions[-2:] == ["supervision.follow_up.update", "supervision.follow_up.delete"]


def test_another_grids_officer_cannot_correct_a_follow_up(app, client, town):
    from tests.factories import make_grid, make_staff

    with app.app_context():
        follow_up_id = _stored_follow_up(town, local_today())
        make_staff("officer-2", "grid_officer", grids=[make_grid("g9", "网格九")])
        db.session.commit()
    sign_in_staff(client, "officer-2")
    assert client.get(f"/reports/supervision/follow-ups/{follow_up_id}").status_code == 404
    assert client.post(f"/reports/supervision/follow-ups/{follow_up_id}/delete").status_code == 404


def test_ten_taps_on_practice_open_one_round(app, town):
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        take_quiz(worker, local_today())
    clients = []
    for _ in range(10):
        client = app.test_client()
        sign_in_worker(client, town.code_a, town.worker_a_no)
        clients.append(client)
    barrier, statuses = threading.Barrier(len(clients)), []

    def tap(client):
        barrier.wait()
        statuses.append(client.post("/today/start", data={"kind": "practice"}).status_code)

    threads = [threading.Thread(target=tap, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 10
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.kind == "practice", Attempt.finished_at.is_(None))) == 1


def test_a_new_practice_round_closes_the_one_left_open(app, town):
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        take_quiz(worker, local_today())
        first = quiz.start_attempt(worker, "practice", local_today(), utcnow(), "test-town")
        later = utcnow() + timedelta(hours=1)
        second = quiz.start_attempt(worker, "practice", local_today(), later, "test-town")
        db.session.commit()
        assert first.id != second.id and first.finished_at is not None and first.expired
        assert right_choice(second.answers[0])


def test_wtforms_own_messages_follow_the_reader_s_language_request_by_request(app):
    """WTForms' messages come from its catalogue (kept per language in the process), in the
    language of each request; a form built by a command has WTForms' English."""
    from wtforms import StringField

    class Named(Form):
        name = StringField("name", validators=[DataRequired()])

    said = []
    for lang in ("zh_CN", "en", "zh_CN"):
        with app.test_request_context("/", method="POST", data={}, headers={"Cookie": f"lang={lang}"}):
            form = Named(meta={"csrf": False})
            form.validate()
            said.append(form.name.errors)
    with app.app_context():
        form = Named(formdata=None, meta={"csrf": False})
        form.validate()
        said.append(form.name.errors)
    chinese, english = ["该字段是必填字段。"], ["This field is required."]
    assert said == [chinese, english, chinese, english]


class LimitsForm(Form):
    note = TextAreaField(validators=[Length(max=500)])
    free = TextAreaField()


def _errors(app, data: dict) -> dict:
    with app.test_request_context("/", method="POST", data=data, headers={"Cookie": "lang=en"}):
        form = LimitsForm(meta={"csrf": False})
        form.validate()
        return form.errors


def test_a_text_field_s_own_length_is_the_one_limit_it_is_told(app):
    """A note of at most 500 characters typed at 5,000 hears "at most 500", once; a field without
    a limit of its own keeps the general one."""
    errors = _errors(app, {"note": "长" * 5000, "free": "x" * (inputs.TEXT_LIMIT + 1)})
    assert errors == {"note": ["Field cannot be longer than 500 characters."],
                      "free": [f"This is at most {inputs.TEXT_LIMIT} characters."]}
    assert "note" in _errors(app, {"note": "\x00"})  # control characters: still refused


def test_every_form_keeps_flask_s_500_kb_limit(app):
    """The imports' confirmations name a preview kept on the server: no form, theirs included,
    reads more than Flask's default."""
    for path in ("/login", "/reports/incidents/import/confirm", "/console/outreach/import/confirm"):
        with app.test_request_context(path, method="POST"):
            assert request.max_form_memory_size == 500_000

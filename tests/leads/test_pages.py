"""The leads pages: a worker reports from a question's feedback and from the result page (JS off:
plain forms), sees what to do (110 first when money was lost), hits the daily limit; officers work
the inbox of their grids (reviewed, dismissed with a reason), another grid's lead is a 404, and no
page shows the reporter."""

from datetime import timedelta

from sqlalchemy import select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.leads import rules
from quizapp.models import Attempt, AuditLog, Employee, Lead
from quizapp.quiz import service as quiz
from tests.factories import make_lead
from tests.pages import read, sign_in_staff, sign_in_worker, texts

REPORT = {"channel": "sms", "asked_for": "money", "text": "您的医保卡被冻结，请点链接解冻", "contact": "http://abc-yibao.top/x",
          "money_lost": "no"}


def started(app, town) -> tuple[int, int]:
    """Worker A's official quiz, the first question answered: (attempt id, position)."""
    with app.app_context():
        attempt = quiz.start_attempt(db.session.get(Employee, town.worker_a), "official", local_today(), utcnow(),
                                     "test-town")
        slot = attempt.answers[0]
        quiz.record_answer(db.session.get(Employee, town.worker_a), attempt.id, slot.position, [0],
                           utcnow() + timedelta(seconds=5), local_today())
        db.session.commit()
        return attempt.id, slot.position


def test_the_feedback_and_the_result_offer_the_report(app, client, town):
    attempt_id, position = started(app, town)
    sign_in_worker(client, town.code_a, town.worker_a_no)
    _status, page = read(client, f"/attempt/{attempt_id}/q/{position}")
    link = f"/scam-report?attempt={attempt_id}&amp;q={position}"
    assert link in page
    with app.app_context():
        quiz.close_if_expired(db.session.get(Attempt, attempt_id), utcnow() + timedelta(hours=1), local_today())
        db.session.commit()
    _status, page = read(client, f"/attempt/{attempt_id}/result")
    assert f"/scam-report?attempt={attempt_id}\"" in page


def test_a_worker_reports_and_is_told_what_to_do(app, client, town):
    attempt_id, position = started(app, town)
    sign_in_worker(client, town.code_a, town.worker_a_no)
    status, page = read(client, f"/scam-report?attempt={attempt_id}&q={position}")
    assert status == 200 and 'href="tel:110"' in page and 'type="radio"' in page
    response = client.post("/scam-report", data={**REPORT, "attempt": attempt_id, "position": position})
    assert response.status_code == 302
    assert response.location == f"/scam-report/sent?attempt={attempt_id}&q={position}"
    _status, page = read(client, response.location)
    assert 'href="tel:96110"' in page and "国家反诈中心" in page and 'class="urgent lost"' not in page
    assert f"/attempt/{attempt_id}/q/{position}#feedback" in page  # back to the feedback
    with app.app_context():
        lead = db.session.scalar(select(Lead))
        assert lead.text == REPORT["text"] and lead.contact == REPORT["contact"] and not lead.money_lost


def test_money_lost_puts_110_first(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/scam-report", data={**REPORT, "money_lost": "yes"})
    assert response.location == "/scam-report/sent?lost=1"
    _status, page = read(client, response.location)
    urgent = texts(page, "div", class_="urgent")
    assert urgent and "110" in urgent[0] and page.index('href="tel:110"') < page.index('href="tel:96110"')


def test_a_report_missing_its_answers_is_shown_again_with_the_reasons(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/scam-report", data={"text": "短", "money_lost": "maybe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(texts(page, "span", class_="field-error")) == 4


def test_the_daily_limit_is_said_on_the_form(app, client, town):
    with app.app_context():
        for n in range(rules.DAILY_LIMIT):
            make_lead(db.session.get(Employee, town.worker_a), text=f"今天第{n}条可疑短信")
        db.session.commit()
    sign_in_worker(client, town.code_a, town.worker_a_no)
    client.set_cookie("lang", "en")
    response = client.post("/scam-report", data=REPORT)
    assert response.status_code == 200 and "the most for one day" in response.get_data(as_text=True)


def test_staff_and_signed_out_people_cannot_report(client, town):
    assert client.get("/scam-report").status_code == 302
    sign_in_staff(client, "staff-a")
    assert client.get("/scam-report").status_code == 403


def _two_leads(app, town) -> tuple[int, int]:
    with app.app_context():
        mine = make_lead(db.session.get(Employee, town.worker_a), text="王小明收到的退款短信", money_lost=True)
        theirs = make_lead(db.session.get(Employee, town.worker_b), text="乙厂工人收到的刷单邀请", channel="chat")
        db.session.commit()
        return mine.id, theirs.id


def test_the_officer_works_the_inbox_of_their_grid(app, client, town):
    mine, theirs = _two_leads(app, town)
    sign_in_staff(client, "officer-1")
    client.set_cookie("lang", "en")
    status, page = read(client, "/reports/leads")
    assert status == 200 and "退款短信" in page and "刷单邀请" not in page and "138******78" in page
    assert "王小明" not in page and "A001" not in page and "13812345678" not in page
    assert "company not named" in page
    assert client.get(f"/reports/leads/{theirs}").status_code == 404
    assert client.post(f"/reports/leads/{theirs}/review").status_code == 404
    assert client.post(f"/reports/leads/{mine}/review").status_code == 302
    _status, page = read(client, "/reports/leads?status=reviewed")
    assert "退款短信" in page
    response = client.post(f"/reports/leads/{mine}/dismiss", data={"reason": ""})
    assert response.status_code == 200 and "Say why the lead is dismissed." in response.get_data(as_text=True)
    assert client.post(f"/reports/leads/{mine}/dismiss", data={"reason": "已核实，非诈骗"}).status_code == 302
    _status, page = read(client, f"/reports/leads/{mine}")
    assert "已核实，非诈骗" in page and "Bring back as reviewed" in page
    with app.app_context():
        assert list(db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("lead.%"))
                                       .order_by(AuditLog.id))) == ["lead.reviewed", "lead.dismissed"]


def test_the_town_admin_sees_every_grid_and_staff_none(app, client, town):
    _two_leads(app, town)
    sign_in_staff(client, "admin")
    _status, page = read(client, "/reports/leads")
    assert "退款短信" in page and "刷单邀请" in page and "王小明" not in page
    client.post("/logout")
    sign_in_staff(client, "staff-a")
    assert client.get("/reports/leads").status_code == 403


def test_a_token_less_post_is_refused(app, town):
    mine, _theirs = _two_leads(app, town)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        sign_in_staff(client, "officer-1")
        assert client.post(f"/reports/leads/{mine}/review").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_turn_into_a_draft_alert_opens_the_prefilled_alert_form(app, client, town):
    mine, _theirs = _two_leads(app, town)
    sign_in_staff(client, "officer-1")
    _status, page = read(client, f"/reports/leads/{mine}")
    link = next(a for a in page.split('href="')[1:] if a.startswith("/reports/alerts/new?"))
    url = link.split('"')[0].replace("&amp;", "&")
    assert f"lead={mine}" in url
    status, form = read(client, url)
    assert status == 200 and "王小明收到的退款短信" not in form  # the reporter's name was never stored
    assert "收到的退款短信" in form

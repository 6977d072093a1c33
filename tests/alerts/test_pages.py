"""The 本周警情 pages: an officer drafts through the form (each problem at its field, the form
prefilled from a worker's report), the town admin publishes, a worker sees the alert's question
and lesson, and the alert page shows reach without names."""

from datetime import timedelta

from markupsafe import escape
from sqlalchemy import select

from quizapp.alerts import service
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Alert, Company, Employee, Grid, QuestionVersion, StaffUser, Topic
from tests.alerts import drafts
from tests.factories import take_quiz
from tests.pages import sign_in_staff, sign_in_worker, table_rows, texts


def _ids(app):
    with app.app_context():
        return (db.session.scalar(select(Topic.id).order_by(Topic.id)),
                db.session.scalar(select(Grid.id).where(Grid.code == "g1")),
                (local_today() + timedelta(days=14)).isoformat())


def test_an_officer_drafts_an_alert_and_cannot_publish_it(app, client, town):
    topic, grid, expires = _ids(app)
    sign_in_staff(client, "officer-1")
    response = client.post("/reports/alerts/new", data=drafts.form(expires, [grid], topic))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert drafts.FORM["title"] in page and "/publish" not in page
    assert client.post(response.location + "/publish").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Alert.status)) == "draft"


def test_every_problem_is_shown_beside_its_field(app, client, town):
    topic, grid, expires = _ids(app)
    sign_in_staff(client, "officer-1")
    page = client.post("/reports/alerts/new", data=drafts.form(
        expires, [grid], topic, lesson_zh="太短", q1_a_zh="打13812345678问问")).get_data(as_text=True)
    assert texts(page, "span", id="lesson_zh-error") == ["课程有 2 个字；请写 150 到 300 个字。"]
    assert texts(page, "span", id="q1_a_zh-error") == [
        "写出了完整的手机号：请像 138****0000 这样隐去中间几位，免得是某个真人的号码。"]
    with app.app_context():
        assert db.session.scalar(select(Alert.id)) is None


def test_the_form_opens_prefilled_from_a_workers_report(app, client, town):
    _topic, grid, _ = _ids(app)
    sign_in_staff(client, "officer-1")
    page = client.get(f"/reports/alerts/new?title=贷款App&scene=call&scene_zh=them:%20你好&grid={grid}&grid=999"
                      ).get_data(as_text=True)
    assert 'value="贷款App"' in page and "them: 你好</textarea>" in page
    assert '<option selected value="call">' in page
    assert f'checked id="grids-0" name="grids" type="checkbox" value="{grid}"' in page


def test_the_admin_publishes_and_withdraws_an_alert(app, client, town):
    with app.app_context():
        topic, grid = db.session.scalar(select(Topic.id)), db.session.scalar(select(Grid.id))
        alert = service.save_draft(db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1")),
                                   drafts.draft(), service.Target(topic, [grid], local_today() + timedelta(days=3)),
                                   local_today(), utcnow())
        db.session.commit()
        alert_id = alert.id
    sign_in_staff(client, "admin")
    assert client.post(f"/reports/alerts/{alert_id}/publish").status_code == 302
    page = client.get(f"/reports/alerts/{alert_id}").get_data(as_text=True)
    assert "/withdraw" in page and "王小明" not in page and "A001" not in page
    # Withdrawn at once: it leaves the quiz and stays readable in the history.
    assert client.post(f"/reports/alerts/{alert_id}/withdraw", data={"confirm": "yes"}).status_code == 302
    page = client.get(f"/reports/alerts/{alert_id}").get_data(as_text=True)
    assert "已撤回" in page and "/withdraw" not in page and drafts.FORM["q1_rule_zh"] in page
    history = client.get("/reports/alerts").get_data(as_text=True)
    assert history.index("历史") < history.index(drafts.FORM["title"])
    with app.app_context():
        assert service.alert_slot(db.session.get(Employee, town.worker_a), local_today()) is None


def test_the_worker_sees_the_alert_question_first_and_its_lesson(app, client, town):
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        grid = db.session.scalar(select(Grid.id).where(Grid.code == "g1"))
        target = service.Target(db.session.scalar(select(Topic.id)), [grid], local_today() + timedelta(days=3))
        draft = service.save_draft(admin, drafts.draft(), target, local_today(), utcnow())
        service.publish(admin, draft, local_today())
        db.session.commit()
        attempt = take_quiz(db.session.get(Employee, town.worker_a), local_today())
        slot = next(a for a in attempt.answers if a.alert_id)
        attempt_id, position = attempt.id, slot.position
        # Which of the alert's variants the worker gets depends on the ids (alerts.rules.variant_for).
        stem = db.session.get(QuestionVersion, slot.question_version_id).content["stem"]["zh"]
    sign_in_worker(client, town.code_a, town.worker_a_no)
    question = client.get(f"/attempt/{attempt_id}/q/{position}").get_data(as_text=True)
    assert "本周警情" in question and str(escape(stem)) in question
    assert "附加题，不计分" in question and "这道题不计分" in question
    result = client.get(f"/attempt/{attempt_id}/result").get_data(as_text=True)
    assert drafts.FORM["title"] in result and "稳岗补贴" in result and "不计入你的得分" in result


def test_the_pre_shift_screen_and_the_chase_page_carry_the_live_alert_to_read_out(app, client, town):
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        grids = list(db.session.scalars(select(Grid.id).where(Grid.code == "g2")))
        target = service.Target(db.session.scalar(select(Topic.id)), grids, local_today() + timedelta(days=3))
        service.publish(admin, service.save_draft(admin, drafts.draft(), target, local_today(), utcnow()),
                        local_today())
        db.session.commit()
    sign_in_staff(client, "staff-b")
    for url in ("/console/preshift", "/console/chase"):
        page = client.get(url).get_data(as_text=True)
        pasted = texts(page, "textarea", raw=True, id="alert-paste-1")
        assert pasted and pasted[0].splitlines()[0] == "【本周警情】" + drafts.FORM["title"], url
        assert drafts.FORM["q1_rule_zh"] in pasted[0] and "/c/bolt" in pasted[0]
    with app.app_context():  # company A's grid is not targeted
        assert service.read_outs(db.session.get(Company, town.company_a), local_today(), "zh") == []


def test_today_s_page_says_the_quiz_carries_an_alert_until_it_is_answered(app, client, town):
    with app.app_context():
        drafts.published(days=3)
    sign_in_worker(client, town.code_a, town.worker_a_no)
    page = client.get("/today").get_data(as_text=True)
    # The title has quotes of its own (冒充人社局“工厂补贴”短信): corner brackets around it, not “…“…”…”.
    assert f"今天多一道题，不计分：你身边出现的骗局「{drafts.FORM['title']}」。" in page
    with app.app_context():
        take_quiz(db.session.get(Employee, town.worker_a), local_today())
    assert "今天多一道题" not in client.get("/today").get_data(as_text=True)


def test_the_list_shows_each_published_alert_s_reach(app, client, town):
    with app.app_context():
        drafts.published(days=3)
        take_quiz(db.session.get(Employee, town.worker_a), local_today())
    sign_in_staff(client, "officer-1")
    rows = table_rows(client.get("/reports/alerts").get_data(as_text=True))
    assert rows[1][0] == drafts.FORM["title"] and rows[1][-2:] == ["1", "100%"]

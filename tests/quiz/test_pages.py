"""The worker's pages through the test client (which runs no JavaScript, like a phone with JS off)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, CompanyDay, Question, Topic
from tests.pages import sign_in_worker, table_rows, texts


def page(response) -> str:
    return response.get_data(as_text=True)


def start_quiz(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/today/start", data={"kind": "official"})
    return client.get(response.location, follow_redirects=True)


def answer_all(client, response, pick=0):
    """Answer every question with the option shown at position `pick`; return the result page."""
    for _ in range(10):
        path = response.request.path
        if "/q/" not in path:
            return response
        response = client.post(path, data={"choice": str(pick)}, follow_redirects=True)
        assert response.status_code == 200
        assert 'class="rule' in page(response)  # the rule to remember, after every answer
        following = re.search(r'href="(/attempt/\d+/(?:q/\d+|result))"', page(response))
        response = client.get(following.group(1), follow_redirects=True)
    raise AssertionError("the quiz did not end")


def test_the_company_page_shows_the_company_and_asks_for_the_employee_number(client, town):
    response = client.get(f"/c/{town.code_a}")
    assert response.status_code == 200
    assert "甲厂" in page(response) and "工号" in page(response)


def test_an_unknown_company_code_is_404(client, town):
    assert client.get("/c/nope").status_code == 404


def test_the_whole_journey_from_start_to_result(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    client.set_cookie("lang", "en")
    start = client.get("/today")
    assert texts(page(start), "p", class_="big") == ["5 questions, 5 minutes"]
    assert 'name="kind" value="official"' in page(start)
    first = client.get(client.post("/today/start", data={"kind": "official"}).location, follow_redirects=True)
    assert re.search(r'name="choice"', page(first))
    result = answer_all(client, first)
    text = page(result)
    assert "/result" in result.request.path
    with client.application.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.kind == "official"))
        assert attempt.finished_at is not None
        assert texts(text, "p", class_="score") == [f"{attempt.score} of 5 right"]
    assert 'class="streak"' in text and 'class="card lesson"' in text
    # Done today: the start page now offers practice, not a second official quiz.
    again = page(client.get("/today"))
    assert 'value="practice"' in again and 'value="official"' not in again


def test_reload_and_resend_record_one_answer(app, client, town):
    first = start_quiz(client, town)
    path = first.request.path
    client.post(path, data={"choice": "0"})
    client.post(path, data={"choice": "1"})  # a double tap or a resent form
    feedback = client.get(path)  # a reload shows the feedback, not the question again
    assert 'name="choice"' not in page(feedback) and 'class="rule' in page(feedback)
    with app.app_context():
        answered = db.session.scalars(db.select(Answer).where(Answer.answered_at.is_not(None))).all()
        assert len(answered) == 1


def test_resuming_goes_to_the_first_unanswered_question(client, town):
    first = start_quiz(client, town)
    client.post(first.request.path, data={"choice": "0"})
    attempt_path = first.request.path.rsplit("/q/", 1)[0]
    assert client.get(attempt_path).location.endswith("/q/2")
    assert client.post("/today/start", data={"kind": "official"}).location == attempt_path


def test_an_answer_after_the_deadline_is_refused_kindly(app, client, town):
    first = start_quiz(client, town)
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        attempt.started_at -= timedelta(minutes=10)
        attempt.deadline_at -= timedelta(minutes=10)
        db.session.commit()
    client.set_cookie("lang", "en")
    response = client.post(first.request.path, data={"choice": "0"}, follow_redirects=True)
    text = page(response)
    assert "/result" in response.request.path
    assert texts(text, "p", class_="flash") == [
        "Time was up, so that answer was not counted. No problem: here is how you did."]
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.expired and attempt.score == 0
        assert db.session.get(CompanyDay, (town.company_a, attempt.local_date)).completed == 1


def test_no_choice_asks_again_without_recording(client, town):
    first = start_quiz(client, town)
    response = client.post(first.request.path, data={}, follow_redirects=True)
    assert 'name="choice"' in page(response)


def test_a_choice_that_was_not_shown_asks_again_without_recording(app, client, town):
    first = start_quiz(client, town)
    response = client.post(first.request.path, data={"choice": "9"}, follow_redirects=True)
    assert response.request.path == first.request.path
    assert "请先选一个答案。" in page(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Answer.id)).where(Answer.chosen.is_not(None))) == 0


def test_an_answer_to_a_question_the_quiz_does_not_have_is_404(client, town):
    first = start_quiz(client, town)
    attempt_path = first.request.path.rsplit("/q/", 1)[0]
    assert client.post(f"{attempt_path}/q/99", data={"choice": "0"}).status_code == 404


def test_practice_before_todays_quiz_says_when_it_opens(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/today/start", data={"kind": "practice"}, follow_redirects=True)
    assert response.request.path == "/today"
    assert "做完今日答题后，就可以练习了。" in page(response)


def test_a_quiz_with_no_questions_in_rotation_says_so_instead_of_failing(app, client, town):
    with app.app_context():
        db.session.execute(db.update(Question).values(active=False))
        db.session.commit()
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/today/start", data={"kind": "official"}, follow_redirects=True)
    assert response.request.path == "/today" and "今天的题目还没有准备好，请稍后再试。" in page(response)


def test_history_lists_past_days(client, town):
    first = start_quiz(client, town)
    answer_all(client, first)
    client.set_cookie("lang", "en")
    text = page(client.get("/history"))
    with client.application.app_context():
        score = db.session.scalar(db.select(Attempt.score))
    header, *days = table_rows(text)
    assert header[1:] == ["Kind", "Score"] and [day[1:] for day in days] == [["Quiz", f"{score}/5"]]


def test_signing_out_forgets_the_phone(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/logout")
    assert response.location == f"/c/{town.code_a}"
    assert client.get("/today").status_code == 302


def test_english_is_one_tap_away_and_chinese_is_the_default(client, town):
    chinese = page(client.get(f"/c/{town.code_a}"))
    assert '<html lang="zh-CN">' in chinese and "English" in chinese
    switched = client.get("/lang/en?next=/c/acme")
    assert switched.location == "/c/acme"
    english = page(client.get("/c/acme"))
    assert '<html lang="en">' in english and "Employee number" in english
    assert client.get("/lang/en?next=https://evil.example/").location == "/"


def test_the_question_page_with_its_assets_weighs_under_30_kb(client, town):
    first = start_quiz(client, town)
    html = first.get_data()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())
    total = len(html)
    for asset in assets:
        response = client.get(asset)
        total += len(response.get_data())
        response.close()
    assert assets and total < 30 * 1024, total


def test_pages_send_security_headers_and_load_nothing_from_other_hosts(client, town):
    response = client.get(f"/c/{town.code_a}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page(response))
    assert "<script>" not in page(response) and "style=" not in page(response)


def test_healthz_answers_when_the_database_is_reachable(client, town):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_a_forged_form_without_csrf_token_is_refused(app, town):
    """CSRF stays on here: a POST without the token must fail with a clear message."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        client.set_cookie("lang", "en")
        response = client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": "2468"})
        assert response.status_code == 400
        assert ("This form has expired or was not sent from this site. Please go back, reload and try again."
                in texts(page(response), "p"))
        form = page(client.get(f"/c/{town.code_a}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        ok = client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": "2468",
                                                    "csrf_token": token})
        assert ok.status_code == 302
        # The answer request builds no form object: the global CSRF check still guards it.
        today = page(client.get("/today"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', today).group(1)
        question = client.post("/today/start", data={"kind": "official", "csrf_token": token}).location
        forged = client.post(f"{question}/q/1", data={"choice": "0"})
        assert forged.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_answer_brings_the_verdict_into_view(client, town):
    question = start_quiz(client, town)
    response = client.post(question.request.path, data={"choice": "0"})
    assert response.location.endswith("#feedback")
    assert 'id="feedback"' in page(client.get(response.location))


def test_an_answer_from_a_second_tab_is_refused_and_says_so(client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    client.post(question.request.path, data={"choice": "0"})  # tab 1
    tab_two = client.post(question.request.path, data={"choice": "1"}, follow_redirects=True)
    assert texts(page(tab_two), "p", class_="flash") == [
        "This question had already been answered (in another tab or on another phone). "
        "The first answer counts; this one was not recorded."]
    resent = client.post(question.request.path, data={"choice": "0"}, follow_redirects=True)
    assert texts(page(resent), "p", class_="flash") == []  # the same answer again: a harmless resend


def test_each_worker_page_has_its_own_title(client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    titles = {texts(page(question), "title")[0]}
    titles.add(texts(page(client.get("/today")), "title")[0])
    titles.add(texts(page(client.get("/history")), "title")[0])
    result = answer_all(client, question)
    titles.add(texts(page(result), "title")[0])
    assert len(titles) == 4
    assert "Question 1 of" in texts(page(question), "title")[0]


def test_the_count_says_what_comes_and_the_deadline_is_a_clock_time(app, client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        has_behaviour = any(a.behaviour for a in attempt.answers)
        deadline = attempt.deadline_at
    html = page(question)
    assert f"Question 1 of {attempt.total}" in html
    assert ("then one short question about you" in html) == has_behaviour
    town_zone = ZoneInfo(app.config["QUIZAPP_TIMEZONE"])
    clock = format_time(deadline.replace(tzinfo=ZoneInfo("UTC")), "HH:mm", tzinfo=town_zone)
    assert texts(html, "span", class_="timer") == [f"Answer by {clock}"]


def test_a_past_day_s_result_carries_its_date_and_no_streak(app, client, town):
    client.set_cookie("lang", "en")
    result = answer_all(client, start_quiz(client, town))
    assert texts(page(result), "h1") == ["Today's result"]
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        attempt.local_date = attempt.local_date - timedelta(days=3)
        attempt.official_date = attempt.local_date
        day = attempt.local_date
        db.session.commit()
    past = page(client.get(result.request.path))
    heading = texts(past, "h1")[0]
    assert heading.startswith("Quiz of ") and str(day.day) in heading
    assert 'class="streak"' not in past


def test_a_timed_out_quiz_says_the_answers_given_are_kept(app, client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    client.post(question.request.path, data={"choice": "0"})
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        attempt.deadline_at = attempt.deadline_at - timedelta(minutes=30)
        attempt_id = attempt.id
        db.session.commit()
    result = page(client.get(f"/attempt/{attempt_id}/result", follow_redirects=True))
    assert "Your 1 answer given in time is kept" in result


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_an_answer_sent_after_the_session_cookie_was_lost_is_kept(app, town):
    """WeChat or a low-memory phone can drop the session cookie mid-quiz: the remember cookie signs
    the worker in again and the answer counts, as long as the form came from this site."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": "2468",
                                               "csrf_token": token_of(page(client.get(f"/c/{town.code_a}")))})
        attempt = client.post("/today/start", data={"kind": "official",
                                                     "csrf_token": token_of(page(client.get("/today")))}).location
        question = page(client.get(f"{attempt}/q/1"))
        old_token = token_of(question)
        client.delete_cookie("session")  # the phone lost it; the remember cookie stays
        here = "http://localhost"
        forged = client.post(f"{attempt}/q/1", data={"choice": "0", "csrf_token": old_token},
                             headers={"Origin": "https://evil.example"})
        assert forged.status_code == 400
        bare = client.post(f"{attempt}/q/1", data={"choice": "0", "csrf_token": old_token})
        assert bare.status_code == 400  # neither a valid token nor a browser's word on where it came from
        kept = client.post(f"{attempt}/q/1", data={"choice": "0", "csrf_token": old_token},
                           headers={"Origin": here})
        assert kept.status_code == 302 and kept.location.endswith("#feedback")
        with app.app_context():
            first = db.session.scalar(db.select(Answer).join(Attempt).order_by(Attempt.id.desc(), Answer.position))
            assert first.chosen is not None
        referred = client.post(f"{attempt}/q/2", data={"choice": "0", "csrf_token": old_token},
                               headers={"Referer": f"{here}{attempt}/q/2"})
        assert referred.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_result_s_lesson_is_a_card_read_in_under_a_minute(app, client, town):
    """Red flags as a short list, the rule highlighted, the topic's icon; the whole lesson folded."""
    with app.app_context():
        for topic in db.session.scalars(db.select(Topic)):
            topic.card = {"icon": "gift", "remember": {"zh": "先核实，再行动。", "en": "Check first, then act."},
                          "flags": {"zh": ["陌生人要你转账", "催你马上办", "让你点链接"],
                                    "en": ["A stranger wants money", "You are rushed", "You get a link"]}}
        db.session.commit()
    client.set_cookie("lang", "en")
    result = page(answer_all(client, start_quiz(client, town)))
    assert texts(result, "li", class_="speak") == ["A stranger wants money", "You are rushed", "You get a link"]
    assert texts(result, "p", class_="remember") == ["Remember: Check first, then act."]
    icon = re.search(r'<img class="topic-icon" src="([^"]+)"', result).group(1)
    assert icon.startswith("/static/icons/gift.svg?v=")
    with client.get(icon) as response:
        assert response.status_code == 200
    assert "<details" in result and "Lesson card for" in result


def test_a_topic_without_a_card_shows_its_lesson_as_before(app, client, town):
    """A topic row stored before cards existed (the bank files now always carry one) has card None."""
    with app.app_context():
        for topic in db.session.scalars(db.select(Topic)):
            topic.card = None
        db.session.commit()
    client.set_cookie("lang", "en")
    result = page(answer_all(client, start_quiz(client, town)))
    assert 'class="flags"' not in result and "Lesson card for" in result

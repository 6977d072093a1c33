"""The worker's pages through the test client (which runs no JavaScript, like a phone with JS off)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, CompanyDay, Employee, Question, QuestionVersion, Topic
from quizapp.quiz.rules import timing
from tests.alerts import drafts
from tests.factories import right_choice, take_quiz, wrong_choice
from tests.pages import sign_in_worker, table_rows, texts


def page(response) -> str:
    return response.get_data(as_text=True)


def start_quiz(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/today/start", data={"kind": "official"})
    return client.get(response.location, follow_redirects=True)


def answer_all(client, response, pick=0):
    """Answer every question with the option shown at position `pick`, as a phone with JavaScript
    off does (the answer's POST shows its feedback, then the link to the next); the result page."""
    for _ in range(10):
        path = response.request.path
        if "/q/" not in path:
            return response
        action = re.search(r'<form method="post" action="([^"]+)"', page(response)).group(1)
        assert action == path + "#feedback"  # the feedback opens at its verdict
        response = client.post(action, data={"choice": str(pick)})
        assert response.status_code == 200  # the feedback itself, no redirect to fetch it
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
    assert texts(page(start), "p", class_="big") == ["5 questions, 5 minutes to answer"]
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
    # Start again (a second tap, or "start" from an old page): straight to that question.
    assert client.post("/today/start", data={"kind": "official"}).location == f"{attempt_path}/q/2"
    assert f'href="{attempt_path}/q/2"' in page(client.get("/today"))  # "continue" goes there too


def test_start_opens_the_first_question_without_a_stop_on_the_way(client, town):
    sign_in_worker(client, town.code_a, town.worker_a_no)
    response = client.post("/today/start", data={"kind": "official"})
    assert re.fullmatch(r"/attempt/\d+/q/1", response.location)
    assert 'name="choice"' in page(client.get(response.location))


def test_an_answer_after_the_deadline_is_refused_kindly(app, client, town):
    first = start_quiz(client, town)
    client.post(first.request.path, data={"choice": "0"})  # one answer in time
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        attempt.started_at -= timedelta(minutes=10)
        attempt.deadline_at -= timedelta(minutes=10)
        db.session.commit()
    client.set_cookie("lang", "en")
    second = first.request.path.replace("/q/1", "/q/2")
    response = client.post(second, data={"choice": "0"}, follow_redirects=True)
    text = page(response)
    assert "/result" in response.request.path
    assert texts(text, "p", class_="flash") == [
        "Time was up, so that answer was not counted. No problem: here is how you did."]
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.expired and attempt.answered == 1
        assert db.session.get(CompanyDay, (town.company_a, attempt.local_date)).completed == 1


def test_no_choice_asks_again_without_recording(client, town):
    first = start_quiz(client, town)
    response = client.post(first.request.path, data={})
    assert response.status_code == 200 and 'name="choice"' in page(response)
    assert texts(page(response), "p", class_="error") == ["请先选一个答案。"]


def test_a_choice_that_was_not_shown_asks_again_without_recording(app, client, town):
    first = start_quiz(client, town)
    response = client.post(first.request.path, data={"choice": "9"})
    assert response.status_code == 200 and 'name="choice"' in page(response)
    assert texts(page(response), "p", class_="error") == ["请先选一个答案。"]
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
        forged = client.post(question, data={"choice": "0"})
        assert forged.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_answer_brings_the_verdict_into_view(client, town):
    question = start_quiz(client, town)
    assert f'action="{question.request.path}#feedback"' in page(question)
    response = client.post(question.request.path, data={"choice": "0"})
    assert response.status_code == 200 and 'id="feedback"' in page(response)


def test_an_answer_from_a_second_tab_is_refused_and_says_so(client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    client.post(question.request.path, data={"choice": "0"})  # tab 1
    tab_two = client.post(question.request.path, data={"choice": "1"})
    assert texts(page(tab_two), "p", class_="flash") == [
        "This question had already been answered (in another tab or on another phone). "
        "The first answer counts; this one was not recorded."]
    resent = client.post(question.request.path, data={"choice": "0"})
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


def test_a_past_day_s_quiz_says_it_counted_that_day_and_names_that_day_s_lesson(app, client, town):
    client.set_cookie("lang", "en")
    result = answer_all(client, start_quiz(client, town))
    today = page(result)
    assert texts(today, "h2", class_="lesson-head")[0].startswith("Today's lesson:")
    assert "Practice does not count" not in today and texts(today, "nav", class_="links")[0].endswith("Done")
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        attempt.local_date = attempt.official_date = attempt.local_date - timedelta(days=1)
        db.session.commit()
    past = page(client.get(result.request.path))
    day = texts(past, "h1")[0].removeprefix("Quiz of ")
    assert texts(past, "p", class_="muted") == [f"This quiz counted in your company's figures for {day}."]
    assert texts(past, "h2", class_="lesson-head")[0].startswith("That day's lesson:")
    assert "Today" not in past.replace("Back to today", "") and "Practice" not in past.replace("Practise more", "")
    client.set_cookie("lang", "zh_CN")
    chinese = page(client.get(result.request.path))
    assert "这次答题已计入公司" in chinese and "当天一课：" in chinese
    assert "练习不计入" not in chinese and "今日一课" not in chinese


def test_a_practice_result_of_any_day_says_practice_does_not_count(app, client, town):
    with app.app_context():
        worker = db.session.get(Employee, town.worker_a)
        take_quiz(worker, local_today())
        practice = take_quiz(worker, local_today(), kind="practice")
        practice_id = practice.id
    sign_in_worker(client, town.code_a, town.worker_a_no)
    client.set_cookie("lang", "en")
    today = page(client.get(f"/attempt/{practice_id}/result"))
    assert texts(today, "h1") == ["Practice result"] and 'class="streak"' not in today
    assert "Practice does not count in your company's figures." in today
    with app.app_context():
        attempt = db.session.get(Attempt, practice_id)
        attempt.local_date = attempt.local_date - timedelta(days=2)
        db.session.commit()
    past = page(client.get(f"/attempt/{practice_id}/result"))
    assert texts(past, "h1")[0].startswith("Practice of ")
    assert "Practice does not count in your company's figures." in past and "counted in" not in past


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


def left_with_no_answer(app) -> int:
    """Worker A's quiz of today, started and left with no answer: its 5 minutes ran out 30 minutes ago."""
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        attempt.started_at -= timedelta(minutes=35)
        attempt.deadline_at -= timedelta(minutes=35)
        db.session.commit()
        return attempt.id


def test_a_quiz_left_with_no_answer_is_offered_again_and_never_says_done(app, client, town):
    """The QA walkthrough's worker: opened today's quiz, walked away, came back. Before: not done,
    no score, no streak, the same quiz offered; after: the same quiz with a fresh clock, then done."""
    question = start_quiz(client, town)
    attempt_id = left_with_no_answer(app)
    assert "今天已完成" not in page(client.get("/today"))
    client.set_cookie("lang", "en")
    today = page(client.get("/today"))
    assert texts(today, "h1") == ["Today's quiz is not done yet"] and "Done for today" not in today
    assert 'value="official"' in today and 'value="practice"' not in today
    assert "Time ran out before you answered any question" in today
    result = page(client.get(f"/attempt/{attempt_id}/result"))
    assert texts(result, "h1") == ["Today's quiz is not done yet"] and 'value="official"' in result
    assert 'class="score"' not in result and 'class="streak"' not in result and "Practise more" not in result
    assert "not done" in page(client.get("/history"))
    with app.app_context():  # reading the pages started no clock and closed nothing
        attempt = db.session.get_one(Attempt, attempt_id)
        assert attempt.finished_at is None and attempt.deadline_at < utcnow()
        assert db.session.get(CompanyDay, (town.company_a, attempt.local_date)) is None
    # Back: "start" gives the same quiz, from its first question, with 5 minutes.
    assert client.post("/today/start", data={"kind": "official"}).location == question.request.path
    with app.app_context():
        attempt = db.session.get_one(Attempt, attempt_id)
        assert attempt.deadline_at > utcnow() + timedelta(minutes=4) and not attempt.expired
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1
    assert texts(page(client.get("/today")), "h1") == ["Today's quiz is waiting"]
    done = answer_all(client, client.get(question.request.path))
    assert texts(page(done), "h1") == ["Today's result"]
    assert texts(page(done), "p", class_="streak") == ["1 workday in a row"]
    assert texts(page(client.get("/today")), "h1") == ["Done for today ✓"]
    with app.app_context():
        assert db.session.get(CompanyDay, (town.company_a, local_today())).completed == 1


def test_a_quiz_left_with_no_answer_opens_again_where_the_worker_is_back_at_it(app, client, town):
    """Back on the question page (a reload), through "continue" (resume), or answering straight away
    on the page left open: the quiz opens again with a fresh clock, and the answer counts."""
    question = start_quiz(client, town)
    attempt_id = left_with_no_answer(app)
    assert client.get(question.request.path).location == question.request.path  # a reload: opened again
    with app.app_context():
        assert db.session.get_one(Attempt, attempt_id).deadline_at > utcnow() + timedelta(minutes=4)
    left_with_no_answer(app)
    assert client.get(f"/attempt/{attempt_id}").location == question.request.path  # resume
    left_with_no_answer(app)
    response = client.post(question.request.path, data={"choice": "0"}, headers=JSON)  # quiz.js
    assert response.status_code == 200 and response.json["next"]["url"].endswith("/q/2")  # feedback, then on
    with app.app_context():
        attempt = db.session.get_one(Attempt, attempt_id)
        assert attempt.answered == 1 and attempt.finished_at is None
        assert attempt.deadline_at > utcnow() + timedelta(minutes=4)


def test_a_past_day_s_quiz_left_with_no_answer_says_it_did_not_count(app, client, town):
    start_quiz(client, town)
    attempt_id = left_with_no_answer(app)
    with app.app_context():
        attempt = db.session.get_one(Attempt, attempt_id)
        attempt.local_date = attempt.official_date = attempt.local_date - timedelta(days=1)
        db.session.commit()
    client.set_cookie("lang", "en")
    result = page(client.get(f"/attempt/{attempt_id}/result"))
    assert texts(result, "h1")[0].startswith("Quiz of ") and 'value="official"' not in result
    assert "this quiz was not done and did not count in your company's figures" in result
    assert 'class="score"' not in result and 'class="streak"' not in result
    with app.app_context():  # its day is over: closed, as not done
        attempt = db.session.get_one(Attempt, attempt_id)
        assert attempt.expired and attempt.finished_at is not None
        assert db.session.get(CompanyDay, (town.company_a, attempt.local_date)) is None
    assert texts(page(client.get("/today")), "h1") == ["Today's anti-fraud quiz"]  # today's is a new one


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
        first = client.post("/today/start", data={"kind": "official",
                                                   "csrf_token": token_of(page(client.get("/today")))}).location
        attempt = first.rsplit("/q/", 1)[0]
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
        assert kept.status_code == 200 and 'id="feedback"' in page(kept)
        with app.app_context():
            first = db.session.scalar(db.select(Answer).join(Attempt).order_by(Attempt.id.desc(), Answer.position))
            assert first.chosen is not None
        referred = client.post(f"{attempt}/q/2", data={"choice": "0", "csrf_token": old_token},
                               headers={"Referer": f"{here}{attempt}/q/2"})
        assert referred.status_code == 200
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


# The answer request: one round trip per question on a weak signal (quiz.views.answer).

JSON = {"Accept": "application/json"}


def feedback_of(html: str) -> tuple[list[str], list[str], list[str]]:
    """What a worker reads after an answer: the options as marked, the verdict and explanation, the way on."""
    return (texts(html, "li", class_="option"), texts(html, "div", class_="feedback"),
            re.findall(r'<a class="button onward" href="([^"]+)"', html))


def test_the_answer_s_post_shows_its_feedback_with_the_next_question_s_link(client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    path = question.request.path
    response = client.post(path, data={"choice": "0"})
    html = page(response)
    assert response.status_code == 200 and 'name="choice"' not in html
    options, feedback, onward = feedback_of(html)
    assert len(options) >= 2 and feedback[0].startswith(("Right!", "Not quite."))
    assert onward == [path.replace("/q/1", "/q/2")] and texts(html, "a", class_="onward") == ["Next question"]
    assert "I have met a scam like this" in html  # the scam report under the feedback
    assert texts(html, "title")[0].startswith("Question 1 of")


def test_a_resent_answer_records_nothing_and_shows_the_same_feedback(app, client, town):
    """A reload of the feedback sends the form again (the browser asks first): the same page."""
    question = start_quiz(client, town)
    path = question.request.path
    first = page(client.post(path, data={"choice": "0"}))
    again = page(client.post(path, data={"choice": "0"}))
    assert feedback_of(again) == feedback_of(first) and texts(again, "p", class_="flash") == []
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.answered == 1
        assert db.session.scalar(db.select(db.func.count(Answer.id)).where(Answer.chosen.is_not(None))) == 1


def test_the_last_answer_resent_after_the_quiz_ended_shows_its_feedback_again(app, client, town):
    client.set_cookie("lang", "en")
    result = answer_all(client, start_quiz(client, town))
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        last, score = attempt.slots, attempt.score
    path = result.request.path.replace("/result", f"/q/{last}")
    again = page(client.post(path, data={"choice": "0"}))
    options, feedback, onward = feedback_of(again)
    assert feedback and onward == [result.request.path]
    assert texts(again, "a", class_="onward") == ["See my result"]
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert (attempt.score, attempt.answered) == (score, last)
        assert db.session.get(CompanyDay, (town.company_a, attempt.local_date)).completed == 1


def test_an_answered_question_cannot_be_answered_otherwise(app, client, town):
    """Back to an answered question (the back button, an old tab): its page is its feedback, and a
    form sent from an old copy changes nothing; the first answer's feedback is shown, and why."""
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    path = question.request.path
    first = page(client.post(path, data={"choice": "0"}))
    back = page(client.get(path))
    assert 'name="choice"' not in back and feedback_of(back) == feedback_of(first)
    other = page(client.post(path, data={"choice": "1"}))
    assert feedback_of(other) == feedback_of(first)
    assert texts(other, "p", class_="warning")[0].startswith("This question had already been answered")
    with app.app_context():
        slot = db.session.scalar(db.select(Answer).where(Answer.position == 1))
        assert slot.chosen == [slot.choice_order[0]]


def test_an_answer_sent_after_signing_out_says_so_and_leads_back(client, town):
    """Signed out mid-quiz (everywhere, from another phone; or the phone lost its cookies): the
    answer is not saved, the worker is told so on the sign-in page, and after signing in the quiz
    carries on from that question."""
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    path = question.request.path
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    response = client.post(path, data={"choice": "0"})
    assert response.status_code == 302 and response.location == "/"
    signin = client.get("/", follow_redirects=True)
    assert signin.request.path == f"/c/{town.code_a}"
    assert texts(page(signin), "p", class_="warning") == [
        "You were signed out, so your last answer was not saved. Sign in again: your quiz is kept, "
        "and you carry on where you left off."]
    sign_in_worker(client, town.code_a, town.worker_a_no)
    assert f'href="{path}"' in page(client.get("/today"))  # "Continue": the same question


def test_the_script_gets_json_when_signed_out(client, town):
    question = start_quiz(client, town)
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    response = client.post(question.request.path, data={"choice": "0"}, headers=JSON)
    assert response.status_code == 401
    assert response.json["error"] == "signed_out" and response.json["sign_in"] == "/"
    assert "signed out" in response.json["message"] or "退出" in response.json["message"]


def test_the_script_gets_the_feedback_and_the_next_question_in_one_response(app, client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    path = question.request.path
    response = client.post(path, data={"choice": "0"}, headers=JSON)
    assert response.status_code == 200
    shown, following = response.json["answer"], response.json["next"]
    assert shown["url"] == path + "#feedback"
    # The same slot as its page shows it once answered, and the next question as its page shows it.
    assert feedback_of(shown["html"]) == feedback_of(page(client.get(path)))
    assert following["url"] == path.replace("/q/1", "/q/2")
    second = page(client.get(following["url"]))
    assert texts(following["html"], "h1", class_="stem") == texts(second, "h1", class_="stem")
    assert 'name="choice"' in following["html"] and f'action="{following["url"]}#feedback"' in following["html"]
    assert 'data-title="Question 2 of 5' in following["html"]
    # Sent again (a retry on a weak signal after the first did arrive): the same feedback, counted once.
    again = client.post(path, data={"choice": "0"}, headers=JSON).json
    assert feedback_of(again["answer"]["html"]) == feedback_of(shown["html"])
    with app.app_context():
        assert db.session.scalar(db.select(Attempt.answered)) == 1


def test_the_script_s_last_answer_leads_to_the_result(client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    path = question.request.path
    for _ in range(10):
        data = client.post(path, data={"choice": "0"}, headers=JSON).json
        if data["next"] is None:
            break
        path = data["next"]["url"]
    onward = feedback_of(data["answer"]["html"])[2]
    assert onward == [path.rsplit("/q/", 1)[0] + "/result"]


def test_the_script_is_told_what_went_wrong(app, client, town):
    question = start_quiz(client, town)
    path = question.request.path
    refused = client.post(path, data={"choice": "9"}, headers=JSON)
    assert refused.status_code == 400 and refused.json == {"error": "invalid", "message": "请先选一个答案。"}
    assert client.post(path, data={}, headers=JSON).status_code == 400
    assert client.post(path, data={"choice": "0"}, headers=JSON).json["next"]  # one answer in time
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        attempt.deadline_at -= timedelta(minutes=30)
        db.session.commit()
    client.set_cookie("lang", "en")
    late = client.post(path.replace("/q/1", "/q/2"), data={"choice": "0"}, headers=JSON)
    assert late.status_code == 200 and late.json == {"go": path.replace("/q/1", "/result")}
    result = page(client.get(late.json["go"]))  # the script goes there, and the result says why
    assert texts(result, "p", class_="flash") == [
        "Time was up, so that answer was not counted. No problem: here is how you did."]
    gone = client.post(path.replace("/q/1", "/q/99"), data={"choice": "0"}, headers=JSON)
    assert gone.status_code == 404 and gone.json["message"]


def test_the_script_s_answer_carries_the_form_s_token_and_a_forged_one_is_refused(app, town):
    """CSRF stays on: quiz.js sends the form's own fields (the token with them); a request with
    neither the token nor a browser's word that it came from this site is refused, in JSON."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        client.post(f"/c/{town.code_a}", data={"employee_no": town.worker_a_no, "pin": "2468",
                                               "csrf_token": token_of(page(client.get(f"/c/{town.code_a}")))})
        question = client.post("/today/start", data={"kind": "official",
                                                      "csrf_token": token_of(page(client.get("/today")))}).location
        token = token_of(page(client.get(question)))
        forged = client.post(question, data={"choice": "0"}, headers=JSON)
        assert forged.status_code == 400 and forged.json["error"] == "csrf"
        sent = client.post(question, data={"choice": "0", "csrf_token": token}, headers=JSON)
        assert sent.status_code == 200
        # The next question's form carries a token that is taken (not the same string: a signed
        # token carries the second it was signed in).
        onward = client.post(sent.json["next"]["url"], headers=JSON,
                             data={"choice": "0", "csrf_token": token_of(sent.json["next"]["html"])})
        assert onward.status_code == 200, onward.json
        with app.app_context():
            assert db.session.scalar(db.select(Attempt.answered)) == 2
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _make_multiple(app, *positions: int) -> None:
    """These slots of the latest attempt become a multiple-choice question with options A and B
    right and C wrong, shown in written order."""
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        for slot in attempt.answers:
            if slot.position in positions:
                version = db.session.get(QuestionVersion, slot.question_version_id)
                version.content = {**version.content, "type": "multiple", "answer": [0, 1]}
                slot.choice_order = [0, 1, 2]
        db.session.commit()


def test_multiple_choice_feedback_says_what_was_picked_and_what_was_missed(app, client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    _make_multiple(app, 1, 2)
    base = question.request.path.removesuffix("/q/1")
    missed = page(client.post(f"{base}/q/1", data={"choice": ["0"]}))
    options, feedback, _ = feedback_of(missed)
    assert [o.split(" ", 1)[1] for o in options] == [
        "Do as they say ✓ you picked this: right", "Hang up and check you missed this: it is right too",
        "Send a small amount first"]
    assert feedback[0].startswith("Not quite. You picked 1 of the 2 right options. Because")
    assert re.findall(r'<li class="option([^"]*)"', missed) == [" right picked", " right missed", ""]
    extra = page(client.post(f"{base}/q/2", data={"choice": ["0", "2"]}))
    options, feedback, _ = feedback_of(extra)
    assert [o.split(" ", 1)[1] for o in options] == [
        "Do as they say ✓ you picked this: right", "Hang up and check you missed this: it is right too",
        "Send a small amount first ✗ your choice: not right"]
    assert "You picked 1 of the 2 right options, and 1 option that is not right." in feedback[0]
    client.set_cookie("lang", "zh_CN")
    chinese = " ".join(feedback_of(page(client.get(f"{base}/q/2")))[0])
    assert "✓ 你选对了" in chinese and "漏选：这一项也对" in chinese and "✗ 你的选择：不对" in chinese


def test_single_choice_feedback_marks_the_worker_s_pick(app, client, town):
    client.set_cookie("lang", "en")
    question = start_quiz(client, town)
    base = question.request.path.removesuffix("/q/1")
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        first, second = attempt.answers[0], attempt.answers[1]
        right, wrong = right_choice(first)[0], wrong_choice(second)[0]
    good = feedback_of(page(client.post(f"{base}/q/1", data={"choice": str(right)})))[0]
    assert [o for o in good if o.endswith("✓ you picked this: right")] == [good[right]] and len(good) == 3
    assert not any("correct answer" in o or "not right" in o for o in good)
    bad = page(client.post(f"{base}/q/2", data={"choice": str(wrong)}))
    marked = feedback_of(bad)[0]
    assert marked[wrong].endswith("✗ your choice: not right")
    assert [o for o in marked if o.endswith("correct answer")] and "missed" not in bad


def test_the_feedback_says_the_clock_runs_on_with_the_reading_time_it_added(app, client, town):
    client.set_cookie("lang", "en")
    sign_in_worker(client, town.code_a, town.worker_a_no)
    assert "The time to read them is added to your clock." in page(client.get("/today"))
    question = client.get(client.post("/today/start", data={"kind": "official"}).location)
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        before, content = attempt.deadline_at, attempt.answers[0].version.content
    html = page(client.post(question.request.path, data={"choice": "0"}))
    with app.app_context():
        added = (db.session.get(Attempt, attempt.id).deadline_at - before).total_seconds()
    assert added == timing.reading_seconds(content)
    assert texts(html, "span", class_="timer") == [f"The clock runs on: {int(added)} s added for reading this"]
    assert "waits" not in html


def test_with_this_week_s_alert_every_surface_counts_the_scored_questions(app, client, town):
    """The alert's question is extra and not scored: the bar names it instead of numbering it, so
    the bar's "of n", the result, the history and the today page all count the same n."""
    with app.app_context():
        drafts.published(days=3)
    sign_in_worker(client, town.code_a, town.worker_a_no)
    client.set_cookie("lang", "en")
    today = page(client.get("/today"))
    assert texts(today, "p", class_="big") == ["5 questions, 5 minutes to answer"]
    assert f"Today one more question, not scored, about a scam reported near you: {drafts.FORM['title']}." in today
    response = client.get(client.post("/today/start", data={"kind": "official"}).location)
    bars, alert_pages = [], 0
    while "/q/" in response.request.path:
        html = page(response)
        bars.append(texts(html, "div", class_="quizbar")[0].split(" Answer by")[0])
        if "This week&#39;s alert" in html or "This week's alert" in html:
            alert_pages += 1
            assert "Not scored: it is here so that you know this scam when you meet it." in html
            assert texts(html, "title")[0].startswith("Extra question, not scored")
        feedback = page(client.post(response.request.path, data={"choice": "0"}))
        response = client.get(re.search(r'href="(/attempt/\d+/(?:q/\d+|result))"', feedback).group(1),
                              follow_redirects=True)
    numbered = [bar for bar in bars if bar.startswith("Question")]
    assert alert_pages == 1 and "Extra question, not scored" in bars
    assert [bar.split(" then")[0] for bar in numbered] == [f"Question {n} of 5" for n in range(1, 6)]
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).order_by(Attempt.id.desc())).first()
        score, total = attempt.score, attempt.total
    assert total == 5
    assert texts(page(response), "p", class_="score") == [f"{score} of 5 right"]
    assert texts(page(client.get("/today")), "p", class_="big") == [f"{score} of 5 right"]
    assert table_rows(page(client.get("/history")))[1][2] == f"{score}/5"
    client.set_cookie("lang", "zh_CN")
    assert "本周警情" in page(client.get(f"/attempt/{attempt.id}/result"))

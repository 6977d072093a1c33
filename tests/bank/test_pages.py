"""The town admin's item analysis page and `quizapp bank stats`, on a record made through the app."""

import json
from datetime import timedelta

from quizapp.bank.rules.item_analysis import MIN_WORKERS
from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.quiz import service as quiz
from tests.factories import make_employee
from tests.pages import sign_in_staff, texts


def take_quizzes(app, town, workers=40):
    """`workers` workers each answer today's quiz: the first half right, the second half wrong."""
    with app.app_context():
        company = db.session.get(Employee, town.worker_a).company
        for i in range(workers):
            employee = make_employee(company, f"X{i:03d}", f"工人{i}")
            attempt = quiz.start_attempt(employee, "official", local_today(), utcnow(), "test-town")
            for slot in attempt.answers:
                order, key = slot.choice_order, slot.version.content["answer"]
                right = [p for p, idx in enumerate(order) if idx in key]
                first_wrong = min(idx for idx in range(len(order)) if idx not in key)
                wrong = [order.index(first_wrong)]  # always the same wrong option
                quiz.record_answer(employee, attempt.id, slot.position, right if i < workers // 2 else wrong,
                                   utcnow() + timedelta(seconds=slot.position), local_today())
        db.session.commit()


def test_the_admin_sees_how_each_question_performs(app, client, town):
    take_quizzes(app, town)
    sign_in_staff(client, "admin")
    client.set_cookie("lang", "en")
    page = client.get("/admin/bank").get_data(as_text=True)
    # Each question's answers and share right: the common questions (all 40 workers answer them)
    # are half right; every question of the bank has a row.
    rows = {texts(row, "summary")[0]: texts(row, "td", class_="num")[:2]
            for row in page.split("<tr")[1:] if "<summary>" in row}
    common = {slug: share for slug, (answers, share) in rows.items() if answers == "40"}
    assert len(rows) == 24 and common and set(common.values()) == {"50%"}
    # Always the same wrong option: the other wrong options are dead, flagged once MIN_WORKERS have
    # answered: the common questions, and on some days a personal pick that most of the 40 drew.
    flagged = client.get("/admin/bank?flagged=1").get_data(as_text=True)
    shown = {texts(row, "summary")[0]: texts(row, "span", class_="flag")
             for row in flagged.split("<tr")[1:] if "<summary>" in row}
    assert set(shown) == {slug for slug, (answers, _) in rows.items() if int(answers) >= MIN_WORKERS}
    assert set(common) <= set(shown) and all("a wrong option nobody picks" in flags for flags in shown.values())
    assert "工人" not in page and "X001" not in page  # aggregates only
    # The stronger half (right everywhere else) chose the key, the weaker half the same wrong option.
    assert "Options chosen (stronger / weaker half)" in page
    row = next(row for row in page.split("<tr")[1:] if f"<summary>{sorted(common)[0]}</summary>" in row)
    assert "(100% / 0%)" in row and "(0% / 100%)" in row and "(1.00, 1.00)" in row


def test_bank_stats_prints_item_analysis_as_json(app, runner, town):
    take_quizzes(app, town)
    result = runner.invoke(args=["bank", "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = {row["question"]: row for row in json.loads(result.output)}
    common = next(r for r in data.values() if r["workers"] == 40)  # a common question: everyone had it
    assert common["workers"] == 40 and common["share_right"] == 0.5
    assert common["discrimination"] > 0.9  # the same workers are right everywhere
    assert "dead_distractor" in common["flags"]  # only one wrong option was ever chosen
    text = runner.invoke(args=["bank", "stats", "--flagged"]).output
    assert "dead_distractor" in text


def test_bank_check_json_counts(runner):
    result = runner.invoke(args=["bank", "check", "question_bank", "--json"])
    data = json.loads(result.stdout)  # warnings go to stderr
    assert result.exit_code == 0 and data["problems"] == 0
    assert data["per_kind"]["behaviour"] >= 1 and sum(data["per_topic"].values()) == data["questions"]

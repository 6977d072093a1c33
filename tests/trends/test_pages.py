"""The trends page and the per-worker history, through the console as company staff use it."""

from datetime import timedelta

import pytest

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Employee
from tests.factories import take_quiz
from tests.pages import read, sign_in_staff


@pytest.fixture
def quizzes(app, town):
    """Worker A took the quiz today and yesterday, missing the questions on one topic; worker B of
    company B took it too, in a team of their own."""
    with app.app_context():
        a, b = db.session.get(Employee, town.worker_a), db.session.get(Employee, town.worker_b)
        b.team = "乙车间"
        db.session.commit()
        for offset in (1, 0):
            take_quiz(a, local_today() - timedelta(days=offset), wrong_topics={"beta"})
            take_quiz(b, local_today() - timedelta(days=offset))
    return town


def test_the_trends_page_draws_charts_for_the_company_teams_and_shifts(client, quizzes):
    sign_in_staff(client, "staff-a")
    status, page = read(client, "/console/trends")
    assert status == 200
    assert page.count("<svg class=\"chart-svg\"") >= 3  # company, one team, one shift
    assert "<path d=\"M" in page and "<circle" in page
    assert "一车间" in page and "早班" in page and "乙车间" not in page and "乙厂" not in page
    # No script and no inline style (the CSP forbids them): the charts are plain SVG.
    assert "<script" not in page and "style=" not in page


def test_the_period_can_be_7_30_or_90_days_and_anything_else_means_30(client, quizzes):
    sign_in_staff(client, "staff-a")
    for days in (7, 30, 90):
        status, page = read(client, f"/console/trends?days={days}")
        assert status == 200
        first = (local_today() - timedelta(days=days - 1)).isoformat()
        assert first in page
    status, page = read(client, "/console/trends?days=9999")
    assert status == 200 and (local_today() - timedelta(days=29)).isoformat() in page


def test_the_weakest_topic_is_suggested_with_its_lesson_card_in_english(client, quizzes):
    client.get("/lang/en").close()
    sign_in_staff(client, "staff-a")
    status, page = read(client, "/console/trends?days=7")
    assert status == 200
    assert "pre-shift talk: Topic beta</h3>" in page
    assert "Lesson card for beta." in page
    # Each figure's definition sits beside it.
    assert "Share right = right answers" in page and "non-starters count as zero" in page
    assert "Right answers ÷ all questions of finished official quizzes." in page


def test_staff_without_quizzes_see_empty_charts_and_no_topics(client, town):
    sign_in_staff(client, "staff-b")
    status, page = read(client, "/console/trends")
    assert status == 200 and "<svg" in page and "甲厂" not in page


def test_worker_history_shows_the_workers_days_streak_and_topics(client, quizzes):
    sign_in_staff(client, "staff-a")
    status, page = read(client, f"/console/workers/{quizzes.worker_a}/history")
    assert status == 200
    assert "王小明" in page and quizzes.worker_a_no in page
    assert local_today().isoformat() in page and "<svg" in page
    assert "主题beta" in page


def test_worker_history_of_another_companys_worker_is_not_found(client, quizzes):
    sign_in_staff(client, "staff-a")
    assert read(client, f"/console/workers/{quizzes.worker_b}/history")[0] == 404
    assert read(client, "/console/workers/999999/history")[0] == 404
    client.post("/logout").close()
    sign_in_staff(client, "staff-b")
    assert read(client, f"/console/workers/{quizzes.worker_a}/history")[0] == 404
    assert read(client, f"/console/workers/{quizzes.worker_b}/history")[0] == 200


def test_officers_and_workers_cannot_open_the_trends(client, quizzes):
    sign_in_staff(client, "officer-1")
    assert read(client, "/console/trends")[0] == 403
    assert read(client, f"/console/workers/{quizzes.worker_a}/history")[0] == 403

"""The live pre-shift round through the test client (no JavaScript: the page's refresh link and
its own refresh must do): started from the pre-shift screen, fed by a worker answering in the
normal quiz, stepped, ended; company B's staff see nothing of it; no name ever shown."""

import re

import pytest
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import Company, PreshiftRound
from quizapp.rounds.rules import MIN_ANSWERS
from tests.factories import make_employee, take_quiz
from tests.pages import read, sign_in_staff, sign_in_worker, texts


@pytest.fixture
def team(app, town):
    """Company A's 一车间 with MIN_ANSWERS - 1 more workers who have done today's quiz: one answer
    short of the shares."""
    with app.app_context():
        a = db.session.get(Company, town.company_a)
        for i in range(MIN_ANSWERS - 1):
            take_quiz(make_employee(a, f"A2{i:02d}", f"组员{i}", team="一车间"), local_today())
    return town


def start(client, **fields) -> str:
    response = client.post("/console/rounds", data=fields)
    assert response.status_code == 302 and re.fullmatch(r"/console/rounds/\d+", response.location)
    return response.location


def test_the_preshift_screen_starts_a_round_of_today_s_common_questions(client, team):
    sign_in_staff(client, "staff-a")
    status, screen = read(client, "/console/preshift?team=一车间")
    assert status == 200 and 'action="/console/rounds"' in screen and 'name="team" value="一车间"' in screen
    url = start(client, team="一车间")
    assert start(client, team="一车间") == url  # a second tap joins it
    status, page = read(client, url)
    assert status == 200
    assert texts(page, "p", class_="round-count") == ["第1题，共2题"]
    assert "组员" not in page and "王小明" not in page and "A200" not in page  # no names, no numbers
    assert texts(page, "strong", class_="answered-count") == [str(MIN_ANSWERS - 1)]
    assert set(texts(page, "strong", class_="option-share")) == {"–"}  # hidden: one short
    assert 'content="10"' in page and f'href="{url}"' in page  # JS off: refreshes itself, and a link


def test_a_worker_answering_on_the_phone_shows_on_the_screen(app, client, team):
    sign_in_staff(client, "staff-a")
    url = start(client, team="一车间")
    before = client.get(f"{url}.json").get_json()
    assert before["answered"] == MIN_ANSWERS - 1 and not before["shown"]
    phone = app.test_client()
    sign_in_worker(phone, team.code_a, team.worker_a_no)
    question = phone.post("/today/start", data={"kind": "official"}).location
    assert question.endswith("/q/1")
    assert phone.post(question, data={"choice": "0"}).status_code == 200  # its feedback
    after = client.get(f"{url}.json")
    data = after.get_json()
    assert after.headers["Cache-Control"] == "no-store"
    assert data["answered"] == MIN_ANSWERS and data["shown"] and "–" not in data["shares"]
    assert sum(data["widths"]) >= 99  # single choice: the shares add up to 100% (rounded)


def test_staff_step_through_and_end_the_round(app, client, team):
    sign_in_staff(client, "staff-a")
    url = start(client, team="一车间")
    assert client.post(url, data={"step": "reveal", "at": 1}).location == url
    status, page = read(client, url)
    assert "讲给大家听" in page or "班组长" in page
    assert len(texts(page, "li", class_="right")) >= 1
    client.post(url, data={"step": "next", "at": 1})
    client.post(url, data={"step": "next", "at": 1})  # a double tap: still question 2
    status, page = read(client, url)
    assert texts(page, "p", class_="round-count") == ["第2题，共2题"]
    client.post(url, data={"step": "end", "at": 2})
    status, page = read(client, url)
    assert status == 200 and len(texts(page, "article", class_="round-question")) == 2
    assert 'http-equiv="refresh"' not in page  # over: nothing to refresh
    refused = client.post(url, data={"step": "next", "at": 2}, follow_redirects=True)
    assert "结束" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PreshiftRound.ended_at)) is not None


def test_a_bad_step_or_team_is_refused_with_words(client, team):
    sign_in_staff(client, "staff-a")
    refused = client.post("/console/rounds", data={"team": "不存在的组"}, follow_redirects=True)
    assert refused.status_code == 200 and "没有在岗工人" in refused.get_data(as_text=True)
    url = start(client)
    for form in ({"step": "jump", "at": 1}, {"step": "next"}, {"step": "next", "at": "x"}):
        response = client.post(url, data=form, follow_redirects=True)
        assert response.status_code == 200, form


def test_company_b_staff_find_no_round_of_company_a(app, team):
    # Two browsers: a test client each.
    client = app.test_client()
    sign_in_staff(client, "staff-a")
    url = start(client)
    other = app.test_client()
    sign_in_staff(other, "staff-b")
    for response in (other.get(url), other.get(f"{url}.json"), other.post(url, data={"step": "next", "at": 1})):
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(PreshiftRound.position)) == 1


def test_a_step_without_the_csrf_token_fails(app, client, team, monkeypatch):
    sign_in_staff(client, "staff-a")
    url = start(client)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(url, data={"step": "next", "at": 1}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(PreshiftRound.position)) == 1

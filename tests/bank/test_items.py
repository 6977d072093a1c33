"""Which answers item analysis reads from the record: each worker's first official, scored try at the
version in use, in the window (never practice, never a repeat, never a try at an older version)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.bank.items import analyse_items
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion
from tests.factories import load_small_bank, make_company, make_employee, make_grid

pytestmark = pytest.mark.usefixtures("ctx")
TODAY = date(2026, 12, 5)


def answer(employee, question, day, right, kind="official", version=None):
    """One attempt on `day` holding one answered slot (right: the key, else the first wrong option)."""
    version = version or question.current_version
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=1 if kind == "official" else 3)
    attempt = Attempt(employee_id=employee.id, company_id=employee.company_id, local_date=day, kind=kind,
                      official_date=day if kind == "official" else None, started_at=start,
                      deadline_at=start + timedelta(minutes=10), finished_at=start, total=1, slots=1, answered=1)
    db.session.add(attempt)
    db.session.flush()
    key = version.content["answer"]
    wrong = next(i for i in range(len(version.content["options"])) if i not in key)
    db.session.add(Answer(attempt_id=attempt.id, local_date=day, position=1, question_id=question.id,
                          question_version_id=version.id,
                          choice_order=list(range(len(version.content["options"]))),
                          chosen=list(key) if right else [wrong], correct=right, answered_at=start))
    db.session.flush()


def stats_by_slug(days=90):
    return {row.slug: row.stats for row in analyse_items(TODAY, days)}


def test_only_each_workers_first_official_try_counts():
    load_small_bank()
    company = make_company(make_grid())
    q = db.session.scalar(select(Question).where(Question.slug == "alpha-001"))
    workers = [make_employee(company, f"W{i:02d}", f"工人{i}") for i in range(4)]
    a, b, c, d = workers
    answer(a, q, TODAY - timedelta(days=5), right=False)
    answer(a, q, TODAY - timedelta(days=4), right=True)  # a review after the feedback: a repeat
    answer(a, q, TODAY - timedelta(days=5), right=True, kind="practice")  # practice never counts
    answer(b, q, TODAY - timedelta(days=3), right=True, kind="practice")  # practice first ...
    answer(b, q, TODAY - timedelta(days=2), right=False)  # ... so this is b's first official try
    answer(c, q, TODAY - timedelta(days=200), right=True)  # first tried before the window:
    answer(c, q, TODAY - timedelta(days=1), right=False)  # this one is a repeat, c is left out
    answer(d, q, TODAY + timedelta(days=1), right=True)  # not yet happened for `today`
    stats = stats_by_slug()["alpha-001"]
    assert stats.workers == 2 and stats.p == 0.0  # a and b, both wrong at their first try
    assert stats_by_slug(days=365)["alpha-001"].workers == 3 and stats_by_slug(days=365)["alpha-001"].p == 1 / 3


def test_a_first_try_at_an_older_version_makes_the_later_try_a_repeat():
    load_small_bank()
    company = make_company(make_grid())
    q = db.session.scalar(select(Question).where(Question.slug == "alpha-002"))
    old = q.current_version
    new = QuestionVersion(question_id=q.id, number=2, content_hash="x" * 64, content=old.content)
    db.session.add(new)
    db.session.flush()
    q.current_version_id = new.id
    e, f = make_employee(company, "E1", "甲"), make_employee(company, "E2", "乙")
    answer(e, q, TODAY - timedelta(days=9), right=True, version=old)
    answer(e, q, TODAY - timedelta(days=2), right=False, version=new)
    answer(f, q, TODAY - timedelta(days=2), right=True, version=new)
    stats = stats_by_slug()["alpha-002"]
    assert stats.workers == 1 and stats.p == 1.0  # only f's try counts for the version in use

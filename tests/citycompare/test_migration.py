"""Migration 0032 (town_day): an installation with a history of company-days gets every town's
past days summed into town_day (today's left out: it is read live), and the downgrade drops the
table. Runs on SQLite and, in the test command's second pass, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from quizapp.clock import local_today
from quizapp.extensions import db
from quizapp.models import CompanyDay, TownDay
from tests.factories import first_town, make_company, make_grid, make_town_row


def test_the_upgrade_sums_every_town_s_past_days_and_leaves_today_out(app, town):
    with app.app_context():
        today = local_today()
        other = make_town_row("hm", "虎门镇")
        c = make_company(make_grid("h1", "虎门一", town=other), "hm-c", "丙厂")
        rows = [(town.company_a, 2, True, 10, 12, 3, 4), (town.company_b, 2, True, 5, 2, 1, 2),
                (c.id, 2, False, 8, 3, 2, 2), (town.company_a, 1, True, 10, 7, 0, 0),
                (town.company_a, 0, True, 9, 1, 1, 1)]
        for company_id, back, workday, heads, done, right, answered in rows:
            db.session.add(CompanyDay(company_id=company_id, day=today - timedelta(days=back), workday=workday,
                                      headcount=heads, completed=done, score_sum=0, question_sum=0,
                                      common_correct=right, common_answered=answered, behaviour_answered=0,
                                      behaviour_yes=0))
        db.session.commit()
        first, second = first_town().id, other.id
        db.session.remove()
        downgrade(revision="0031")
        try:
            assert "town_day" not in db.inspect(db.engine).get_table_names()
        finally:
            db.session.remove()
            upgrade()
        found = {(r.town_id, (today - r.day).days): (r.companies, r.headcount, r.expected, r.done, r.common_correct,
                                                     r.common_answered) for r in db.session.scalars(select(TownDay))}
        assert found == {(first, 2): (2, 15, 15, 12, 4, 6),  # company A's 12 done capped at its 10 workers
                         (second, 2): (1, 8, 0, 0, 2, 2),  # a day off expects nothing
                         (first, 1): (1, 10, 10, 7, 0, 0)}  # and today is not there

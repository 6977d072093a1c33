"""The TownDay rollup: each town's CompanyDay rows of a past day added up, so the city's
comparison page (quizapp/citycompare) reads a row per town and day, not one per company.

Used by rollups.service (a rebuilt company-day moves its town's row by the difference it makes),
quiz.service (a quiz finished after its day was over, through rollups.service.add_finished),
`quizapp rollup` (every town's day in full, after every company's), the demo seeder and
`quizapp synth`. Owns one rule: a TownDay row, once it exists, equals the sum of its town's
CompanyDay rows that day (every company of the town's grids, active or not: the reader takes the
inactive ones out, as the town's own pages leave them out). Rows are made only by the full
refresh; the other writers move an existing row and leave a missing one to the next refresh.
Today is never written (docs/metrics.md, "The city page").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, and_, bindparam, case, delete, func, insert, select, update

from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Grid, TownDay

# The columns summed, in TownDay's order (a company-day's contribution: see contribution()).
SUMMED = ("companies", "headcount", "expected", "done", "common_correct", "common_answered")

_CAPPED = case((CompanyDay.completed > CompanyDay.headcount, CompanyDay.headcount), else_=CompanyDay.completed)
_SUMS = (func.count(), func.sum(CompanyDay.headcount),
         func.sum(case((CompanyDay.workday, CompanyDay.headcount), else_=0)),
         func.sum(case((CompanyDay.workday, _CAPPED), else_=0)), func.sum(CompanyDay.common_correct),
         func.sum(CompanyDay.common_answered))


def contribution(row: CompanyDay | None) -> tuple[int, ...]:
    """What one company-day adds to its town's day (metrics.day_tally: a day off expects nothing,
    done is capped at the headcount); nothing for no row."""
    if row is None:
        return (0,) * len(SUMMED)
    workday = bool(row.workday)
    return (1, row.headcount, row.headcount if workday else 0, min(row.completed, row.headcount) if workday else 0,
            row.common_correct, row.common_answered)


def _sums(*where) -> Select:
    """Per town and day, its companies' CompanyDay rows added up (town_id, day, then SUMMED)."""
    return (select(Grid.town_id, CompanyDay.day, *_SUMS).select_from(CompanyDay)
            .join(Company, Company.id == CompanyDay.company_id).join(Grid, Grid.id == Company.grid_id)
            .where(*where).group_by(Grid.town_id, CompanyDay.day))


def refresh_days(days: Iterable[date], town_ids: list[int] | None = None) -> None:
    """Every town's (or those of `town_ids`) row of each day written anew from CompanyDay: after
    the nightly rebuild of the day, and by the seeders. A town without a company-day that day has
    no row (no data)."""
    for day in sorted(set(days)):
        gone = delete(TownDay).where(TownDay.day == day)
        where = [CompanyDay.day == day]
        if town_ids is not None:
            gone = gone.where(TownDay.town_id.in_(town_ids))
            where.append(Grid.town_id.in_(town_ids))
        db.session.execute(gone)
        db.session.execute(insert(TownDay).from_select(["town_id", "day", *SUMMED], _sums(*where)))
    db.session.flush()


def refresh_history(before: date) -> None:
    """Every town's every day before `before` written anew from CompanyDay (one INSERT ... SELECT
    GROUP BY): `quizapp synth` after writing a year of company-days at once."""
    db.session.execute(delete(TownDay))
    db.session.execute(insert(TownDay).from_select(["town_id", "day", *SUMMED], _sums(CompanyDay.day < before)))
    db.session.flush()


def _town_of(company_id) -> Select:
    return select(Grid.town_id).join(Company, Company.grid_id == Grid.id).where(Company.id == company_id)


def move(company_id: int, day: date, before: tuple[int, ...], after: tuple[int, ...]) -> None:
    """Move the company's town's row of `day` (if it exists) by what a rebuilt company-day changed."""
    change = {name: getattr(TownDay, name) + (new - old) for name, old, new in zip(SUMMED, before, after, strict=True)
              if new != old}
    if change:
        db.session.execute(update(TownDay).where(TownDay.town_id == _town_of(company_id).scalar_subquery(),
                                                 TownDay.day == day).values(**change))


# A past day's row summed anew for one town: after a late finisher added a quiz to that day.
# Correlated with the row updated, so a missing row stays missing (the next refresh makes it).
_RECOUNT = (update(TownDay)
            .where(TownDay.town_id == _town_of(bindparam("row_company_id")).scalar_subquery(),
                   TownDay.day == bindparam("row_day"))
            .values(**{name: select(total).select_from(CompanyDay)
                       .join(Company, Company.id == CompanyDay.company_id).join(Grid, Grid.id == Company.grid_id)
                       .where(and_(Grid.town_id == TownDay.town_id, CompanyDay.day == TownDay.day))
                       .scalar_subquery()
                       for name, total in zip(SUMMED, _SUMS, strict=True)}))


def recount(conn, company_id: int, day: date) -> None:
    """The company's town's row of a past `day`, if it exists, summed anew (a quiz finished after
    its day was over: its worker came back to a quiz whose time ran out, or finished after midnight)."""
    conn.execute(_RECOUNT, {"row_company_id": company_id, "row_day": day})

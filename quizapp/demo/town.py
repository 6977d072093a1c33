"""The rest of the demo town: some 120 companies of many sizes and trades spread over about 50 of its
grids, with rosters, quizzes since each began them (13 weeks to six months; each company warming
up to the quiz in its first months and going its own way: most keep improving, some slip), two
years of incidents (raw reports, confirmed cases and losses, each where it happened), their
officers' outreach, and a few supervision cases, so the map, the heat table and the grid
dashboards look like a town's and the three declines compare real years.

Used by demo.service.seed, after the six demo companies. These companies have no staff accounts
and their workers a PIN but no answers: their history is each day's finished quizzes (attempts
with their scores) and the daily rollup written from them, not question by question, which keeps
the demo quick to build. So the item analysis, the learning page's retention and probe and the
weakest topics read the six demo companies only; every figure read from the rollup (participation,
knowledge, coverage, the map, the reports, the API) covers the whole town.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from quizapp.demo import geography
from quizapp.demo.synth import bulk_insert
from quizapp.extensions import db
from quizapp.incidents.rules import add_months, is_fraud_type
from quizapp.models import (
    Attempt,
    Company,
    CompanyDay,
    Employee,
    Grid,
    Incident,
    OutreachActivity,
    Shift,
    StaffUser,
    Topic,
)
from quizapp.places import rules as place_rules
from quizapp.quiz.rules.selection import COMMON_SIZE
from quizapp.quiz.service import QUIZ_SECONDS
from quizapp.rules import metrics
from quizapp.rules.vocab import AttemptKind, FollowUpKind, OutreachKind, Role

SEED = 20261205  # its own random stream: the six demo companies stay as they were
WORKDAYS = "123456"
# Trades of the town's factories: the name's ending, the usual headcount (from, to), questions per quiz.
TRADES = [("电子科技有限公司", (80, 700), 5), ("五金制品厂", (20, 220), 4), ("家具有限公司", (40, 500), 5),
          ("塑胶制品有限公司", (30, 280), 4), ("制衣厂", (30, 350), 4), ("鞋业有限公司", (60, 600), 5),
          ("印刷包装有限公司", (20, 180), 4), ("食品有限公司", (20, 220), 5), ("玩具有限公司", (40, 420), 4),
          ("模具厂", (10, 90), 3), ("灯饰有限公司", (20, 160), 4), ("纸品厂", (15, 120), 3),
          ("物流有限公司", (10, 110), 3), ("机械设备有限公司", (15, 180), 5)]
BRANDS = "华恒宏鑫联泰盛丰达荣新金永富利成嘉信兴德创美捷源升安"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉宇鹏飞琴云亮海燕春梅雪松志国永庆振"
SHIFTS = [("早班", time(7, 30)), ("中班", time(15, 30)), ("夜班", time(23, 30))]
HISTORY_DAYS = 91  # days of quizzes before today (demo.service.HISTORY_DAYS: the same 13 weeks) ...
# ... or more: since the company began the quiz, as far back as the learning page's six months go.
SINCE_DAYS = 184
# A company new to the quiz: its workers take it at RAMP_FROM of the rate they will settle at, and
# get there over its first RAMP_DAYS (the staff learn to call the quiz at the shift meeting).
RAMP_FROM, RAMP_DAYS = 0.45, 90
# When the town's companies began the quiz, days ago: any time in the last year and a half, but
# never within the 13 weeks, so every company has the comparisons' earlier periods.
JOINED_DAYS = (HISTORY_DAYS + 5, 540)
# How often a company has a confirmed case in a month, last year and this year (the quiz began this
# year), before its laxness; some grids do not improve (their three declines say "did not decline").
CASE_RATE_LAST_YEAR, CASE_RATE_THIS_YEAR = 0.30, 0.13
OFFICERS = [("officer3", "岭东片区网格员"), ("officer4", "石桥片区网格员"), ("officer5", "茶园片区网格员")]
OUTREACH_DAYS = 150
# The town grids' officers' activities: kind, events per grid per week, people reached (from, to).
OUTREACH = [(OutreachKind.COMMUNITY, 0.8, (30, 220)), (OutreachKind.MARKET, 0.4, (20, 120)),
            (OutreachKind.FAMILY, 0.6, (2, 10)), (OutreachKind.STALL, 0.3, (40, 300)),
            (OutreachKind.DOOR_TO_DOOR, 0.5, (8, 50)), (OutreachKind.COMPANY_TALK, 0.5, (40, 400)),
            (OutreachKind.SCHOOL, 0.1, (150, 900))]


def minutes_ago_today(now: datetime, day: date) -> tuple[int, int]:
    """How long ago (fewest, most minutes; both ends possible) a quiz of today may have started: in
    the last 4 hours, but after local midnight (16:00 UTC the day before), so a demo built at
    00:30 does not stamp today's quizzes the evening before."""
    since_midnight = int((now - datetime.combine(day - timedelta(days=1), time(16, 0))).total_seconds() // 60)
    return min(6, since_midnight), min(240, since_midnight)


def warm_up(days_in: int) -> float:
    """The share of its settled participation a company reaches `days_in` days after it began the quiz."""
    return RAMP_FROM + (1 - RAMP_FROM) * min(1.0, max(0, days_in) / RAMP_DAYS)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _grids_with_companies(cells: dict[int, geography.Cell], skip: set[int], rng: random.Random) -> list[Grid]:
    """The town grids that have factories: most near the middle (the industrial belt), fewer outwards."""
    order = list(cells)  # demo.geography orders the cells from the middle outwards
    others = [gid for gid in order if gid not in skip]
    chosen = [gid for i, gid in enumerate(others) if rng.random() < (0.8 if i < 35 else 0.4 if i < 85 else 0.08)]
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_(chosen)))}
    return [grids[gid] for gid in chosen]


def seed_town(cells: dict[int, geography.Cell], demo_grid_ids: set[int], today: date, now: datetime,
              pin_hash: str, officer: StaffUser, password: str, rng: random.Random | None = None) -> None:
    """Companies, workers, quizzes, incidents, outreach and supervision for the town's other grids
    (`cells`: every grid's outline by id; `demo_grid_ids`: the six demo companies' grids, left as
    they are). `officer` is the demo officer, who also looks after two town grids; the town grids'
    officers sign in with `password`."""
    rng = rng or random.Random(SEED)
    grids = _grids_with_companies(cells, demo_grid_ids, rng)
    officers = _officers(grids, officer, password)
    companies = _companies(grids, rng, now)
    for company, size in companies:
        _history(company, size, pin_hash, today, now, rng)
    _incidents(cells, companies, today, officers, rng)
    raw_reports(rng)
    outreach(grids, officers, companies, today, rng)
    db.session.flush()
    _supervision(companies, officers, today)


def _officers(grids: list[Grid], demo_officer: StaffUser, password: str) -> dict[int, StaffUser]:
    """An officer per third of the town grids (the demo officer also looks after the first two,
    so their dashboard, map and heat table show more than their two demo grids)."""
    per = -(-len(grids) // len(OFFICERS))
    found: dict[int, StaffUser] = {}
    for n, (username, display_name) in enumerate(OFFICERS):
        own = grids[n * per:(n + 1) * per]
        account = StaffUser(username=username, display_name=display_name, role=Role.GRID_OFFICER, grids=own,
                            town_id=demo_officer.town_id)
        account.set_password(password)
        db.session.add(account)
        found |= {g.id: account for g in own}
    demo_officer.grids = [*demo_officer.grids, *grids[:2]]
    db.session.flush()
    return found


def _companies(grids: list[Grid], rng: random.Random, now: datetime) -> list[tuple[Company, int]]:
    made: list[tuple[Company, int]] = []
    taken: set[str] = set()
    for grid in grids:
        for _ in range(rng.choices((1, 2, 3, 4, 5), (3, 4, 3, 2, 1))[0]):
            ending, (low, high), per_quiz = rng.choice(TRADES)
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            name = f"{brand}{ending}"
            if name in taken:
                continue
            taken.add(name)
            size = min(high, max(low, int(low + (high - low) * rng.random() ** 2.2)))
            # Half began the quiz in the last five months and are still warming up to it.
            joined = rng.randint(JOINED_DAYS[0], 150) if rng.random() < 0.5 else rng.randint(151, JOINED_DAYS[1])
            company = Company(code=f"t{len(made) + 1:03d}", name=name, grid_id=grid.id, questions_per_quiz=per_quiz,
                              workdays=WORKDAYS, shifts=[Shift(name=s, starts_at=t) for s, t in SHIFTS],
                              created_at=now - timedelta(days=joined))
            db.session.add(company)
            made.append((company, size))
    db.session.flush()
    return made


def _history(company: Company, size: int, pin_hash: str, today: date, now: datetime, rng: random.Random) -> None:
    """The roster, each day's finished quizzes (attempts with their scores, no answers) and the daily
    rollup written from them, as the nightly job would have (docs/metrics.md: the figures' rows),
    from the day the company began the quiz (its created_at), at most SINCE_DAYS ago. It warms up
    to the quiz (`warm_up`) and moves its own way meanwhile; its workers know a little more as the
    weeks go by. A day's draws are numpy's, a whole roster at a time (this is most of the demo's rows)."""
    import numpy as np

    teams = [f"{w}车间{g}组" for w in "一二三" for g in "AB"][: max(2, min(6, size // 30))]
    people = []
    for i in range(1, size + 1):
        joined = today - timedelta(days=rng.choice([500] * 9 + [rng.randint(1, SINCE_DAYS)]))
        people.append(dict(company_id=company.id, employee_no=f"{company.code.upper()}{i:05d}", name=_name(rng),
                           team=rng.choice(teams), shift=rng.choice(SHIFTS)[0], active=True, active_from=joined,
                           created_at=datetime.combine(joined - timedelta(days=1), time()),
                           pin_hash=pin_hash))
    db.session.execute(insert(Employee), people)
    workers = db.session.execute(select(Employee.id, Employee.active_from)
                                 .where(Employee.company_id == company.id).order_by(Employee.active_from)).all()
    ids = np.array([w.id for w in workers])
    starts = [w.active_from for w in workers]
    keen, skill = rng.uniform(0.3, 0.95), rng.uniform(0.5, 0.85)
    move = rng.uniform(-0.15, 0.2)  # the share of its keenness gained over SINCE_DAYS (negative: lost)
    began = (now - company.created_at).days
    draw = np.random.default_rng(rng.getrandbits(64))
    per_quiz = company.questions_per_quiz
    attempts, days = [], []
    for back in range(min(began, SINCE_DAYS), -1, -1):
        day = today - timedelta(days=back)
        workday = metrics.is_workday(day, WORKDAYS)
        here = bisect.bisect_right(starts, day)  # the roster is in start order: the first `here` have started
        done = score_sum = right = 0
        if workday and here:
            chance = (keen * warm_up(began - back) * (1 - move * back / SINCE_DAYS)
                      * (0.7 if day.isoweekday() == 6 else 1.0) * (0.45 if back == 0 else 1.0))
            chance = min(0.98, max(0.0, chance + rng.uniform(-0.08, 0.08)))  # busier and quieter days
            took = ids[:here][draw.random(here) < chance]
            done = len(took)
            knows = min(0.95, skill + 0.05 * (SINCE_DAYS - back) / SINCE_DAYS)
            scores = draw.binomial(per_quiz, knows, done)
            commons = draw.binomial(COMMON_SIZE, knows, done)
            if back == 0:
                fewest, most = minutes_ago_today(now, day)
                started = [now - timedelta(minutes=int(m)) for m in draw.integers(fewest, most + 1, done)]
            else:  # 07:00-23:00 local time is 23:00 the day before to 15:00 UTC
                first = datetime.combine(day - timedelta(days=1), time(23, 0))
                started = [first + timedelta(minutes=int(m)) for m in draw.integers(0, 16 * 60 + 1, done)]
            score_sum, right = int(scores.sum()), int(commons.sum())
            for worker, score, common, at in zip(took.tolist(), scores.tolist(), commons.tolist(), started,
                                                 strict=True):
                attempts.append((worker, company.id, day, AttemptKind.OFFICIAL.value, day, at,
                                 at + timedelta(seconds=QUIZ_SECONDS), at + timedelta(seconds=30 * per_quiz), False,
                                 per_quiz, per_quiz, per_quiz, score, COMMON_SIZE, common))
        days.append((company.id, day, workday, here, done, score_sum, done * per_quiz, right, done * COMMON_SIZE))
    bulk_insert(Attempt.__table__, ATTEMPT_COLUMNS, attempts)
    bulk_insert(CompanyDay.__table__, DAY_COLUMNS, days)


ATTEMPT_COLUMNS = ("employee_id", "company_id", "local_date", "kind", "official_date", "started_at", "deadline_at",
                   "finished_at", "expired", "total", "slots", "answered", "score", "common_total", "common_correct")
DAY_COLUMNS = ("company_id", "day", "workday", "headcount", "completed", "score_sum", "question_sum",
               "common_correct", "common_answered")


def _incidents(cells: dict[int, geography.Cell], companies: list[tuple[Company, int]], today: date,
               officers: dict[int, StaffUser], rng: random.Random) -> None:
    """Two years of monthly incident records per company, each at a point inside its grid (a third
    as a phone's map gives it, in GCJ-02): fewer this year than last in most grids, not in all."""
    slugs = [s for s in db.session.scalars(select(Topic.slug).order_by(Topic.id)) if is_fraud_type(s)] or ["other"]
    common = [s for s in ("shuadan", "daikuan", "kefu", "youxi", "touzi") if s in slugs] or slugs
    stubborn = {gid for gid in {c.grid_id for c, _ in companies} if rng.random() < 0.15}
    this_month, rows = today.replace(day=1), []
    for company, size in companies:
        lax = 1.6 - rng.uniform(0.3, 0.95)
        scale = 0.6 + min(size, 600) / 600
        for back in range(24):
            month = add_months(this_month, -back)
            rate = CASE_RATE_LAST_YEAR if back >= 12 or company.grid_id in stubborn else CASE_RATE_THIS_YEAR
            cases = sum(rng.random() < rate * lax * scale / 2 for _ in range(2))
            unconfirmed = rng.randint(1, 3) if rng.random() < rate * lax * scale else 0
            if not cases and not unconfirmed:
                continue
            lon, lat = geography.point_in(cells[company.grid_id], rng)
            datum = "wgs84"
            if rng.random() < 0.3:
                lon, lat = (round(v, 6) for v in place_rules.wgs84_to_gcj02(lon, lat))
                datum = "gcj02"
            rows.append(dict(grid_id=company.grid_id, company_id=company.id, month=month,
                             fraud_type=rng.choice(common if rng.random() < 0.7 else slugs), cases=cases,
                             raw_reports=cases + unconfirmed,
                             loss_yuan=Decimal(int(round(cases * rng.uniform(1800, 60000), -2))),
                             longitude=Decimal(str(lon)), latitude=Decimal(str(lat)), datum=datum,
                             created_by=officers[company.grid_id].id))
    db.session.execute(insert(Incident), rows)


def raw_reports(rng: random.Random) -> None:
    """The demo's other records get their raw reports (原始警情) too: each confirmed case was one, and
    some reports were not confirmed."""
    for incident in db.session.scalars(select(Incident).where(Incident.raw_reports == 0, Incident.cases > 0)
                                       .order_by(Incident.id)):
        incident.raw_reports = incident.cases + rng.choice((0, 0, 1, 1, 2, 3))


def outreach(grids: list[Grid], officers: dict[int, StaffUser], companies: list[tuple[Company, int]],
              today: date, rng: random.Random) -> None:
    """Five months of each town grid's outreach by its officer; talks in a company name it."""
    names: dict[int, list[str]] = {}
    for company, _size in companies:
        names.setdefault(company.grid_id, []).append(company.name)
    start, rows = today - timedelta(days=OUTREACH_DAYS), []
    for grid in grids:
        village = grid.name.split("村")[0]
        places = {OutreachKind.COMMUNITY: [f"{village}村委会", f"{village}社区服务站"],
                  OutreachKind.MARKET: [f"{village}市场"], OutreachKind.FAMILY: [f"{village}村出租屋"],
                  OutreachKind.STALL: [f"{village}村口", f"{village}公交站"],
                  OutreachKind.DOOR_TO_DOOR: [f"{village}村出租屋", f"{village}新村"],
                  OutreachKind.COMPANY_TALK: names.get(grid.id, [f"{village}工业区"]),
                  OutreachKind.SCHOOL: [f"{village}小学"]}
        for kind, weekly, (low, high) in OUTREACH:
            for _ in range(round(weekly * OUTREACH_DAYS / 7 * rng.uniform(0.6, 1.4))):
                rows.append(dict(grid_id=grid.id, company_id=None, created_by=officers[grid.id].id, kind=kind,
                                 day=start + timedelta(days=rng.randint(0, OUTREACH_DAYS)),
                                 place=rng.choice(places[kind]), speaker=officers[grid.id].display_name,
                                 people=rng.randint(low, high), note=""))
    db.session.execute(insert(OutreachActivity), rows)


def _supervision(companies: list[tuple[Company, int]], officers: dict[int, StaffUser], today: date) -> None:
    """Two cases by hand in the town grids, as officers would have left them: one past its deadline
    with a visit logged, one with a 约谈 (who was summoned, where)."""
    from quizapp.supervision import service as supervision

    lowest = sorted(companies, key=lambda cs: _participation(cs[0].id, today))
    if len(lowest) < 2:
        return
    (late, _), (summoned, _) = lowest[0], lowest[1]
    owner = officers[late.grid_id]
    opened = today - timedelta(days=24)
    case = supervision.open_case(owner, late.id, "班前答题参与率连续三周低于50%，网格员走访后仍未改善。", opened)
    supervision.assign_case(owner, case, owner.id, today - timedelta(days=3), opened)
    supervision.add_follow_up(owner, case, FollowUpKind.VISIT, today - timedelta(days=18), "人事主管",
                              "走访车间，查看班前答题安排，班组长未组织。", "企业答应一周内整改。", today)
    owner = officers[summoned.grid_id]
    case = supervision.open_case(owner, summoned.id, "近两个月发生两起刷单诈骗，员工参与率偏低。",
                                 today - timedelta(days=10))
    supervision.add_follow_up(owner, case, FollowUpKind.YUETAN, today - timedelta(days=6), "企业负责人",
                              "约谈企业负责人，通报本厂两起刷单诈骗，要求落实班前5分钟答题。",
                              "企业承诺由各班组长每日督促，两周后复查。", today,
                              ("林国强", "副总经理", "镇反诈中心会议室"))
    supervision.assign_case(owner, case, owner.id, today + timedelta(days=8), today)


def _participation(company_id: int, today: date) -> float:
    done, expected = db.session.execute(
        select(db.func.coalesce(db.func.sum(CompanyDay.completed), 0), db.func.coalesce(db.func.sum(
            CompanyDay.headcount), 0)).where(CompanyDay.company_id == company_id, CompanyDay.workday.is_(True),
                                             CompanyDay.day >= today - timedelta(days=30))).one()
    return done / expected if expected else 1.0

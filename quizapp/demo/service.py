"""The demo town: grids, companies of different sizes, staff and officer accounts, and 13 weeks of
quiz history that looks like real use (diligent and lapsing workers, quieter Saturdays, Sundays off,
companies that improve and one that slips), with each worker's probe baseline before them and
answer sharing in one company, so the learning page has something to show (docs/metrics.md, "The
demo town's learning figures are synthetic"); its map: 125 made-up grid outlines (demo.geography),
the places of its grids, and incidents that say where they happened. And the city's second,
smaller town (second_town), built by the same functions with its own figures: later to the quiz
and lagging behind, so the city admin's pages compare two towns.

Used by `quizapp demo`. History is written with bulk inserts from the same selection and grading
rules the app uses, and each day's rollups (CompanyDay, CompanyTopicDay) are counted from the same
answers as they are written, as rollups.service.rebuild_company_day would count them from the
record (tests/demo checks that they agree), so every page shows consistent figures.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text

from quizapp.demo import geography, town
from quizapp.demo.alerts import seed_alerts
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    City,
    Company,
    CompanyDay,
    CompanyTopicDay,
    Employee,
    Grid,
    GridBoundary,
    GridPlace,
    Incident,
    Question,
    QuestionVersion,
    Shift,
    StaffUser,
    Topic,
    Town,
)
from quizapp.places import rules as place_rules
from quizapp.quiz.rules import selection
from quizapp.quiz.service import QUIZ_SECONDS, load_pool, town_secret
from quizapp.rollups import towns as town_rollups
from quizapp.rules import metrics
from quizapp.rules.vocab import AttemptKind, FollowUpKind, OutreachKind, Role
from quizapp.signin.rules import code_expires as code_expires_at
from quizapp.signin.service import hash_pin
from quizapp.signin.workers import hash_code
from quizapp.supervision.rules import Flag

DEMO_PASSWORD = "demo-2026"
# The demo is one town of a city (the city admin's landing page lists it).
CITY_NAME = "东莞市"
TOWN_CODE, TOWN_NAME = "dls", "大岭山镇"
DEMO_PIN = "2580"
# The one-time code staff would hand a worker who has not signed in yet; in the demo every such
# worker has this one (a real roster's codes are random, made on the first-time codes page).
DEMO_CODE = "31415926"
# Days of quiz history before today: 13 weeks, so every page's period has the one before it (the
# comparison page's 12 weeks, the 30 days before the dashboard's 30, the month before the last
# complete month, which can begin 91 days ago).
HISTORY_DAYS = 91

GRIDS = [("xt-2", "新塘村第二网格"), ("ds-3", "大沙村第三网格"), ("lp-1", "连平村第一网格")]
# (code, name, grid, workers, questions per quiz, how keen the company is)
COMPANIES = [
    ("dpt", "岭峰精密家具有限公司", "xt-2", 1200, 5, 0.85),
    ("hlx", "华岭电子科技有限公司", "xt-2", 420, 5, 0.7),
    ("xtw", "新塘五金制品厂", "ds-3", 240, 4, 0.55),
    ("dsb", "大沙包装材料有限公司", "ds-3", 150, 5, 0.75),
    ("lpx", "连平鞋业有限公司", "lp-1", 90, 3, 0.4),
    ("ylf", "岭南食品加工厂", "lp-1", 40, 6, 0.9),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉宇鹏飞琴云亮海燕春梅雪松志国永庆振"
SHIFT_STARTS = [("早班", time(7, 30)), ("中班", time(15, 30)), ("夜班", time(23, 30))]
SHIFTS = [name for name, _ in SHIFT_STARTS]
# How able the workers are (each worker's ability is drawn from this range).
ABILITY = (0.45, 0.95)
# How each company's participation moved over the history: a share of its keenness it has gained
# since the history began (negative: lost; it slips). Most improved as the town pushed the quiz;
# 新塘五金 slips, so the supervision list and the comparison page's "least improved" have a case.
MOVES = {"dpt": 0.12, "hlx": 0.25, "xtw": -0.2, "dsb": 0.08, "lpx": 0.3, "ylf": 0.0}
# A lapsing worker, from a day of their own, takes the quiz less and less for LAPSE_DAYS, until the
# staff chase them back (the chase list): at any time some are lapsing, and some are on it today.
LAPSE_DAYS = 30

# The city's second, smaller town: later to the pre-shift quiz (it began with the 13 weeks, so its
# workers answered no probe baseline before them, and its companies warmed up to it over their
# first months, town.warm_up), its companies less keen and its workers less practised, and its incidents
# declining less, so that the city's towns side by side differ.
# Its own random stream: the first town stays as it was. Its map lies south-east of the first's.
SECOND_TOWN_CODE, SECOND_TOWN_NAME = "hj", "黄江镇"
SECOND_SEED = 20261206
SECOND_GRIDS = [("mt-1", "梅塘村第一网格"), ("cl-2", "长龙村第二网格"), ("tm-1", "田美村第一网格"),
                ("ba-3", "北岸村第三网格")]
SECOND_PLACES = {"mt-1": ["梅塘村", "梅塘工业区"], "cl-2": ["长龙村", "长龙市场"], "tm-1": ["田美村"],
                 "ba-3": ["北岸村", "北岸新村"]}
# (code, name, grid, workers, questions per quiz, how keen the company is); made-up names
SECOND_COMPANIES = [
    ("hjm", "梅岭光电科技有限公司", "mt-1", 260, 5, 0.55),
    ("hjc", "长兴塑胶制品厂", "cl-2", 150, 4, 0.4),
    ("hjt", "田丰制衣厂", "tm-1", 100, 4, 0.3),
    ("hjb", "北岸精工模具厂", "ba-3", 60, 3, 0.45),
    ("hjs", "嘉黄食品有限公司", "mt-1", 40, 5, 0.6),
]
SECOND_ABILITY = (0.25, 0.7)
SECOND_MOVES = {"hjm": 0.05, "hjc": 0.0, "hjt": -0.1, "hjb": 0.1, "hjs": 0.15}
# Its accounts (password DEMO_PASSWORD): the town admin, the officer of all its grids, and the
# outreach staff of its largest company (its other companies have no staff account).
SECOND_ADMIN, SECOND_OFFICER, SECOND_STAFFED = "hj-admin", "hj-officer", "hjm"


def is_seeded() -> bool:
    return (db.session.scalar(select(func.count(Company.id))) or 0) > 0


def drop_all() -> None:
    """Empty every table (the migrations then rebuild the schema)."""
    db.drop_all()
    db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def seed(today: date, now: datetime, describe_flag: Callable[[Flag], str], rng: random.Random | None = None,
         seed_of_town: str | None = None) -> None:
    """The demo city: its first town and its second (`second_town`); `describe_flag` words the
    supervision cases' reasons (supervision.wording). The history's common sets are the
    installation's (`seed_of_town`: QUIZAPP_TOWN_SEED if set, else each town's own secret), so
    they match the live ones."""
    rng = rng or random.Random(20260601)
    city = City(name=CITY_NAME)
    demo_town = Town(city=city, code=TOWN_CODE, name=TOWN_NAME)
    db.session.add_all([city, demo_town])
    db.session.flush()
    secret = seed_of_town or town_secret(demo_town.id)
    grids = {}
    for code, name in GRIDS:
        grids[code] = Grid(code=code, name=name, town_id=demo_town.id)
        db.session.add(grids[code])
    db.session.flush()
    cells = _town_map(demo_town, grids, PLACES, geography.town_cells())

    admin = StaffUser(username="admin", display_name="镇反诈中心", role=Role.TOWN_ADMIN, town_id=demo_town.id)
    officer = StaffUser(username="officer", display_name="新塘/大沙网格员", role=Role.GRID_OFFICER,
                        grids=[grids["xt-2"], grids["ds-3"]], town_id=demo_town.id)
    officer2 = StaffUser(username="officer2", display_name="连平网格员", role=Role.GRID_OFFICER, grids=[grids["lp-1"]],
                         town_id=demo_town.id)
    city_admin = StaffUser(username="city", display_name="市反诈中心", role=Role.CITY_ADMIN)
    accounts = [admin, officer, officer2, city_admin]

    pin_hash = hash_pin(DEMO_PIN)
    code_hash, code_expires = hash_code(DEMO_CODE), code_expires_at(now)
    pool = load_pool()
    versions = dict(db.session.execute(select(Question.id, Question.current_version_id)).all())
    contents = {v.id: v.content for v in db.session.scalars(select(QuestionVersion))}
    difficulty = dict(db.session.execute(select(Question.id, Question.difficulty)).all())
    topics = dict(db.session.execute(select(Question.id, Question.topic_id)).all())
    bank = _Bank(pool, versions, contents, _Quirks(difficulty, rng), topics)
    secrets = (pin_hash, code_hash, code_expires)
    made = _companies(COMPANIES, grids, _History(bank, _Commons(pool, secret), secret), rng, today, now, secrets)
    accounts += [StaffUser(username=f"staff-{company.code}", display_name=f"{company.name} 反诈宣传员",
                           role=Role.COMPANY_STAFF, company_id=company.id, town_id=demo_town.id)
                 for company, _size, _keen in made]
    for account in accounts:
        account.set_password(DEMO_PASSWORD)
        db.session.add(account)
    db.session.flush()
    _oversight(officer, made, today, now, rng, describe_flag)
    rows = _outreach({grids["xt-2"].id: officer, grids["ds-3"].id: officer, grids["lp-1"].id: officer2}, today, rng)
    staff = {s.company_id: s for s in accounts if s.company_id is not None}
    _preshift_talks([(company, staff[company.id], size) for company, size, _keen in made], today, rng, rows)
    _locate_incidents(cells, today)
    seed_alerts(today, now, rng)  # after the history: their answers go into its quizzes
    _leads(officer, today, rng, secret.encode())
    town.seed_town(cells, {grids[code].id for code, _name in GRIDS}, today, now, pin_hash, officer, DEMO_PASSWORD)
    second_town(city, bank, today, now, describe_flag, secrets, seed_of_town)
    town_rollups.refresh_history(today)  # every town's past days, as the nightly `quizapp rollup` leaves them
    # Fresh statistics after the bulk inserts, as the nightly job leaves them: without them SQLite
    # plans the pages' and the quiz's queries on the history blind (bank.items.is_first_try).
    for table in ("attempt", "answer", "company_day"):
        db.session.execute(text(f"ANALYZE {table}"))


def second_town(city: City, bank: _Bank, today: date, now: datetime, describe_flag: Callable[[Flag], str],
                secrets: tuple[str, str, datetime], seed_of_town: str | None = None) -> Town:
    """The city's second town (SECOND_TOWN_NAME), built by the first town's functions with its own
    figures: its grids on a map of their own, its companies with rosters and 13 weeks of quizzes
    answer by answer (no probe baseline before them: the town began with the 13 weeks), its own
    common-set secret, two years of incidents, outreach, supervision cases and two workers'
    reports, and its three accounts."""
    rng = random.Random(SECOND_SEED)
    hj = Town(city=city, code=SECOND_TOWN_CODE, name=SECOND_TOWN_NAME)
    db.session.add(hj)
    db.session.flush()
    secret = seed_of_town or town_secret(hj.id)
    grids = {code: Grid(code=code, name=name, town_id=hj.id) for code, name in SECOND_GRIDS}
    db.session.add_all(grids.values())
    db.session.flush()
    cells = _town_map(hj, grids, SECOND_PLACES, geography.town_cells(len(grids), SECOND_SEED, geography.SECOND_CENTRE))
    history = _History(bank, _Commons(bank.pool, secret), secret, SECOND_ABILITY, baseline=False,
                       moves=SECOND_MOVES)
    made = _companies(SECOND_COMPANIES, grids, history, rng, today, now, secrets)
    admin = StaffUser(username=SECOND_ADMIN, display_name=f"{SECOND_TOWN_NAME}反诈中心", role=Role.TOWN_ADMIN,
                      town_id=hj.id)
    officer = StaffUser(username=SECOND_OFFICER, display_name="黄江网格员", role=Role.GRID_OFFICER,
                        grids=list(grids.values()), town_id=hj.id)
    staffed = next(company for company, _size, _keen in made if company.code == SECOND_STAFFED)
    staff = StaffUser(username=f"staff-{staffed.code}", display_name=f"{staffed.name} 反诈宣传员",
                      role=Role.COMPANY_STAFF, company_id=staffed.id, town_id=hj.id)
    for account in (admin, officer, staff):
        account.set_password(DEMO_PASSWORD)
        db.session.add(account)
    db.session.flush()
    _oversight(officer, made, today, now, rng, describe_flag, SECOND_CASE_RATES)
    _preshift_talks([(staffed, staff, next(size for c, size, _k in made if c is staffed))], today, rng, [])
    town.outreach(list(grids.values()), {grid.id: officer for grid in grids.values()},
                  [(company, size) for company, size, _keen in made], today, rng)
    _locate_incidents(cells, today, random.Random(SECOND_SEED + 1))
    town.raw_reports(rng)
    _leads(officer, today, rng, secret.encode(), SECOND_LEADS)
    return hj


class _Bank:
    """What every town's history draws on: the question pool, each question's current version and
    its content, and how workers answer each question (the same flaws in every town)."""

    def __init__(self, pool: list[selection.Item], versions: dict[int, Any], contents: dict[int, dict],
                 quirks: _Quirks, topics: dict[int, int]):
        self.pool, self.versions, self.contents, self.quirks = pool, versions, contents, quirks
        self.topics = topics  # question -> topic, for the per-topic rollup


class _History:
    """How a town's quizzes go: its bank, its common sets and secret, how able its workers are,
    whether they answered the probe's first half before the 13 weeks (the baseline; a town without
    one began the quiz with the 13 weeks, and its companies warm up to it), and how each company's
    participation moved (`moves`, MOVES' shape)."""

    def __init__(self, bank: _Bank, commons: _Commons, secret: str, ability: tuple[float, float] = ABILITY,
                 baseline: bool = True, moves: dict[str, float] | None = None):
        self.bank, self.commons, self.secret, self.ability, self.baseline = bank, commons, secret, ability, baseline
        self.moves = MOVES if moves is None else moves


def _companies(rows: list[tuple[str, str, str, int, int, float]], grids: dict[str, Grid], history: _History,
               rng: random.Random, today: date, now: datetime, secrets: tuple[str, str, datetime]
               ) -> list[tuple[Company, int, float]]:
    """The companies of `rows` (COMPANIES' shape) with their rosters, their quizzes answer by answer
    (`history`) and the daily rollups counted from them; returns (company, workers, keenness)."""
    made = []
    for code, name, grid, size, per_quiz, keen in rows:
        company = Company(code=code, name=name, grid=grids[grid], questions_per_quiz=per_quiz, workdays="123456",
                          shifts=[Shift(name=s, starts_at=t) for s, t in SHIFT_STARTS],
                          # in quizapp since before the ledger and the probe's baseline
                          created_at=now - timedelta(days=max(OUTREACH_DAYS, BASELINE_DAYS) + 30))
        db.session.add(company)
        db.session.flush()
        employees = _roster(company, size, rng, secrets, today)
        _write_rollups(company, employees, _history(company, employees, keen, rng, today, now, history), today)
        made.append((company, size, keen))
    return made


class _Rollup:
    """One company's daily rollups, counted answer by answer as its history is drawn, the way
    rollups.service.rebuild_company_day counts them from the record: per day the finished official
    quizzes, their scores and questions, the first tries at the common set (a worker's first counted
    try at a question: no earlier day's), the "did you do it" answers; per day and topic the
    knowledge answers (the probe's too; not "did you do it")."""

    def __init__(self, topics: dict[int, int]):
        self.topics = topics  # question -> topic
        self.days: dict[date, list[int]] = {}  # completed, score_sum, question_sum, common_correct,
        # common_answered, behaviour_answered, behaviour_yes
        self.by_topic: dict[tuple[date, int], list[int]] = {}  # answered, correct

    def quiz(self, day: date, score: int, total: int) -> None:
        counts = self.days.setdefault(day, [0] * 7)
        counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + score, counts[2] + total

    def answer(self, day: date, qid: int, right: bool, common: bool, behaviour: bool, first: bool) -> None:
        counts = self.days.setdefault(day, [0] * 7)
        if behaviour:
            counts[5], counts[6] = counts[5] + 1, counts[6] + right
            return
        if common and first:
            counts[3], counts[4] = counts[3] + right, counts[4] + 1
        topic = self.by_topic.setdefault((day, self.topics[qid]), [0, 0])
        topic[0], topic[1] = topic[0] + 1, topic[1] + right


def _write_rollups(company: Company, employees: list[dict], rollup: _Rollup, today: date) -> None:
    """The company's CompanyDay row of every day of the history (as the nightly job leaves them,
    today's too) and of each earlier day some worker took a quiz, and its CompanyTopicDay rows.
    The headcount is the roster's workers started by the day (the demo's roster has no leavers)."""
    start = today - timedelta(days=HISTORY_DAYS)
    starts = sorted(person["since"] for person in employees)
    days = sorted(set(rollup.days) | {start + timedelta(days=offset) for offset in range(HISTORY_DAYS + 1)})
    rows = []
    for day in days:
        counts = rollup.days.get(day, [0] * 7)
        rows.append(dict(company_id=company.id, day=day, workday=metrics.is_workday(day, company.workdays),
                         headcount=bisect.bisect_right(starts, day), completed=counts[0], score_sum=counts[1],
                         question_sum=counts[2], common_correct=counts[3], common_answered=counts[4],
                         behaviour_answered=counts[5], behaviour_yes=counts[6], topics_built=True))
    _insert(CompanyDay, rows)
    _insert(CompanyTopicDay, [dict(company_id=company.id, day=day, topic_id=topic, answered=n, correct=right)
                              for (day, topic), (n, right) in sorted(rollup.by_topic.items())])


def _insert(model: Any, rows: list[dict], chunk: int = 5000) -> None:
    """Rows of `model`'s table (each with the same keys) in executemany batches, through Core: the
    ORM's bulk insert spends more on each row than the database does."""
    for first in range(0, len(rows), chunk):
        db.session.execute(model.__table__.insert(), rows[first:first + chunk])


# Workers' reports of the last three weeks: (company, days ago, channel, asked for, text, number or
# link, money lost, how many workers reported it). Numbers are from reserved test ranges.
LEADS = [
    ("dpt", 2, "sms", "install", "【人社局】您的2026年度技能补贴待领取，请点击链接填写银行卡信息办理",
     "http://rsj-butie.top/lq", False, 3),
    ("dpt", 5, "chat", "money", "兼职刷单，日结300元，先垫付100元做第一单，做完马上返还本金和佣金",
     "wxid_jianzhi888", True, 1),
    ("hlx", 1, "call", "code", "自称快递客服，说我的包裹丢了要理赔，让我报手机收到的验证码", "17000001234", False, 2),
    ("xtw", 9, "app", "money", "贷款App说我的账户填错被冻结，要先交解冻费2000元才能放款", "", True, 1),
    ("dsb", 4, "call", "personal", "冒充派出所民警，说我涉嫌洗钱，要我把身份证正反面拍照发过去", "0769-12345678",
     False, 1),
    ("lpx", 12, "sms", "install", "你的ETC已失效，请尽快登录 etc-renzheng.cn 重新认证，否则将停用", "etc-renzheng.cn",
     False, 2),
    ("ylf", 0, "chat", "money", "网上认识的“老乡”拉我进群投资，说稳赚不赔，让我下载一个理财App充值", "", False, 1),
]
SECOND_LEADS = [
    ("hjm", 6, "sms", "install", "【社保局】您的医保卡即将停用，请点击链接重新认证，逾期作废", "http://yb-renzheng.top",
     False, 2),
    ("hjc", 3, "call", "money", "自称网店客服，说我买的衣服质量有问题要双倍赔偿，让我下载会议软件共享屏幕",
     "17000005678", True, 1),
]


def _leads(officer: StaffUser, today: date, rng: random.Random, secret: bytes, rows: list | None = None) -> None:
    """A handful of workers' reports through the real use case, oldest first: some reported by
    several workers, two with money lost; the officer has reviewed one and dismissed none."""
    from quizapp.leads import service as leads
    from quizapp.rules.vocab import LeadAsk, LeadChannel

    companies = {c.code: c for c in db.session.scalars(select(Company))}
    made = []
    for code, days_ago, channel, asked, text_, contact, lost, reporters in sorted(rows or LEADS, key=lambda r: -r[1]):
        workers = list(db.session.scalars(select(Employee).where(Employee.company_id == companies[code].id)
                                          .order_by(Employee.id).limit(50)))
        for n, worker in enumerate(rng.sample(workers, reporters)):
            sent = leads.Sent(LeadChannel(channel), LeadAsk(asked), text_, contact, lost and n == 0)
            lead = leads.report(worker, sent, today - timedelta(days=days_ago + (reporters - 1 - n)), secret)
        made.append(lead)
    own = [lead for lead in made if lead.grid_id in {g.id for g in officer.grids}]
    if own:  # the officer has read the oldest of their grids'
        leads.mark_reviewed(officer, own[0], today)


# The demo grids' villages and communities (made up), which incidents may name as their place.
PLACES = {"xt-2": ["新塘村", "新塘社区", "新塘工业区"], "ds-3": ["大沙村", "大沙市场", "大沙新村"],
          "lp-1": ["连平村", "连平小学片区"]}


def _town_map(town: Town, grids: dict[str, Grid], places: dict[str, list[str]], cells: list[geography.Cell]
              ) -> dict[int, geography.Cell]:
    """The rest of the made-up town around the demo's grids (which take the middle cells): as many
    more grids as there are `cells` left (in the first town 122, with no company on quizapp yet),
    every grid's outline, and the demo grids' `places`. Returns each grid's cell by grid id."""
    for code, name in geography.grid_names(len(cells) - len(grids)):
        grids[code] = Grid(code=code, name=name, town_id=town.id)
        db.session.add(grids[code])
    db.session.flush()
    by_grid = {grid.id: cell for grid, cell in zip(grids.values(), cells, strict=True)}
    db.session.add_all(GridBoundary(grid_id=grid_id, geometry=cell.polygon) for grid_id, cell in by_grid.items())
    db.session.add_all(GridPlace(grid_id=grids[code].id, name=name) for code, names in places.items() for name in names)
    db.session.flush()
    return by_grid


def _locate_incidents(cells: dict[int, geography.Cell], today: date, rng: random.Random | None = None) -> None:
    """Where the town's incidents happened (the town of `cells`): most at a point inside their grid
    (some as a phone in AMap or WeChat gives it, in GCJ-02), some at one of the grid's places, a
    few unknown; and the town's other grids get some whole-grid records with a point, so the map
    is a town's."""
    from quizapp.incidents.rules import is_fraud_type

    rng = rng or random.Random(20260602)  # its own stream: the rest of the demo stays as it was
    known: dict[int, list[int]] = {}
    for place in db.session.scalars(select(GridPlace).where(GridPlace.grid_id.in_(cells))):
        known.setdefault(place.grid_id, []).append(place.id)
    for incident in db.session.scalars(select(Incident).where(Incident.grid_id.in_(cells)).order_by(Incident.id)):
        _place_it(incident, cells[incident.grid_id], known.get(incident.grid_id, []), rng)
    slugs = [s for s in db.session.scalars(select(Topic.slug).order_by(Topic.id)) if is_fraud_type(s)] or ["other"]
    this_month = today.replace(day=1)
    for grid_id, cell in cells.items():
        if grid_id in known or rng.random() > 0.4:
            continue
        keys = set()  # one record per grid, month and fraud type (incident's unique key, migration 0034)
        for _ in range(rng.randint(1, 3)):
            month = this_month
            for _back in range(rng.randrange(12)):
                month = (month - timedelta(days=1)).replace(day=1)
            cases = 1 + (rng.random() < 0.2)
            incident = Incident(grid_id=grid_id, company_id=None, month=month, fraud_type=rng.choice(slugs),
                                cases=cases, loss_yuan=Decimal(int(round(cases * rng.uniform(1500, 50000), -2))))
            _place_it(incident, cell, [], rng)
            if (month, incident.fraud_type) not in keys:
                keys.add((month, incident.fraud_type))
                db.session.add(incident)
    db.session.flush()


def _place_it(incident: Incident, cell: geography.Cell, place_ids: list[int], rng: random.Random) -> None:
    draw = rng.random()
    if place_ids and 0.6 <= draw < 0.85:
        incident.place_id = rng.choice(place_ids)
    elif draw < 0.85 or not place_ids:
        lon, lat = geography.point_in(cell, rng)
        if rng.random() < 0.3:  # read off AMap or WeChat: GCJ-02, stored as given
            lon, lat = (round(v, 6) for v in place_rules.wgs84_to_gcj02(lon, lat))
            incident.datum = "gcj02"
        else:
            incident.datum = "wgs84"
        incident.longitude, incident.latitude = Decimal(str(lon)), Decimal(str(lat))


# How often a company reported a fraud case in a month: last year, and since the pre-shift quiz
# began this year (the "three declines" the town wants to see), scaled by how lax the company is.
CASE_RATE_LAST_YEAR, CASE_RATE_THIS_YEAR = 0.45, 0.18
# The second town's: a smaller decline (its quiz began later).
SECOND_CASE_RATES = (0.42, 0.36)


def _oversight(officer: StaffUser, companies: list[tuple[Company, int, float]], today: date, now: datetime,
               rng: random.Random, describe_flag: Callable[[Flag], str],
               rates: tuple[float, float] = (CASE_RATE_LAST_YEAR, CASE_RATE_THIS_YEAR)) -> None:
    """Two years of monthly fraud incidents of `companies` (company, workers, keenness) at `rates`
    (a month's chance of a case, last year and this), and the supervision list of the officer's
    town as the nightly check and the officer would have left it: cases opened two weeks ago and
    today, one followed up, one closed."""
    from quizapp.incidents.rules import is_fraud_type
    from quizapp.supervision import service as supervision

    slugs = [s for s in db.session.scalars(select(Topic.slug).order_by(Topic.id)) if is_fraud_type(s)] or ["other"]
    common = [s for s in ("shuadan", "daikuan", "kefu", "youxi") if s in slugs] or slugs
    this_month = today.replace(day=1)
    for company, _size, keen in companies:
        lax = 1.6 - keen  # the keener the company, the fewer cases
        month = this_month
        for back in range(24):
            rate = (rates[1] if back < 12 else rates[0]) * lax
            if rng.random() < rate:
                cases = 1 + (rng.random() < 0.25)
                db.session.add(Incident(
                    grid_id=company.grid_id, company_id=company.id, month=month,
                    fraud_type=rng.choice(common if rng.random() < 0.7 else slugs), cases=cases,
                    loss_yuan=Decimal(int(round(cases * rng.uniform(1800, 60000), -2))), created_by=officer.id))
            month = (month - timedelta(days=1)).replace(day=1)
    db.session.flush()
    earlier = supervision.flag_companies(today - timedelta(days=14), now - timedelta(days=14), describe_flag,
                                         town_id=officer.town_id)
    if earlier:
        case = earlier[0]
        supervision.add_follow_up(officer, case, FollowUpKind.YUETAN, today - timedelta(days=12),
                                  "企业负责人、反诈专员", "约谈企业负责人，要求每班班前5分钟组织答题，由班组长督促。",
                                  "企业承诺两周内参与率提升到80%以上。", today,
                                  ("陈志强", "行政经理", "镇派出所会议室"))
        supervision.assign_case(officer, case, officer.id, today + timedelta(days=7), today)
        if len(earlier) > 1:
            supervision.add_follow_up(officer, earlier[-1], FollowUpKind.VISIT, today - timedelta(days=5),
                                      "人事主管", "走访车间，查看班前答题安排。", "班组长每日提醒。", today)
            supervision.close_case(officer, earlier[-1], "走访后参与率已回升，转入日常关注。",
                                   today - timedelta(days=2))
    supervision.flag_companies(today, now, describe_flag, town_id=officer.town_id)
    db.session.flush()


# The outreach ledger: five months of "五进五宣" as the town counts them (3,552 events reaching
# 180,000 people in five months over 125 grids: about 6 events a grid a week, some 50 people
# each), and each company's pre-shift talks, recorded once a week per shift by its staff.
OUTREACH_DAYS = 150
# kind: (events per grid per week, people reached from-to, places, speakers)
OUTREACH = {
    OutreachKind.COMMUNITY: (1.6, (30, 260),
                             ["新塘村文化广场", "大沙社区党群服务中心", "连平村委会礼堂", "岭南花园小区"],
                             ["社区民警李警官", "网格员陈敏", "反诈志愿者"]),
    OutreachKind.SCHOOL: (0.4, (150, 1400), ["大岭山第二小学", "新塘小学", "连平中学"],
                          ["反诈专班刘警官", "法治副校长"]),
    OutreachKind.MARKET: (0.8, (20, 140), ["大岭山农贸市场", "连平商业街", "新塘夜市"],
                          ["网格员陈敏", "市场管理员"]),
    OutreachKind.FAMILY: (1.2, (2, 12), ["新塘村三巷", "大沙村出租屋", "连平村六组"],
                          ["网格员陈敏", "楼栋长"]),
    OutreachKind.STALL: (0.7, (40, 380), ["大岭山广场", "连平公交站", "新塘村口"],
                         ["反诈志愿者", "社区民警李警官"]),
    OutreachKind.DOOR_TO_DOOR: (1.0, (8, 60), ["大沙村出租屋", "岭南花园小区", "新塘村二巷"],
                                ["网格员陈敏", "物业管家"]),
    OutreachKind.COMPANY_TALK: (0.5, (60, 600), ["厂区食堂", "员工宿舍", "生产车间"],
                                ["反诈专班刘警官", "社区民警李警官"]),
}
NOTES = ["刷单返利", "冒充客服退款", "虚假贷款", "冒充公检法", "游戏装备交易", "网络交友诱导投资", ""]


def _outreach(officers: dict[int, StaffUser], today: date, rng: random.Random) -> list[dict]:
    """Five months of outreach activities in each grid by its officer (the first town's places and
    speakers); returns the rows it wrote (the pre-shift talks come next, _preshift_talks)."""
    rows: list[dict] = []
    start = today - timedelta(days=OUTREACH_DAYS)
    for grid_id, officer in officers.items():
        for kind, (weekly, (low, high), places, speakers) in OUTREACH.items():
            for _ in range(round(weekly * OUTREACH_DAYS / 7 * rng.uniform(0.7, 1.3))):
                rows.append(dict(grid_id=grid_id, company_id=None, created_by=officer.id, kind=kind,
                                 day=start + timedelta(days=rng.randint(0, OUTREACH_DAYS)), place=rng.choice(places),
                                 speaker=rng.choice(speakers), people=rng.randint(low, high), note=rng.choice(NOTES)))
    return rows


def _preshift_talks(staffed: list[tuple[Company, StaffUser, int]], today: date, rng: random.Random,
                    rows: list[dict]) -> None:
    """Each company's weekly pre-shift talks by its staff (`staffed`: company, staff, workers; they
    count for the company's grid), written with the outreach `rows` drawn before them."""
    from quizapp.models import OutreachActivity

    for company, staff, size in staffed:
        shift_size = max(5, size // len(SHIFTS))
        for week in range(OUTREACH_DAYS // 7):
            for shift in SHIFTS:
                if rng.random() < 0.8:
                    rows.append(dict(grid_id=company.grid_id, company_id=company.id, created_by=staff.id,
                                     kind=OutreachKind.PRESHIFT, place=f"{shift}班前会",
                                     day=today - timedelta(days=7 * week + rng.randint(0, 5)),
                                     speaker=f"{company.name[:2]}反诈宣传员",
                                     people=round(shift_size * rng.uniform(0.7, 1.0)), note=rng.choice(NOTES)))
    db.session.execute(insert(OutreachActivity), rows)
    db.session.flush()


class _Quirks:
    """How simulated workers answer each question, so that the item analysis has something to find.

    Most questions: the abler the worker and the easier the question, the likelier a right answer,
    with one distractor more tempting than the others. A few, as in any real bank, are flawed:
    too easy (everyone right), misleading (stronger workers pick a wrong option more often), or
    with a distractor nobody would pick.
    """

    def __init__(self, difficulty: dict[int, int], rng: random.Random):
        self.difficulty = difficulty
        ids = sorted(difficulty)
        self.too_easy = set(rng.sample(ids, max(1, len(ids) // 25)))
        self.misleading = set(rng.sample(ids, max(1, len(ids) // 30)))
        self.dead_distractor = set(rng.sample(ids, max(1, len(ids) // 20)))

    def p_right(self, qid: int, ability: float) -> float:
        if qid in self.too_easy:
            return 0.995
        if qid in self.misleading:
            return 0.95 - 0.7 * ability
        return max(0.15, min(0.97, ability + 0.25 - 0.12 * self.difficulty[qid]))

    def wrong_option(self, qid: int, content: dict, rng: random.Random) -> int:
        wrong = [i for i in range(len(content["options"])) if i not in content["answer"]]
        weights = [3] + [1] * (len(wrong) - 1)  # the first distractor tempts most
        if qid in self.dead_distractor and len(wrong) > 2:
            weights[-1] = 0
        return rng.choices(wrong, weights)[0]


def _roster(company: Company, size: int, rng: random.Random, secrets: tuple[str, str, datetime],
            today: date) -> list[dict]:
    """Every tenth worker has no PIN yet and holds the demo's one-time code instead."""
    pin_hash, code_hash, code_expires = secrets
    teams = [f"{w}车间{g}组" for w in "一二三四" for g in "AB"][: max(2, min(8, size // 40))]
    rows = []
    for i in range(1, size + 1):
        joined = today - timedelta(days=rng.choice([400] * 9 + [rng.randint(1, HISTORY_DAYS)]))
        rows.append(dict(company_id=company.id, employee_no=f"{company.code.upper()}{i:05d}", name=_name(rng),
                         team=rng.choice(teams), shift=rng.choice(SHIFTS), active=True, active_from=joined,
                         created_at=datetime.combine(joined - timedelta(days=1), time()),
                         pin_hash=None if i % 10 == 3 else pin_hash,
                         setup_code_hash=code_hash if i % 10 == 3 else None,
                         setup_code_expires=code_expires if i % 10 == 3 else None))
    db.session.execute(insert(Employee), rows)
    ids = db.session.execute(select(Employee.id, Employee.employee_no, Employee.active_from, Employee.pin_hash)
                             .where(Employee.company_id == company.id)).all()
    return [dict(id=r[0], no=r[1], since=r[2], has_pin=r[3] is not None) for r in ids]


# The demo's learning, synthetic (docs/metrics.md, "The demo town's learning figures are synthetic"):
# a question met before is answered right more often, the more so the sooner it comes back (the
# feedback is remembered, then fades), and the probe's second half gains from the teaching, less
# the longer ago the worker's first half was.
FEEDBACK_GAIN, FEEDBACK_FADE_DAYS = 0.25, 20.0
PROBE_GAIN, PROBE_FADE_DAYS = 0.12, 400.0
# Share of a quiz's personal slots that go to a question the worker met before (a review).
REVIEW_SHARE = 0.4
# The probe's baseline: before the 13 weeks, each worker answered the first half of the probe in the
# official quizzes of a stretch that began `lag` days (their own, selection.probe_plan) before a day
# of the 13 weeks, plus up to BASELINE_SPREAD days; only those quizzes are recorded, so their second
# half falls due within the 13 weeks, on the dates the real rule gives. The longest reaches back:
BASELINE_SPREAD = 20
BASELINE_DAYS = HISTORY_DAYS + max(selection.PROBE_LAGS)
# One company whose workers pass the common questions on: those who start after the middle of the
# day (15:00 local) have often heard the answers from colleagues who finished earlier. The learning
# page's answer-sharing check should flag it, and only it.
SHARING_COMPANY, SHARED_ANSWERS = "hlx", 0.45
LATE_MINUTES = 8 * 60  # after 07:00 + 8 h


class _Commons(dict):
    """The town's common set by day (selection.common_set), computed when a day is first asked for."""

    def __init__(self, pool: list[selection.Item], secret: str):
        super().__init__()
        self.pool, self.secret = pool, secret

    def __missing__(self, day: date) -> list[int]:
        found = self[day] = selection.common_set(self.pool, day, self.secret)
        return found


def _p_learned(quirks: _Quirks, qid: int, ability: float, last_seen: date | None, day: date) -> float:
    """The chance of a right answer, raised by the feedback on an earlier try (fading with the days)."""
    p = quirks.p_right(qid, ability)
    if last_seen is not None:
        p += (1 - p) * FEEDBACK_GAIN * math.exp(-(day - last_seen).days / FEEDBACK_FADE_DAYS)
    return min(0.99, p)


def _history(company: Company, employees: list[dict], keen: float, rng: random.Random, today: date,
             now: datetime, town_history: _History) -> _Rollup:
    """Attempts and answers for the last 13 weeks and part of today, and each worker's probe baseline
    before them: reviews of questions met before, the probe in the last personal slot
    (selection.probe_item), a synthetic learning effect, and answer sharing in one company. The
    company's participation moves over the 13 weeks (`town_history.moves`), after warming up when
    the town began with them. Returns the daily rollups of every day someone took a quiz."""
    bank, commons, secret = town_history.bank, town_history.commons, town_history.secret
    pool, versions, contents, quirks = bank.pool, bank.versions, bank.contents, bank.quirks
    rollup = _Rollup(bank.topics)
    move = town_history.moves.get(company.code, 0.0)
    attempts: list[dict] = []
    answers: list[dict] = []
    by_id = {i.id: i for i in pool}
    teachable = [i for i in pool if not i.behaviour and not i.probe]
    probes = [i for i in pool if i.probe]  # the same halves as the whole pool gives, found faster
    halves = selection.probe_halves(probes)
    start = today - timedelta(days=HISTORY_DAYS)
    sharing = company.code == SHARING_COMPANY
    rests: dict[date, list[selection.Item]] = {}
    rest_ids: dict[date, set[int]] = {}
    next_attempt = (db.session.scalar(select(func.max(Attempt.id))) or 0) + 1
    for person in employees:
        if not person["has_pin"]:
            continue  # never signed in yet
        habit = rng.random()
        if habit < 0.3:
            base, fade = min(0.98, keen + 0.15), 0.0  # diligent
        elif habit < 0.75:
            base, fade = keen, 0.0  # regular
        elif habit < 0.92:
            base, fade = keen, 0.03  # lapsing: less each day of their lapse
        else:
            base, fade = 0.05, 0.0  # rarely
        ability = rng.uniform(*town_history.ability)
        lapse_at = rng.randint(0, HISTORY_DAYS + LAPSE_DAYS)  # days ago a lapsing worker's lapse began
        asked = selection.Learner()  # this worker's "did you do it" and probe answers so far
        plan = selection.probe_plan(f"e{person['id']}", secret)
        first_half, second_half = set(halves[plan.first_half]), set(halves[1 - plan.first_half])
        seen: dict[int, date] = {}  # question -> the day this worker last answered it
        tried: set[int] = set()  # the questions this worker answered on an earlier day (first tries)
        days = []
        if town_history.baseline:
            began = start - timedelta(days=plan.lag - rng.randint(0, BASELINE_SPREAD))
            days = [began + timedelta(days=d) for d in range((start - began).days)] if person["since"] <= began else []
        days += [start + timedelta(days=d) for d in range(HISTORY_DAYS + 1)]
        for day in days:
            offset = (today - day).days
            baseline = day < start
            if baseline and first_half <= asked.questions.keys():
                continue  # the baseline is over once the first half is answered
            if day < person["since"] or not metrics.is_workday(day, company.workdays):
                continue
            chance = base - fade * (lapse_at - offset) * 0.5 if 0 <= lapse_at - offset < LAPSE_DAYS else base
            if not baseline:  # how far the company has come since the history began, or since it began at all
                chance *= 1 - move * offset / HISTORY_DAYS
                if not town_history.baseline:
                    chance *= town.warm_up(HISTORY_DAYS - offset)
            if day.isoweekday() == 6:
                chance *= 0.7
            if offset == 0:
                chance *= 0.45  # today: the later shifts have not started yet
            if rng.random() > chance:
                continue
            picks = [(q, True) for q in commons[day]]
            taken = {q for q, _ in picks}
            families = {by_id[q].family for q in taken if by_id[q].family}
            probe = selection.probe_item(probes, asked, day, plan, halves)
            personal = company.questions_per_quiz - len(picks) - (probe is not None)
            if day not in rests:  # the same for every worker of the day: outside the common set and its families
                rests[day] = [i for i in teachable if i.id not in taken and (not i.family or i.family not in families)]
                rest_ids[day] = {i.id for i in rests[day]}
            rest = rests[day]
            met = [by_id[q] for q, last in seen.items() if last < day and q in rest_ids[day]]
            reviews = rng.sample(met, min(len(met), sum(rng.random() < REVIEW_SHARE for _ in range(personal))))
            for item in reviews + rng.sample(rest, personal):
                if len(picks) >= len(commons[day]) + personal or item.id in taken:
                    continue
                if item.family and item.family in families:
                    continue
                families.add(item.family)
                taken.add(item.id)
                picks.append((item.id, False))
            if probe is not None:
                picks.append((probe, False))
            slots = [(qid, common, False) for qid, common in picks]
            check = selection.behaviour_check(pool, asked, day)
            if check is not None:
                slots.append((check, False, True))
            minutes = rng.randint(0, 16 * 60)
            if offset == 0:
                started = now - timedelta(minutes=rng.randint(*town.minutes_ago_today(now, day)))
            else:  # 07:00-23:00 local time is 23:00 the day before to 15:00 UTC
                started = datetime.combine(day - timedelta(days=1), time(23, 0)) + timedelta(minutes=minutes)
            heard = sharing and offset > 0 and minutes >= LATE_MINUTES  # colleagues told them the common answers
            attempt_id = next_attempt
            next_attempt += 1
            score = common_correct = 0
            for position, (qid, common, behaviour) in enumerate(slots, start=1):
                content = contents[versions[qid]]
                if behaviour:
                    # The campaign works: more workers say "done" as the weeks go by.
                    right = rng.random() < min(0.9, max(0.1, 0.3 + 0.6 * (HISTORY_DAYS - offset) / HISTORY_DAYS))
                    asked.record(by_id[qid], right, day)
                elif by_id[qid].probe:
                    gain = 0.0
                    if qid in second_half:
                        gain = PROBE_GAIN * math.exp(-plan.lag / PROBE_FADE_DAYS)
                    right = rng.random() < min(0.99, quirks.p_right(qid, ability) + gain)
                    asked.record(by_id[qid], right, day)
                else:
                    p = _p_learned(quirks, qid, ability, seen.get(qid), day)
                    if common and heard:
                        p += (1 - p) * SHARED_ANSWERS
                    right = rng.random() < p
                    seen[qid] = day
                chosen = list(content["answer"]) if right else [quirks.wrong_option(qid, content, rng)]
                score += right and not behaviour
                common_correct += right and common
                rollup.answer(day, qid, right, common, behaviour, qid not in tried)
                answers.append(dict(attempt_id=attempt_id, local_date=day, position=position, question_id=qid,
                                    question_version_id=versions[qid], common=common, behaviour=behaviour,
                                    choice_order=selection.choice_order(len(content["options"]), content["type"],
                                                                        f"{person['id']}:{day}:{qid}"),
                                    chosen=chosen, correct=right,
                                    answered_at=started + timedelta(seconds=30 * position)))
            attempts.append(dict(id=attempt_id, employee_id=person["id"], company_id=company.id, local_date=day,
                                 kind=AttemptKind.OFFICIAL, official_date=day, started_at=started,
                                 deadline_at=started + timedelta(seconds=QUIZ_SECONDS),
                                 finished_at=started + timedelta(seconds=30 * len(slots)), expired=False,
                                 total=len(picks), slots=len(slots), answered=len(slots), score=score,
                                 common_total=sum(1 for _, c in picks if c), common_correct=common_correct))
            rollup.quiz(day, score, len(picks))
            tried.update(qid for qid, _common, behaviour in slots if not behaviour)
    _insert(Attempt, attempts)
    _insert(Answer, answers)
    if db.engine.dialect.name == "postgresql":
        # The attempts above carry their own ids; PostgreSQL's sequence does not see them, so move it
        # on, or the next attempt inserted without an id (the rest of the town, a worker) collides.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('attempt', 'id'), "
                                "(SELECT max(id) FROM attempt))"))
    return rollup


def _company_entries(base_url: str, codes: list[str]) -> list[dict[str, Any]]:
    """The companies of `codes` (each with a staff account): link, staff sign-in, first workers."""
    companies: list[dict[str, Any]] = []  # JSON for scripts/demo
    for company in db.session.scalars(select(Company).where(Company.code.in_(codes)).order_by(Company.id)):
        workers = db.session.scalars(select(Employee).where(Employee.company_id == company.id)
                                     .order_by(Employee.id).limit(3)).all()
        count = db.session.scalar(select(func.count(Employee.id)).where(Employee.company_id == company.id))
        companies.append({
            "code": company.code, "name": company.name, "workers_on_roster": count,
            "worker_url": f"{base_url}/c/{company.code}",
            "staff": {"username": f"staff-{company.code}", "password": DEMO_PASSWORD},
            "workers": [{"employee_no": w.employee_no, "name": w.name,
                         "pin": DEMO_PIN if w.pin_hash else None,
                         "first_time": w.pin_hash is None,
                         "code": DEMO_CODE if w.pin_hash is None else None} for w in workers],
        })
    return companies


def entry_info(base_url: str) -> dict:
    """Where to go and how to sign in, for each role and each demo company of the first town, and
    for the second town's accounts and staffed company."""
    # The first town's other companies, and all but one of the second's, have no staff account.
    companies = _company_entries(base_url, [code for code, *_rest in COMPANIES])
    login = f"{base_url}/login"
    first = companies[0]["staff"]["username"] if companies else None
    return {
        "base_url": base_url,
        "roles": {
            "worker": {"sign_in_url": companies[0]["worker_url"] if companies else None,
                       "how": "employee number + PIN (first time: employee number + the one-time code staff hand out, "
                              "then choose a PIN)"},
            Role.COMPANY_STAFF: {"sign_in_url": login, "username": first, "password": DEMO_PASSWORD},
            Role.GRID_OFFICER: {"sign_in_url": login, "username": "officer", "password": DEMO_PASSWORD},
            Role.TOWN_ADMIN: {"sign_in_url": login, "username": "admin", "password": DEMO_PASSWORD},
            Role.CITY_ADMIN: {"sign_in_url": login, "username": "city", "password": DEMO_PASSWORD},
        },
        "companies": companies,
        "second_town": {
            "code": SECOND_TOWN_CODE, "name": SECOND_TOWN_NAME,
            "roles": {
                Role.COMPANY_STAFF: {"sign_in_url": login, "username": f"staff-{SECOND_STAFFED}",
                                     "password": DEMO_PASSWORD},
                Role.GRID_OFFICER: {"sign_in_url": login, "username": SECOND_OFFICER, "password": DEMO_PASSWORD},
                Role.TOWN_ADMIN: {"sign_in_url": login, "username": SECOND_ADMIN, "password": DEMO_PASSWORD},
            },
            "companies": _company_entries(base_url, [SECOND_STAFFED]),
        },
    }


def _company_lines(companies: list[dict]) -> list[str]:
    lines = []
    for c in companies:
        worker = next((w for w in c["workers"] if w["pin"]), None)
        first = next((w for w in c["workers"] if w["first_time"]), None)
        hint = f"employee no. {worker['employee_no']} PIN {worker['pin']}" if worker else ""
        if first:
            hint += f"; first time: {first['employee_no']} code {first['code']}"
        lines.append(f"  {c['name']} ({c['workers_on_roster']} workers)  {c['worker_url']}  {hint}")
    return lines


def describe(info: dict) -> str:
    lines = [f"quizapp demo is ready at {info['base_url']}", ""]
    for role in Role:
        r = info["roles"][role]
        lines.append(f"  {role:14} {r['sign_in_url']}  user {r['username']}  password {r['password']}")
    lines.append("")
    lines.append("  Workers scan their company's QR code; in the demo, open a company link:")
    lines += _company_lines(info["companies"])
    second = info["second_town"]
    lines += ["", f"  The city's second town, {second['name']} (its own accounts see only it):"]
    for role, r in second["roles"].items():
        lines.append(f"  {role:14} {r['sign_in_url']}  user {r['username']}  password {r['password']}")
    lines += _company_lines(second["companies"])
    return "\n".join(lines)

"""make_* factories: small, explicit test data built through the same services the app uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from werkzeug.security import generate_password_hash

from quizapp.bank.rules.checker import Bank, parse_file
from quizapp.bank.service import load_bank
from quizapp.extensions import db
from quizapp.models import Attempt, City, Company, Employee, Grid, Incident, StaffUser
from quizapp.models import Town as TownRow  # `Town` below is the `town` fixture's ids
from quizapp.quiz import service as quiz
from quizapp.signin.service import hash_pin

PASSWORD = "correct horse battery"
PIN = "2468"
ON_ROSTER_SINCE = datetime(2000, 1, 1)  # when make_employee puts a worker on the roster by default
LESSON_ZH = "这是一张课堂卡片。" * 20  # 180 characters: within a lesson card's 150-300
# Every topic header carries a lesson card (a header without one is a problem): an icon, 3 red flags, the rule.
CARD_LINES = ["icon: gift", "flag.zh: 陌生人要你先转钱", "flag.zh: 对方催你快点办", "flag.zh: 让你别告诉别人",
              "flag.en: A stranger wants money first", "flag.en: They rush you", "flag.en: They say keep it quiet",
              "remember.zh: 先核实，再转钱。", "remember.en: Check before you pay."]


# Each distinct password and PIN is hashed once per test session: a staff password's scrypt hash
# takes about 0.17 s, and a town has four accounts. The hashes are the app's own (the same method
# and cost as StaffUser.set_password and signin.hash_pin), so signing in through the real pages
# checks them as it would in production; accounts created through the app still hash each time.
@cache
def password_hash(password: str) -> str:
    return generate_password_hash(password)


@cache
def pin_hash(pin: str) -> str:
    return hash_pin(pin)


def _words(seed: str, n: int = 16) -> str:
    """Distinct filler text per question, so that no two stems look like near-duplicates."""
    import hashlib

    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(chr(0x4E00 + (digest[i % 32] * 97 + i * 131) % 0x4000) for i in range(n))


def bank_text(topic: str, count: int, common_every: int = 3, family_pairs: bool = True) -> str:
    """A valid bank file: `count` single-choice questions (answer B); every third is common and
    shares a family with the next one."""
    lines = [f"topic: {topic}", f"name.zh: 主题{topic}", f"name.en: Topic {topic}",
             f"lesson.zh: {LESSON_ZH}", f"lesson.en: Lesson card for {topic}.", *CARD_LINES, ""]
    for i in range(1, count + 1):
        common = i % common_every == 1
        lines += [f"=== {topic}-{i:03d}", "type: single", f"difficulty: {1 + i % 3}",
                  f"common: {'yes' if common else 'no'}"]
        point = f"{topic}-{i}"  # the point the item tells: its rule says it (one rule per family)
        if family_pairs and i % common_every in (1, 2 % common_every):
            point = f"{topic}-pair{(i - 1) // common_every}"
            lines.append(f"family: {point}")
        lines += [f"stem.zh: {topic}第{i}题{_words(topic + str(i))}：你应该？",
                  f"stem.en: {topic} question {i}: what do you do?",
                  "A.zh: 照对方说的做", "A.en: Do as they say", "B.zh: 挂断并核实", "B.en: Hang up and check",
                  "C.zh: 先转一小笔试试", "C.en: Send a small amount first", "answer: B",
                  "explain.zh: 因为这是诈骗。", "explain.en: Because it is a scam.",
                  f"rule.zh: {_words('rule' + point, 6)}，先核实。", "rule.en: Check before you act.", ""]
    return "\n".join(lines)


def line_of(text: str, line: str) -> int:
    """The 1-based number of the first line of `text` that is exactly `line` (as the checker reports it)."""
    return text.splitlines().index(line) + 1


def small_bank(topics=("alpha", "beta", "gamma", "delta"), per_topic: int = 6) -> Bank:
    bank = Bank()
    for topic in topics:
        parse_file(f"{topic}.txt", bank_text(topic, per_topic), bank)
    assert not bank.problems, bank.problems
    return bank


def load_small_bank(**kwargs) -> Bank:
    bank = small_bank(**kwargs)
    load_bank(bank)
    db.session.commit()
    return bank


def make_city(name: str = "东莞市") -> City:
    """The city (an installation has one): the one there is, else a new one."""
    city = db.session.scalar(db.select(City).order_by(City.id).limit(1))
    if city is None:
        city = City(name=name)
        db.session.add(city)
        db.session.flush()
    return city


def make_town_row(code: str = "dls", name: str = "大岭山镇") -> TownRow:
    """A town of the city (the `town` fixture's is "dls"); `first_town()` for the one most tests use."""
    town = TownRow(city_id=make_city().id, code=code, name=name)
    db.session.add(town)
    db.session.flush()
    return town


def first_town() -> TownRow:
    """The first town, made when there is none: where make_grid and make_staff put things by default."""
    return db.session.scalar(db.select(TownRow).order_by(TownRow.id).limit(1)) or make_town_row()


def make_grid(code: str = "g1", name: str = "网格一", town: TownRow | None = None) -> Grid:
    grid = Grid(code=code, name=name, town_id=(town or first_town()).id)
    db.session.add(grid)
    db.session.flush()
    return grid


def make_company(grid: Grid, code: str = "acme", name: str = "示范工厂", per_quiz: int = 5,
                 workdays: str = "123456", added: datetime = ON_ROSTER_SINCE) -> Company:
    """A company registered at `added` (by default long before any day a test reads: a period
    counts only the companies registered by its end, scope.companies_counted_between)."""
    company = Company(code=code, name=name, grid_id=grid.id, questions_per_quiz=per_quiz, workdays=workdays,
                      created_at=added)
    db.session.add(company)
    db.session.flush()
    return company


def make_employee(company: Company, no: str = "E001", name: str = "王小明", pin: str | None = PIN,
                  team: str = "一车间", shift: str = "早班", active: bool = True,
                  added: datetime = ON_ROSTER_SINCE) -> Employee:
    """A worker put on the roster at `added` (by default long before any day a test reads)."""
    employee = Employee(company_id=company.id, employee_no=no, name=name, team=team, shift=shift, active=active,
                        pin_hash=pin_hash(pin) if pin else None, created_at=added)
    db.session.add(employee)
    db.session.flush()
    return employee


def make_staff(username: str, role: str, company: Company | None = None, grids=(),
               town: TownRow | None = None) -> StaffUser:
    """A staff account in `town`: by default its company's or grids' town, else the first town; the
    city admin's in none."""
    grids = list(grids)
    if role == "city_admin":
        town_id = None
    elif town is not None:
        town_id = town.id
    elif company is not None:
        town_id = db.session.get_one(Grid, company.grid_id).town_id
    elif grids:
        town_id = grids[0].town_id
    else:
        town_id = first_town().id
    user = StaffUser(username=username, display_name=username, role=role, town_id=town_id,
                     company_id=company.id if company else None, grids=grids,
                     password_hash=password_hash(PASSWORD))
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class Town:
    """Ids only: tests open their own app contexts and sessions."""

    company_a: int
    company_b: int
    code_a: str
    code_b: str
    worker_a: int
    worker_b: int
    worker_a_no: str
    worker_b_no: str


def make_town() -> Town:
    g1, g2 = make_grid("g1", "网格一"), make_grid("g2", "网格二")
    a = make_company(g1, "acme", "甲厂")
    b = make_company(g2, "bolt", "乙厂")
    wa = make_employee(a, "A001", "王小明")
    wb = make_employee(b, "B001", "李小红")
    make_employee(a, "A002", "张新来", pin=None)
    make_staff("staff-a", "company_staff", company=a)
    make_staff("staff-b", "company_staff", company=b)
    make_staff("officer-1", "grid_officer", grids=[g1])
    make_staff("admin", "town_admin")
    db.session.commit()
    return Town(a.id, b.id, a.code, b.code, wa.id, wb.id, wa.employee_no, wb.employee_no)


def behaviour_block(qid: str) -> str:
    """A "did you do it" item (answer A = done) to append to a bank file."""
    return "\n".join([
        f"=== {qid}", "kind: behaviour", "type: single", "difficulty: 1",
        f"stem.zh: 你装好反诈App了吗？{_words(qid, 6)}", "stem.en: Have you installed the anti-fraud app?",
        "A.zh: 装好了", "A.en: Yes", "B.zh: 还没有", "B.en: Not yet", "answer: A",
        "explain.zh: 从官方应用商店安装。", "explain.en: Install it from the official store.",
        "rule.zh: 装好反诈App。", "rule.en: Install the anti-fraud app.", ""])


def right_choice(slot) -> list[int]:
    """The display positions of the correct options (the worker sees a shuffled order)."""
    return [pos for pos, idx in enumerate(slot.choice_order) if idx in slot.version.content["answer"]]


def wrong_choice(slot) -> list[int]:
    return [next(pos for pos, idx in enumerate(slot.choice_order) if idx not in slot.version.content["answer"])]


def take_quiz(employee: Employee, day: date, wrong_topics=(), wrong: int = 0, kind: str = "official",
              finish: bool = True) -> Attempt:
    """Take a quiz through the real services on `day`: wrong on `wrong_topics` and on the first
    `wrong` other questions, right on the rest (all unanswered when finish is False)."""
    now = datetime.combine(day, time(0, 30)) + (timedelta(hours=2) if kind == "practice" else timedelta())
    attempt = quiz.start_attempt(employee, kind, day, now, "test-town")
    for slot in list(attempt.answers) if finish else []:
        miss = slot.question.topic.slug in wrong_topics or slot.position <= wrong
        quiz.record_answer(employee, attempt.id, slot.position, wrong_choice(slot) if miss else right_choice(slot),
                           now + timedelta(seconds=10 * slot.position), day)
    db.session.commit()
    return attempt


def make_activity(grid_id: int, day: date, people: int = 50, kind: str = "community", company_id: int | None = None,
                  place: str = "新塘村文化广场", speaker: str = "李警官", created_by: int | None = None,
                  photo: str | None = None):
    """An outreach activity stored as it is (outreach.service checks what a person records)."""
    from quizapp.models import OutreachActivity

    activity = OutreachActivity(grid_id=grid_id, company_id=company_id, day=day, kind=kind, place=place,
                                speaker=speaker, people=people, note="", created_by=created_by, photo=photo)
    db.session.add(activity)
    db.session.flush()
    return activity


def make_incident(grid_id: int, month: date, cases: int = 1, company_id: int | None = None,
                  fraud_type: str = "alpha", loss_yuan: str = "0", raw_reports: int = 0):
    """An incident record of a grid (or one of its companies) for a month, stored as it is
    (incidents.service checks what an officer records)."""
    incident = Incident(grid_id=grid_id, company_id=company_id, month=month.replace(day=1), fraud_type=fraud_type,
                        cases=cases, loss_yuan=Decimal(loss_yuan), raw_reports=raw_reports)
    db.session.add(incident)
    db.session.flush()
    return incident


LEAD_SECRET = b"test-secret"  # the test app's SECRET_KEY, as the leads views pass it


def make_lead(worker: Employee, text: str = "您的快递丢失，加微信领取理赔", channel: str = "sms",
              asked_for: str = "money", contact: str = "13812345678", money_lost: bool = False,
              day: date | None = None):
    """A worker's report of a scam, through the real use case (leads.service.report)."""
    from quizapp.clock import local_today
    from quizapp.leads import service as leads
    from quizapp.rules.vocab import LeadAsk, LeadChannel

    sent = leads.Sent(LeadChannel(channel), LeadAsk(asked_for), text, contact, money_lost)
    return leads.report(worker, sent, day or local_today(), LEAD_SECRET)

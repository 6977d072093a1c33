"""本周警情 as pure rules: an alert's draft checked by the question bank's own rules, each problem
at the form field it belongs to; an alert's state on a day; which question of an alert a worker
gets; the WeChat paste text; the reach figures with small companies folded into their grid.

Used by alerts.service (drafting, publishing, the quiz's alert slot, reach) and its views. The
draft is written out in the bank's file format (question_bank/README.md) and read back by
quizapp/bank/rules/checker.py, so an alert meets exactly the bank's rules: lengths, safe numbers
and links, the scene's format, the answer's form; and the answer cues of quizapp/bank/rules/cues.py
(a key that is the only option with a safety word, or much longer than the rest). No Flask, no
SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from quizapp.bank.rules import checker, cues
from quizapp.rules.metrics import share
from quizapp.rules.vocab import AlertStatus

DEFAULT_DAYS = 14  # an alert stays in the quiz two weeks unless its drafter says otherwise
MAX_DAYS = 90
MAX_QUESTIONS = 3
OPTION_LETTERS = "ABCD"  # the form offers four options (the bank allows up to six)
TITLE_MAX = 100
# Companies with fewer workers than this are never named in reach figures: they are added up as
# "smaller companies" of their grid (the same threshold as the workers' reports in issue 15).
SMALL_COMPANY = 20
TOPIC = "alert"  # the topic slug the draft is checked under (never stored)


@dataclass(frozen=True)
class DraftQuestion:
    """One question as drafted: `options` in letter order (blank ones left out), the answer as the
    bank writes it ("B", "A,C", "true")."""

    type: str
    stem: dict[str, str]
    options: list[dict[str, str]]
    answer: str
    explain: dict[str, str]
    rule: dict[str, str]

    def as_dict(self) -> dict:
        return {"type": self.type, "stem": self.stem, "options": self.options, "answer": self.answer,
                "explain": self.explain, "rule": self.rule}

    @classmethod
    def from_dict(cls, data: dict) -> DraftQuestion:
        return cls(type=data["type"], stem=data["stem"], options=data["options"], answer=data["answer"],
                   explain=data["explain"], rule=data["rule"])


@dataclass(frozen=True)
class Draft:
    """An alert as its drafter wrote it. `scene_lines` holds each language's lines as written
    ("them: …", "me: …", "note: …"). With `chinese_only`, English texts are left empty."""

    title: str
    chinese_only: bool
    scene_kind: str
    scene_title: dict[str, str]
    scene_lines: dict[str, list[str]]
    lesson: dict[str, str]
    questions: list[DraftQuestion]

    def scene(self) -> dict:
        return {"kind": self.scene_kind, "title": self.scene_title, "lines": self.scene_lines}


@dataclass(frozen=True)
class FieldProblem:
    """A problem with the draft: the form field it is shown at, a code (alerts.wording) and its data."""

    field: str
    code: str
    data: dict = dataclasses.field(default_factory=dict)


def default_expiry(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS)


def one_line(text: str, lang: str) -> str:
    """A text box's text as one line of the bank's format: Chinese lines joined as they are,
    English ones with a space."""
    parts = [part.strip() for part in (text or "").splitlines() if part.strip()]
    return ("" if lang == "zh" else " ").join(parts)


def lines_of(text: str) -> list[str]:
    """A scene box's lines, blank ones left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def normal_answer(text: str) -> str:
    """The answer as the bank writes it: letters upper case, commas (Chinese ones too) between
    them; 对/错 and yes/no read as true/false."""
    raw = (text or "").strip().replace("，", ",").replace("、", ",").replace(" ", "")
    words = {"对": "true", "错": "false", "true": "true", "false": "false", "正确": "true", "错误": "false"}
    if raw.lower() in words or raw in words:
        return words.get(raw.lower(), words.get(raw, raw))
    return ",".join(part.upper() for part in raw.split(",") if part)


# --- the draft in the bank's format, and the problems back at their fields ----------------------


class _Writer:
    """The bank text, with each line's form field and each block's keys' fields."""

    def __init__(self, chinese_only: bool) -> None:
        self.chinese_only = chinese_only
        self.lines: list[str] = []
        self.fields: dict[int, str] = {}  # line number -> field
        self.block_keys: dict[int, dict[str, str]] = {}  # a block's first line -> key -> field
        self.block_field: dict[int, str] = {}  # a block's first line -> the field a block-wide problem goes to
        self._block = 0

    def block(self, opener: str, default_field: str) -> None:
        self.lines.append(opener)
        self._block = len(self.lines)
        self.block_keys[self._block] = {}
        self.block_field[self._block] = default_field
        self.fields[self._block] = default_field

    def put(self, key: str, value: str, field_name: str) -> None:
        """One `key: value` line; a blank value is left out (the checker reports it missing)."""
        self.block_keys[self._block][key] = field_name
        if value.strip():
            self.lines.append(f"{key}: {value.strip()}")
            self.fields[len(self.lines)] = field_name

    def pair(self, key: str, values: dict[str, str], field_name: str) -> None:
        """`key.zh` and `key.en`; a Chinese-only draft is checked with its Chinese in both, and an
        English problem is then shown at the Chinese field."""
        zh = values.get("zh", "")
        self.put(f"{key}.zh", zh, f"{field_name}_zh")
        english_field = f"{field_name}_zh" if self.chinese_only else f"{field_name}_en"
        self.put(f"{key}.en", zh if self.chinese_only else values.get("en", ""), english_field)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _write(draft: Draft) -> _Writer:
    writer = _Writer(draft.chinese_only)
    writer.block(f"topic: {TOPIC}", "title")
    writer.put("name.zh", draft.title, "title")
    writer.put("name.en", draft.title, "title")
    writer.pair("lesson", {k: one_line(v, k) for k, v in draft.lesson.items()}, "lesson")
    for number, question in enumerate(draft.questions, start=1):
        q = f"q{number}"
        writer.block(f"=== {TOPIC}-{number}", f"{q}_type")
        writer.put("type", question.type, f"{q}_type")
        writer.put("difficulty", "2", f"{q}_type")
        writer.put("family", TOPIC, f"{q}_type")
        if number == 1:  # the scene is the alert's, checked once
            writer.put("scene", draft.scene_kind, "scene_kind")
            if any(draft.scene_title.get(lang, "").strip() for lang in checker.LANGS):
                writer.pair("scene.title", draft.scene_title, "scene_title")
            for lang in checker.LANGS:
                source = "zh" if draft.chinese_only else lang
                target = "scene_zh" if draft.chinese_only else f"scene_{lang}"
                writer.block_keys[writer._block][f"scene.{lang}"] = target
                for line in draft.scene_lines.get(source, []):
                    writer.lines.append(f"scene.{lang}: {line}")
                    writer.fields[len(writer.lines)] = target
        writer.pair("stem", question.stem, f"{q}_stem")
        for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
            writer.pair(letter, option, f"{q}_{letter.lower()}")
        writer.put("answer", question.answer, f"{q}_answer")
        writer.pair("explain", question.explain, f"{q}_explain")
        writer.pair("rule", question.rule, f"{q}_rule")
    return writer


# How the checker's messages read, and the code each becomes (alerts.wording words them).
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"lesson\.zh is (?P<length>\d+) characters; a lesson card is (?P<low>\d+)-(?P<high>\d+)"),
     "alerts.lesson_length"),
    (re.compile(r"is (?P<length>\d+) characters, longer than (?P<limit>\d+)"), "alerts.too_long"),
    (re.compile(r"writes out a mobile number"), "alerts.mobile_number"),
    (re.compile(r"links to '(?P<host>[^']*)'"), "alerts.unsafe_link"),
    (re.compile(r"missing '|is empty"), "alerts.missing"),
    (re.compile(r"scene line must start with"), "alerts.scene_speaker"),
    (re.compile(r"(?P<zh>\d+) scene\.zh lines but (?P<en>\d+) scene\.en lines"), "alerts.scene_lines_differ"),
    (re.compile(r"speaker .* differs from"), "alerts.scene_speakers_differ"),
    (re.compile(r"scene needs scene\.zh and scene\.en"), "alerts.scene_needed"),
    (re.compile(r"scene\.title needs both"), "alerts.scene_title_both"),
    (re.compile(r"unknown scene"), "alerts.scene_kind"),
    (re.compile(r"already tells the worker to choose all"), "alerts.multiple_hint"),
    (re.compile(r"needs at least 2 options"), "alerts.two_options"),
    (re.compile(r"lettered in order"), "alerts.options_in_order"),
    (re.compile(r"has no (zh|en) text"), "alerts.missing"),
    (re.compile(r"a truefalse question has no options"), "alerts.truefalse_options"),
    (re.compile(r"a truefalse answer is"), "alerts.truefalse_answer"),
    (re.compile(r"points at no option"), "alerts.answer_unknown"),
    (re.compile(r"given twice"), "alerts.answer_unknown"),
    (re.compile(r"exactly one correct option"), "alerts.answer_single"),
    (re.compile(r"needs at least one wrong option"), "alerts.answer_all"),
    (re.compile(r"unknown type"), "alerts.question_type"),
    (re.compile(r"only options? with a safety word \((?P<words>[^)]*)\)"), "alerts.cue_safety_word"),
    (re.compile(r"the key is (?P<length>\d+) characters, (?P<times>[\d.]+)x the longest other option"),
     "alerts.cue_longest"),
]
_QUOTED_KEY = re.compile(r"'([A-Za-z.]+)'")


def _classify(message: str) -> tuple[str, dict]:
    for pattern, code in _PATTERNS:
        found = pattern.search(message)
        if found:
            return code, {k: v for k, v in found.groupdict().items() if v is not None}
    return "alerts.bank_rule", {"message": message}


def _field_of(problem: checker.Problem, writer: _Writer) -> str:
    """The field a checker problem is shown at: its line's, or for a problem reported at a block's
    first line (a missing key, the options), the key it names or the block's own field."""
    if problem.line in writer.block_keys:
        keys = writer.block_keys[problem.line]
        named = _QUOTED_KEY.findall(problem.message)
        for key in named:
            if key in keys:
                return keys[key]
        option = re.search(r"option ([A-F]) has no", problem.message)
        if option and f"{option.group(1)}.zh" in keys:
            return keys[f"{option.group(1)}.zh"]
        return writer.block_field[problem.line]
    return writer.fields.get(problem.line, "title")


def check(draft: Draft) -> list[FieldProblem]:
    """Every problem with the draft, each at its field, by the bank's own rules (lengths, safe
    numbers and links, the scene, the options and answer, a 150-300 character lesson) and answer
    cues; and the alert's own: a title, one to three questions, English for every text unless the
    alert is marked Chinese only. Reported once per field and kind."""
    problems: list[FieldProblem] = []
    if not draft.title.strip():
        problems.append(FieldProblem("title", "alerts.missing"))
    elif len(draft.title) > TITLE_MAX:
        problems.append(FieldProblem("title", "alerts.too_long", {"length": len(draft.title), "limit": TITLE_MAX}))
    if not draft.questions:
        problems.append(FieldProblem("q1_stem_zh", "alerts.question_needed"))
    writer = _write(draft)
    bank = checker.parse_file("alert", writer.text(), card=False)
    found = list(bank.problems)
    if not found:
        found = cues.item_warnings(bank)
    for bank_problem in found:
        code, data = _classify(bank_problem.message)
        at = _field_of(bank_problem, writer)
        if code.startswith("alerts.cue_"):  # a cue is fixed by rewording the options: shown at the answer
            at = at.replace("_type", "_answer")
        problems.append(FieldProblem(at, code, data))
    unique: list[FieldProblem] = []
    seen = set()
    for found_problem in problems:
        if (found_problem.field, found_problem.code) not in seen:
            seen.add((found_problem.field, found_problem.code))
            unique.append(found_problem)
    return unique


def contents(draft: Draft) -> list[dict]:
    """Each question's worker-visible content, as a bank question version holds it (with the
    alert's scene), for a draft that passed `check`. A Chinese-only alert shows its Chinese to
    English readers too."""
    bank = checker.parse_file("alert", _write(draft).text(), card=False)
    if bank.problems:
        raise ValueError("contents() of a draft with problems")
    return [bank.questions[f"{TOPIC}-{number}"].content() for number in range(1, len(draft.questions) + 1)]


# --- state, the worker's question, the paste text ------------------------------------------------

LIVE, EXPIRED, DRAFTED, WITHDRAWN = "live", "expired", "draft", "withdrawn"


def state(status: AlertStatus, published_on: date | None, expires_on: date, today: date) -> str:
    """What an alert is on `today`: a draft, withdrawn, live (published and not past its expiry
    date, which is its last day in the quiz) or expired."""
    if status == AlertStatus.DRAFT:
        return DRAFTED
    if status == AlertStatus.WITHDRAWN:
        return WITHDRAWN
    return LIVE if today <= expires_on else EXPIRED


def expiry_problem(expires_on: date | None, today: date) -> str | None:
    """An expiry date is today or later, at most MAX_DAYS ahead."""
    if expires_on is None:
        return "alerts.missing"
    if expires_on < today:
        return "alerts.expiry_past"
    if expires_on > today + timedelta(days=MAX_DAYS):
        return "alerts.expiry_too_far"
    return None


def variant_for(worker_id: int, alert_id: int, count: int) -> int:
    """Which of an alert's `count` questions a worker gets (0-based): spread evenly over the
    workers, so the variants are compared on like groups and a team passing one answer round a chat
    group passes the wrong one to half of it."""
    return (worker_id * 7919 + alert_id) % max(count, 1)


def next_alert(candidates: Iterable[tuple[int, date]], answered: set[int]) -> int | None:
    """The alert a worker's next quiz carries: of the live alerts targeting their grid
    (id, published on), the earliest published they have not answered yet."""
    waiting = sorted((published, alert_id) for alert_id, published in candidates if alert_id not in answered)
    return waiting[0][1] if waiting else None


def paste_text(heading: str, title: str, lesson: str, rule: str, link: str) -> str:
    """The text staff paste into a team's WeChat group: 【本周警情】 and the title, the lesson, the
    rule to remember, then the quiz link."""
    return "\n".join(part for part in (f"{heading}{title}", lesson, rule, link) if part)


# --- reach ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    """Workers who answered the alert's question and how many got it right the first time, for
    one company, or for the small companies of a grid added up (company None)."""

    grid: str
    company: str | None
    workers: int
    right: int
    active_workers: int = 0

    @property
    def accuracy(self) -> float | None:
        return share(self.right, self.workers)


@dataclass(frozen=True)
class CompanyReach:
    grid: str
    company: str
    active_workers: int
    workers: int
    right: int


def fold_small(rows: Iterable[CompanyReach]) -> tuple[list[ReachRow], list[ReachRow], ReachRow]:
    """The reach table: companies of SMALL_COMPANY workers or more by name, smaller ones added up
    per grid (never named, so a handful of workers is never a company's figure); the grids'
    totals; and the whole."""
    named: list[ReachRow] = []
    small: dict[str, list[int]] = {}
    grids: dict[str, list[int]] = {}
    for row in rows:
        total = grids.setdefault(row.grid, [0, 0, 0])
        total[0] += row.workers
        total[1] += row.right
        total[2] += row.active_workers
        if row.active_workers >= SMALL_COMPANY:
            named.append(ReachRow(row.grid, row.company, row.workers, row.right, row.active_workers))
        else:
            folded = small.setdefault(row.grid, [0, 0, 0])
            folded[0] += row.workers
            folded[1] += row.right
            folded[2] += row.active_workers
    companies = sorted(named, key=lambda r: (r.grid, r.company or "")) + [
        ReachRow(grid, None, w, r, a) for grid, (w, r, a) in sorted(small.items())]
    by_grid = [ReachRow(grid, None, w, r, a) for grid, (w, r, a) in sorted(grids.items())]
    whole = ReachRow("", None, sum(r.workers for r in by_grid), sum(r.right for r in by_grid),
                     sum(r.active_workers for r in by_grid))
    return companies, by_grid, whole

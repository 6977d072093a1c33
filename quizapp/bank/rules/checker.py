"""Question-bank files: parsing and checking.

Used by `quizapp bank check` / `bank load` and by the tests. Owns the file format documented in
question_bank/README.md. Pure: text in, dataclasses and a list of problems out, so every problem
can be reported at once as `file:line: message`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from quizapp.rules.vocab import QuestionKind, QuestionType, parse

LANGS = ("zh", "en")
SCENES = ("sms", "wechat", "call", "payment")
SPEAKERS = ("them", "me", "note")
LETTERS = "ABCDEF"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# Longest text that still reads well on a 360 px phone screen (zh characters, en characters).
LIMITS = {
    "stem": (120, 300),
    "option": (40, 120),
    "scene": (80, 200),
    "explain": (200, 500),
    "rule": (40, 120),
}
LESSON_ZH = (150, 300)
# A true/false explanation that opens with a bare 对/错 (True/False) sits right under the verdict on
# the worker's answer: "答对了！ 错。…" reads as if the app contradicted itself.
BARE_VERDICT = {"zh": re.compile(r"^(对|错|不对|正确|错误)[。，！,.!]"),
                "en": re.compile(r"^(True|False|Right|Wrong|Correct|Incorrect)\b[.,:!]")}

# Chinese text takes full-width punctuation (shared/design/CONVENTIONS.md): on the worker's phone an
# ASCII "…" or a half-width , ; : ? ! ( ) against Chinese characters is a typo. ASCII stays where the
# text around it is not Chinese: a link, 1,500.00, 3.5, QQ/微信号, a scene line's `them:`.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”]")
URL = re.compile(r"(?:https?://|www\.)[!-~]+")

# A written-out mainland mobile number could belong to someone; examples must be masked.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LINK = re.compile(r"(?:https?://|www\.)([A-Za-z0-9.-]+)", re.IGNORECASE)
SAFE_TLDS = (".example", ".invalid", ".test")

TOPIC_KEYS = {"topic", "name.zh", "name.en", "lesson.zh", "lesson.en", "icon", "remember.zh", "remember.en"}
# The lesson card a worker reads in under a minute after the quiz: 3-5 red flags, the one rule to
# remember, and the topic's icon (static/icons/<icon>.svg). Lengths in zh and en characters.
FLAGS = (3, 5)
FLAG_LIMITS = (30, 90)
REMEMBER_LIMITS = (40, 120)
# The question page itself says "Choose all that apply" (选出所有正确的) on a multiple-choice item, so a
# stem that says it too shows the hint twice: "（多选）", "可多选", "选出所有…", "(Choose all that apply)".
MULTIPLE_HINT = re.compile(
    r"多选|多项选择|选出所有|选出全部|全部选出|all that apply|(?:choose|select|tick|pick|mark) (?:all|every)"
    r"|more than one (?:answer|option)|one or more (?:answers|options)",
    re.IGNORECASE,
)
# Two stems sharing this much of their character pairs read as the same question.
NEAR_DUPLICATE = 0.6
# Two rules (rule.zh) sharing this share of the shorter one's character pairs tell the same point
# (docs/selection.md, "Memory per point"). On 2026-12-06 the same points told in several topics
# under different families ("96110来电，一定要接", "被骗了马上打110") were 0.62-1.00 alike; rules of
# different points that share words ("领奖要先交钱" / "退费要先交钱") were reworded below it.
SAME_POINT = 0.6
SINGLE_KEYS = {
    "kind", "type", "difficulty", "common", "probe", "family", "scene", "scene.title.zh", "scene.title.en",
    "stem.zh", "stem.en", "answer", "explain.zh", "explain.en", "rule.zh", "rule.en",
    # Provenance, not content: which documented fact the item rests on, and when a person last checked it.
    "source", "reviewed",
}
OPTION_KEY = re.compile(r"^([A-F])\.(zh|en)$")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Topic:
    slug: str
    name: dict[str, str]
    lesson: dict[str, str]
    path: str = ""
    card: dict | None = None  # {"icon", "remember": {zh, en}, "flags": {zh: [...], en: [...]}}


@dataclass
class SceneLine:
    speaker: str
    text: dict[str, str]


@dataclass
class Question:
    """One question as written in the bank; `content()` is what a worker sees (and is versioned)."""

    qid: str
    topic: str
    type: QuestionType
    difficulty: int
    common: bool
    family: str | None
    stem: dict[str, str]
    options: list[dict[str, str]]  # in letter order; truefalse has the two implicit options
    answer: list[int]  # indexes into options
    explain: dict[str, str]
    rule: dict[str, str]
    scene: str | None = None
    scene_title: dict[str, str] = field(default_factory=dict)
    scene_lines: list[SceneLine] = field(default_factory=list)
    path: str = ""
    line: int = 0
    kind: QuestionKind = QuestionKind.KNOWLEDGE  # BEHAVIOUR: a "did you do it" item, never scored
    sources: list[str] = field(default_factory=list)  # ids of entries in question_bank/sources/*.md
    reviewed: str | None = None  # ISO date a person last checked the item against its source
    probe: bool = False  # a probe item: the before/after measure of learning, never taught

    def content(self) -> dict:
        """The worker-visible content: a change here is a new version of the question."""
        return {
            "kind": self.kind,
            "type": self.type,
            "stem": self.stem,
            "options": self.options,
            "answer": self.answer,
            "explain": self.explain,
            "rule": self.rule,
            "scene": self.scene,
            "scene_title": self.scene_title,
            "scene_lines": [asdict(s) for s in self.scene_lines],
        }

    def content_hash(self) -> str:
        raw = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


TRUE_FALSE_OPTIONS = [{"zh": "对", "en": "True"}, {"zh": "错", "en": "False"}]


@dataclass
class Bank:
    topics: dict[str, Topic] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Block:
    """Raw key/value lines of one header or question block, with their line numbers."""

    def __init__(self, start: int, qid: str | None):
        self.start = start
        self.qid = qid
        self.values: dict[str, tuple[int, str]] = {}
        self.scene: dict[str, list[tuple[int, str]]] = {"zh": [], "en": []}
        self.flags: dict[str, list[tuple[int, str]]] = {"zh": [], "en": []}


def parse_file(path: str, text: str, bank: Bank | None = None, card: bool = True) -> Bank:
    """Parse one bank file into `bank`, appending every problem found (never stopping early).

    `card=False` reads a header whose lesson has no lesson card (a 本周警情 alert's, quizapp/alerts):
    the lesson itself is checked as a topic's is."""
    bank = bank or Bank()
    problems = bank.problems
    header = _Block(1, None)
    blocks: list[_Block] = []
    current = header
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("==="):
            qid = line[3:].strip()
            if not SLUG.match(qid):
                problems.append(Problem(path, number, f"question id {qid!r} must be lowercase letters, digits and '-'"))
            current = _Block(number, qid)
            blocks.append(current)
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            problems.append(Problem(path, number, f"expected 'key: value', got {line[:40]!r}"))
            continue
        if key in ("scene.zh", "scene.en") and current.qid is not None:
            current.scene[key[-2:]].append((number, value))
            continue
        if key in ("flag.zh", "flag.en") and current.qid is None:
            current.flags[key[-2:]].append((number, value))
            continue
        allowed = TOPIC_KEYS if current.qid is None else SINGLE_KEYS
        if key not in allowed and not (current.qid is not None and OPTION_KEY.match(key)):
            where = "topic header" if current.qid is None else "question"
            problems.append(Problem(path, number, f"unknown key {key!r} in {where}"))
            continue
        if key in current.values:
            problems.append(Problem(path, number, f"{key!r} given twice (first on line {current.values[key][0]})"))
            continue
        if not value:
            problems.append(Problem(path, number, f"{key!r} is empty"))
            continue
        current.values[key] = (number, value)

    topic = _topic(path, header, bank, card)
    for block in blocks:
        _question(path, block, topic, bank)
    return bank


def _need(path: str, block: _Block, key: str, problems: list[Problem]) -> str | None:
    if key in block.values:
        return block.values[key][1]
    what = f"question {block.qid}" if block.qid else "topic header"
    problems.append(Problem(path, block.start, f"{what}: missing {key!r}"))
    return None


def _topic(path: str, header: _Block, bank: Bank, with_card: bool = True) -> str | None:
    problems = bank.problems
    slug = _need(path, header, "topic", problems)
    values = {k: _need(path, header, k, problems) for k in ("name.zh", "name.en", "lesson.zh", "lesson.en")}
    if slug is None:
        return None
    if not SLUG.match(slug):
        problems.append(
            Problem(path, header.values["topic"][0], f"topic slug {slug!r} must be lowercase letters, digits and '-'")
        )
    if slug in bank.topics:
        problems.append(
            Problem(path, header.values["topic"][0], f"topic {slug!r} is also defined in {bank.topics[slug].path}")
        )
        return slug
    lesson_zh = values["lesson.zh"]
    if lesson_zh is not None and not LESSON_ZH[0] <= len(lesson_zh) <= LESSON_ZH[1]:
        problems.append(
            Problem(
                path,
                header.values["lesson.zh"][0],
                f"lesson.zh is {len(lesson_zh)} characters; a lesson card is {LESSON_ZH[0]}-{LESSON_ZH[1]}",
            )
        )
    for key in ("lesson.zh", "lesson.en"):
        if key in header.values:
            _check_safe(path, header.values[key][0], key, header.values[key][1], problems)
    card = _card(path, header, problems) if with_card else None
    given = {k: v for k, v in values.items() if v is not None}
    if len(given) == len(values):
        bank.topics[slug] = Topic(
            slug=slug,
            name={"zh": given["name.zh"], "en": given["name.en"]},
            lesson={"zh": given["lesson.zh"], "en": given["lesson.en"]},
            path=path,
            card=card,
        )
    return slug


def _card(path: str, header: _Block, problems: list[Problem]) -> dict | None:
    """The topic's lesson card (icon, red flags, the rule to remember), or None with a problem: a
    header without a card is a problem at the header, a card given in part a problem at its line."""
    keys = ("icon", "remember.zh", "remember.en")
    if not any(k in header.values for k in keys) and not (header.flags["zh"] or header.flags["en"]):
        line = header.values.get("topic", (header.start, ""))[0]
        problems.append(Problem(path, line, "topic header: no lesson card (icon, 3-5 flag.zh/flag.en lines, "
                                            "remember.zh/remember.en)"))
        return None
    before = len(problems)
    icon = _need(path, header, "icon", problems)
    if icon is not None and not SLUG.match(icon):
        problems.append(Problem(path, header.values["icon"][0],
                                f"icon {icon!r} must be the name of static/icons/<icon>.svg"))
    remember = {lang: _need(path, header, f"remember.{lang}", problems) for lang in LANGS}
    for lang, limit in zip(LANGS, REMEMBER_LIMITS, strict=True):
        key = f"remember.{lang}"
        if key in header.values:
            line, value = header.values[key]
            if len(value) > limit:
                problems.append(Problem(path, line, f"{key} is {len(value)} characters, longer than {limit}"))
            _check_safe(path, line, key, value, problems)
    zh, en = header.flags["zh"], header.flags["en"]
    if not FLAGS[0] <= len(zh) <= FLAGS[1]:
        line = zh[0][0] if zh else header.start
        problems.append(Problem(path, line, f"a lesson card has {FLAGS[0]}-{FLAGS[1]} flag.zh lines, not {len(zh)}"))
    if len(zh) != len(en):
        line = (en or zh)[0][0]
        problems.append(Problem(path, line, f"{len(zh)} flag.zh lines but {len(en)} flag.en lines"))
    for lang, limit in zip(LANGS, FLAG_LIMITS, strict=True):
        for line, value in header.flags[lang]:
            if len(value) > limit:
                problems.append(Problem(path, line, f"flag.{lang} is {len(value)} characters, longer than {limit}"))
            _check_safe(path, line, f"flag.{lang}", value, problems)
    if len(problems) > before:
        return None
    return {"icon": icon, "remember": remember,
            "flags": {lang: [value for _, value in header.flags[lang]] for lang in LANGS}}


def _check_text(path: str, block: _Block, key: str, kind: str, problems: list[Problem]) -> None:
    line, value = block.values[key]
    limit = LIMITS[kind][LANGS.index(key.rsplit(".", 1)[1])]
    if len(value) > limit:
        problems.append(
            Problem(path, line, f"{key} is {len(value)} characters, longer than {limit} (too long for a phone screen)")
        )
    _check_safe(path, line, key, value, problems)


def _check_safe(path: str, line: int, key: str, value: str, problems: list[Problem]) -> None:
    if MOBILE.search(value):
        problems.append(Problem(path, line, f"{key} writes out a mobile number; mask it like 138****0000"))
    for match in LINK.finditer(value):
        host = match.group(1).lower().rstrip(".")
        if not host.endswith(SAFE_TLDS):
            problems.append(
                Problem(path, line, f"{key} links to {host!r}; use a reserved domain (.example, .invalid, .test)")
            )


def _question(path: str, block: _Block, topic: str | None, bank: Bank) -> None:
    problems = bank.problems
    before = len(problems)
    qid = block.qid or ""
    if qid in bank.questions:
        other = bank.questions[qid]
        problems.append(Problem(path, block.start, f"question id {qid!r} is also used at {other.path}:{other.line}"))
    if topic and not qid.startswith(topic + "-"):
        problems.append(Problem(path, block.start, f"question id {qid!r} must start with the topic slug '{topic}-'"))

    raw_type = _need(path, block, "type", problems)
    qtype = parse(QuestionType, raw_type)
    if raw_type is not None and qtype is None:
        problems.append(Problem(path, block.values["type"][0],
                                f"unknown type {raw_type!r}; use one of {', '.join(QuestionType)}"))

    difficulty = 0
    raw = _need(path, block, "difficulty", problems)
    if raw is not None:
        if raw in ("1", "2", "3"):
            difficulty = int(raw)
        else:
            problems.append(Problem(path, block.values["difficulty"][0], f"difficulty must be 1, 2 or 3, not {raw!r}"))

    common = False
    if "common" in block.values:
        line, raw = block.values["common"]
        if raw not in ("yes", "no"):
            problems.append(Problem(path, line, f"common must be 'yes' or 'no', not {raw!r}"))
        common = raw == "yes"
    # A probe item measures learning (docs/selection.md): never in the common set, never a "did you
    # do it" item. Its family's other variants are taught as usual (the probe measures the point).
    probe = False
    if "probe" in block.values:
        line, raw = block.values["probe"]
        if raw not in ("yes", "no"):
            problems.append(Problem(path, line, f"probe must be 'yes' or 'no', not {raw!r}"))
        probe = raw == "yes"
        if probe and common:
            problems.append(Problem(path, line, "a probe item cannot be in the common set"))
        if probe and block.values.get("kind", (0, ""))[1] == QuestionKind.BEHAVIOUR:
            problems.append(Problem(path, line, "a behaviour item cannot be a probe"))

    raw_kind = block.values.get("kind", (0, QuestionKind.KNOWLEDGE))[1]
    item_kind = parse(QuestionKind, raw_kind)
    if item_kind is None:
        problems.append(
            Problem(path, block.values["kind"][0], f"kind must be knowledge or behaviour, not {raw_kind!r}")
        )
    elif item_kind == QuestionKind.BEHAVIOUR:
        if qtype not in (None, QuestionType.SINGLE):
            problems.append(Problem(path, block.values["type"][0], "a behaviour item is a single-choice question"))
        if common:
            problems.append(Problem(path, block.values["common"][0], "a behaviour item cannot be in the common set"))

    family = block.values.get("family", (0, None))[1]
    if family is not None and not SLUG.match(family):
        problems.append(
            Problem(path, block.values["family"][0], f"family {family!r} must be lowercase letters, digits and '-'")
        )

    texts: dict[str, dict[str, str]] = {}
    for kind in ("stem", "explain", "rule"):
        texts[kind] = {}
        for lang in LANGS:
            key = f"{kind}.{lang}"
            value = _need(path, block, key, problems)
            if value is not None:
                texts[kind][lang] = value
                _check_text(path, block, key, kind, problems)

    if qtype == QuestionType.MULTIPLE:
        for lang in LANGS:
            key = f"stem.{lang}"
            hint = MULTIPLE_HINT.search(texts["stem"].get(lang, ""))
            if hint:
                problems.append(Problem(path, block.values[key][0], f"{key} says {hint.group(0)!r}: the question page "
                                        "already tells the worker to choose all that apply; drop it from the stem"))

    if qtype == QuestionType.TRUEFALSE:
        for lang in LANGS:
            key = f"explain.{lang}"
            bare = BARE_VERDICT[lang].match(texts["explain"].get(lang, ""))
            if bare:
                problems.append(Problem(path, block.values[key][0], f"{key} opens with {bare.group(1)!r}: under the "
                                        "worker's own verdict (答对了！/Right!) it reads as a contradiction; say "
                                        "which the statement is (这句话是错的。/The statement is false.)"))

    scene, scene_title, scene_lines = _scene(path, block, problems)
    options, answer = _options(path, block, qtype, problems)

    if len(problems) == before and topic and qtype and item_kind:
        bank.questions[qid] = Question(
            qid=qid, topic=topic, type=qtype, difficulty=difficulty, common=common, probe=probe, family=family,
            stem=texts["stem"], options=options, answer=answer, explain=texts["explain"],
            rule=texts["rule"], scene=scene, scene_title=scene_title, scene_lines=scene_lines,
            path=path, line=block.start, kind=item_kind,
            sources=[s.strip() for s in block.values.get("source", (0, ""))[1].split(",") if s.strip()],
            reviewed=block.values.get("reviewed", (0, None))[1],
        )


def _scene(path: str, block: _Block, problems: list[Problem]) -> tuple[str | None, dict[str, str], list[SceneLine]]:
    kind = block.values.get("scene", (0, None))[1]
    title = {lang: block.values[f"scene.title.{lang}"][1] for lang in LANGS if f"scene.title.{lang}" in block.values}
    zh, en = block.scene["zh"], block.scene["en"]
    if kind is None:
        if zh or en or title:
            line = (zh or en)[0][0] if (zh or en) else block.start
            problems.append(Problem(path, line, f"question {block.qid}: scene lines given but no 'scene:' kind"))
        return None, {}, []
    if kind not in SCENES:
        problems.append(
            Problem(path, block.values["scene"][0], f"unknown scene {kind!r}; use one of {', '.join(SCENES)}")
        )
    if not zh or not en:
        problems.append(
            Problem(path, block.values["scene"][0], f"question {block.qid}: scene needs scene.zh and scene.en lines")
        )
        return kind, title, []
    if len(title) == 1:
        problems.append(
            Problem(path, block.values["scene"][0], f"question {block.qid}: scene.title needs both zh and en")
        )
    if len(zh) != len(en):
        problems.append(
            Problem(path, en[0][0], f"question {block.qid}: {len(zh)} scene.zh lines but {len(en)} scene.en lines")
        )
        return kind, title, []
    lines = []
    for (zline, ztext), (eline, etext) in zip(zh, en, strict=True):
        zspeaker, _, zbody = ztext.partition(":")
        espeaker, _, ebody = etext.partition(":")
        zspeaker, espeaker = zspeaker.strip(), espeaker.strip()
        for line, speaker in ((zline, zspeaker), (eline, espeaker)):
            if speaker not in SPEAKERS:
                problems.append(Problem(path, line, f"scene line must start with them:, me: or note:, not {speaker!r}"))
        if zspeaker != espeaker:
            problems.append(
                Problem(
                    path,
                    eline,
                    f"scene.en speaker {espeaker!r} differs from scene.zh speaker {zspeaker!r} on line {zline}",
                )
            )
        for line, key, body, limit in (
            (zline, "scene.zh", zbody, LIMITS["scene"][0]),
            (eline, "scene.en", ebody, LIMITS["scene"][1]),
        ):
            if len(body.strip()) > limit:
                problems.append(
                    Problem(path, line, f"{key} line is {len(body.strip())} characters, longer than {limit}")
                )
            _check_safe(path, line, key, body, problems)
        lines.append(SceneLine(speaker=zspeaker, text={"zh": zbody.strip(), "en": ebody.strip()}))
    return kind, title, lines


def _options(path: str, block: _Block, qtype: QuestionType | None,
             problems: list[Problem]) -> tuple[list[dict[str, str]], list[int]]:
    given = sorted({k[0] for k in block.values if OPTION_KEY.match(k)})
    answer_raw = _need(path, block, "answer", problems)
    answer_line = block.values.get("answer", (block.start, ""))[0]
    if qtype == QuestionType.TRUEFALSE:
        if given:
            first = f"{given[0]}.zh" if f"{given[0]}.zh" in block.values else f"{given[0]}.en"
            message = "a truefalse question has no options (it shows 对/错)"
            problems.append(Problem(path, block.values[first][0], message))
        if answer_raw is not None and answer_raw not in ("true", "false"):
            problems.append(Problem(path, answer_line, f"a truefalse answer is 'true' or 'false', not {answer_raw!r}"))
            return TRUE_FALSE_OPTIONS, []
        return TRUE_FALSE_OPTIONS, [0 if answer_raw == "true" else 1]
    if qtype is None:
        return [], []

    options: list[dict[str, str]] = []
    expected = LETTERS[: len(given)]
    if "".join(given) != expected:
        problems.append(
            Problem(
                path,
                block.start,
                f"question {block.qid}: options must be lettered in order from A, got {', '.join(given) or 'none'}",
            )
        )
    if len(given) < 2:
        problems.append(Problem(path, block.start, f"question {block.qid}: needs at least 2 options"))
    for letter in given:
        option = {}
        for lang in LANGS:
            key = f"{letter}.{lang}"
            if key not in block.values:
                problems.append(
                    Problem(
                        path, block.start, f"question {block.qid}: option {letter} has no {lang} text ({key!r} missing)"
                    )
                )
                continue
            option[lang] = block.values[key][1]
            _check_text(path, block, key, "option", problems)
        options.append(option)

    if answer_raw is None:
        return options, []
    letters = [a.strip() for a in answer_raw.split(",") if a.strip()]
    answer: list[int] = []
    for letter in letters:
        if letter not in given:
            problems.append(
                Problem(path, answer_line, f"answer {letter!r} points at no option (options: {', '.join(given)})")
            )
        elif LETTERS.index(letter) in answer:
            problems.append(Problem(path, answer_line, f"answer {letter!r} given twice"))
        else:
            answer.append(LETTERS.index(letter))
    if qtype == QuestionType.SINGLE and len(letters) != 1:
        problems.append(
            Problem(path, answer_line, f"a single-choice question has exactly one correct option, not {len(letters)}")
        )
    if qtype == QuestionType.MULTIPLE and answer and len(answer) == len(given):
        problems.append(Problem(path, answer_line, "a multiple-choice question needs at least one wrong option"))
    return options, sorted(answer)


def read_bank(root: str | Path) -> Bank:
    """Parse every `*.txt` under a folder (or one file) into one bank, with all problems. A file is
    UTF-8, with or without a byte-order mark."""
    root = Path(root)
    files = [root] if root.is_file() else sorted(root.rglob("*.txt"))
    bank = Bank()
    if not files:
        bank.problems.append(Problem(str(root), 0, "no bank files (*.txt) found"))
    for file in files:
        try:
            # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte-order mark, which would
            # otherwise glue itself to the first line's key ('\ufefftopic' is no key).
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            bank.problems.append(Problem(str(file), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        parse_file(str(file), text, bank)
        bank.problems.extend(check_punctuation(str(file), text))
    for question in bank.questions.values():
        if question.topic not in bank.topics:
            bank.problems.append(Problem(question.path, question.line, f"unknown topic {question.topic!r}"))
    check_families(bank)
    check_near_duplicates(bank)
    check_same_points(bank)
    return bank


def half_width(text: str) -> list[tuple[str, str]]:
    """The ASCII punctuation in one Chinese text, each place as (as written, as it should be) with a
    few characters around it; empty when the text is clean. Every ASCII double quote counts (it
    closes a quotation opened before it, by “ or by another, else opens one); , ; : ? ! ( ) count
    next to a Chinese character, spaces between them aside; nothing inside a link does."""
    masked = URL.sub(lambda link: "x" * len(link.group()), text)

    def chinese(index: int, step: int) -> bool:
        while 0 <= index < len(masked) and masked[index].isspace():
            index += step
        return 0 <= index < len(masked) and bool(CJK.match(masked[index]))

    at: dict[int, str] = {}
    quoting = False  # inside a quotation, opened by “ or by an ASCII quote taken as one
    for index, char in enumerate(masked):
        if char in "“”":
            quoting = char == "“"
        elif char == '"':
            at[index] = "”" if quoting else "“"
            quoting = not quoting
        elif char in FULL_WIDTH and (chinese(index - 1, -1) or chinese(index + 1, 1)):
            at[index] = FULL_WIDTH[char]
    fixed = "".join(at.get(index, char) for index, char in enumerate(text))
    spans: list[list[int]] = []  # a few characters either side of each place; a quoted phrase whole
    for index in sorted(at):
        start, end = max(0, index - 4), min(len(text), index + 5)
        if spans and (start <= spans[-1][1] or (at[index] == "”" and index - spans[-1][1] <= 20)):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [(text[start:end], fixed[start:end]) for start, end in spans]


def check_punctuation(path: str, text: str) -> list[Problem]:
    """Every Chinese text of one bank file (a `.zh` key; a scene line after its speaker) that has
    ASCII punctuation, at its line. Run on the bank's files only (read_bank: `bank check` and
    `bank load`), not by parse_file: a 本周警情 alert draft (quizapp/alerts) is checked by
    parse_file too, and its form has no translated message for this rule yet."""
    problems: list[Problem] = []
    where = "topic header"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("==="):
            where = f"question {line[3:].strip()}"
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if line.startswith("#") or not sep or not key.endswith(".zh"):
            continue
        if key == "scene.zh":
            value = value.partition(":")[2]
        found = half_width(value.strip())
        if found:
            shown = "; ".join(f"{written!r} should be {right!r}" for written, right in found[:3])
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            problems.append(Problem(path, number, f"{where}: {key} has ASCII punctuation in Chinese text: "
                                                  f"{shown}{more}; Chinese text takes “…” and ，；：？！（）"))
    return problems


def check_families(bank: Bank) -> None:
    """A common question needs a variant: another question of its family (item families keep an
    answer shared in a chat group from transferring to the next day). A probe question needs a
    variant that is taught: a probe is never taught (docs/selection.md), so without one its point
    would be taught to nobody."""
    members: dict[str, int] = {}
    taught: dict[str, int] = {}
    for question in bank.questions.values():
        if question.family:
            members[question.family] = members.get(question.family, 0) + 1
            taught[question.family] = taught.get(question.family, 0) + (not question.probe)
    for question in bank.questions.values():
        if question.common and (not question.family or members[question.family] < 2):
            bank.problems.append(Problem(question.path, question.line,
                                         f"question {question.qid} is common but has no variant: give it a family "
                                         "shared with at least one other question"))
        if question.probe and (not question.family or taught[question.family] < 1):
            bank.problems.append(Problem(question.path, question.line,
                                         f"question {question.qid} is a probe and its point has no other variant, so "
                                         "no worker is ever taught it: write a variant of its family that is not a "
                                         "probe"))


def _bigrams(text: str) -> frozenset[str]:
    text = re.sub(r"[\W_]+", "", text.casefold())
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def check_near_duplicates(bank: Bank) -> None:
    """Two questions whose stem and scene share most of their character pairs are the same question
    asked twice (a family's variants must tell a different story)."""
    questions = sorted(bank.questions.values(), key=lambda q: (q.path, q.line))
    grams = [_bigrams(q.stem["zh"] + "".join(line.text["zh"] for line in q.scene_lines)) for q in questions]
    for i, first in enumerate(questions):
        for j in range(i + 1, len(questions)):
            a, b = grams[i], grams[j]
            if not a or not b or len(a & b) < NEAR_DUPLICATE * min(len(a), len(b)):
                continue  # cheap bound before the exact ratio
            similarity = len(a & b) / len(a | b)
            if similarity >= NEAR_DUPLICATE:
                second = questions[j]
                bank.problems.append(Problem(second.path, second.line,
                                             f"question {second.qid} is a near-duplicate of {first.qid} "
                                             f"({first.path}:{first.line}, {similarity:.0%} alike)"))


def check_same_points(bank: Bank) -> None:
    """A family is one point: the learner model keeps one memory per family and a quiz never holds
    two of one. Two knowledge questions in different families (or without one) whose rules are
    near-identical teach the same point twice: a quiz may hold both (the first gives the second
    away) and a worker's memory of the point is counted as two. Measured on rule.zh: the character
    pairs the two rules share, over the shorter rule's pairs (a short rule inside a longer one is
    the same point)."""
    questions = sorted((q for q in bank.questions.values() if q.kind == QuestionKind.KNOWLEDGE),
                       key=lambda q: (q.path, q.line))
    grams = [_bigrams(q.rule["zh"]) for q in questions]
    reported: set[tuple[str, str]] = set()  # (question, the other point): once per family, not per variant
    for i, first in enumerate(questions):
        for j in range(i + 1, len(questions)):
            second, a, b = questions[j], grams[i], grams[j]
            if (first.family and first.family == second.family) or not a or not b:
                continue
            overlap = len(a & b) / min(len(a), len(b))
            if overlap >= SAME_POINT and (second.qid, first.family or first.qid) not in reported:
                reported.add((second.qid, first.family or first.qid))
                bank.problems.append(Problem(
                    second.path, second.line,
                    f"question {second.qid} ({second.family or 'no family'}) has the rule of {first.qid} "
                    f"({first.family or 'no family'}, {first.path}:{first.line}, {overlap:.0%} alike): same point "
                    "in two families: join them (family) or say the different points"))


def summary(bank: Bank) -> dict:
    """Counts per topic, type, difficulty and kind, for `quizapp bank check --json`."""
    def count(key: Callable[[Question], object]) -> dict:
        totals: dict = {}
        for question in bank.questions.values():
            value = key(question)
            totals[value] = totals.get(value, 0) + 1
        return dict(sorted(totals.items()))

    return {
        "questions": len(bank.questions),
        "topics": len(bank.topics),
        "per_topic": count(lambda q: q.topic),
        "per_type": count(lambda q: q.type),
        "per_difficulty": count(lambda q: str(q.difficulty)),
        "per_kind": count(lambda q: q.kind),
        "common": sum(q.common for q in bank.questions.values()),
        "probe": sum(q.probe for q in bank.questions.values()),
        "with_scene": sum(bool(q.scene) for q in bank.questions.values()),
        "problems": len(bank.problems),
    }

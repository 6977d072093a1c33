"""Answer cues: can the key be found without knowing the point? Used by `quizapp bank check`.

Pure: a checked Bank in, figures and `file:line` warnings out. The cues and their fixes are in
shared/domain/item-writing.md; the targets come from issue 11:
- single choice: the key is the strictly longest option in at most 35 % of items;
- true/false: 40-60 % of items keyed true;
- safety words (SAFETY_WORDS) appear in wrong options about as often, per option, as in keys (all
  words together within 0.8-1.25x, and no word used 10+ times more than 2x lopsided either way).
Texts are measured in Chinese, the language workers see by default. Only knowledge items count:
behaviour items are never scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from quizapp.bank.rules.checker import Bank, Problem, Question
from quizapp.bank.rules.guesser import guess, guess_wording
from quizapp.bank.rules.words import SAFETY_WORDS, knowledge_items, safety_words, text_length
from quizapp.rules.vocab import QuestionType

KEY_LONGEST_TARGET = 0.35
KEYED_TRUE_TARGET = (0.40, 0.60)
# Per option, wrong options carry safety words about as often as keys: this ratio either way.
SAFETY_BALANCE_TARGET = 0.8
# A single word used this often, and this many times more often per option in keys than in wrong
# options (or the other way round), is a cue of its own: "pick the one with 110", "never the one with 核实".
WORD_MIN_USES, WORD_LOPSIDED = 10, 2.0
# A key this many times longer than every other option stands out on the screen.
MUCH_LONGER = 1.3


def key_is_longest(question: Question) -> bool:
    """The single key is strictly longer than every other option."""
    lengths = [text_length(o["zh"]) for o in question.options]
    key = question.answer[0]
    return all(lengths[key] > n for i, n in enumerate(lengths) if i != key)


def longest_by_chance(question: Question) -> float:
    """Chance that a key placed on a random option would be the strictly longest one."""
    lengths = [text_length(o["zh"]) for o in question.options]
    return 1 / len(lengths) if lengths.count(max(lengths)) == 1 else 0.0


@dataclass
class Figures:
    """Answer-cue figures for one set of items (a topic, or the whole bank)."""

    single: int = 0
    key_longest: int = 0
    key_longest_chance: float = 0.0  # expected count if keys sat on random options
    truefalse: int = 0
    keyed_true: int = 0
    keys: int = 0  # options that are keys (single and multiple choice)
    distractors: int = 0
    keys_with_safety: int = 0
    distractors_with_safety: int = 0
    # word -> [in keys, in wrong options]
    words: dict[str, list[int]] = field(default_factory=lambda: {word: [0, 0] for word in SAFETY_WORDS})

    def share(self, part: float, whole: int) -> float | None:
        return part / whole if whole else None

    def lopsided(self) -> list[str]:
        """Words used often enough whose per-option rate in keys and in wrong options differ over 2x."""
        found = []
        for word, (keys, wrong) in self.words.items():
            if keys + wrong < WORD_MIN_USES or not self.keys or not self.distractors:
                continue
            # Half a use added to each side: a word never seen on one side is lopsided, not infinite.
            ratio = ((keys + 0.5) / self.keys) / ((wrong + 0.5) / self.distractors)
            if not 1 / WORD_LOPSIDED <= ratio <= WORD_LOPSIDED:
                found.append(word)
        return found

    def as_dict(self) -> dict:
        key_rate = self.share(self.keys_with_safety, self.keys)
        distractor_rate = self.share(self.distractors_with_safety, self.distractors)
        return {
            "single": self.single,
            "key_longest": self.key_longest,
            "key_longest_share": _round(self.share(self.key_longest, self.single)),
            "key_longest_chance": _round(self.share(self.key_longest_chance, self.single)),
            "truefalse": self.truefalse,
            "keyed_true": self.keyed_true,
            "keyed_true_share": _round(self.share(self.keyed_true, self.truefalse)),
            "safety": {
                "keys": self.keys,
                "keys_with_safety_word": self.keys_with_safety,
                "key_rate": _round(key_rate),
                "distractors": self.distractors,
                "distractors_with_safety_word": self.distractors_with_safety,
                "distractor_rate": _round(distractor_rate),
                "ratio": _round(distractor_rate / key_rate) if key_rate and distractor_rate is not None else None,
                "words": {w: {"keys": k, "distractors": d} for w, (k, d) in self.words.items() if k or d},
                "lopsided_words": self.lopsided(),
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def figures(questions: Iterable[Question]) -> Figures:
    """Count the cues over knowledge items: the key-longest share, the true share, safety words per option."""
    result = Figures()
    for question in knowledge_items(questions):
        if question.type == QuestionType.TRUEFALSE:
            result.truefalse += 1
            result.keyed_true += question.answer == [0]
            continue
        if question.type == QuestionType.SINGLE:
            result.single += 1
            result.key_longest += key_is_longest(question)
            result.key_longest_chance += longest_by_chance(question)
        for index, option in enumerate(question.options):
            found = safety_words(option["zh"])
            is_key = index in question.answer
            if is_key:
                result.keys += 1
                result.keys_with_safety += bool(found)
            else:
                result.distractors += 1
                result.distractors_with_safety += bool(found)
            for word in found:
                result.words[word][0 if is_key else 1] += 1
    return result


def targets(data: dict) -> dict[str, str]:
    """pass/warn against issue 11's targets for one `Figures.as_dict()` (no items: pass)."""
    longest = data["key_longest_share"]
    true = data["keyed_true_share"]
    ratio = data["safety"]["ratio"]
    key_rate = data["safety"]["key_rate"]
    safety_ok = not key_rate or (ratio is not None and SAFETY_BALANCE_TARGET <= ratio <= 1 / SAFETY_BALANCE_TARGET)
    return {
        "key_longest": "pass" if longest is None or longest <= KEY_LONGEST_TARGET else "warn",
        "keyed_true": "pass" if true is None or KEYED_TRUE_TARGET[0] <= true <= KEYED_TRUE_TARGET[1] else "warn",
        "safety_balance": "pass" if safety_ok else "warn",
        "each_safety_word": "warn" if data["safety"]["lopsided_words"] else "pass",
    }


def item_warnings(bank: Bank) -> list[Problem]:
    """Items whose key gives itself away: the only option with a safety word, or much longer than the rest."""
    found = []
    for question in knowledge_items(bank.questions.values()):
        if question.type == QuestionType.TRUEFALSE:
            continue
        marked = [i for i, option in enumerate(question.options) if safety_words(option["zh"])]
        if marked and set(marked) <= set(question.answer):
            words = sorted({w for i in marked for w in safety_words(question.options[i]["zh"])})
            what = "key is the only option" if len(question.answer) == 1 else "keys are the only options"
            found.append(Problem(question.path, question.line,
                                 f"question {question.qid}: the {what} with a safety word ({', '.join(words)})"))
        if question.type == QuestionType.SINGLE:
            lengths = [text_length(o["zh"]) for o in question.options]
            key = question.answer[0]
            others = max(n for i, n in enumerate(lengths) if i != key)
            if lengths[key] >= MUCH_LONGER * others:
                found.append(Problem(question.path, question.line,
                                     f"question {question.qid}: the key is {lengths[key]} characters, "
                                     f"{lengths[key] / max(others, 1):.1f}x the longest other option ({others})"))
    return found


def report(bank: Bank) -> dict:
    """The answer-cue figures bank-wide and per topic, each with pass/warn, and the guesser's result."""
    questions = list(bank.questions.values())
    whole = figures(questions).as_dict()
    per_topic = {}
    for slug in sorted(bank.topics):
        data = figures(q for q in questions if q.topic == slug).as_dict()
        per_topic[slug] = {**data, "targets": targets(data)}
    return {"bank": {**whole, "targets": targets(whole)}, "per_topic": per_topic, "guesser": guess(questions),
            "wording_guesser": guess_wording(questions)}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render(data: dict) -> list[str]:
    """`report()` as the lines `bank check` prints: bank-wide figures, the guesser, topics that miss a target."""
    whole, status = data["bank"], data["bank"]["targets"]
    safety = whole["safety"]
    lines = [
        f"answer cues ({status['key_longest']}) key is the strictly longest option: {whole['key_longest']} of "
        f"{whole['single']} single-choice items ({_pct(whole['key_longest_share'])}; by chance "
        f"{_pct(whole['key_longest_chance'])}; target at most {KEY_LONGEST_TARGET:.0%})",
        f"answer cues ({status['keyed_true']}) true/false keyed true: {whole['keyed_true']} of {whole['truefalse']} "
        f"({_pct(whole['keyed_true_share'])}; target {KEYED_TRUE_TARGET[0]:.0%}-{KEYED_TRUE_TARGET[1]:.0%})",
        f"answer cues ({status['safety_balance']}) options with a safety word: {_pct(safety['key_rate'])} of keys, "
        f"{_pct(safety['distractor_rate'])} of wrong options (target: within {SAFETY_BALANCE_TARGET:.0%}-"
        f"{1 / SAFETY_BALANCE_TARGET:.0%} as often as keys)",
        f"answer cues ({status['each_safety_word']}) words far more common in keys or in wrong options "
        f"(used {WORD_MIN_USES}+ times, over {WORD_LOPSIDED:.0f}x per option): "
        + (", ".join(safety["lopsided_words"]) or "none"),
        "  safety words (in keys / in wrong options): "
        + (", ".join(f"{w} {n['keys']}/{n['distractors']}" for w, n in safety["words"].items()) or "none"),
    ]
    for qtype, result in data["guesser"].items():
        lines.append(f"stem-blind guesser ({result['status']}) {qtype}: {_pct(result['accuracy'])} right on "
                     f"{result['items']} items, chance {_pct(result['chance'])} "
                     f"({result['points_above_chance']:+.1f} points, best rule: {result['best_rule']})")
        if result["telling_cues"]:
            lines.append("  cues that tell keys from the rest (share of keys / of others): " + ", ".join(
                f"{c['cue']} {c['in_keys']:.0%}/{c['in_others']:.0%}" for c in result["telling_cues"]))
    for qtype, result in data["wording_guesser"].items():
        read = "the statement's" if qtype == "truefalse" else "the options'"
        lines.append(f"wording model ({result['status']}) {qtype}: {_pct(result['accuracy'])} right on "
                     f"{result['items']} items from {read} characters alone (other topics teach it), "
                     f"chance {_pct(result['chance'])} ({result['points_above_chance']:+.1f} points)")
        lines.append("  wording that tells keys from the rest (share of keys / of others): " + ", ".join(
            f"{c['cue']} {c['in_keys']:.0%}/{c['in_others']:.0%}" for c in result["telling_cues"]))
    for slug, topic in data["per_topic"].items():
        missed = [name for name, value in topic["targets"].items() if value == "warn"]
        if missed:
            lines.append(f"  topic {slug}: key longest {_pct(topic['key_longest_share'])}, keyed true "
                         f"{_pct(topic['keyed_true_share'])}, safety words in keys/wrong options "
                         f"{_pct(topic['safety']['key_rate'])}/{_pct(topic['safety']['distractor_rate'])} "
                         f"(warn: {', '.join(missed)})")
    return lines

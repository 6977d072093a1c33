"""A stem-blind guesser: how far above chance does answering from the options' wording alone get?
Used by `quizapp bank check` (issue 11: within 10 points of chance per question type).

The guesser never reads the stem or the scene of a choice item; it sees only the options and the
cues of shared/domain/item-writing.md. Its rules are fixed here in advance, not fitted to the bank
(nothing is learned, so nothing can overfit), plus one learned rule fitted honestly: naive Bayes over
the same cues (each safety word on its own, length, absolutes, hedges, echo, an opening 不), trained
on the other topics and tested on the held-out one (leave one topic out), so it finds a cue the
writers still lean on (a key with 110, a statement that says 不) without grading itself on the items
it learned from. It tries each rule and reports the best one per question type, which overstates
guessability rather than hiding it. Ties are split: an item where
the rule cannot choose between t options earns 1/t if the key is among them (a random tie-break's
expected score), so accuracy is an expectation, not one lucky draw.

- single choice: pick the option the rule scores highest; chance is 1/k;
- multiple choice: pick every option scored above the item's mean; chance is 1/(2^k - 1), a
  random non-empty set of options; an item where the rule scores all options alike earns chance;
- true/false: the statement is the only text, so the rule reads only its cue words (absolutes mean
  错, a safety word or hedge means 对), or answers one polarity throughout; chance is 1/2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from quizapp.bank.rules.checker import Question
from quizapp.bank.rules.words import ABSOLUTES, HEDGES, has_any, knowledge_items, safety_words, text_length
from quizapp.rules.vocab import QuestionType

# The guesser may beat chance by at most this many points (issue 11's goal).
GUESS_MARGIN = 0.10

OptionRule = Callable[[list[str]], list[float]]


def _longest(texts: list[str]) -> list[float]:
    lengths = [text_length(t) for t in texts]
    top = max(lengths)
    return [1.0 if n == top and lengths.count(top) == 1 else 0.0 for n in lengths]


def _safety(texts: list[str]) -> list[float]:
    return [float(bool(safety_words(t))) for t in texts]


def _hedged(texts: list[str]) -> list[float]:
    return [float(has_any(t, HEDGES)) - float(has_any(t, ABSOLUTES)) for t in texts]


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _echo(texts: list[str]) -> list[float]:
    """The option that shares most character pairs with the others: the one the others vary on."""
    grams = [_pairs(t) for t in texts]
    shared = [sum(len(g & other) for j, other in enumerate(grams) if j != i) for i, g in enumerate(grams)]
    top = max(shared)
    return [1.0 if n == top and top > 0 else 0.0 for n in shared]


def _combined(texts: list[str]) -> list[float]:
    """All cues at once, weights set by hand before looking at the bank: safety words and length weigh most."""
    parts = (_safety(texts), _longest(texts), _hedged(texts), _echo(texts))
    weights = (2.0, 1.5, 1.0, 0.5)
    return [sum(w * part[i] for w, part in zip(weights, parts, strict=True)) for i in range(len(texts))]


OPTION_RULES: dict[str, OptionRule] = {
    "longest": _longest, "safety_word": _safety, "hedge_not_absolute": _hedged, "echo": _echo, "combined": _combined,
}


def _single_credit(scores: list[float], key: int) -> float:
    top = max(scores)
    tied = [i for i, s in enumerate(scores) if s == top]
    return 1 / len(tied) if key in tied else 0.0


def _multiple_credit(scores: list[float], keys: list[int]) -> float:
    if len(set(scores)) == 1:
        return 1 / (2 ** len(scores) - 1)
    mean = sum(scores) / len(scores)
    return float([i for i, s in enumerate(scores) if s > mean] == sorted(keys))


def _statement_says_true(text: str) -> bool | None:
    if has_any(text, ABSOLUTES):
        return False
    if safety_words(text) or has_any(text, HEDGES):
        return True
    return None


STATEMENT_RULES: dict[str, Callable[[str], bool]] = {
    "always_false": lambda text: False,
    "always_true": lambda text: True,
    "cue_words": lambda text: _statement_says_true(text) is True,
}


NEGATIONS = ("不", "别", "没", "无", "拒", "绝不")


def option_cues(texts: list[str]) -> list[set[str]]:
    """The cues each option shows a stem-blind reader (features of the learned rule)."""
    lengths = [text_length(t) for t in texts]
    longest, shortest, echo = _longest(texts), [float(n == min(lengths)) for n in lengths], _echo(texts)
    found = []
    for i, text in enumerate(texts):
        others = [n for j, n in enumerate(lengths) if j != i]
        cues = {f"word:{w}" for w in safety_words(text)}
        flags = {
            "safety_word": bool(cues), "longest": bool(longest[i]), "echo": bool(echo[i]),
            "shortest": bool(shortest[i]) and lengths.count(min(lengths)) == 1,
            "longer_than_others": lengths[i] >= 1.15 * sum(others) / len(others),
            "absolute": has_any(text, ABSOLUTES), "hedge": has_any(text, HEDGES),
            "opens_with_no": text.startswith(NEGATIONS), "negation": has_any(text, NEGATIONS),
        }
        found.append(cues | {name for name, on in flags.items() if on})
    return found


def statement_cues(text: str) -> set[str]:
    """The cue words of a true/false statement (features of the learned rule)."""
    cues = {f"word:{w}" for w in safety_words(text)}
    flags = {"safety_word": bool(cues), "absolute": has_any(text, ABSOLUTES), "hedge": has_any(text, HEDGES),
             "negation": has_any(text, NEGATIONS), "long": text_length(text) > 40}
    return cues | {name for name, on in flags.items() if on}


class _Model:
    """A fitted naive-Bayes rule: call it on a cue set for the log-odds; `terms` is what each cue adds."""

    def __init__(self, base: float, terms: dict[str, float]) -> None:
        self.base, self.terms = base, terms

    def __call__(self, cues: set[str]) -> float:
        return self.base + sum(self.terms[c] for c in cues if c in self.terms)


def _naive_bayes(rows: list[tuple[set[str], bool]]) -> _Model:
    """Log-odds of "key" (or "true") from cue sets, Laplace-smoothed; the prior is the training share."""
    positive = sum(label for _, label in rows)
    negative = len(rows) - positive
    counts: dict[str, list[int]] = {}
    for cues, label in rows:
        for cue in cues:
            counts.setdefault(cue, [0, 0])[0 if label else 1] += 1
    prior = math.log((positive + 1) / (negative + 1))
    present = {cue: math.log((p + 1) / (positive + 2)) - math.log((n + 1) / (negative + 2))
               for cue, (p, n) in counts.items()}
    absent = {cue: math.log((positive - p + 1) / (positive + 2)) - math.log((negative - n + 1) / (negative + 2))
              for cue, (p, n) in counts.items()}
    return _Model(prior + sum(absent.values()), {c: present[c] - absent[c] for c in present})


def telling_cues(rows: list[tuple[set[str], bool]], top: int = 6) -> list[dict]:
    """The cues whose share differs most between keys (for true/false: true statements) and the rest,
    used 5+ times: what to fix first."""
    positive = sum(label for _, label in rows)
    negative = len(rows) - positive
    if not positive or not negative:
        return []
    counts: dict[str, list[int]] = {}
    for cues, label in rows:
        for cue in cues:
            counts.setdefault(cue, [0, 0])[0 if label else 1] += 1
    shares = sorted(((cue, round(p / positive, 3), round(n / negative, 3))
                     for cue, (p, n) in counts.items() if p + n >= 5), key=lambda s: (-abs(s[1] - s[2]), s[0]))
    return [{"cue": cue, "in_keys": keys, "in_others": others} for cue, keys, others in shares[:top]]


@dataclass(frozen=True)
class Features:
    """What a learned rule sees: cues per option (given all of an item's options), and of a statement."""

    options: Callable[[list[str]], list[set[str]]]
    statement: Callable[[str], set[str]]


CUES = Features(option_cues, statement_cues)
_MARKS = re.compile(r"[\s\W_]+")


def wording(text: str) -> set[str]:
    """Every character and character pair of a text: the wording itself, whatever the cue."""
    text = _MARKS.sub("", text)
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}


WORDING = Features(lambda texts: [wording(t) for t in texts], wording)


def _rows(questions: list[Question], qtype: QuestionType, features: Features) -> list[tuple[set[str], bool]]:
    if qtype == QuestionType.TRUEFALSE:
        return [(features.statement(q.stem["zh"]), q.answer == [0]) for q in questions]
    return [(cues, i in q.answer) for q in questions
            for i, cues in enumerate(features.options([o["zh"] for o in q.options]))]


@dataclass(frozen=True)
class Guess:
    """How the learned rule, fitted on the other topics, did on one item: its credit (0..1) and, for a
    writer, the wording that pulled it towards its pick (and the key's margin over the best wrong
    option, or for true/false the log-odds of "true"; positive means it found the key)."""

    question: Question
    credit: float
    margin: float
    pulled_by: list[str]


def _pulls(model_terms: dict[str, float], cues: set[str], top: int = 4) -> list[str]:
    return [c for c, _ in sorted(((c, model_terms[c]) for c in cues if c in model_terms),
                                 key=lambda t: (-t[1], t[0]))[:top]]


def learned_guesses(questions: list[Question], qtype: QuestionType, features: Features = CUES) -> list[Guess]:
    """Each item scored by a naive-Bayes model fitted on the other topics (leave one topic out)."""
    topics = sorted({q.topic for q in questions})
    if len(topics) < 2:
        return []
    found = []
    for topic in topics:
        model = _naive_bayes(_rows([q for q in questions if q.topic != topic], qtype, features))
        for q in questions:
            if q.topic != topic:
                continue
            if qtype == QuestionType.TRUEFALSE:
                cues = features.statement(q.stem["zh"])
                odds = model(cues)
                says_true = q.answer == [0]
                credit = 0.5 if odds == 0 else float((odds > 0) == says_true)
                pulled = _pulls(model.terms if odds > 0 else {c: -w for c, w in model.terms.items()}, cues)
                found.append(Guess(q, credit, odds if says_true else -odds, pulled))
                continue
            option_cues_ = features.options([o["zh"] for o in q.options])
            scores = [model(cues) for cues in option_cues_]
            if qtype == QuestionType.SINGLE:
                credit = _single_credit(scores, q.answer[0])
            else:
                chosen = [i for i, s in enumerate(scores) if s > 0] or [scores.index(max(scores))]
                credit = float(chosen == sorted(q.answer))
            best_wrong = max(s for i, s in enumerate(scores) if i not in q.answer)
            keys = [scores[i] for i in q.answer]
            pick = q.answer[keys.index(max(keys))] if credit else scores.index(max(scores))
            found.append(Guess(q, credit, min(keys) - best_wrong, _pulls(model.terms, option_cues_[pick])))
    return found


def _learned_credit(questions: list[Question], qtype: QuestionType, features: Features = CUES) -> float | None:
    """Total credit of the naive-Bayes rule, each topic's items scored by a model fitted on the others."""
    guesses = learned_guesses(questions, qtype, features)
    return sum(g.credit for g in guesses) if guesses else None


def _chance(questions: list[Question], qtype: QuestionType) -> float:
    if qtype == QuestionType.TRUEFALSE:
        return 0.5
    ks = [len(q.options) for q in questions]
    return sum(1 / k if qtype == QuestionType.SINGLE else 1 / (2 ** k - 1) for k in ks) / len(ks)


def guess_wording(questions: Iterable[Question]) -> dict[str, dict]:
    """Beyond the named cues: naive Bayes over the options' characters and character pairs (for
    true/false, the statement's), fitted on the other topics, scored on the held-out one. It finds
    any wording the keys share across topics ("自己", "马上") or the wrong options share ("先…再转")."""
    items = knowledge_items(questions)
    report = {}
    for qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUEFALSE):
        chosen = [q for q in items if q.type == qtype]
        credit = _learned_credit(chosen, qtype, WORDING) if chosen else None
        if credit is not None:
            report[str(qtype)] = _result({"wording_leave_one_topic_out": credit}, len(chosen),
                                         _chance(chosen, qtype), telling_cues(_rows(chosen, qtype, WORDING), top=10))
    return report


def _result(credits: dict[str, float], count: int, chance: float, cues: list[dict]) -> dict:
    accuracy = {name: round(total / count, 3) for name, total in credits.items()}
    best = max(accuracy, key=lambda name: accuracy[name])
    above = round(accuracy[best] - chance, 3)
    return {
        "items": count,
        "chance": round(chance, 3),
        "accuracy": accuracy[best],
        "best_rule": best,
        "points_above_chance": round(100 * above, 1),
        "status": "pass" if above <= GUESS_MARGIN else "warn",
        "rules": accuracy,
        "telling_cues": cues,
    }


def guess(questions: Iterable[Question]) -> dict[str, dict]:
    """Per question type (with items): the stem-blind guesser's accuracy, chance, and pass/warn."""
    items = knowledge_items(questions)
    report = {}
    for qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = [q for q in items if q.type == qtype]
        if not chosen:
            continue
        credits = dict.fromkeys(OPTION_RULES, 0.0)
        chance = 0.0
        for q in chosen:
            texts = [o["zh"] for o in q.options]
            k = len(texts)
            chance += 1 / k if qtype == QuestionType.SINGLE else 1 / (2 ** k - 1)
            for name, rule in OPTION_RULES.items():
                scores = rule(texts)
                credits[name] += (_single_credit(scores, q.answer[0]) if qtype == QuestionType.SINGLE
                                  else _multiple_credit(scores, q.answer))
        learned = _learned_credit(chosen, qtype)
        if learned is not None:
            credits["learned_leave_one_topic_out"] = learned
        report[str(qtype)] = _result(credits, len(chosen), chance / len(chosen),
                                     telling_cues(_rows(chosen, qtype, CUES)))
    statements = [q for q in items if q.type == QuestionType.TRUEFALSE]
    if statements:
        credits = dict.fromkeys(STATEMENT_RULES, 0.0)
        for q in statements:
            for name, says in STATEMENT_RULES.items():
                credits[name] += says(q.stem["zh"]) == (q.answer == [0])
        learned = _learned_credit(statements, QuestionType.TRUEFALSE)
        if learned is not None:
            credits["learned_leave_one_topic_out"] = learned
        report[str(QuestionType.TRUEFALSE)] = _result(credits, len(statements), 0.5,
                                                      telling_cues(_rows(statements, QuestionType.TRUEFALSE, CUES)))
    return report

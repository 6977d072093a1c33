"""A stem-blind guesser: how far above chance does answering from the options' wording alone get?
Used by `quizapp bank check` (issue 11: within 10 points of chance per question type).

The guesser never reads the stem or the scene of a choice item; it sees only the options and the
cues of shared/domain/item-writing.md. Its rules are fixed here in advance, not fitted to the bank
(nothing is learned, so nothing can overfit); it tries each rule and reports the best one per
question type, which overstates guessability rather than hiding it. Ties are split: an item where
the rule cannot choose between t options earns 1/t if the key is among them (a random tie-break's
expected score), so accuracy is an expectation, not one lucky draw.

- single choice: pick the option the rule scores highest; chance is 1/k;
- multiple choice: pick every option scored above the item's mean; chance is 1/(2^k - 1), a
  random non-empty set of options; an item where the rule scores all options alike earns chance;
- true/false: the statement is the only text, so the rule reads only its cue words (absolutes mean
  错, a safety word or hedge means 对), or answers one polarity throughout; chance is 1/2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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


def _result(credits: dict[str, float], count: int, chance: float) -> dict:
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
        report[str(qtype)] = _result(credits, len(chosen), chance / len(chosen))
    statements = [q for q in items if q.type == QuestionType.TRUEFALSE]
    if statements:
        credits = dict.fromkeys(STATEMENT_RULES, 0.0)
        for q in statements:
            for name, says in STATEMENT_RULES.items():
                credits[name] += says(q.stem["zh"]) == (q.answer == [0])
        report[str(QuestionType.TRUEFALSE)] = _result(credits, len(statements), 0.5)
    return report

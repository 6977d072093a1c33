"""The cue words and lengths a test-wise reader goes by (shared/domain/item-writing.md), for the
answer-cue figures (cues.py) and the stem-blind guesser (guesser.py). Pure. Texts are Chinese, the
language workers see by default. Only knowledge items count: behaviour items are never scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quizapp.bank.rules.checker import Question
from quizapp.rules.vocab import QuestionKind

# The words a test-wise reader looks for in the cautious answer. "110" is matched as a number of its
# own, so 96110 counts once, as 96110.
SAFETY_WORDS = ("110", "96110", "12381", "挂断", "核实", "官方", "反诈", "拒绝", "不转", "报警", "举报",
                "派出所", "拉黑", "不点", "不透露")
_SAFETY = {word: re.compile(rf"(?<!\d){word}(?!\d)" if word.isdigit() else re.escape(word)) for word in SAFETY_WORDS}
# Absolutes make a guesser avoid an option (or call a statement false); hedges make it pick one.
ABSOLUTES = ("一定", "所有", "全部", "从不", "从来", "绝对", "肯定", "一律", "总是", "永远", "只要", "完全", "都会")
HEDGES = ("可能", "一般", "通常", "也许", "有时", "大多", "往往", "不一定", "多半")
_PUNCTUATION = re.compile(r"[\s\W_]+")


def text_length(text: str) -> int:
    """Visible length of an option: characters without spaces and punctuation."""
    return len(_PUNCTUATION.sub("", text))


def safety_words(text: str) -> list[str]:
    """The safety words in a text, each once."""
    return [word for word, pattern in _SAFETY.items() if pattern.search(text)]


def has_any(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)


def knowledge_items(questions: Iterable[Question]) -> list[Question]:
    return sorted((q for q in questions if q.kind == QuestionKind.KNOWLEDGE), key=lambda q: (q.path, q.line))

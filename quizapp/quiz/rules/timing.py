"""The quiz clock, as pure rules: the five minutes measure answering, not reading.

Used by quizapp/quiz/service.py when an answer is recorded. After each answer the worker reads an
explanation and a rule (1,300–1,600 characters over a whole quiz); a clock that kept running while
they read would punish exactly the careful reading the quiz is for. So every recorded answer moves
the deadline on by the time a slow reader needs for that feedback, within bounds.
"""

from __future__ import annotations

# A slow reader of Chinese reads about 5 characters a second (300 a minute); of English about
# 3 words (16 characters) a second. The floor covers the verdict and the rule of a short item; the
# cap keeps one long explanation from buying a minute and a half of extra answering time.
ZH_CHARS_PER_SECOND = 5
EN_CHARS_PER_SECOND = 16
MIN_READING_SECONDS = 15
MAX_READING_SECONDS = 90


def reading_seconds(content: dict) -> int:
    """Seconds added to the deadline after an answer to a question with this content: the time to
    read its explanation and rule in the slower of its two languages, between the floor and the cap."""
    explain, rule = content.get("explain") or {}, content.get("rule") or {}
    zh = len(explain.get("zh", "")) + len(rule.get("zh", ""))
    en = len(explain.get("en", "")) + len(rule.get("en", ""))
    needed = max(zh / ZH_CHARS_PER_SECOND, en / EN_CHARS_PER_SECOND)
    return int(min(MAX_READING_SECONDS, max(MIN_READING_SECONDS, round(needed))))

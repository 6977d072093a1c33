"""The order teams and shifts are listed in, on every surface that lists them (the board and its
chase list, trends, the exports, the roster's filters, reminders): people read 一车间, 二车间 … 十车间
and 2组 before 10组 as numbers, not by character code (which puts 三 before 二), and shifts in the
order of the day.

Pure: names and start times in, sort keys out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
_PARTS = re.compile(r"([0-9]+|[零〇一二两三四五六七八九十百千]+)")
# Shifts without a start time: by the time of day their name says (早班, 白班, 中班, 晚班, 夜班).
TIME_OF_DAY = "早白中午晚夜"

Part = tuple[int, int, str]  # (0, number, "") or (1, 0, text): numbers before text, as the tuples compare


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral up to the thousands (三 = 3, 十二 = 12, 二十 = 20, 一百零五 = 105,
    and digit by digit as in 二〇 = 20); None when it is not one (e.g. 百 alone after a unit)."""
    if not text:
        return None
    if all(ch in DIGITS for ch in text):  # digit by digit: 一二 = 12, 二〇 = 20
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None  # two digits without a unit between them (三四)
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def natural_parts(name: str) -> tuple[Part, ...]:
    """`name` cut into text and numbers (Arabic digits or Chinese numerals), numbers by value."""
    parts: list[Part] = []
    for piece in _PARTS.split(name):
        if not piece:
            continue
        if not _PARTS.fullmatch(piece):
            parts.append((1, 0, piece))
            continue
        value = int(piece) if piece.isascii() else chinese_number(piece)
        parts.append((1, 0, piece) if value is None else (0, value, ""))
    return tuple(parts)


def team_key(name: str) -> tuple:
    """A team's place in a list: numbers in a name by value (一车间 < 二车间 < 十车间, 2组 < 10组),
    then the name itself to break ties; the unnamed ("") last."""
    return (name == "", natural_parts(name), name)


def shift_key(name: str, starts: Mapping[str, time] | None = None) -> tuple:
    """A shift's place in a list: by its start time where the company set one (`starts`: name ->
    time), those first; else by the time of day its name says (早, 白, 中, 午, 晚, 夜), then by
    name as a team; the unnamed ("") last."""
    start = (starts or {}).get(name)
    if start is not None:
        return (name == "", 0, start, 0, team_key(name))
    rank = next((TIME_OF_DAY.index(ch) for ch in name if ch in TIME_OF_DAY), len(TIME_OF_DAY))
    return (name == "", 1, time(), rank, team_key(name))


def sorted_teams(names: Iterable[str]) -> list[str]:
    return sorted(names, key=team_key)


def sorted_shifts(names: Iterable[str], starts: Mapping[str, time] | None = None) -> list[str]:
    return sorted(names, key=lambda name: shift_key(name, starts))

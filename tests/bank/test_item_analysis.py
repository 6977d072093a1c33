"""Item analysis rules on small, hand-made answer sets."""

import pytest

from quizapp.bank.rules.item_analysis import AnswerRecord, analyse


def records(question, rows):
    return [AnswerRecord(question, worker, correct, tuple(chosen)) for worker, correct, chosen in rows]


def background(workers, skill):
    """Answers to other questions that set each worker's rest score."""
    rows = []
    for w in workers:
        for k in range(10):
            rows.append(AnswerRecord(900 + k, w, k < skill(w), (0,)))
    return rows


def test_a_good_item_separates_stronger_from_weaker_workers():
    workers = range(40)

    def strong(w: int) -> int:
        return 8 if w < 20 else 3

    rows = background(workers, strong) + records(1, [(w, w < 20, [1] if w < 20 else [0]) for w in workers])
    stats = {s.question_id: s for s in analyse(rows, {1: (3, [1])})}[1]
    assert stats.answers == 40 and stats.p == 0.5
    assert stats.r > 0.8
    assert stats.option_shares == [0.5, 0.5, 0.0]
    assert stats.flags == ["dead_distractor"]  # option 2 nobody picks


def test_a_misleading_item_has_negative_discrimination():
    workers = range(40)
    answers = [(w, w >= 20, [1] if w >= 20 else [0]) for w in workers]  # only the weaker half gets it right
    rows = background(workers, lambda w: 8 if w < 20 else 3) + records(2, answers)
    stats = {s.question_id: s for s in analyse(rows, {2: (2, [1])})}[2]
    assert stats.r < 0 and "negative_discrimination" in stats.flags


@pytest.mark.parametrize("right, flag", [(40, "everyone_right"), (0, "everyone_wrong")])
def test_everyone_right_or_everyone_wrong_is_flagged(right, flag):
    rows = records(3, [(w, w < right, [1] if w < right else [0]) for w in range(40)])
    stats = {s.question_id: s for s in analyse(rows, {3: (2, [1])})}[3]
    assert flag in stats.flags


def test_too_few_answers_flag_nothing():
    rows = records(4, [(w, True, [1]) for w in range(10)])
    assert analyse(rows, {4: (3, [1])})[0].flags == []

"""Item analysis rules on synthetic answer sets: one answer per worker, the rest score without the
item, the interval on r, and the flags that need enough workers."""

import math

import pytest

from quizapp.bank.rules.item_analysis import AnswerRecord, analyse, correlation, fisher_interval


def records(question, rows):
    return [AnswerRecord(question, worker, correct, tuple(chosen)) for worker, correct, chosen in rows]


def background(workers, skill):
    """First tries at ten other questions that set each worker's rest score."""
    return [AnswerRecord(900 + k, w, k < skill(w), (0,)) for w in workers for k in range(10)]


def stats_of(rows, question, options):
    return {s.question_id: s for s in analyse(rows, {question: options})}[question]


def test_a_good_item_separates_stronger_from_weaker_workers():
    workers = range(40)
    rows = background(workers, lambda w: 8 if w < 20 else 3)
    rows += records(1, [(w, w < 20, [1] if w < 20 else [0]) for w in workers])
    stats = stats_of(rows, 1, (3, [1]))
    assert stats.workers == stats.rest_workers == 40 and stats.p == 0.5
    assert stats.r == pytest.approx(1.0) and stats.r_low == stats.r_high == stats.r
    assert stats.option_shares == [0.5, 0.5, 0.0]
    assert (stats.half, stats.stronger_shares, stats.weaker_shares) == (20, [0.0, 1.0, 0.0], [1.0, 0.0, 0.0])
    assert stats.flags == ["dead_distractor"]  # option 2 nobody picks


def test_fisher_interval_matches_the_textbook_values():
    low, high = fisher_interval(0.5, 28)  # z = 0.549, standard error 1/5
    assert low == pytest.approx(math.tanh(math.atanh(0.5) - 1.959964 / 5))
    assert (round(low, 3), round(high, 3)) == (0.156, 0.736)
    assert fisher_interval(0.5, 3) is None
    assert correlation([(1, 0.5), (0, 0.5), (1, 0.5)]) is None  # rest score constant: no r


def test_each_worker_counts_once_with_their_first_try():
    first = records(1, [(w, w % 2 == 0, [1] if w % 2 == 0 else [0]) for w in range(30)])
    repeats = records(1, [(w, True, [1]) for w in range(30)])  # the same workers again, after the feedback
    stats = stats_of(first + repeats, 1, (2, [1]))
    assert stats.workers == 30 and stats.p == 0.5 and stats.option_shares == [0.5, 0.5]


def test_the_rest_score_leaves_the_whole_item_out():
    # Worker 0 answers question 1 wrong, then again right (a repeat passed in by mistake), and
    # nothing else: with the repeat counted, they would have a "rest score" made of question 1 itself.
    rows = records(1, [(0, False, [0]), (0, True, [1]), (1, True, [1])]) + records(2, [(1, True, [1])])
    stats = stats_of(rows, 1, (2, [1]))
    assert stats.workers == 2 and stats.rest_workers == 1  # only worker 1 answered another question


def reversed_item(workers: int, right_at: tuple[int, ...]):
    """Workers with skill 0-9 (rest score 0.0-0.9) answer question 5 right when their skill is in `right_at`."""
    rows = background(range(workers), lambda w: w % 10)
    return rows + records(5, [(w, w % 10 in right_at, [1] if w % 10 in right_at else [0]) for w in range(workers)])


def test_stronger_workers_do_worse_is_flagged_only_from_100_workers_with_the_interval_below_zero():
    weakest_right = (0, 1, 2, 3, 4)
    few = stats_of(reversed_item(40, weakest_right), 5, (2, [1]))
    assert few.r < -0.5 and few.r_high < 0 and "negative_discrimination" not in few.flags  # 40 workers: too few
    many = stats_of(reversed_item(120, weakest_right), 5, (2, [1]))
    assert many.rest_workers == 120 and many.r_high < 0 and "negative_discrimination" in many.flags
    slightly = stats_of(reversed_item(120, (0, 3, 4, 6, 8)), 5, (2, [1]))
    assert slightly.r < 0 < slightly.r_high and "negative_discrimination" not in slightly.flags  # could be noise


def strong_pick(workers: int):
    """Half the workers strong (rest 0.8), half weak (0.3). The strong split between the key B and the
    wrong C; the weak choose A."""
    rows = background(range(workers), lambda w: 8 if w % 2 else 3)
    answers = []
    for w in range(workers):
        choice = ([1] if w % 4 == 1 else [2]) if w % 2 else [0]
        answers.append((w, choice == [1], choice))
    return rows + records(6, answers)


def test_a_wrong_option_the_stronger_half_picks_shows_and_is_flagged_from_100_workers():
    stats = stats_of(strong_pick(120), 6, (3, [1]))
    assert stats.half == 60
    assert stats.stronger_shares == [0.0, 0.5, 0.5] and stats.weaker_shares == [1.0, 0.0, 0.0]
    assert "strong_pick_distractor" in stats.flags
    assert "strong_pick_distractor" not in stats_of(strong_pick(60), 6, (3, [1])).flags


@pytest.mark.parametrize("right, flag", [(40, "everyone_right"), (0, "everyone_wrong")])
def test_everyone_right_or_everyone_wrong_is_flagged(right, flag):
    rows = records(3, [(w, w < right, [1] if w < right else [0]) for w in range(40)])
    stats = stats_of(rows, 3, (2, [1]))
    assert flag in stats.flags and stats.r is None and stats.half == 0


def test_too_few_workers_flag_nothing():
    rows = records(4, [(w, True, [1]) for w in range(10)])
    assert analyse(rows, {4: (3, [1])})[0].flags == []

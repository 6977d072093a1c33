"""The learning figures' pure rules (docs/metrics.md, "Learning")."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.learning import rules
from quizapp.learning.rules import ProbePair, Share, SharingCounts


@given(answered=st.integers(1, 5000), data=st.data())
def test_the_wilson_interval_holds_the_share_and_stays_inside_0_and_1(answered, data):
    right = data.draw(st.integers(0, answered))
    low, high = rules.wilson(right, answered)
    assert 0 <= low <= right / answered <= high <= 1


def test_the_wilson_interval_matches_the_textbook_and_narrows_with_more_answers():
    low, high = rules.wilson(81, 263)  # Newcombe (1998), example: 0.2553 to 0.3662
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert rules.wilson(0, 0) is None
    wide, narrow = rules.wilson(5, 10), rules.wilson(500, 1000)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]


def test_days_fall_into_the_curves_buckets_and_every_bucket_is_listed():
    assert [rules.bucket_of(d) for d in (0, 1, 2, 3, 4, 7, 8, 14, 15, 30, 31, 90, 91, 180, 181, 999)] == \
        [None, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
    curve = rules.forgetting_curve([(1, 10, 9), (2, 4, 3), (3, 6, 3), (200, 5, 1), (0, 7, 7)])
    assert len(curve) == len(rules.BUCKETS)
    assert [(p.low, p.high, p.share.right, p.share.answered) for p in curve][:3] == [
        (1, 1, 9, 10), (2, 3, 6, 10), (4, 7, 0, 0)]
    assert curve[-1].share == Share(1, 5) and curve[2].share.value is None and curve[2].share.interval is None


def pair(first_half: int, before: tuple[int, int], after: tuple[int, int], lag: int = 30) -> ProbePair:
    return ProbePair(first_half, lag, Share(*before), Share(*after))


def test_the_learning_estimate_weights_the_two_groups_equally():
    # Group 0 gains 20 points, group 1 gains 40 (its second half is easier): the estimate is 30,
    # however many workers each group has.
    pairs = [pair(0, (4, 10), (6, 10)), pair(0, (5, 10), (7, 10)), pair(0, (3, 10), (5, 10))] + \
        [pair(1, (2, 10), (6, 10)), pair(1, (1, 10), (5, 10))]
    found = rules.learning_estimate(pairs)
    assert found.value == pytest.approx(0.3) and found.units == 5
    assert found.low <= 0.3 <= found.high


def test_no_estimate_until_each_group_has_two_workers():
    assert rules.learning_estimate([pair(0, (1, 2), (2, 2)), pair(0, (0, 2), (1, 2)), pair(1, (1, 2), (1, 2))]) is None


def test_the_learning_interval_covers_a_simulated_true_change_about_95_times_in_100():
    rng, truth, covered = random.Random(7), 0.1, 0
    for _ in range(400):
        pairs = []
        for worker in range(60):
            ability = rng.uniform(0.3, 0.7)
            half = worker % 2
            easy = 0.05 if half == 1 else 0.0  # the second half of group 1 is easier
            before = sum(rng.random() < ability + (0.05 - easy) for _ in range(10))
            after = sum(rng.random() < ability + truth + easy for _ in range(10))
            pairs.append(pair(half, (before, 10), (after, 10)))
        found = rules.learning_estimate(pairs)
        covered += found.low <= truth <= found.high
    assert 0.90 <= covered / 400 <= 0.99


def counts(early_common, late_common, early_personal, late_personal) -> SharingCounts:
    return SharingCounts(Share(*early_common), Share(*late_common), Share(*early_personal), Share(*late_personal))


def test_late_finishers_gaining_on_the_common_set_only_are_flagged():
    sharing = rules.sharing_gap(counts((300, 600), (480, 600), (300, 600), (310, 600)))
    assert sharing.value == pytest.approx(0.3 - 0.0167, abs=0.01) and sharing.low > 0 and sharing.excludes_zero
    stronger = rules.sharing_gap(counts((300, 600), (400, 600), (300, 600), (400, 600)))  # late are simply better
    assert abs(stronger.value) < 0.01 and not stronger.excludes_zero
    assert rules.sharing_gap(counts((1, 2), (1, 2), (0, 0), (1, 1))) is None


def test_finishers_split_into_halves_with_the_middle_one_out():
    assert [rules.finisher_half(r, 4) for r in range(1, 5)] == ["early", "early", "late", "late"]
    assert [rules.finisher_half(r, 5) for r in range(1, 6)] == ["early", "early", None, "late", "late"]
    assert rules.finisher_half(1, 1) is None

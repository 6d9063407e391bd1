"""Kleinberg's two-state burst detection (graph/analytics/bursts.py): hand-worked examples,
bad input, and streams with injected bursts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from paperkg.errors import ParameterError
from paperkg.graph.analytics.bursts import Burst, detect_bursts, interval_f1


def test_a_hand_worked_burst():
    # 20 of 60 events are relevant: p0 = 1/3, the burst rate p1 = 2/3; entering the burst
    # state costs ln 6. A period of 0 of 10 costs 10 ln(3/2) = 4.055 in the base state and
    # 10 ln 3 = 10.986 in the burst state; a period of 10 of 10 the other way round. Staying
    # in the base state costs 4 x 4.055 + 2 x 10.986 = 38.19; bursting in periods 2-3 costs
    # 6 x 4.055 + ln 6 = 26.12, cheaper, so that is the answer, with weight 2 x (10.986 - 4.055).
    bursts = detect_bursts([0, 0, 10, 10, 0, 0], [10] * 6)
    assert bursts == [Burst(2, 3, pytest.approx(2 * (10 * math.log(3) - 10 * math.log(1.5))))]


def test_a_burst_too_short_to_pay_its_entry_is_no_burst():
    # One period of 3 of 10 against 1 of 10 elsewhere: p0 = 12/100, the gain of the burst
    # state in that period (3 ln 2 - 7 ln(0.88/0.76) = 1.05) is less than entering (ln 10).
    assert detect_bursts([1, 1, 1, 1, 3, 1, 1, 1, 1, 1], [10] * 10) == []


def test_a_steady_stream_and_edge_cases_have_no_burst():
    assert detect_bursts([5] * 20, [50] * 20) == []
    assert detect_bursts([0] * 5, [10] * 5) == []  # nothing relevant
    assert detect_bursts([10] * 5, [10] * 5) == []  # everything relevant
    assert detect_bursts([3], [10]) == []  # one period


def test_min_weight_keeps_only_strong_bursts():
    assert detect_bursts([0, 0, 10, 10, 0, 0], [10] * 6, min_weight=14.0) == []


@pytest.mark.parametrize(
    ("relevant", "totals", "options", "message"),
    [
        ([1, 2], [3], {}, "one count per period"),
        ([4, 0], [3, 3], {}, "period 0: 4 relevant of 3"),
        ([-1, 0], [3, 3], {}, "period 0: -1 relevant"),
        ([1, 0], [3, 3], {"s": 1.0}, "s must be above 1"),
        ([1, 0], [3, 3], {"gamma": -1.0}, "gamma must be at least 0"),
    ],
)
def test_bad_input_is_one_clear_error(relevant, totals, options, message):
    with pytest.raises(ParameterError, match=message):
        detect_bursts(relevant, totals, **options)


def test_interval_f1():
    assert interval_f1([], []) == 1.0
    assert interval_f1([(2, 5)], [(2, 5)]) == 1.0
    assert interval_f1([(2, 5)], [(3, 6)]) == 1.0  # Jaccard 3/5
    assert interval_f1([(2, 3)], [(2, 9)]) == 0.0  # Jaccard 2/8
    assert interval_f1([(2, 5), (20, 22)], [(2, 5)]) == pytest.approx(2 / 3)
    assert interval_f1([], [(1, 2)]) == 0.0


def _stream(rng: np.random.Generator, periods: int = 104, lift: float = 3.0):
    """Weekly counts over two years (about 200 papers a week, 5% relevant), with one to
    three bursts of 3 to 8 weeks at ``lift`` times the rate; returns the counts and the
    injected intervals."""
    truth: list[tuple[int, int]] = []
    for start in sorted(rng.choice(np.arange(5, periods - 15), int(rng.integers(1, 4)), False)):
        if not truth or start > truth[-1][1] + 3:
            truth.append((int(start), int(start + rng.integers(3, 9) - 1)))
    totals = rng.poisson(200, periods)
    rates = np.full(periods, 0.05)
    for start, end in truth:
        rates[start : end + 1] *= lift
    return rng.binomial(totals, rates).tolist(), totals.tolist(), truth


def test_injected_bursts_are_found_with_interval_f1_of_at_least_0_9():
    scores = []
    for seed in range(60):
        relevant, totals, truth = _stream(np.random.default_rng(seed))
        found = [(b.start, b.end) for b in detect_bursts(relevant, totals)]
        scores.append(interval_f1(found, truth))
    assert float(np.mean(scores)) >= 0.9, scores

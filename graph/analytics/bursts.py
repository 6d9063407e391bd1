"""Bursts in a stream of counts: Kleinberg's two-state automaton for batched arrivals.

Each period ``t`` has ``totals[t]`` events (papers) of which ``relevant[t]`` are of interest
(papers naming a method, using a term, joining a topic). The base state emits relevant
events at the stream's overall rate ``p0``, the burst state at ``s * p0``; entering the
burst state costs ``gamma * ln(n)`` for ``n`` periods, leaving it costs nothing. The
cheapest state sequence (Viterbi) marks the bursts; a burst's weight is how much cheaper
the burst state made its periods. This is the model of Kleinberg, "Bursty and hierarchical
structure in streams" (KDD 2002, section 4's enumerated version), as CiteSpace uses it. No
maintained Python implementation was found (the PyPI ones date from 2016-2018), so it is
written here and tested against hand-worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from paperkg.errors import ParameterError

__all__ = ["Burst", "detect_bursts", "interval_f1"]

#: The burst state's rate may not reach 1: a period of nothing but relevant events would
#: then cost nothing in it and everything in the base state.
_MAX_RATE = 0.9999


@dataclass(frozen=True)
class Burst:
    """Periods ``start`` to ``end`` (both included) in the burst state, and the weight."""

    start: int
    end: int
    weight: float


def _check(relevant: Sequence[int], totals: Sequence[int], s: float, gamma: float) -> None:
    if len(relevant) != len(totals):
        raise ParameterError(
            f"relevant and totals must have one count per period, got {len(relevant)} and "
            f"{len(totals)}",
            param="relevant",
        )
    for t, (r, d) in enumerate(zip(relevant, totals, strict=True)):
        if r < 0 or d < 0 or r > d:
            raise ParameterError(
                f"period {t}: {r} relevant of {d} events; need 0 <= relevant <= total",
                param="relevant",
            )
    if s <= 1:
        raise ParameterError(f"s must be above 1, got {s}", param="s")
    if gamma < 0:
        raise ParameterError(f"gamma must be at least 0, got {gamma}", param="gamma")


def _cost(r: int, d: int, p: float) -> float:
    """-ln of the probability of ``r`` relevant among ``d`` at rate ``p``, without the
    binomial coefficient (the same in both states, so it changes no decision)."""
    return -(r * math.log(p) + (d - r) * math.log1p(-p))


def detect_bursts(
    relevant: Sequence[int],
    totals: Sequence[int],
    *,
    s: float = 2.0,
    gamma: float = 1.0,
    min_weight: float = 0.0,
) -> list[Burst]:
    """The bursts of a stream with a weight of at least ``min_weight``, in period order;
    none when nothing is relevant, everything is, or the stream has fewer than two
    periods. ``s`` and ``gamma`` are Kleinberg's (2 and 1, as in CiteSpace)."""
    _check(relevant, totals, s, gamma)
    n = len(totals)
    total, hits = sum(totals), sum(relevant)
    if n < 2 or hits == 0 or hits == total:
        return []
    rates = (hits / total, min(s * hits / total, _MAX_RATE))
    if rates[1] <= rates[0]:
        return []
    costs = [[_cost(r, d, p) for p in rates] for r, d in zip(relevant, totals, strict=True)]
    enter = gamma * math.log(n)
    # Viterbi over two states, from the base state before the first period.
    best = [costs[0][0], enter + costs[0][1]]
    back: list[tuple[int, int]] = [(0, 0)]
    for t in range(1, n):
        to_base = (0, best[0]) if best[0] <= best[1] else (1, best[1])
        to_burst = (0, best[0] + enter) if best[0] + enter < best[1] else (1, best[1])
        back.append((to_base[0], to_burst[0]))
        best = [to_base[1] + costs[t][0], to_burst[1] + costs[t][1]]
    state = 0 if best[0] <= best[1] else 1
    states = [0] * n
    for t in range(n - 1, -1, -1):
        states[t] = state
        state = back[t][state]
    bursts: list[Burst] = []
    t = 0
    while t < n:
        if states[t] == 1:
            start = t
            while t + 1 < n and states[t + 1] == 1:
                t += 1
            weight = sum(costs[u][0] - costs[u][1] for u in range(start, t + 1))
            if weight >= min_weight:
                bursts.append(Burst(start, t, weight))
        t += 1
    return bursts


def interval_f1(
    found: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int]], *, overlap: float = 0.5
) -> float:
    """F1 of found intervals against true ones (both ``(start, end)``, ends included): a
    found interval is right when its Jaccard overlap with a true one not yet matched is at
    least ``overlap``. Nothing found and nothing true is 1.0."""
    if not found and not truth:
        return 1.0
    unmatched = list(truth)
    right = 0
    for start, end in found:
        for candidate in unmatched:
            shared = min(end, candidate[1]) - max(start, candidate[0]) + 1
            union = max(end, candidate[1]) - min(start, candidate[0]) + 1
            if shared > 0 and shared / union >= overlap:
                unmatched.remove(candidate)
                right += 1
                break
    if right == 0:
        return 0.0
    precision, recall = right / len(found), right / len(truth)
    return 2 * precision * recall / (precision + recall)

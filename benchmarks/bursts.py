"""Burst detection on synthetic streams with injected bursts: interval F1 and false bursts.

Streams are weekly counts over two years (104 periods): a volume of papers per week
(Poisson) of which a share is relevant (binomial); one to three bursts of 3 to 8 weeks
raise that share by a lift. Each setting is run on N seeds: the mean interval F1 (a found
burst is right at Jaccard >= 0.5 with an injected one) and how many of N streams without
any injected burst report one. Then the time to detect bursts in 20,000 streams (as many
methods, datasets and terms as 100,000 papers give) of 104 weeks. Writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from report import median, write_section

from paperkg.graph.analytics.bursts import detect_bursts, interval_f1

#: (share relevant, papers per week, lift in a burst)
SETTINGS = [(0.05, 200, 3.0), (0.05, 200, 2.0), (0.02, 100, 3.0), (0.2, 50, 2.0), (0.01, 500, 4.0)]
PERIODS = 104


def stream(rng: np.random.Generator, share: float, volume: int, lift: float, bursts: bool):
    """Counts of one stream and its injected burst intervals."""
    truth: list[tuple[int, int]] = []
    if bursts:
        starts = rng.choice(np.arange(5, PERIODS - 15), int(rng.integers(1, 4)), replace=False)
        for start in sorted(starts):
            if not truth or start > truth[-1][1] + 3:
                truth.append((int(start), int(start + rng.integers(3, 9) - 1)))
    totals = rng.poisson(volume, PERIODS)
    rates = np.full(PERIODS, share)
    for start, end in truth:
        rates[start : end + 1] = min(share * lift, 0.9)
    return rng.binomial(totals, rates).tolist(), totals.tolist(), truth


def quality(gamma: float, seeds: int) -> list[tuple[float, int, float, float, int]]:
    rows = []
    for share, volume, lift in SETTINGS:
        scores, false = [], 0
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            relevant, totals, truth = stream(rng, share, volume, lift, True)
            found = [(b.start, b.end) for b in detect_bursts(relevant, totals, gamma=gamma)]
            scores.append(interval_f1(found, truth))
            relevant, totals, _ = stream(rng, share, volume, lift, False)
            false += bool(detect_bursts(relevant, totals, gamma=gamma))
        rows.append((share, volume, lift, float(np.mean(scores)), false))
    return rows


def speed(streams: int, runs: int) -> float:
    rng = np.random.default_rng(0)
    data = [stream(rng, 0.01, 300, 3.0, True)[:2] for _ in range(streams)]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        for relevant, totals in data:
            detect_bursts(relevant, totals)
        seconds.append(time.perf_counter() - started)
    return median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--streams", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = []
    for gamma in (1.0, 2.0):
        for share, volume, lift, f1, false in quality(gamma, args.seeds):
            lines.append(
                f"| {gamma:g} | {share:.0%} of {volume}/week, x{lift:g} | {f1:.3f} "
                f"| {false} of {args.seeds} |"
            )
    seconds = speed(args.streams, args.runs)
    body = f"""## Burst detection (`benchmarks/bursts.py`)

Command: `python benchmarks/bursts.py --seeds {args.seeds} --streams {args.streams}`.
Kleinberg's two-state model (s = 2) on weekly counts over two years; one to three injected
bursts of 3 to 8 weeks per stream. Interval F1: mean over {args.seeds} streams, a found
burst right at Jaccard >= 0.5 with an injected one. False: streams with no injected burst
that report one.

| gamma | stream | interval F1 | false |
|---|---|---|---|
{chr(10).join(lines)}

gamma 1 (Kleinberg's and CiteSpace's default) finds weak bursts in sparse streams but
reports a burst in about one steady stream in ten; gamma 2 reports none in steady streams
and misses weak bursts in sparse ones. `detect_bursts(min_weight=...)` is the other lever.

Speed: {args.streams:,} streams of {PERIODS} weeks (as many methods, datasets and terms as
100,000 papers give) in {seconds:.1f} s, median of {args.runs}, pure Python.
"""
    write_section("bursts", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())

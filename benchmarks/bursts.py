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
from collections.abc import Callable

import numpy as np
from report import median, write_section

from paperkg.graph.analytics.bursts import Burst, detect_bursts, interval_f1
from paperkg.graph.analytics.timeline import BurstOptions, find_bursts

#: (share relevant, papers per week, lift in a burst); the last is a sparse stream (0.4
#: papers a week, as most methods of a large corpus), where false bursts are most tempting.
SETTINGS = [
    (0.05, 200, 3.0),
    (0.05, 200, 2.0),
    (0.02, 100, 3.0),
    (0.2, 50, 2.0),
    (0.01, 500, 4.0),
    (0.0004, 1000, 6.0),
]
DEFAULTS = BurstOptions()


def kleinberg(gamma: float) -> Callable[[list[int], list[int]], list[Burst]]:
    """Kleinberg's detector alone at ``gamma``."""
    return lambda relevant, totals: detect_bursts(relevant, totals, gamma=gamma)


#: What is compared: Kleinberg's detector alone, and paperkg's default (find_bursts).
DETECTORS: dict[str, Callable[[list[int], list[int]], list[Burst]]] = {
    "Kleinberg, gamma 1": kleinberg(1.0),
    "Kleinberg, gamma 2": kleinberg(2.0),
    "default (`find_bursts`)": lambda relevant, totals: find_bursts(relevant, totals),
}
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


def quality(
    detect: Callable[[list[int], list[int]], list[Burst]], seeds: int
) -> list[tuple[float, int, float, float, int]]:
    rows = []
    for share, volume, lift in SETTINGS:
        scores, false = [], 0
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            relevant, totals, truth = stream(rng, share, volume, lift, True)
            found = [(b.start, b.end) for b in detect(relevant, totals)]
            scores.append(interval_f1(found, truth))
            relevant, totals, _ = stream(rng, share, volume, lift, False)
            false += bool(detect(relevant, totals))
        rows.append((share, volume, lift, float(np.mean(scores)), false))
    return rows


def speed(detect: Callable[[list[int], list[int]], list[Burst]], streams: int, runs: int) -> float:
    rng = np.random.default_rng(0)
    data = [stream(rng, 0.01, 300, 3.0, True)[:2] for _ in range(streams)]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        for relevant, totals in data:
            detect(relevant, totals)
        seconds.append(time.perf_counter() - started)
    return median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--streams", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = []
    means: dict[str, float] = {}
    for name, detect in DETECTORS.items():
        rows = quality(detect, args.seeds)
        means[name.split(",")[-1].strip(" (`)")] = float(
            np.mean([f1 for *_setting, f1, _false in rows[:5]])
        )
        for share, volume, lift, f1, false in rows:
            lines.append(
                f"| {name} | {share:.2%} of {volume}/week, x{lift:g} | {f1:.3f} "
                f"| {false} of {args.seeds} |"
            )
    seconds = speed(DETECTORS["default (`find_bursts`)"], args.streams, args.runs)
    body = f"""## Burst detection (`benchmarks/bursts.py`)

Command: `python benchmarks/bursts.py --seeds {args.seeds} --streams {args.streams}`.
Kleinberg's two-state model (s = 2) on weekly counts over two years; one to three injected
bursts of 3 to 8 weeks per stream. Interval F1: mean over {args.seeds} streams, a found
burst right at Jaccard >= 0.5 with an injected one. False: streams with no injected burst
that report one.

| detector | stream | interval F1 | false |
|---|---|---|---|
{chr(10).join(lines)}

gamma 1 (Kleinberg's and CiteSpace's default) finds weak bursts in sparse streams but
reports a burst in about one steady stream in ten; gamma 2 reports none in steady streams
and misses weak bursts in sparse ones. The default (`timeline.find_bursts`: s {DEFAULTS.s:g},
gamma {DEFAULTS.gamma:g}, alpha {DEFAULTS.alpha:g}) keeps a gamma-1 candidate only when it
holds {DEFAULTS.min_support} papers and its count is rarer than alpha / periods at the
stream's rate outside its candidates, and than 10 alpha / periods at its overall rate: no
false bursts in any setting, mean interval F1 {means["default (`find_bursts"]:.3f} over the
first five (gamma 1: {means["gamma 1"]:.3f}, gamma 2: {means["gamma 2"]:.3f}). Its weak
spot is the 2% stream, where a 3-week burst of 6 papers a week is about as likely as chance
in a steady stream. The last stream (0.4 papers a week) shows what sparse method streams
risk: false bursts at gamma 1.

Speed: {args.streams:,} streams of {PERIODS} weeks (as many methods, datasets and terms as
100,000 papers give) in {seconds:.1f} s with the default detector, median of {args.runs},
pure Python.
"""
    write_section("bursts", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())

"""Starting from a paper at scale: ``connect`` (the k best paths between two papers) and, when
it exists, ``around`` (the papers most related to one origin) on 100,000 synthetic papers.

    python benchmarks/around.py --size 100000 --pairs 7

The graph is the one ``benchmarks/trends.py`` makes in code (``dated_graph``): papers over
two years in 40 clusters, 10 ``SIMILAR_TO`` edges a paper (9 inside its cluster), citations
of earlier papers of its cluster, methods, datasets and code links. Pairs are random
papers of different clusters (a path must cross topics); origins of ``around`` are random
papers. Times are after loading: the graph is in memory, each call does all of its own
work. Target (issue 21): <= 2 s each on 2 cores. Writes the section ``around`` of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
from dated_corpus import generate
from report import machine, median, write_section
from trends import cpu_flags, dated_graph, plan

from paperkg.graph.model import papers_of
from paperkg.graph.report.connect import MARGIN, MAX_MARGIN, MAX_SHARED, connect
from paperkg.graph.schema import Label

ENTITIES = (Label.METHOD, Label.DATASET, Label.REPO)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def pairs_of(graph: nx.MultiDiGraph[str], count: int, seed: int = 1) -> list[tuple[str, str]]:
    """``count`` random pairs of papers of different clusters."""
    rng = np.random.default_rng(seed)
    papers = [(node, data["cluster"]) for node, data in papers_of(graph)]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        (a, ca), (b, cb) = (papers[int(i)] for i in rng.integers(0, len(papers), 2))
        if ca != cb:
            pairs.append((a, b))
    return pairs


def time_connect(
    graph: nx.MultiDiGraph[str], pairs: list[tuple[str, str]], k: int
) -> tuple[list[str], list[float]]:
    """Table rows (seconds, paths, best cost and hops, nodes searched, link kinds, the
    load average then) and the seconds of ``connect`` between each pair."""
    rows = []
    for a, b in pairs:
        seconds, report = timed(lambda a=a, b=b: connect(graph, a, b, k))
        best = report.paths[0]
        kinds = ", ".join(sorted({h.kind for p in report.paths for h in p.hops}))
        load = os.getloadavg()[0]
        rows.append(
            (seconds, len(report.paths), best.cost, len(best.hops), report.searched, kinds, load)
        )
        print(f"connect {a} {b}: {seconds:.2f} s, {rows[-1][1:]}", flush=True)
    return [
        f"| {s:.2f} | {n} | {cost:.2f} | {hops} | {searched:,} | {kinds} | {load:.1f} |"
        for s, n, cost, hops, searched, kinds, load in rows
    ], [r[0] for r in rows]


def time_around(graph: nx.MultiDiGraph[str], origins: list[str]) -> list[float] | None:
    """Seconds of ``around`` with each origin alone, or None when it does not exist yet."""
    if importlib.util.find_spec("paperkg.graph.report.around") is None:
        return None
    from paperkg.graph.report.around import around

    times = []
    for origin in origins:
        seconds, _report = timed(lambda o=origin: around(graph, [o]))
        print(f"around {origin}: {seconds:.2f} s", flush=True)
        times.append(seconds)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=7, help="Random pairs (and origins).")
    parser.add_argument("-k", type=int, default=5, help="Paths per pair.")
    parser.add_argument("--no-write", action="store_true", help="Print, leave the docs alone.")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    graph = dated_graph(generate(plan(args.size)))
    made = time.perf_counter() - started
    gc.collect()
    print(f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges in {made:.0f} s")
    pairs = pairs_of(graph, args.pairs)
    rows, connect_times = time_connect(graph, pairs, args.k)
    around_times = time_around(graph, [a for a, _b in pairs])
    load_after = os.getloadavg()
    papers = sum(1 for _ in papers_of(graph))
    linked = [len(graph.pred[n]) for n, d in graph.nodes(data=True) if d["type"] in ENTITIES]
    entities, widest = len(linked), max(linked)
    hubs = sum(1 for n in linked if n > MAX_SHARED)
    table = "\n".join(rows)
    if around_times is None:
        around_text = (
            "`around` (paperkg/graph/report/around.py) did not exist when this ran; "
            "rerun the script to time it."
        )
    else:
        around_text = (
            f"`around` with one origin (the first paper of each pair, default size): median "
            f"**{median(around_times):.3f} s**, slowest {max(around_times):.3f} s."
        )
    body = f"""## Starting from a paper at scale (`benchmarks/around.py`)

Command: `python benchmarks/around.py --size {args.size} --pairs {args.pairs} -k {args.k}`.
Machine: {machine()}, CPU flags {cpu_flags()}; load average {load_before[0]:.2f} before,
{load_after[0]:.2f} after (2 cores shared with other work). The graph of
`benchmarks/trends.py` made in code: {papers:,} papers, {graph.number_of_nodes():,} nodes,
{graph.number_of_edges():,} edges (10 `SIMILAR_TO` a paper, citations inside clusters,
methods, datasets, code). Times are after loading (graph in memory), each call doing all of
its work; target <= 2 s each.

`connect` (k = {args.k}) between {args.pairs} random pairs of papers of different clusters:
median **{median(connect_times):.2f} s**, slowest {max(connect_times):.2f} s. Paths costing
at most the best one + {MARGIN:g} are sought (the margin doubled, up to {MAX_MARGIN:g}, while
fewer than k fit); nodes searched: those within half that bound of either paper (entities
more than {MAX_SHARED} papers link are not walked: {hubs:,} of {entities:,} here, the most
used linked by {widest:,} papers).

| seconds | paths | best cost | best hops | nodes searched | link kinds on the paths | load |
|---|---|---|---|---|---|---|
{table}

The load column is the 1-minute load average just after each call: above 2, the call
shared its core with other work and its time is longer than on a quiet machine.

{around_text}
"""
    if not args.no_write:
        write_section("around", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

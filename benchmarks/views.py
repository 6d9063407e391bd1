"""HTML view sizes and render times: the seeds (370 papers) and a synthetic 10,000-paper graph.

The synthetic graph has planted topics (vectors around 20 centroids) so that clustering, and
with it the overview's cluster super-node mode, behaves as on real data. Each render is timed
from the built graph to the written file; median of N runs. Writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import ROOT, median, write_section

sys.path.insert(0, str(ROOT / "tests"))
from seed_pages import seed_folder
from synthetic import synthetic_papers

from paperkg.graph import build_index, knn_edges, paper_graph, read_snapshot
from paperkg.graph.analytics.analyse import analyse
from paperkg.pipeline import build
from paperkg.viz import PHYSICS_LIMIT, overview, render_html


def synthetic_graph(papers: int, topics: int = 20, seed: int = 0):
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(topics, 384))
    topic = rng.integers(0, topics, papers)
    vectors = (centroids[topic] + 0.9 * rng.normal(size=(papers, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    items = synthetic_papers(
        papers, rng, vocabulary=14, title_words=7, abstract_words=150, source="synthetic:{i}"
    )
    graph = paper_graph(items, knn_edges(build_index(vectors), vectors, 10))
    started = time.perf_counter()
    analyse(graph)
    return graph, time.perf_counter() - started


def timed_render(graph, out: Path, runs: int) -> tuple[float, int, str]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        view = overview(graph)
        out.write_text(render_html(view), encoding="utf-8")
        seconds.append(time.perf_counter() - started)
    return median(seconds), out.stat().st_size, view.notes[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperkg-views-"))
    build([seed_folder()], work / "seeds")
    seeds = read_snapshot(work / "seeds").graph
    seed_time, seed_size, seed_note = timed_render(seeds, work / "seeds.html", args.runs)
    big, analyse_seconds = synthetic_graph(args.papers)
    big_time, big_size, big_note = timed_render(big, work / "big.html", args.runs)
    seed_mode = "vis.js physics" if PHYSICS_LIMIT >= 370 else "positions from networkx"
    seed_row = (
        f"| seeds, 370 papers | every paper, {seed_mode} "
        f"| {seed_time:.2f} | {seed_size / 1024:,.0f} KiB |"
    )
    big_row = (
        f"| synthetic, {args.papers:,} papers | cluster super-nodes + top papers, "
        f"positions from networkx | {big_time:.2f} | {big_size / 1024:,.0f} KiB |"
    )
    body = f"""## HTML views (`benchmarks/views.py`)

Command: `python benchmarks/views.py --papers {args.papers} --runs {args.runs}`. Time from a
built graph to the written overview file (view selection, layout, pyvis records, template),
median of {args.runs}; the file includes the inlined vis-network script (~470 KB).

| graph | overview mode | seconds | file size |
|---|---|---|---|
{seed_row}
{big_row}

Seeds page note: "{seed_note}". Large page note: "{big_note}".
Analytics (clusters, PageRank, sampled betweenness) of the synthetic graph took
{analyse_seconds:.0f} s once, outside the render times above. Stated bound: the overview of a
10,000-paper graph stays under 2 MiB, because above the 1,500-node budget it draws clusters
and their top papers, not every paper.
"""
    write_section("views", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())

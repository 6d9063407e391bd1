"""HTML views and the linked site: the seeds (370 papers) and a synthetic 10,000-paper graph.

The synthetic graph has planted topics (vectors around 20 centroids) so that clustering, and
with it the overview's cluster super-node mode, behaves as on real data; it also has dates and
citations (mostly to earlier papers of the same topic), so paper pages carry citation lists
and prior and derivative works as a snapshot built from Semantic Scholar or OpenAlex would.

Measured, median of N runs each:
- the overview alone: from the built graph to the written single-file page;
- the whole site (``write_site``): seconds, pages by kind, total size, the largest page;
- the site's overview in headless Chromium: from navigation start to the end of the first
  frame vis-network draws (its first ``afterDrawing`` event, after the page's own handlers
  for that frame have drawn the labels), a fresh browser context per load.

Writes docs/benchmarks.md (section ``views``); issue 18's targets: site <= 60 s, largest page
with its data <= 2 MiB, overview first render <= 3 s.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import numpy as np
from report import ROOT, median, write_section

sys.path.insert(0, str(ROOT / "tests"))
from browser import browser
from seed_pages import seed_folder
from synthetic import synthetic_papers

from paperkg.graph import build_index, knn_edges, paper_graph, read_snapshot
from paperkg.graph.analytics.analyse import analyse
from paperkg.graph.schema import RelType
from paperkg.pipeline import build
from paperkg.viz import PHYSICS_LIMIT, overview, render_html, write_site
from paperkg.viz.site import INDEX

#: Each synthetic paper cites this many earlier papers on average (Poisson) ...
CITATIONS = 5
#: ... this share of them in its own topic.
IN_TOPIC = 0.8
#: Runs before the page's scripts: catches ``window.paperkgNetwork`` as the page sets it and
#: notes when the first frame vis-network draws has finished (a microtask queued from the
#: first ``afterDrawing`` runs once every handler of that frame has returned).
FIRST_DRAW_HOOK = """
(() => {
  let network;
  Object.defineProperty(window, "paperkgNetwork", {
    configurable: true,
    get() { return network; },
    set(value) {
      network = value;
      value.once("afterDrawing", () => queueMicrotask(() => {
        window.paperkgFirstDrawn = performance.now();
      }));
    },
  });
})();
"""
SITE_HEADER = (
    "| graph | site seconds | pages | total size | largest page (own file) "
    "| largest page with what it loads | overview first render, ms | overview load event, ms |\n"
    + "|---" * 8
    + "|"
)
#: Resolves with the hook's time (polled here: the pages' content security policy forbids
#: the string evaluation ``page.wait_for_function`` polls with).
WAIT_FOR_FIRST_DRAW = """
() => new Promise((resolve, reject) => {
  const given = performance.now();
  const check = () => {
    if (window.paperkgFirstDrawn !== undefined) resolve(window.paperkgFirstDrawn);
    else if (performance.now() - given > 120000) reject(new Error("no frame drawn in 120 s"));
    else setTimeout(check, 10);
  };
  check();
})
"""
#: Local files a page loads: scripts and stylesheets.
_LOADS = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"#?]+\.(?:js|css|json))"')


@dataclass(frozen=True)
class SiteFigures:
    """One site: write time, pages, sizes, and its overview's first render in Chromium."""

    seconds: float
    pages: dict[str, int]
    total: int
    assets: int
    largest: tuple[str, int]
    largest_loaded: tuple[str, int]
    first_render_ms: float
    loaded_ms: float


def synthetic_graph(
    papers: int, topics: int = 20, citations: float = CITATIONS, seed: int = 0
) -> tuple[nx.MultiDiGraph[str], float]:
    """Papers with planted topics, dates in index order and citations to earlier papers,
    analysed; returns the graph and the seconds the analysis took."""
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(topics, 384))
    topic = rng.integers(0, topics, papers)
    vectors = (centroids[topic] + 0.9 * rng.normal(size=(papers, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    items = synthetic_papers(
        papers, rng, vocabulary=14, title_words=7, abstract_words=150, source="synthetic:{i}"
    )
    graph = paper_graph(items, knn_edges(build_index(vectors), vectors, 10))
    first = date(2023, 1, 1)
    for i, item in enumerate(items):
        graph.nodes[item.id]["published"] = (first + timedelta(days=730 * i // papers)).isoformat()
    by_topic = [np.flatnonzero(topic == t) for t in range(topics)]
    for i, item in enumerate(items):
        same = by_topic[topic[i]]
        same = same[: np.searchsorted(same, i)]
        for _ in range(min(int(rng.poisson(citations)), i)):
            cited = int(rng.choice(same)) if len(same) and rng.random() < IN_TOPIC else -1
            cited = cited if cited >= 0 else int(rng.integers(0, i))
            graph.add_edge(
                item.id, items[cited].id, key=f"{RelType.CITES}:synthetic", source="synthetic"
            )
    started = time.perf_counter()
    analyse(graph)
    return graph, time.perf_counter() - started


def timed_render(graph: nx.MultiDiGraph[str], out: Path, runs: int) -> tuple[float, int, str]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        view = overview(graph)
        out.write_text(render_html(view), encoding="utf-8")
        seconds.append(time.perf_counter() - started)
    return median(seconds), out.stat().st_size, view.notes[0]


def loaded_size(site: Path, page: Path) -> int:
    """A page's own bytes plus those of the site's files it loads (scripts, stylesheets)."""
    size = page.stat().st_size
    for href in set(_LOADS.findall(page.read_text(encoding="utf-8"))):
        found = (page.parent / href).resolve()
        if found.is_file() and found.is_relative_to(site.resolve()):
            size += found.stat().st_size
    return size


def first_render(page_path: Path, runs: int) -> tuple[float, float]:
    """Milliseconds from navigation start to the end of the first drawn frame, and to the
    load event; medians over ``runs`` loads, each in a fresh context of one Chromium."""
    drawn, loaded = [], []
    with browser() as chromium:
        for _ in range(runs):
            context = chromium.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(FIRST_DRAW_HOOK)
            page = context.new_page()
            page.goto(page_path.resolve().as_uri())
            drawn.append(float(page.evaluate(WAIT_FOR_FIRST_DRAW)))
            loaded.append(
                float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            )
            context.close()
    return median(drawn), median(loaded)


def timed_site(graph: nx.MultiDiGraph[str], work: Path, name: str, runs: int) -> SiteFigures:
    """Write the site ``runs`` times (each into a new folder), keep the last, measure it."""
    seconds = []
    for run in range(runs):
        folder = work / f"{name}-site-{run}"
        started = time.perf_counter()
        report = write_site(graph, folder)
        seconds.append(time.perf_counter() - started)
        if run < runs - 1:
            shutil.rmtree(folder)
    pages = sorted(folder.rglob("*.html"))
    own = max(pages, key=lambda p: p.stat().st_size)
    loaded = {p: loaded_size(folder, p) for p in pages}
    heaviest = max(loaded, key=lambda p: loaded[p])
    assets = sum(p.stat().st_size for p in (folder / "assets").rglob("*") if p.is_file())
    drawn, load_event = first_render(folder / INDEX, runs)
    return SiteFigures(
        seconds=median(seconds),
        pages=report.pages,
        total=report.bytes,
        assets=assets,
        largest=(own.relative_to(folder).as_posix(), own.stat().st_size),
        largest_loaded=(heaviest.relative_to(folder).as_posix(), loaded[heaviest]),
        first_render_ms=drawn,
        loaded_ms=load_event,
    )


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.2f} MiB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KiB"


def _site_row(graph: str, site: SiteFigures) -> str:
    pages = sum(site.pages.values())
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in site.pages.items())
    return (
        f"| {graph} | {site.seconds:.1f} | {pages:,} ({kinds}) | {_mib(site.total)} "
        f"| `{site.largest[0]}` {_mib(site.largest[1])} "
        f"| `{site.largest_loaded[0]}` {_mib(site.largest_loaded[1])} "
        f"| {site.first_render_ms:,.0f} | {site.loaded_ms:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperkg-views-"))
    build([seed_folder()], work / "seeds")
    seeds = read_snapshot(work / "seeds").graph
    seed_time, seed_size, seed_note = timed_render(seeds, work / "seeds.html", args.runs)
    seed_site = timed_site(seeds, work, "seeds", args.runs)
    big, analyse_seconds = synthetic_graph(args.papers)
    big_time, big_size, big_note = timed_render(big, work / "big.html", args.runs)
    big_site = timed_site(big, work, "big", args.runs)
    shutil.rmtree(work, ignore_errors=True)
    cites = sum(1 for _u, _v, k in big.edges(keys=True) if k.startswith(f"{RelType.CITES}:"))
    seed_mode = (
        "vis.js physics"
        if PHYSICS_LIMIT >= 370
        else f"positions from networkx (over {PHYSICS_LIMIT} nodes)"
    )
    seed_row = (
        f"| seeds, 370 papers | every paper, {seed_mode} "
        f"| {seed_time:.2f} | {seed_size / 1024:,.0f} KiB |"
    )
    big_row = (
        f"| synthetic, {args.papers:,} papers | cluster super-nodes + top papers, "
        f"positions from networkx | {big_time:.2f} | {big_size / 1024:,.0f} KiB |"
    )
    body = f"""## HTML views and the linked site (`benchmarks/views.py`)

Command: `python benchmarks/views.py --papers {args.papers} --runs {args.runs}`. The synthetic
graph: {args.papers:,} papers around 20 planted topics, 10 similar papers each, dates over two
years and {cites:,} citations to earlier papers ({IN_TOPIC:.0%} in the citing paper's topic),
analysed as a build would (clusters, topics, PageRank, sampled betweenness: {analyse_seconds:.0f} s
once, outside the times below).

**The whole site** (`write_site`, what `paperkg site` writes), median of {args.runs} writes, one
process on the machine below. The largest page is counted alone (its own HTML file, with the
map's data inlined) and with the site's files it loads (scripts and stylesheets in `assets/`,
shared by every map page). First render: milliseconds from navigation start to the end of the
first frame vis-network draws on the overview (`index.html`), i.e. its first `afterDrawing`
event once the page's own handlers for that frame (labels) have returned; it includes parsing
the page and its data, loading vis-network, the layout (physics pages stabilise first) and the
drawing. Load: the page's load event. Headless Chromium (Debian's, `--headless=new
--disable-gpu`), 1280x800, a fresh context per load, median of {args.runs} loads. Targets
(issue 18): site <= 60 s, largest page with its data <= 2 MiB, first render <= 3,000 ms.

{SITE_HEADER}
{_site_row("seeds, 370 papers", seed_site)}
{_site_row(f"synthetic, {args.papers:,} papers", big_site)}

Shared assets (`assets/`, loaded by the map pages, counted once in the total): seeds
{_mib(seed_site.assets)}, synthetic {_mib(big_site.assets)}.

**The overview alone** as a single-file page (`paperkg view overview`): time from a built graph
to the written file (view selection, layout, pyvis records, template), median of {args.runs};
the file includes the inlined vis-network script (~470 KB).

| graph | overview mode | seconds | file size |
|---|---|---|---|
{seed_row}
{big_row}

Seeds page note: "{seed_note}". Large page note: "{big_note}".
"""
    write_section("views", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())

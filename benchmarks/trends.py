"""The time analytics at scale: bursts, timelines, time-aware ranks (``analyse_time``) and
the ``trends`` report on 100,000 synthetic papers over two years, and whether the injected
bursts and the topic that appears are found.

    python benchmarks/trends.py --size 100000 --runs 3

The graph is made in code, as a build would leave it before its time stage (no embedding,
no clustering: the generator's topics are the clusters): papers with ``published`` dates on
the weekdays of 104 Monday weeks (volume growing 30 %), 40 clusters in 10 broad topics,
methods (used, introduced) and datasets with their edges, code links, 10 ``SIMILAR_TO``
edges per paper (9 inside its cluster) and citations of earlier papers of its cluster.
Injected (``benchmarks/dated_corpus.py``): four methods whose share of their cluster's
papers jumps for 4 to 8 weeks, and a cluster that appears 12 weeks before the end.
Target (issue 20): bursts, timelines and ``trends`` <= 60 s together on 2 cores. Writes
the section ``trends`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from dated_corpus import DatedPaper, Injected, Plan, generate
from report import cpu, machine, median, write_section

from paperkg.graph.analytics import analyse_time
from paperkg.graph.analytics.analyse import SUBTOPIC, TOPIC, cluster_node_id
from paperkg.graph.analytics.recency import citation_velocity, paper_dates, recent_pagerank
from paperkg.graph.analytics.timeline import streams_of
from paperkg.graph.model import entity_node_id
from paperkg.graph.report.trends import trends
from paperkg.graph.schema import Label, RelType

#: Two years of Monday weeks ending Sunday 29 March 2026; 40 clusters.
WEEKS, FIRST, CLUSTERS, PER_TOPIC = 104, date(2024, 4, 1), 40, 4
BURSTS = (
    Injected("LumaFormer", 3, 30, 35, 0.3, 0.02),
    Injected("QuillDiff", 11, 60, 63, 0.35, 0.02),
    Injected("SorelNet", 25, 86, 93, 0.25, 0.02),
    Injected("VantaRL", 37, 100, 103, 0.4, 0.0),
)
NEW_TOPIC_WEEK = 92
K = 10


def plan(size: int) -> Plan:
    return Plan(
        papers=size,
        weeks=WEEKS,
        first=FIRST,
        topics=CLUSTERS,
        bursts=BURSTS,
        new_topic_week=NEW_TOPIC_WEEK,
        new_topic_share=0.03,
        growth=0.3,
    )


def _key(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def _topic_of(cluster: int) -> int:
    """The level-1 topic id of a level-2 cluster: four clusters a topic, the new one alone;
    ids after the clusters', as a build numbers them."""
    return CLUSTERS + 1 + cluster // PER_TOPIC


def dated_graph(papers: Sequence[DatedPaper], seed: int = 0) -> nx.MultiDiGraph[str]:
    """The graph a build would have made of ``papers`` before its time stage."""
    rng = np.random.default_rng(seed)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    ids = [f"arxiv:{p.arxiv_id}" for p in papers]
    for node, paper in zip(ids, papers, strict=True):
        day = paper.day.isoformat()
        bridge = float(rng.random() * 0.5) if rng.random() < 0.05 else 0.0
        graph.add_node(
            node,
            type=Label.PAPER,
            title=paper.title,
            abstract=paper.abstract,
            sources=[f"synthetic/{day}.txt:{paper.row}"],
            published=day,
            listed_dates=[day],
            date_basis="listing",
            arxiv_id=paper.arxiv_id,
            cluster=paper.topic,
            topic=_topic_of(paper.topic),
            pagerank=1.0 / len(papers),
            bridge_score=bridge,
            participation=bridge,
        )
        _entities(graph, node, paper)
    members: dict[int, list[int]] = {}
    for row, paper in enumerate(papers):
        members.setdefault(paper.topic, []).append(row)
    _similar(graph, ids, papers, members, rng)
    for row, paper in enumerate(papers):
        for cited in paper.cites:
            source = "mention" if rng.random() < 0.1 else "semantic_scholar"
            graph.add_edge(ids[row], ids[cited], key=f"{RelType.CITES}:{source}", source=source)
    _clusters(graph, ids, papers, members)
    return graph


def _entities(graph: nx.MultiDiGraph[str], node: str, paper: DatedPaper) -> None:
    links = [(n, "method", RelType.USES) for n in paper.uses]
    links += [(n, "dataset", RelType.EVALUATES_ON) for n in paper.datasets]
    if paper.introduces:
        links.append((paper.introduces, "method", RelType.INTRODUCES))
    for name, kind, relation in links:
        entity = entity_node_id(kind, _key(name))
        if entity not in graph:
            label = Label.METHOD if kind == "method" else Label.DATASET
            graph.add_node(entity, type=label, key=_key(name), name=name, aliases=[])
        graph.add_edge(node, entity, key=relation, source="text", confidence=0.9, basis="pattern")
    if paper.code:
        repo = f"repo:{paper.code}"
        if repo not in graph:
            owner, name = paper.code.rsplit("/", 2)[-2:]
            graph.add_node(
                repo, type=Label.REPO, url=paper.code, host="github.com", owner=owner, name=name
            )
        graph.add_edge(node, repo, key=RelType.HAS_CODE, source="text")


def _similar(
    graph: nx.MultiDiGraph[str],
    ids: Sequence[str],
    papers: Sequence[DatedPaper],
    members: dict[int, list[int]],
    rng: np.random.Generator,
) -> None:
    """``K`` neighbours a paper: ``K - 1`` of its cluster, one anywhere; scores falling."""
    arrays = {c: np.asarray(rows) for c, rows in members.items()}
    for row, paper in enumerate(papers):
        own = arrays[paper.topic]
        picks = [*own[rng.integers(0, len(own), K - 1)], int(rng.integers(0, len(papers)))]
        scores = np.sort(rng.uniform(0.45, 0.9, K))[::-1]
        seen = set()
        for rank, (other, score) in enumerate(zip(picks, scores, strict=True), start=1):
            if other == row or other in seen:
                continue
            seen.add(other)
            graph.add_edge(
                ids[row], ids[int(other)], key=RelType.SIMILAR_TO, score=float(score), rank=rank
            )


def _clusters(
    graph: nx.MultiDiGraph[str],
    ids: Sequence[str],
    papers: Sequence[DatedPaper],
    members: dict[int, list[int]],
) -> None:
    """Cluster nodes of both levels, ``IN_CLUSTER`` and ``SUBTOPIC_OF`` edges."""
    for cluster, rows in sorted(members.items()):
        words = papers[rows[0]].title.split(": ")[-1].split()[:3]
        node = cluster_node_id(cluster)
        topic = _topic_of(cluster)
        graph.add_node(
            node,
            type=Label.CLUSTER,
            id=cluster,
            level=SUBTOPIC,
            size=len(rows),
            label=", ".join(words).lower(),
            topic=topic,
        )
        for row in rows:
            graph.add_edge(ids[row], node, key=RelType.IN_CLUSTER)
        parent = cluster_node_id(topic)
        if parent not in graph:
            graph.add_node(parent, type=Label.CLUSTER, id=topic, level=TOPIC, size=0, label="")
        graph.nodes[parent]["size"] += len(rows)
        graph.nodes[parent]["label"] = graph.nodes[parent]["label"] or ", ".join(words).lower()
        graph.add_edge(node, parent, key=RelType.SUBTOPIC_OF)


def cpu_flags() -> str:
    """The vector instruction sets the CPU has (numpy's and FAISS's speed depend on them)."""
    return ", ".join(cpu().isa) or "no AVX2"


class PeakMemory:
    """The largest resident set of this process while it runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def rss() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            self._stop.wait(0.02)

    def __enter__(self) -> PeakMemory:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def one_run(graph: nx.MultiDiGraph[str]) -> tuple[dict[str, float], Any, Any]:
    """Seconds of each step on ``graph``: the parts of ``analyse_time`` one by one, then
    the whole of it (what a build runs), the timeline's JSON, and ``trends``."""
    seconds: dict[str, float] = {}
    seconds["paper dates"], dates = timed(lambda: paper_dates(graph))
    seconds["recent PageRank"], _ = timed(lambda: recent_pagerank(graph, dates=dates))
    seconds["citation velocity"], _ = timed(lambda: citation_velocity(graph, dates=dates))
    seconds["streams (methods, datasets, topics, terms, labels)"], streams = timed(
        lambda: streams_of(graph, dates=dates)
    )
    seconds["term streams"] = float(len(streams.terms)) if streams else 0.0
    seconds["analyse_time (all of the above, bursts, timelines)"], timeline = timed(
        lambda: analyse_time(graph)
    )
    seconds["timeline.json text"], _ = timed(timeline.to_json)
    seconds["trends (newest week)"], report = timed(lambda: trends(graph, timeline))
    return seconds, timeline, report


def _days(burst: Any) -> set[date]:
    first, last = date.fromisoformat(burst.start), date.fromisoformat(burst.end)
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def findings(graph: nx.MultiDiGraph[str], timeline: Any, papers: Sequence[DatedPaper]) -> list[str]:
    """Per injected burst and the new cluster: what was found (Jaccard of days >= 0.5)."""
    rows = []
    for injected in BURSTS:
        start = FIRST + timedelta(weeks=injected.start)
        end = FIRST + timedelta(weeks=injected.end, days=6)
        truth = {start + timedelta(days=i) for i in range((end - start).days + 1)}
        found = [
            b
            for b in timeline.bursts
            if b.kind == Label.METHOD and b.key == entity_node_id("method", _key(injected.name))
        ]
        best = max((len(_days(b) & truth) / len(_days(b) | truth) for b in found), default=0.0)
        spans = ", ".join(f"{b.start} to {b.end}" for b in found) or "none"
        late = [
            (date.fromisoformat(b.end) - end).days // 7
            for b in found
            if b.start == start.isoformat() and date.fromisoformat(b.end) > end
        ]
        note = f"; starts right, ends {late[0]} weeks late" if late else ""
        rows.append(
            f"| {injected.name} (cluster {injected.topic}, {injected.base:.0%} -> "
            f"{injected.share:.0%} of its papers) | {start} to {end} | {spans} | "
            f"{'yes' if best >= 0.5 else 'no'} ({best:.2f}{note}) |"
        )
    new = cluster_node_id(CLUSTERS)
    start = FIRST + timedelta(weeks=NEW_TOPIC_WEEK)
    bursts = [b for b in timeline.bursts if b.key == new]
    spans = ", ".join(f"{b.start} to {b.end}" for b in bursts) or "none"
    window = trends(graph, timeline, since=start, until=start + timedelta(days=6))
    new_ids = (CLUSTERS, _topic_of(CLUSTERS))  # its topic stands for it: it is its only cluster
    appeared = [t for t in window.topics if t.kind == "appeared" and t.cluster in new_ids]
    rows.append(
        f"| new cluster {CLUSTERS} (3% of papers from its first week) | from {start} | "
        f"burst {spans}; `trends --since {start}`: "
        f"{'appeared' if appeared else 'not listed as appeared'} | "
        f"{'yes' if bursts and appeared else 'no'} |"
    )
    return rows


def false_bursts(timeline: Any, papers: Sequence[DatedPaper]) -> dict[str, int]:
    """Bursts of methods and datasets, and of terms, that nothing injected explains (not an
    injected method, not the new cluster's words, methods or datasets), out of how many."""
    from dated_corpus import explained

    injected, new = explained(plan(len(papers)), papers)
    known = injected | new
    entity = [b for b in timeline.bursts if b.kind in (Label.METHOD, Label.DATASET)]
    terms = [b for b in timeline.bursts if b.kind == "term"]
    return {
        "entity": len(entity),
        "entity_false": sum(1 for b in entity if b.name.casefold() not in known),
        "terms": len(terms),
        "terms_false": sum(1 for b in terms if not set(b.name.casefold().split()) & known),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, leave the docs alone.")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    papers = generate(plan(args.size))
    graph = dated_graph(papers)
    made = time.perf_counter() - started
    gc.collect()
    print(f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges in {made:.0f} s")
    runs, peaks = [], []
    timeline = report = None
    for run in range(args.runs):
        gc.collect()
        base = PeakMemory.rss()
        with PeakMemory() as memory:
            seconds, timeline, report = one_run(graph)
        peaks.append((base, memory.peak))
        runs.append(seconds)
        print(
            f"run {run + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()), flush=True
        )
    load_after = os.getloadavg()
    term_streams = int(runs[0].pop("term streams"))
    for r in runs[1:]:
        r.pop("term streams")
    steps = list(runs[0])
    table = "\n".join(f"| {step} | {median([r[step] for r in runs]):.1f} |" for step in steps)
    whole = [
        r["analyse_time (all of the above, bursts, timelines)"]
        + r["timeline.json text"]
        + r["trends (newest week)"]
        for r in runs
    ]
    found = "\n".join(findings(graph, timeline, papers))
    false = false_bursts(timeline, papers)
    base_gib = max(b for b, _p in peaks) / 2**30
    peak_gib = max(p for _b, p in peaks) / 2**30
    assert timeline is not None and report is not None and report.window is not None
    window = report.window
    papers_count = sum(1 for _n, d in graph.nodes(data=True) if d.get("type") == Label.PAPER)
    last = FIRST + timedelta(weeks=WEEKS, days=-1)
    body = f"""## Time analytics at scale (`benchmarks/trends.py`)

Command: `python benchmarks/trends.py --size {args.size} --runs {args.runs}`. Machine:
{machine()}, CPU flags {cpu_flags()}; load average {load_before[0]:.2f} before,
{load_after[0]:.2f} after (2 cores shared with other work). A graph made in code as a build
leaves it before its time stage (`benchmarks/dated_corpus.py`): {papers_count:,} papers
dated on the weekdays of {WEEKS} Monday weeks ({FIRST} to {last}, weekly volume growing 30 %),
{CLUSTERS} clusters in {CLUSTERS // PER_TOPIC} broad topics plus one that appears, abstracts
of about 1,000 characters; {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,}
edges ({K} `SIMILAR_TO` a paper, citations, methods, datasets, code). Seconds are medians
of {args.runs} runs on the same graph (`analyse_time` first takes off what it set before).

| step | seconds |
|---|---|
{table}
| **bursts, timelines and `trends` together** | **{median(whole):.1f}** |

Target: <= 60 s together on 2 cores. The rows above `analyse_time` are its parts timed
alone (it runs them again inside; the rest of it is burst detection, pure Python). Peak
resident memory during a run {peak_gib:.2f} GiB, of which {base_gib:.2f} GiB is the graph
before it. The timeline has {len(timeline.periods)} weekly periods and
{len(timeline.bursts):,} bursts; `trends` looked at the newest week ({window.since} to
{window.until}, {window.papers:,} papers; no build history, so no cluster events).

Injected bursts and what was found (found: a burst of that method whose days overlap the
injected weeks at Jaccard >= 0.5, as `benchmarks/bursts.py` scores them). A burst that
starts right and ends late has chance counts after the injected weeks above the stream's
base rate (here 2 % of a cluster of about 25 papers a week: 0.5 a week), which Kleinberg's
two states (twice the stream's overall rate, the burst included) cannot tell from the
burst's tail:

| injected | weeks | bursts found | found |
|---|---|---|---|
{found}

Bursts nothing injected explains (false bursts; the new cluster's own words, methods and
datasets burst with it, rightly): {false["entity_false"]} of {false["entity"]} method and
dataset bursts, {false["terms_false"]:,} of {false["terms"]:,} term bursts, out of
{term_streams:,} term streams (the most used words and two-word phrases; abstracts are
random draws from topic words, so no term has a burst of its own).
"""
    if not args.no_write:
        write_section("trends", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

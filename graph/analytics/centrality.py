"""Who connects the clusters: PageRank, betweenness, participation and a bridge score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from paperkg.graph.analytics.large_graphs import estimated_betweenness

__all__ = ["EXACT_BETWEENNESS_LIMIT", "Centrality", "centrality"]

#: Exact betweenness (networkx) up to this many papers; above it, NetworKit's estimate from
#: a fixed-seed sample of source papers.
EXACT_BETWEENNESS_LIMIT = 3000
SAMPLE_SOURCES = 1000


@dataclass(frozen=True)
class Centrality:
    """Scores per paper, and how betweenness was computed."""

    pagerank: dict[str, float]
    betweenness: dict[str, float]
    participation: dict[str, float]
    bridge_score: dict[str, float]
    betweenness_sample: int | None


def participation(network: nx.Graph[str], assignment: Mapping[str, int]) -> dict[str, float]:
    """1 - sum over clusters of (weight to that cluster / total weight)^2: 0 when all of a
    paper's links stay in one cluster, higher the more evenly they spread."""
    scores = {}
    for node in network.nodes:
        per_cluster: dict[int, float] = defaultdict(float)
        for neighbour, data in network[node].items():
            per_cluster[assignment[neighbour]] += data.get("weight", 1.0)
        total = sum(per_cluster.values())
        scores[node] = (1.0 - sum((w / total) ** 2 for w in per_cluster.values())) if total else 0.0
    return scores


def centrality(
    directed: nx.DiGraph[str],
    network: nx.Graph[str],
    assignment: Mapping[str, int],
    *,
    seed: int = 42,
) -> Centrality:
    """PageRank on the directed paper graph (similarity and citations, weighted), betweenness
    on the undirected network (hops; exact or sampled), participation across clusters, and
    ``bridge_score = (betweenness / max + participation / max) / 2``."""
    pagerank = nx.pagerank(directed, weight="weight") if directed.number_of_nodes() else {}
    n = network.number_of_nodes()
    sample = None if n <= EXACT_BETWEENNESS_LIMIT else min(SAMPLE_SOURCES, n)
    if sample is None:
        betweenness = nx.betweenness_centrality(network, normalized=True)
    else:
        betweenness = estimated_betweenness(network, samples=sample, seed=seed)
    spread = participation(network, assignment)
    top_b = max(betweenness.values(), default=0.0) or 1.0
    top_p = max(spread.values(), default=0.0) or 1.0
    bridge = {node: (betweenness[node] / top_b + spread[node] / top_p) / 2 for node in network}
    return Centrality(
        {k: round(v, 8) for k, v in pagerank.items()},
        {k: round(v, 8) for k, v in betweenness.items()},
        {k: round(v, 6) for k, v in spread.items()},
        {k: round(v, 6) for k, v in bridge.items()},
        sample,
    )

"""NetworKit's Louvain and betweenness estimate, used above the networkx sizes, agree with
networkx on graphs small enough to check."""

from __future__ import annotations

import networkx as nx

from paperkg.graph.analytics.large_graphs import estimated_betweenness, louvain_communities


def planted() -> nx.Graph:
    """Four dense groups of 30, joined in a ring through one bridge paper each way."""
    graph = nx.planted_partition_graph(4, 30, 0.5, 0.0, seed=3)
    nx.set_edge_attributes(graph, 1.0, "weight")
    for group in range(4):
        graph.add_edge(group * 30, ((group + 1) % 4) * 30 + 1, weight=1.0)
    return graph


def test_louvain_finds_the_planted_groups_and_is_seeded():
    graph = planted()
    communities, modularity = louvain_communities(graph, resolution=1.0, seed=42)
    assert sorted(sorted(c) for c in communities) == [
        list(range(g * 30, g * 30 + 30)) for g in range(4)
    ]
    assert modularity > 0.7
    again, _ = louvain_communities(graph, resolution=1.0, seed=42)
    assert sorted(map(sorted, again)) == sorted(map(sorted, communities))


def test_betweenness_estimate_ranks_bridges_like_exact_betweenness():
    graph = planted()
    estimate = estimated_betweenness(graph, samples=60, seed=42)
    exact = nx.betweenness_centrality(graph, normalized=True)
    top = sorted(exact, key=exact.get, reverse=True)[:8]
    assert set(sorted(estimate, key=estimate.get, reverse=True)[:8]) == set(top)
    assert all(0.0 <= value <= 1.0 for value in estimate.values())
    assert estimate == estimated_betweenness(graph, samples=60, seed=42)

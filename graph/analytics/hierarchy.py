"""Broad topics over the clusters: the clusters' own graph, clustered again.

Each cluster becomes one node of a smaller graph whose edge weights sum the topic-graph
links between their papers (a cluster's inner links as a loop, so modularity still sees
how tight each cluster is); Louvain at a low resolution groups those nodes into broad
topics. Every cluster lies wholly in one topic, so the two levels nest by construction.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from paperkg.graph.analytics.clusters import UNCLUSTERED

__all__ = ["TOPIC_RESOLUTION", "TOPIC_RUNS", "group_clusters"]

#: Resolution of the topic level: below 1, so clusters that link more than chance merge.
TOPIC_RESOLUTION = 0.7
TOPIC_RUNS = 5


def group_clusters(
    network: nx.Graph[str],
    assignment: Mapping[str, int],
    *,
    resolution: float = TOPIC_RESOLUTION,
    seed: int = 42,
) -> dict[int, int]:
    """Cluster number -> topic number (0, 1, ... by decreasing paper count, ties by the
    smallest cluster number); the unclustered group belongs to no topic."""
    size: dict[int, int] = {}
    for cluster in assignment.values():
        if cluster != UNCLUSTERED:
            size[cluster] = size.get(cluster, 0) + 1
    clusters: nx.Graph[int] = nx.Graph()
    clusters.add_nodes_from(sorted(size))
    for u, v, data in network.edges(data=True):
        a, b = assignment[u], assignment[v]
        if UNCLUSTERED in (a, b):
            continue
        weight = float(data.get("weight", 1.0))
        old = clusters.get_edge_data(a, b, {}).get("weight", 0.0)
        clusters.add_edge(a, b, weight=old + weight)
    if clusters.number_of_edges() == 0:
        groups = [{c} for c in clusters.nodes]
    else:
        runs = [
            nx.community.louvain_communities(
                clusters, weight="weight", resolution=resolution, seed=seed + run
            )
            for run in range(TOPIC_RUNS)
        ]
        groups = max(
            runs,
            key=lambda found: nx.community.modularity(
                clusters, found, weight="weight", resolution=resolution
            ),
        )
    ordered = sorted(groups, key=lambda g: (-sum(size[c] for c in g), min(g)))
    return {cluster: topic for topic, group in enumerate(ordered) for cluster in group}

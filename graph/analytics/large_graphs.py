"""Leiden, Louvain and sampled betweenness for paper networks, with NetworKit.

networkx's pure-Python Louvain and sampled betweenness take minutes to hours at 100,000
papers (docs/benchmarks.md); NetworKit (MIT, C++) runs the same algorithms in seconds.
Both run single-threaded here with a fixed seed, so a build is reproducible.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import networkx as nx

__all__ = ["estimated_betweenness", "leiden_communities", "louvain_communities"]

_Node = TypeVar("_Node", bound=Hashable)


def _networkit(network: nx.Graph[_Node], weighted: bool, seed: int) -> tuple[object, list[_Node]]:
    import networkit as nk

    nk.engineering.setNumberOfThreads(1)
    nk.setSeed(seed, False)
    nodes = list(network.nodes)
    number = {node: i for i, node in enumerate(nodes)}
    graph = nk.Graph(len(nodes), weighted=weighted, directed=False)
    for u, v, data in network.edges(data=True):
        if u != v:
            if weighted:
                graph.addEdge(number[u], number[v], float(data.get("weight", 1.0)))
            else:
                graph.addEdge(number[u], number[v])
    return graph, nodes


def louvain_communities(
    network: nx.Graph[_Node], *, resolution: float, seed: int
) -> tuple[list[set[_Node]], float]:
    """Weighted Louvain (NetworKit PLM with refinement): the communities as sets of nodes,
    and the partition's modularity."""
    import networkit as nk

    graph, nodes = _networkit(network, True, seed)
    algorithm = nk.community.PLM(graph, refine=True, gamma=resolution, par="none")
    algorithm.run()
    partition = algorithm.getPartition()
    members: dict[int, set[_Node]] = {}
    for i, node in enumerate(nodes):
        members.setdefault(partition[i], set()).add(node)
    modularity = nk.community.Modularity().getQuality(partition, graph)
    return list(members.values()), float(modularity)


def leiden_communities(
    network: nx.Graph[_Node], *, resolution: float, seed: int, runs: int = 1
) -> tuple[list[set[_Node]], float]:
    """Weighted Leiden (NetworKit's ParallelLeiden, run on one thread): the best of ``runs``
    seeded runs (seeds ``seed``, ``seed + 1``, ...) by modularity, and that modularity.
    Leiden refines each community before aggregating, so none comes out disconnected."""
    import networkit as nk

    best: tuple[list[set[_Node]], float] | None = None
    for run in range(max(runs, 1)):
        graph, nodes = _networkit(network, True, seed + run)
        algorithm = nk.community.ParallelLeiden(graph, gamma=resolution, randomize=True)
        algorithm.run()
        partition = algorithm.getPartition()
        members: dict[int, set[_Node]] = {}
        for i, node in enumerate(nodes):
            members.setdefault(partition[i], set()).add(node)
        modularity = float(nk.community.Modularity().getQuality(partition, graph))
        if best is None or modularity > best[1]:
            best = (list(members.values()), modularity)
    assert best is not None
    return best


def estimated_betweenness(
    network: nx.Graph[_Node], *, samples: int, seed: int
) -> dict[_Node, float]:
    """Betweenness over hops estimated from ``samples`` source nodes (Sanders, Geisberger,
    Schultes), normalised to [0, 1] like networkx's."""
    import networkit as nk

    graph, nodes = _networkit(network, False, seed)
    algorithm = nk.centrality.EstimateBetweenness(graph, samples, normalized=True, parallel=False)
    algorithm.run()
    scores: Sequence[float] = algorithm.scores()
    return {node: float(scores[i]) for i, node in enumerate(nodes)}

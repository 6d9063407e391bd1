"""Topic clusters: Leiden communities on the topic graph, best of several seeded runs.

Communities smaller than ``min_size`` go to one explicit "unclustered" group (id -1) rather
than dozens of singletons. Cluster numbers are 0, 1, 2, ... by decreasing size, ties by the
smallest paper id, so they are stable for the same input.

Leiden was chosen over Louvain on evidence (docs/benchmarks.md, "Clustering candidates"):
on the seeds both agree about as well with our hand-labelled topics, and Leiden never
returns a disconnected community. NetworKit (MIT) runs it; igraph's leidenalg is GPL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from paperkg.graph.analytics.large_graphs import leiden_communities

__all__ = ["RUNS", "UNCLUSTERED", "Clustering", "cluster_papers", "most_common"]

UNCLUSTERED = -1
#: Seeded runs per clustering; the one of highest modularity is kept (best of N).
RUNS = 8


@dataclass(frozen=True)
class Clustering:
    """Paper id -> cluster number, and the modularity of the partition found."""

    assignment: dict[str, int]
    modularity: float
    resolution: float
    seed: int
    min_size: int
    algorithm: str = f"leiden (networkit ParallelLeiden), best of {RUNS} seeds"


def cluster_papers(
    network: nx.Graph[str],
    *,
    resolution: float = 1.5,
    min_size: int = 3,
    seed: int = 42,
    runs: int = RUNS,
) -> Clustering:
    """Leiden communities (weighted; best of ``runs`` seeds) numbered by size."""
    if network.number_of_edges() == 0:
        return Clustering(
            dict.fromkeys(network.nodes, UNCLUSTERED), 0.0, resolution, seed, min_size
        )
    communities, modularity = leiden_communities(
        network, resolution=resolution, seed=seed, runs=runs
    )
    kept = sorted((c for c in communities if len(c) >= min_size), key=lambda c: (-len(c), min(c)))
    assignment = dict.fromkeys(network.nodes, UNCLUSTERED)
    for number, community in enumerate(kept):
        for paper in community:
            assignment[paper] = number
    return Clustering(
        assignment,
        round(modularity, 6),
        resolution,
        seed,
        min_size,
        f"leiden (networkit ParallelLeiden), best of {runs} seeds",
    )


def most_common(names: Sequence[str], top: int = 5) -> list[str]:
    """The ``top`` most frequent names, ties broken alphabetically."""
    counts = Counter(names)
    return [name for name, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]

"""The undirected, weighted paper graph that clustering and centrality run on."""

from __future__ import annotations

import networkx as nx

from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import RelType

__all__ = ["CITATION_WEIGHT", "paper_network"]

#: Weight of a citation edge next to cosine similarities (which are below 1).
CITATION_WEIGHT = 1.0


def paper_network(graph: nx.MultiDiGraph[str]) -> nx.Graph[str]:
    """Papers joined by similarity (weight = cosine) and citations (weight 1.0); where both
    directions or both kinds link a pair, the larger weight is kept."""
    network: nx.Graph[str] = nx.Graph()
    network.add_nodes_from(sorted(n for n, d in graph.nodes(data=True) if is_paper(d)))
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = relationship_type(key)
        if kind == RelType.SIMILAR_TO:
            weight = max(float(data.get("score", 0.0)), 0.0)
        elif kind == RelType.CITES:
            weight = CITATION_WEIGHT
        else:
            continue
        if u == v or u not in network or v not in network:
            continue
        if network.has_edge(u, v):
            weight = max(weight, network[u][v]["weight"])
        network.add_edge(u, v, weight=weight)
    return network

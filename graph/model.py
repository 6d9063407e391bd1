"""The graph model: a networkx MultiDiGraph whose node ``label`` and edge key follow Neo4j.

Nodes carry ``label`` (``Paper``, later ``Method``, ``Dataset``, ``Repo``, ``Cluster``) and
their properties; an edge's key is its relationship type (``SIMILAR_TO``, ``CITES``, ...),
so two papers can be linked once per type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx

from paperkg.graph.knn import Neighbour
from paperkg.graph.papers import Paper

__all__ = ["PAPER", "SIMILAR_TO", "count_labels", "count_types", "paper_graph", "papers_of"]

PAPER = "Paper"
SIMILAR_TO = "SIMILAR_TO"


def paper_graph(papers: Sequence[Paper], neighbours: Sequence[Neighbour]) -> nx.MultiDiGraph:
    """Paper nodes plus ``SIMILAR_TO {score, rank}`` edges (row numbers index ``papers``)."""
    graph = nx.MultiDiGraph()
    for paper in papers:
        graph.add_node(
            paper.id,
            label=PAPER,
            title=paper.title,
            abstract=paper.abstract,
            sources=list(paper.sources),
            listed=paper.listed,
            published=paper.published.isoformat() if paper.published else None,
            arxiv_id=paper.arxiv_id,
            doi=paper.doi,
            url=paper.url,
            authors=list(paper.authors),
        )
    for edge in neighbours:
        graph.add_edge(
            papers[edge.source].id,
            papers[edge.target].id,
            key=SIMILAR_TO,
            score=edge.score,
            rank=edge.rank,
        )
    return graph


def papers_of(graph: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, properties)`` of every Paper node."""
    for node, data in graph.nodes(data=True):
        if data.get("label") == PAPER:
            yield node, data


def count_labels(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of nodes per label."""
    return dict(sorted(Counter(data.get("label") for _n, data in graph.nodes(data=True)).items()))


def count_types(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of edges per relationship type."""
    return dict(sorted(Counter(key for _u, _v, key in graph.edges(keys=True)).items()))

"""The graph model: a networkx MultiDiGraph whose node ``type`` and edge key follow Neo4j.

Nodes carry ``type``, their Neo4j label (``Paper``, ``Method``, ``Dataset``, ``Repo``, ``Cluster``),
their properties; an edge's key is its relationship type (``SIMILAR_TO``, ``CITES``, ...),
so two papers can be linked once per type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx

from paperkg.graph.extraction import Extraction
from paperkg.graph.knn import Neighbour
from paperkg.graph.papers import Paper
from paperkg.graph.urls import Repo

__all__ = [
    "CITES",
    "DATASET",
    "HAS_CODE",
    "METHOD",
    "PAPER",
    "REPO",
    "SIMILAR_TO",
    "add_extraction",
    "count_labels",
    "count_types",
    "entity_node_id",
    "paper_graph",
    "papers_of",
    "relationship_type",
]

PAPER, METHOD, DATASET, REPO = "Paper", "Method", "Dataset", "Repo"
SIMILAR_TO, CITES, HAS_CODE = "SIMILAR_TO", "CITES", "HAS_CODE"
_LABEL_OF_KIND = {"method": METHOD, "dataset": DATASET}


def relationship_type(key: str) -> str:
    """Edge keys are the relationship type, plus ``:source`` where one pair may have several
    (``CITES:mention`` beside ``CITES:openalex``)."""
    return key.split(":", 1)[0]


def entity_node_id(kind: str, key: str) -> str:
    """Node id of a method or dataset: ``method:<key>`` / ``dataset:<key>``."""
    return f"{kind}:{key}"


def paper_graph(papers: Sequence[Paper], neighbours: Sequence[Neighbour]) -> nx.MultiDiGraph:
    """Paper nodes plus ``SIMILAR_TO {score, rank}`` edges (row numbers index ``papers``)."""
    graph = nx.MultiDiGraph()
    for paper in papers:
        graph.add_node(
            paper.id,
            type=PAPER,
            title=paper.title,
            abstract=paper.abstract,
            sources=list(paper.sources),
            listed=paper.listed,
            published=paper.published.isoformat() if paper.published else None,
            arxiv_id=paper.arxiv_id,
            doi=paper.doi,
            url=paper.url,
            authors=list(paper.authors),
            keywords=list(paper.keywords),
            s2_id=paper.s2_id,
            openalex_id=paper.openalex_id,
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


def add_extraction(graph: nx.MultiDiGraph, extraction: Extraction) -> None:
    """Method, Dataset and Repo nodes, the paper-to-entity relations, links and CITES edges."""
    for paper_id in sorted(extraction.entities):
        graph.nodes[paper_id]["entities"] = [m.name for m in extraction.entities[paper_id].mentions]
        for mention in extraction.entities[paper_id].mentions:
            node = entity_node_id(mention.kind, mention.key)
            if node not in graph:
                graph.add_node(
                    node,
                    type=_LABEL_OF_KIND[mention.kind],
                    key=mention.key,
                    name=mention.name,
                    aliases=[],
                    known=mention.known,
                )
            aliases = graph.nodes[node]["aliases"]
            if mention.name not in aliases and mention.name != graph.nodes[node]["name"]:
                aliases.append(mention.name)
            graph.add_edge(paper_id, node, key=mention.relation, evidence=mention.sentence)
    for paper_id in sorted(extraction.links):
        pages, code = [], []
        for item in extraction.links[paper_id]:
            if isinstance(item, Repo):
                node = f"repo:{item.url}"
                if node not in graph:
                    graph.add_node(
                        node,
                        type=REPO,
                        url=item.url,
                        host=item.host,
                        owner=item.owner,
                        name=item.name,
                        kind=item.kind,
                    )
                graph.add_edge(paper_id, node, key=HAS_CODE)
                code.append(item.url)
            else:
                pages.append(item.url)
        graph.nodes[paper_id]["links"] = pages
        graph.nodes[paper_id]["code"] = code
    for cited in extraction.metadata_citations:
        graph.add_edge(
            cited.source, cited.target, key=f"{CITES}:{cited.origin}", source=cited.origin
        )
    for citation in extraction.citations:
        graph.add_edge(
            citation.source,
            citation.target,
            key=f"{CITES}:mention",
            source="mention",
            evidence=citation.evidence,
            entity=citation.entity,
        )


def papers_of(graph: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, properties)`` of every Paper node."""
    for node, data in graph.nodes(data=True):
        if data.get("type") == PAPER:
            yield node, data


def count_labels(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of nodes per label."""
    return dict(sorted(Counter(data.get("type") for _n, data in graph.nodes(data=True)).items()))


def count_types(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of edges per relationship type."""
    counts = Counter(relationship_type(key) for _u, _v, key in graph.edges(keys=True))
    return dict(sorted(counts.items()))

"""The graph model: a networkx MultiDiGraph whose node ``type`` and edge key follow Neo4j.

Nodes carry ``type``, their Neo4j label (``Paper``, ``Method``, ``Dataset``, ``Repo``, ``Cluster``),
their properties; an edge's key is its relationship type (``SIMILAR_TO``, ``CITES``, ...),
so two papers can be linked once per type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import networkx as nx

from paperkg.graph.embed.knn import Neighbour
from paperkg.graph.extract.citations import ExternalWork, MetadataCitation
from paperkg.graph.extract.confidence import Basis
from paperkg.graph.extract.entities import EntityMention
from paperkg.graph.extract.extraction import Extraction
from paperkg.graph.extract.urls import Repo
from paperkg.graph.papers import Paper
from paperkg.graph.schema import Label, RelType

__all__ = [
    "CONFIDENCE_UNKNOWN",
    "add_external_works",
    "add_extraction",
    "count_labels",
    "count_types",
    "edge_confidence",
    "entity_node_id",
    "is_paper",
    "paper_graph",
    "papers_of",
    "relationship_type",
]

_LABEL_OF_KIND = {"method": Label.METHOD, "dataset": Label.DATASET}
#: The confidence of an edge that carries none: certain, so every threshold lets it through.
CONFIDENCE_UNKNOWN = 1.0


def relationship_type(key: str) -> str:
    """Edge keys are the relationship type, plus ``:source`` where one pair may have several
    (``CITES:mention`` beside ``CITES:openalex``)."""
    return key.split(":", 1)[0]


def entity_node_id(kind: str, key: str) -> str:
    """Node id of a method or dataset: ``method:<key>`` / ``dataset:<key>``."""
    return f"{kind}:{key}"


def paper_graph(papers: Sequence[Paper], neighbours: Sequence[Neighbour]) -> nx.MultiDiGraph[str]:
    """Paper nodes plus ``SIMILAR_TO {score, rank}`` edges (row numbers index ``papers``)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for paper in papers:
        graph.add_node(
            paper.id,
            type=Label.PAPER,
            title=paper.title,
            abstract=paper.abstract,
            sources=list(paper.sources),
            listed=paper.listed,
            published=paper.published.isoformat() if paper.published else None,
            listed_dates=[day.isoformat() for day in paper.listed_dates],
            date_basis=paper.date_basis,
            arxiv_id=paper.arxiv_id,
            doi=paper.doi,
            url=paper.url,
            authors=list(paper.authors),
            keywords=list(paper.keywords),
            s2_id=paper.s2_id,
            openalex_id=paper.openalex_id,
            pwc_id=paper.pwc_id,
        )
    for edge in neighbours:
        graph.add_edge(
            papers[edge.source].id,
            papers[edge.target].id,
            key=RelType.SIMILAR_TO,
            score=edge.score,
            rank=edge.rank,
        )
    return graph


#: Who names a link, most trusted first: a curated source, the paper's text, feed metadata.
_SOURCE_RANK = {"pwc": 0, "text": 1, "metadata": 2}


def add_extraction(graph: nx.MultiDiGraph[str], extraction: Extraction) -> None:
    """Method, Dataset and Repo nodes, the paper-to-entity relations, links and CITES edges.

    Entity and repo nodes and their edges carry ``source``: ``"pwc"`` when Papers with Code
    names them (curated wins), else ``"text"`` (or ``"metadata"`` for a repo only a feed
    field names); PwC's ``HAS_CODE`` also carries ``official``. Edges keep the text's
    sentence as ``evidence`` whenever the text names the relation too.

    Every paper-to-method and paper-to-dataset edge carries ``confidence`` and ``basis``
    (what evidence found it), and ``spelling`` when the text writes the name otherwise than
    the node (``ViT-L/16`` for ViT); the node's ``aliases`` are those spellings and the long
    forms papers spell its acronym out as (``Extraction.aliases``). A relation
    found twice keeps the more confident mention (the other's evidence fills a gap).
    """
    touched: set[str] = set()
    for paper_id in sorted(extraction.entities):
        # Names of other kinds (metrics, hardware, ...) are never nodes (gazetteer.KINDS).
        mentions = [m for m in extraction.entities[paper_id].mentions if m.kind in _LABEL_OF_KIND]
        graph.nodes[paper_id]["entities"] = list(dict.fromkeys(m.name for m in mentions))
        for mention in mentions:
            node = entity_node_id(mention.kind, mention.key)
            if node not in graph:
                curated = extraction.curated.get(mention.key)
                graph.add_node(
                    node,
                    type=_LABEL_OF_KIND[mention.kind],
                    key=mention.key,
                    name=mention.name,
                    aliases=[],
                    known=mention.known,
                    source=curated.source if curated else "text",
                )
                if curated is not None:
                    details = {
                        "full_name": curated.full_name,
                        "description": curated.description,
                        "url": curated.url,
                        "homepage": curated.homepage,
                    }
                    graph.nodes[node].update({k: v for k, v in details.items() if v})
            touched.add(node)
            name = graph.nodes[node]["name"]
            aliases = graph.nodes[node]["aliases"]
            spelling = mention.spelling or mention.name
            if spelling != name and spelling not in aliases:
                aliases.append(spelling)
            _add_entity_edge(graph, paper_id, node, mention, name)
    for node in touched:
        data = graph.nodes[node]
        spelled = extraction.aliases.get(data["key"], [])
        extra = [a for a in spelled if a != data["name"] and a not in data["aliases"]]
        data["aliases"] = sorted([*data["aliases"], *extra], key=lambda a: (a.casefold(), a))
    for paper_id in sorted(extraction.links):
        pages, code = [], []
        for item in extraction.links[paper_id]:
            if isinstance(item, Repo):
                node = f"repo:{item.url}"
                named = extraction.code.get(paper_id, {}).get(item.url)
                source = named.source if named else "text"
                if node not in graph:
                    graph.add_node(
                        node,
                        type=Label.REPO,
                        url=item.url,
                        host=item.host,
                        owner=item.owner,
                        name=item.name,
                        kind=item.kind,
                        source=source,
                    )
                elif _SOURCE_RANK[source] < _SOURCE_RANK[graph.nodes[node]["source"]]:
                    graph.nodes[node]["source"] = source
                edge: dict[str, Any] = {"source": source}
                if named is not None and named.official is not None:
                    edge["official"] = named.official
                graph.add_edge(paper_id, node, key=RelType.HAS_CODE, **edge)
                code.append(item.url)
            else:
                pages.append(item.url)
        graph.nodes[paper_id]["links"] = pages
        graph.nodes[paper_id]["code"] = code
    for cited in extraction.metadata_citations:
        graph.add_edge(
            cited.source, cited.target, key=f"{RelType.CITES}:{cited.origin}", source=cited.origin
        )
    for citation in extraction.citations:
        graph.add_edge(
            citation.source,
            citation.target,
            key=f"{RelType.CITES}:mention",
            source="mention",
            evidence=citation.evidence,
            entity=citation.entity,
        )


def _entity_edge(mention: EntityMention, name: str) -> dict[str, Any]:
    """The properties of the edge one mention makes (``name``: the node's display name)."""
    edge: dict[str, Any] = {
        "source": mention.source,
        "confidence": float(mention.confidence),
        "basis": Basis(mention.basis).value,
    }
    if mention.sentence:
        edge["evidence"] = mention.sentence
    if mention.spelling and mention.spelling != name:
        edge["spelling"] = mention.spelling
    return edge


def _add_entity_edge(
    graph: nx.MultiDiGraph[str], paper: str, node: str, mention: EntityMention, name: str
) -> None:
    """One edge per paper, entity and relation: of two mentions, the more confident one's
    properties (the first on a tie), its missing evidence and spelling taken from the other."""
    edge = _entity_edge(mention, name)
    if not graph.has_edge(paper, node, mention.relation):
        graph.add_edge(paper, node, key=mention.relation, **edge)
        return
    existing = graph.edges[paper, node, mention.relation]
    if edge["confidence"] > edge_confidence(existing):
        kept, other = edge, dict(existing)
    else:
        kept, other = dict(existing), edge
    for gap in ("evidence", "spelling"):
        if gap not in kept and gap in other:
            kept[gap] = other[gap]
    existing.clear()
    existing.update(kept)


def edge_confidence(data: Mapping[str, Any]) -> float:
    """How sure extraction is of an edge: its ``confidence``, or ``CONFIDENCE_UNKNOWN`` (1.0,
    let through by every threshold) for edges that carry none (code links, citations,
    method and dataset links of snapshots built before edges had confidences)."""
    value = data.get("confidence")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return CONFIDENCE_UNKNOWN


def add_external_works(
    graph: nx.MultiDiGraph[str],
    works: Sequence[ExternalWork],
    citations: Sequence[MetadataCitation],
) -> None:
    """``Paper {stub: true}`` nodes for works outside the corpus, with their CITES edges, so
    co-citation and bibliographic coupling see shared references the corpus does not hold."""
    for work in works:
        graph.add_node(
            work.id, type=Label.PAPER, stub=True, title=work.title or work.id, keys=list(work.keys)
        )
    for cited in citations:
        graph.add_edge(
            cited.source, cited.target, key=f"{RelType.CITES}:{cited.origin}", source=cited.origin
        )


def is_paper(data: dict[str, Any]) -> bool:
    """True for a paper of the corpus; False for stubs of outside works and other nodes."""
    return data.get("type") == Label.PAPER and not data.get("stub")


def papers_of(graph: nx.MultiDiGraph[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, properties)`` of every paper of the corpus (stubs left out)."""
    for node, data in graph.nodes(data=True):
        if is_paper(data):
            yield node, data


def count_labels(graph: nx.MultiDiGraph[str]) -> dict[str, int]:
    """Number of nodes per label."""
    return dict(sorted(Counter(data["type"] for _n, data in graph.nodes(data=True)).items()))


def count_types(graph: nx.MultiDiGraph[str]) -> dict[str, int]:
    """Number of edges per relationship type."""
    counts = Counter(relationship_type(key) for _u, _v, key in graph.edges(keys=True))
    return dict(sorted(counts.items()))

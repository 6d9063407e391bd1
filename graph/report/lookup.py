"""Questions about one thing in a built graph: which paper is this, what does it relate to,
which entities are there and who introduced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.graph.model import edge_confidence, relationship_type
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search.resolve import PaperResolver

__all__ = [
    "EntityLink",
    "EntityRow",
    "PaperProfile",
    "entity_rows",
    "find_paper",
    "paper_profile",
]

_KIND_LABELS = {"method": Label.METHOD, "dataset": Label.DATASET, "repo": Label.REPO}
#: The order a paper's entity links are listed in.
_RELATION_ORDER: dict[str, int] = {
    RelType.INTRODUCES: 0,
    RelType.USES: 1,
    RelType.EVALUATES_ON: 2,
    RelType.HAS_CODE: 3,
}


@dataclass(frozen=True)
class EntityRow:
    """One method, dataset or repo with the number of papers linked to it, the titles of
    those introducing it, and the other spellings papers write its name in (``aliases``)."""

    kind: str
    name: str
    key: str
    papers: int
    introduced_by: list[str]
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntityLink:
    """How a paper relates to one method, dataset or repo: the relation (``INTRODUCES``,
    ``USES``, ``EVALUATES_ON``, ``HAS_CODE``), the sentence that says so (``evidence``,
    empty when only a curated source or a code field names it), what found it (``basis``)
    and how sure that is (``confidence``; None for code links, which carry none), and the
    name as the paper writes it when that differs (``spelling``)."""

    relation: str
    kind: str
    name: str
    key: str
    evidence: str
    basis: str | None
    confidence: float | None
    source: str | None
    spelling: str | None = None


@dataclass
class PaperProfile:
    """Everything the graph knows about one paper."""

    id: str
    title: str
    abstract: str
    sources: list[str]
    listed: str | None
    links: list[str]
    #: The paper's date (ISO) and how it was found (``Paper.date_basis``).
    published: str | None = None
    date_basis: str | None = None
    introduces: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    evaluates_on: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    #: Every link above with its evidence, basis and confidence: introductions, uses,
    #: evaluations, then code; most confident first within each.
    entities: list[EntityLink] = field(default_factory=list)
    similar: list[dict[str, object]] = field(default_factory=list)
    cites: list[dict[str, object]] = field(default_factory=list)
    cited_by: list[dict[str, object]] = field(default_factory=list)


def find_paper(graph: nx.MultiDiGraph[str], query: str) -> str:
    """The id of the paper named by ``query``, read by the one paper resolver
    (``paperkg.graph.search.PaperResolver.resolve``: id, arXiv id, DOI, title, short name
    or a unique title fragment). Kept for callers that want the id alone."""
    return PaperResolver.of_graph(graph).resolve(query).id


def entity_rows(
    graph: nx.MultiDiGraph[str], kind: str | None = None, min_confidence: float = 0.0
) -> list[EntityRow]:
    """Methods, datasets and repos with paper counts, most-linked first.

    Only links of at least ``min_confidence`` count (links without a confidence, such as
    code links, always do); an entity no such link reaches is left out.
    """
    labels = {_KIND_LABELS[kind]} if kind else set(_KIND_LABELS.values())
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("type") not in labels:
            continue
        links = [
            (u, key)
            for u, _v, key, edge in graph.in_edges(node, keys=True, data=True)
            if edge_confidence(edge) >= min_confidence
        ]
        if not links:
            continue
        introduced = sorted(
            graph.nodes[u]["title"] for u, key in links if key == RelType.INTRODUCES
        )
        label = data["type"]
        rows.append(
            EntityRow(
                kind=label.lower(),
                name=data["name"] if label != Label.REPO else data["url"],
                key=data.get("key", data.get("url", node)),
                papers=len({u for u, _key in links}),
                introduced_by=introduced,
                aliases=list(data.get("aliases") or []),
            )
        )
    rows.sort(key=lambda r: (-r.papers, r.kind, r.name.casefold()))
    return rows


def _entity_name(graph: nx.MultiDiGraph[str], node: str) -> str:
    data = graph.nodes[node]
    if data.get("type") == Label.REPO:
        return str(data["url"])
    return str(data.get("name") or node)


def paper_profile(graph: nx.MultiDiGraph[str], paper: str) -> PaperProfile:
    """Entities, repos, most similar papers, citations made and received for one paper."""
    data = graph.nodes[paper]
    profile = PaperProfile(
        paper,
        data["title"],
        data["abstract"],
        data["sources"],
        data.get("listed") or data.get("published"),
        data.get("links") or [],
        published=data.get("published"),
        date_basis=data.get("date_basis"),
    )
    by_relation: dict[str, list[str]] = {
        RelType.INTRODUCES: profile.introduces,
        RelType.USES: profile.uses,
        RelType.EVALUATES_ON: profile.evaluates_on,
        RelType.HAS_CODE: profile.repos,
    }
    similar: list[dict[str, Any]] = []
    for _u, target, key, edge in graph.out_edges(paper, keys=True, data=True):
        kind = relationship_type(key)
        if kind in by_relation:
            by_relation[kind].append(_entity_name(graph, target))
            profile.entities.append(_entity_link(graph, kind, target, edge))
        elif kind == RelType.SIMILAR_TO:
            similar.append(
                {
                    "id": target,
                    "title": graph.nodes[target]["title"],
                    "score": edge["score"],
                    "rank": edge["rank"],
                }
            )
        elif kind == RelType.CITES:
            profile.cites.append(
                {
                    "id": target,
                    "title": graph.nodes[target]["title"],
                    "source": edge.get("source"),
                    "entity": edge.get("entity"),
                }
            )
    for source, _v, key, edge in graph.in_edges(paper, keys=True, data=True):
        if relationship_type(key) == RelType.CITES:
            profile.cited_by.append(
                {
                    "id": source,
                    "title": graph.nodes[source]["title"],
                    "source": edge.get("source"),
                    "entity": edge.get("entity"),
                }
            )
    similar.sort(key=lambda s: s["rank"])
    profile.similar = similar
    profile.entities.sort(
        key=lambda e: (_RELATION_ORDER[e.relation], -(e.confidence or 0.0), e.name.casefold())
    )
    return profile


def _entity_link(
    graph: nx.MultiDiGraph[str], relation: str, target: str, edge: dict[str, Any]
) -> EntityLink:
    data = graph.nodes[target]
    confidence = edge.get("confidence")
    return EntityLink(
        relation=relation,
        kind=str(data.get("type", "")).lower(),
        name=_entity_name(graph, target),
        key=str(data.get("key", data.get("url", target))),
        evidence=str(edge.get("evidence") or ""),
        basis=edge.get("basis"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        source=edge.get("source"),
        spelling=edge.get("spelling"),
    )

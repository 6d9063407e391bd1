"""Questions about one thing in a built graph: which paper is this, what does it relate to,
which entities are there and who introduced them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError
from paperkg.graph.extract.normalize import fold
from paperkg.graph.model import edge_confidence, is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "BridgeReport",
    "ClusterRow",
    "EntityLink",
    "EntityRow",
    "PaperProfile",
    "bridge_report",
    "cluster_rows",
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
    """The id of the paper named by ``query``: an id, an exact (folded) title, or a unique
    title fragment."""
    query = query.strip()
    if is_paper(graph.nodes.get(query, {})):
        return query
    wanted = fold(query)
    papers = [(n, fold(d.get("title", ""))) for n, d in graph.nodes(data=True) if is_paper(d)]
    exact = [n for n, title in papers if title == wanted]
    if exact:
        return exact[0]
    partial = [n for n, title in papers if wanted and wanted in title]
    leading = [n for n, title in papers if wanted and title.startswith(wanted)]
    for found in (partial, leading):
        if len(found) == 1:
            return found[0]
    if not partial:
        raise NotFoundError(f"no paper matches {query!r}: give a paper id or its title")
    names = "; ".join(graph.nodes[n]["title"][:60] for n in partial[:3])
    raise NotFoundError(f"{len(partial)} papers match {query!r} (e.g. {names}); be more specific")


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


@dataclass(frozen=True)
class ClusterRow:
    """One cluster as ``paperkg clusters`` shows it."""

    id: int
    size: int
    label: str
    keywords: list[str]
    methods: list[str]
    datasets: list[str]
    linked: dict[int, int]


def cluster_rows(graph: nx.MultiDiGraph[str]) -> list[ClusterRow]:
    """Clusters, largest first (the unclustered group, -1, last), with their links."""
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != Label.CLUSTER:
            continue
        linked: dict[int, int] = {}
        for u, v, key, edge in [
            *graph.out_edges(node, keys=True, data=True),
            *graph.in_edges(node, keys=True, data=True),
        ]:
            if key == RelType.LINKS_TO:
                other = v if u == node else u
                linked[graph.nodes[other]["id"]] = edge["edges"]
        rows.append(
            ClusterRow(
                data["id"],
                data["size"],
                data["label"],
                data["keywords"],
                data["methods"],
                data["datasets"],
                dict(sorted(linked.items(), key=lambda kv: -kv[1])),
            )
        )
    rows.sort(key=lambda r: (r.id < 0, -r.size, r.id))
    return rows


@dataclass(frozen=True)
class BridgePaper:
    """A paper linking clusters: its score and the clusters its links reach."""

    id: str
    title: str
    cluster: int
    bridge_score: float
    betweenness: float
    participation: float
    joins: list[int]


@dataclass(frozen=True)
class BridgeEntity:
    """A method, dataset or repo whose papers sit in several clusters."""

    kind: str
    name: str
    clusters: list[int]
    papers: int


@dataclass(frozen=True)
class BridgeReport:
    """Top bridge papers and bridging entities."""

    papers: list[BridgePaper]
    entities: list[BridgeEntity]


def bridge_report(
    graph: nx.MultiDiGraph[str], top: int = 10, min_confidence: float = 0.0
) -> BridgeReport:
    """Papers with the highest bridge score (and the clusters their links join), and entities
    spanning the most clusters through links of at least ``min_confidence``."""
    papers = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != Label.PAPER or "bridge_score" not in data:
            continue
        reach: Counter[int] = Counter()
        for _u, target, key in graph.out_edges(node, keys=True):
            if relationship_type(key) in (RelType.SIMILAR_TO, RelType.CITES):
                reach[graph.nodes[target].get("cluster", -1)] += 1
        for source, _v, key in graph.in_edges(node, keys=True):
            if relationship_type(key) in (RelType.SIMILAR_TO, RelType.CITES):
                reach[graph.nodes[source].get("cluster", -1)] += 1
        joins = sorted(c for c in reach if c >= 0)
        papers.append(
            BridgePaper(
                node,
                data["title"],
                data["cluster"],
                data["bridge_score"],
                data["betweenness"],
                data["participation"],
                joins,
            )
        )
    papers.sort(key=lambda p: (-p.bridge_score, p.id))
    entities = _bridging_entities(graph, min_confidence)
    entities.sort(key=lambda e: (-len(e.clusters), -e.papers, e.name.casefold()))
    return BridgeReport(papers[:top], entities[:top])


def _bridging_entities(graph: nx.MultiDiGraph[str], min_confidence: float) -> list[BridgeEntity]:
    """Entities whose papers linked with at least ``min_confidence`` sit in two or more
    clusters, with the number of such links: with every link, the build's ``bridging``
    entities and their ``clusters`` (fewer links never span more clusters)."""
    found = []
    for node, data in graph.nodes(data=True):
        if not data.get("bridging"):
            continue
        linked = [
            u
            for u, _v, edge in graph.in_edges(node, data=True)
            if edge_confidence(edge) >= min_confidence
        ]
        clusters = sorted({c for u in linked if (c := graph.nodes[u].get("cluster", -1)) >= 0})
        if len(clusters) >= 2:
            name = data.get("name") or data["url"]
            found.append(BridgeEntity(data["type"].lower(), name, clusters, len(linked)))
    return found

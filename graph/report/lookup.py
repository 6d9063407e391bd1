"""Questions about one thing in a built graph: which paper is this, what does it relate to,
which entities are there and who introduced them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError
from paperkg.graph.extract.normalize import fold
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "BridgeReport",
    "ClusterRow",
    "EntityRow",
    "PaperProfile",
    "bridge_report",
    "cluster_rows",
    "entity_rows",
    "find_paper",
    "paper_profile",
]

_KIND_LABELS = {"method": Label.METHOD, "dataset": Label.DATASET, "repo": Label.REPO}


@dataclass(frozen=True)
class EntityRow:
    """One method, dataset or repo with the number of papers linked to it."""

    kind: str
    name: str
    key: str
    papers: int
    introduced_by: list[str]


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


def entity_rows(graph: nx.MultiDiGraph[str], kind: str | None = None) -> list[EntityRow]:
    """Methods, datasets and repos with paper counts, most-linked first."""
    labels = {_KIND_LABELS[kind]} if kind else set(_KIND_LABELS.values())
    rows = []
    for node, data in graph.nodes(data=True):
        if data.get("type") not in labels:
            continue
        papers = {u for u, _v in graph.in_edges(node)}
        introduced = sorted(
            graph.nodes[u]["title"]
            for u, _v, key in graph.in_edges(node, keys=True)
            if key == RelType.INTRODUCES
        )
        label = data["type"]
        rows.append(
            EntityRow(
                kind=label.lower(),
                name=data["name"] if label != Label.REPO else data["url"],
                key=data.get("key", data.get("url", node)),
                papers=len(papers),
                introduced_by=introduced,
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
    return profile


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


def bridge_report(graph: nx.MultiDiGraph[str], top: int = 10) -> BridgeReport:
    """Papers with the highest bridge score (and the clusters their links join), and entities
    spanning the most clusters."""
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
    entities = [
        BridgeEntity(
            data["type"].lower(),
            data.get("name") or data["url"],
            data["clusters"],
            graph.in_degree(node),
        )
        for node, data in graph.nodes(data=True)
        if data.get("bridging")
    ]
    entities.sort(key=lambda e: (-len(e.clusters), -e.papers, e.name.casefold()))
    return BridgeReport(papers[:top], entities[:top])

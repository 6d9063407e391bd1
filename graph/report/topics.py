"""Clusters at both levels and the bridges between them, as ``paperkg clusters`` and
``paperkg bridges`` show them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.analytics.bridging import entity_spread, paper_spread
from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.model import edge_confidence, is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "BridgeEntity",
    "BridgeLink",
    "BridgePaper",
    "BridgeReport",
    "ClusterRow",
    "bridge_report",
    "cluster_rows",
]

_ENTITY_LINKS = (RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON)


@dataclass(frozen=True)
class ClusterRow:
    """One cluster as ``paperkg clusters`` shows it: level 1 is a broad topic, level 2 a
    cluster inside one (``topic``; None for the unclustered group and for topics).
    ``coverage`` is the share of its papers using each of its ``keywords``."""

    id: int
    size: int
    label: str
    keywords: list[str]
    methods: list[str]
    datasets: list[str]
    linked: dict[int, int]
    level: int = 2
    topic: int | None = None
    subtopics: list[int] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)


def cluster_rows(graph: nx.MultiDiGraph[str], level: int | None = None) -> list[ClusterRow]:
    """Clusters of ``level`` (1: broad topics, 2: clusters; None: both), largest first
    (the unclustered group, -1, last), with the clusters of their level they link to."""
    if level not in (None, 1, 2):
        raise ParameterError(
            f"level must be 1 (topics) or 2 (clusters), got {level}", param="level"
        )
    rows = []
    children: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for _node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and data.get("topic") is not None:
            children[int(data["topic"])].append((-int(data["size"]), int(data["id"])))
    for node, data in graph.nodes(data=True):
        if data.get("type") != Label.CLUSTER:
            continue
        found = int(data.get("level", 2))
        if level is not None and found != level:
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
                list(data["keywords"]),
                list(data["methods"]),
                list(data["datasets"]),
                dict(sorted(linked.items(), key=lambda kv: -kv[1])),
                level=found,
                topic=data.get("topic"),
                subtopics=[c for _size, c in sorted(children.get(int(data["id"]), []))],
                coverage=list(data.get("coverage") or []),
            )
        )
    rows.sort(key=lambda r: (r.id < 0, r.level, -r.size, r.id))
    return rows


@dataclass(frozen=True)
class BridgeLink:
    """What ties a bridge to one cluster it joins: its share of the bridge's link weight,
    the similarity and citation edges into it, and (papers) the methods and datasets it
    shares with that cluster's papers."""

    cluster: int
    label: str
    share: float
    similar: int = 0
    cites: int = 0
    shared: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BridgePaper:
    """A paper joining two or three clusters: each holds a real share of its links."""

    id: str
    title: str
    cluster: int
    bridge_score: float
    betweenness: float
    participation: float
    joins: list[BridgeLink]


@dataclass(frozen=True)
class BridgeEntity:
    """A method, dataset or repo whose papers sit in two or three clusters in real shares;
    ``score`` is that spread discounted by how common the entity is."""

    kind: str
    name: str
    clusters: list[int]
    papers: int
    score: float = 0.0
    joins: list[BridgeLink] = field(default_factory=list)


@dataclass(frozen=True)
class BridgeReport:
    """Top bridge papers and bridging entities."""

    papers: list[BridgePaper]
    entities: list[BridgeEntity]


def _labels(graph: nx.MultiDiGraph[str]) -> dict[int, str]:
    return {
        int(d["id"]): str(d.get("label", ""))
        for _n, d in graph.nodes(data=True)
        if d.get("type") == Label.CLUSTER
    }


def bridge_report(
    graph: nx.MultiDiGraph[str], top: int = 10, min_confidence: float = 0.0
) -> BridgeReport:
    """Papers joining two or three clusters, highest bridge score first, each with what ties
    it to every cluster it joins; and entities whose papers (linked with at least
    ``min_confidence``) span clusters, highest frequency-normalised spread first."""
    labels = _labels(graph)
    papers = []
    for node, data in graph.nodes(data=True):
        if not is_paper(data) or "bridge_score" not in data:
            continue
        spread = paper_spread(graph, node)
        if len(spread.joins) < 2:
            continue
        links = [
            _paper_link(graph, node, cluster, labels.get(cluster, ""), spread.shares[cluster])
            for cluster in spread.joins
        ]
        papers.append(
            BridgePaper(
                node,
                data["title"],
                data["cluster"],
                data["bridge_score"],
                data["betweenness"],
                data["participation"],
                links,
            )
        )
    papers.sort(key=lambda p: (-p.bridge_score, p.id))
    entities = _bridging_entities(graph, min_confidence, labels)
    entities.sort(key=lambda e: (-e.score, -e.papers, e.name.casefold()))
    return BridgeReport(papers[:top], entities[:top])


def _paper_link(
    graph: nx.MultiDiGraph[str], paper: str, cluster: int, label: str, share: float
) -> BridgeLink:
    """The edges tying ``paper`` to ``cluster``: similarity, citations, shared entities."""
    kinds: Counter[str] = Counter()
    for u, v, key in [*graph.out_edges(paper, keys=True), *graph.in_edges(paper, keys=True)]:
        other = v if u == paper else u
        if graph.nodes[other].get("cluster", UNCLUSTERED) == cluster:
            kinds[relationship_type(key)] += 1
    shared = []
    for _u, entity, key in graph.out_edges(paper, keys=True):
        if key not in _ENTITY_LINKS:
            continue
        users = {
            u for u, _v, k in graph.in_edges(entity, keys=True) if k in _ENTITY_LINKS and u != paper
        }
        if any(graph.nodes[u].get("cluster", UNCLUSTERED) == cluster for u in users):
            shared.append(str(graph.nodes[entity].get("name", entity)))
    return BridgeLink(
        cluster,
        label,
        share,
        similar=kinds[RelType.SIMILAR_TO],
        cites=kinds[RelType.CITES],
        shared=sorted(set(shared), key=str.casefold)[:5],
    )


def _bridging_entities(
    graph: nx.MultiDiGraph[str], min_confidence: float, labels: dict[int, str]
) -> list[BridgeEntity]:
    """Entities whose papers linked with at least ``min_confidence`` join two clusters or
    more (``bridging.entity_spread``, the same measure the build stores)."""
    corpus = sum(1 for _n, d in graph.nodes(data=True) if is_paper(d) and "cluster" in d)
    found = []
    for node, data in graph.nodes(data=True):
        if data.get("type") not in (Label.METHOD, Label.DATASET, Label.REPO):
            continue
        linked = {
            u
            for u, _v, edge in graph.in_edges(node, data=True)
            if edge_confidence(edge) >= min_confidence and "cluster" in graph.nodes[u]
        }
        spread = entity_spread((graph.nodes[u]["cluster"] for u in linked), corpus)
        if spread.score <= 0:
            continue
        name = data.get("name") or data["url"]
        found.append(
            BridgeEntity(
                data["type"].lower(),
                name,
                sorted(c for c in spread.shares if c != UNCLUSTERED),
                len(linked),
                spread.score,
                [BridgeLink(c, labels.get(c, ""), spread.shares[c]) for c in spread.joins],
            )
        )
    return found

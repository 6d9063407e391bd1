"""Which nodes and edges each HTML view shows: overview, one cluster, one paper, bridges.

A view is a small ``ViewGraph`` cut from the built graph; ``viz.html`` turns it into a page.
Above ``node_budget`` papers the overview shows clusters as super-nodes with their top
papers instead of every paper, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph.model import edge_confidence, is_paper, relationship_type
from paperkg.graph.report.topics import bridge_report
from paperkg.graph.schema import Label, RelType

__all__ = ["ViewGraph", "bridges_view", "cluster_view", "overview", "paper_view"]

DEFAULT_BUDGET = 1500


@dataclass
class ViewGraph:
    """Nodes (id -> properties incl. ``type``) and edges (source, target, type, props)."""

    title: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cluster_labels: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: nx.MultiDiGraph[str], title: str) -> ViewGraph:
        """An empty view that knows the graph's cluster labels (for the legend)."""
        labels = {
            d["id"]: d["label"]
            for _n, d in graph.nodes(data=True)
            if d.get("type") == Label.CLUSTER
        }
        return cls(title, cluster_labels=labels)

    def add(self, graph: nx.MultiDiGraph[str], node: str, **extra: Any) -> None:
        if node not in self.nodes:
            self.nodes[node] = {**graph.nodes[node], **extra}

    def link(self, source: str, target: str, kind: str, props: dict[str, Any]) -> None:
        if source in self.nodes and target in self.nodes and source != target:
            self.edges.append((source, target, kind, dict(props)))


def _confidence_note(view: ViewGraph, min_confidence: float) -> None:
    if min_confidence > 0:
        view.notes.append(
            f"links to methods and datasets with confidence below {min_confidence:g} are hidden"
        )


def _papers(graph: nx.MultiDiGraph[str]) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if is_paper(d)]


def _paper_edges(
    graph: nx.MultiDiGraph[str], view: ViewGraph, max_rank: int, min_score: float
) -> None:
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = relationship_type(key)
        if kind == RelType.SIMILAR_TO and (data["rank"] > max_rank or data["score"] < min_score):
            continue
        if kind in (RelType.SIMILAR_TO, RelType.CITES):
            view.link(u, v, kind, data)


def overview(
    graph: nx.MultiDiGraph[str],
    *,
    node_budget: int = DEFAULT_BUDGET,
    max_rank: int = 3,
    min_score: float = 0.0,
    top_per_cluster: int = 5,
) -> ViewGraph:
    """Every paper coloured by cluster (or, above the budget, clusters and their top papers)."""
    papers = _papers(graph)
    view = ViewGraph.of(graph, "paperkg overview")
    if len(papers) <= node_budget:
        for paper in papers:
            view.add(graph, paper)
        _paper_edges(graph, view, max_rank, min_score)
        view.notes.append(
            f"{len(papers)} papers; similarity edges: each paper's {max_rank} nearest"
            + (f" with cosine >= {min_score}" if min_score > 0 else "")
        )
        return view
    threshold = max(min_score, 0.5)
    for node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and data.get("level", 2) == 2:
            view.add(graph, node)
    by_cluster: dict[int, list[str]] = {}
    for paper in papers:
        by_cluster.setdefault(graph.nodes[paper].get("cluster", -1), []).append(paper)
    for members in by_cluster.values():
        members.sort(key=lambda p: -graph.nodes[p].get("pagerank", 0.0))
        for paper in members[:top_per_cluster]:
            view.add(graph, paper)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key == RelType.LINKS_TO or (key == RelType.IN_CLUSTER and u in view.nodes):
            view.link(u, v, key, data)
    _paper_edges(graph, view, max_rank, threshold)
    view.notes.append(
        f"{len(papers)} papers is more than the {node_budget}-node budget: clusters are shown "
        f"as single nodes sized by their paper count, with their {top_per_cluster} top papers "
        f"by PageRank; similarity edges below cosine {threshold} are dropped"
    )
    return view


def cluster_view(
    graph: nx.MultiDiGraph[str], cluster: int, *, min_confidence: float = 0.0
) -> ViewGraph:
    """One cluster's papers (or a broad topic's: the papers of its clusters) with their
    methods, datasets and repos (linked with at least ``min_confidence``)."""
    node = f"cluster:{cluster}"
    if node not in graph:
        known = sorted(
            d["id"] for _n, d in graph.nodes(data=True) if d.get("type") == Label.CLUSTER
        )
        what = "no unclustered papers (-1)" if cluster == -1 else f"no cluster {cluster}"
        raise NotFoundError(f"{what}; clusters: {', '.join(map(str, known))}")
    topic = graph.nodes[node].get("level", 2) == 1
    kind = "Topic" if topic else str(Label.CLUSTER)
    view = ViewGraph.of(graph, f"{kind} {cluster}: {graph.nodes[node]['label']}")
    parts = [node]
    if topic:
        parts = [u for u, _v, key in graph.in_edges(node, keys=True) if key == RelType.SUBTOPIC_OF]
    members = [
        u
        for part in parts
        for u, _v, key in graph.in_edges(part, keys=True)
        if key == RelType.IN_CLUSTER
    ]
    for paper in members:
        view.add(graph, paper)
    for paper in members:
        for _u, target, key, data in graph.out_edges(paper, keys=True, data=True):
            kind = relationship_type(key)
            if edge_confidence(data) < min_confidence:
                continue
            if kind in (RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON, RelType.HAS_CODE):
                view.add(graph, target)
                view.link(paper, target, kind, data)
    _paper_edges(graph, view, 3, 0.0)
    view.notes.append(
        f"{len(members)} papers of {kind.lower()} {cluster} with their entities and code"
    )
    _confidence_note(view, min_confidence)
    return view


def paper_view(
    graph: nx.MultiDiGraph[str],
    paper: str,
    depth: int = 1,
    *,
    node_budget: int = DEFAULT_BUDGET,
    min_confidence: float = 0.0,
) -> ViewGraph:
    """A paper's ego network out to ``depth`` hops: similar papers, citations both ways,
    entities (linked with at least ``min_confidence``), repos.

    Breadth-first: each paper is expanded once and each edge drawn once, so a depth past the
    graph's reach draws what that reach draws. A hop that would take the view past
    ``node_budget`` nodes is left out, and the view's notes say so.
    """
    if depth < 1:
        raise ParameterError(f"depth must be at least 1, got {depth}", param="depth")
    view = ViewGraph.of(graph, f"Paper: {graph.nodes[paper]['title']}")
    view.add(graph, paper, focus=True)
    drawn: set[tuple[str, str, str]] = set()
    frontier, shown = [paper], 0
    for level in range(1, depth + 1):
        if not frontier:
            break
        found: dict[str, None] = {}  # new nodes, in the order they were met
        edges: dict[tuple[str, str, str], tuple[str, str, str, dict[str, Any]]] = {}
        for node in frontier:
            for u, v, key, data in [
                *graph.out_edges(node, keys=True, data=True),
                *graph.in_edges(node, keys=True, data=True),
            ]:
                kind = relationship_type(key)
                if kind in (RelType.IN_CLUSTER, RelType.LINKS_TO) or (u, v, key) in drawn:
                    continue
                if edge_confidence(data) < min_confidence:
                    continue
                other = v if u == node else u
                if other not in view.nodes:
                    found[other] = None
                edges.setdefault((u, v, key), (u, v, kind, data))
        if level > 1 and len(view.nodes) + len(found) > node_budget:
            view.notes.append(
                f"stopped at depth {shown}: depth {level} would show "
                f"{len(view.nodes) + len(found)} nodes, more than the {node_budget}-node budget"
            )
            break
        for node in found:
            view.add(graph, node)
        for edge in edges.values():
            view.link(*edge)
        drawn.update(edges)
        frontier = [n for n in found if graph.nodes[n].get("type") == Label.PAPER]
        shown = level
    view.notes.insert(0, f"depth {shown}: similar papers, citations both ways, entities and code")
    _confidence_note(view, min_confidence)
    return view


def bridges_view(
    graph: nx.MultiDiGraph[str], top: int = 15, *, min_confidence: float = 0.0
) -> ViewGraph:
    """Clusters as group nodes, with the top bridge papers and bridging entities between them
    (entities spanning clusters through links of at least ``min_confidence``)."""
    view = ViewGraph.of(graph, "Bridges between clusters")
    for node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and data["id"] >= 0 and data.get("level", 2) == 2:
            view.add(graph, node)
    report = bridge_report(graph, top, min_confidence)
    for bridge in report.papers:
        view.add(graph, bridge.id)
        for link in bridge.joins:
            view.link(bridge.id, f"cluster:{link.cluster}", "JOINS", {"share": link.share})
    by_name = {
        (d.get("name") or d.get("url")): n for n, d in graph.nodes(data=True) if d.get("bridging")
    }
    for entity in report.entities:
        node = by_name[entity.name]
        view.add(graph, node)
        for link in entity.joins:
            view.link(node, f"cluster:{link.cluster}", "SPANS", {"share": link.share})
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key == RelType.LINKS_TO:
            view.link(u, v, key, data)
    view.notes.append(
        f"top {len(report.papers)} bridge papers and {len(report.entities)} "
        "bridging entities; cluster nodes sized by paper count"
    )
    _confidence_note(view, min_confidence)
    return view

"""Which nodes and edges each HTML view shows: overview, one cluster, one paper, bridges.

A view is a small ``ViewGraph`` cut from the built graph; ``viz.html`` turns it into a page.
Above ``node_budget`` papers the overview shows clusters as super-nodes with their top
papers instead of every paper, and says so. Paper views keep the strongest links past
their first hop; the bridges view places every node itself (``ViewGraph.positions``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph.model import edge_confidence, is_paper, relationship_type
from paperkg.graph.report.topics import BridgeLink, bridge_report
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Manifest
from paperkg.graph.tags import Tag

__all__ = [
    "ViewGraph",
    "bridges_view",
    "cluster_view",
    "isolation_note",
    "mark_tagged",
    "overview",
    "paper_view",
]

DEFAULT_BUDGET = 1500
#: Past its first hop, a paper view keeps this many new nodes per hop, the strongest linked.
DEFAULT_HOP_LIMIT = 40
#: Entity links a paper view follows (besides similarity and citations).
_ENTITY_LINKS = (RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON, RelType.HAS_CODE)

_EdgeKey = tuple[str, str, str]


@dataclass
class ViewGraph:
    """Nodes (id -> properties incl. ``type``) and edges (source, target, type, props)."""

    title: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cluster_labels: dict[int, str] = field(default_factory=dict)
    #: Fixed positions (canvas units) for nodes the view places itself; the page keeps
    #: them and lays out the rest.
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: How the page colours papers first when it can ("date", ...; None: by cluster).
    colour: str | None = None

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


def mark_tagged(view: ViewGraph, tags: Iterable[Tag]) -> ViewGraph:
    """``view`` with each shown paper's tags as node attributes: ``tags`` (thumbs up) and
    ``tags_negative`` (thumbs down), names in tag order. The view's own copies of the nodes
    are changed, never the graph's."""
    for tag in tags:
        for key, ids in (("tags", tag.positive_ids()), ("tags_negative", tag.negative_ids())):
            for node in ids:
                if node in view.nodes:
                    data = view.nodes[node]
                    view.nodes[node] = {**data, key: [*data.get(key, []), tag.name]}
    return view


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
            if kind in _ENTITY_LINKS:
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
    hop_limit: int | None = DEFAULT_HOP_LIMIT,
    manifest: Manifest | None = None,
) -> ViewGraph:
    """A paper's ego network out to ``depth`` hops: similar papers, citations both ways,
    entities (linked with at least ``min_confidence``), repos.

    Breadth-first: each paper is expanded once and each edge drawn once, so a depth past the
    graph's reach draws what that reach draws. The first hop is drawn whole; each later hop
    keeps its ``hop_limit`` most strongly linked new nodes (citations, then similarity, then
    entities; None keeps all). A hop that would take the view past ``node_budget`` nodes is
    left out. The notes say what was left out, and why a paper without neighbours has none
    (with the build's settings when ``manifest``, the snapshot's, is given).
    """
    if depth < 1:
        raise ParameterError(f"depth must be at least 1, got {depth}", param="depth")
    if hop_limit is not None and hop_limit < 1:
        raise ParameterError(f"hop_limit must be at least 1, got {hop_limit}", param="hop_limit")
    view = ViewGraph.of(graph, f"Paper: {graph.nodes[paper]['title']}")
    view.add(graph, paper, focus=True)
    drawn: set[_EdgeKey] = set()
    frontier, shown, notes = [paper], 0, []
    for level in range(1, depth + 1):
        if not frontier:
            break
        hop = _hop(graph, view, frontier, drawn, min_confidence)
        kept = list(hop.found) if level == 1 else _strongest(hop, hop_limit)
        if level > 1 and len(view.nodes) + len(kept) > node_budget:
            notes.append(
                f"stopped at depth {shown}: depth {level} would show "
                f"{len(view.nodes) + len(kept)} nodes, more than the {node_budget}-node budget"
            )
            break
        if len(kept) < len(hop.found):
            notes.append(_hop_note(graph, level, hop, kept))
        for node in kept:
            view.add(graph, node)
        for key, edge in hop.edges.items():
            if edge[0] in view.nodes and edge[1] in view.nodes:
                view.link(*edge)
                drawn.add(key)
        frontier = [n for n in kept if graph.nodes[n].get("type") == Label.PAPER]
        shown = level
    view.notes.append(f"depth {shown}: similar papers, citations both ways, entities and code")
    view.notes.extend(notes)
    if len(view.nodes) == 1:
        view.notes.append(isolation_note(graph, paper, min_confidence, manifest))
    _confidence_note(view, min_confidence)
    return view


@dataclass
class _Hop:
    """What one hop past a paper view's frontier meets: the new nodes in the order met, each
    with the strength of its link (``_strength``), and the edges it crosses."""

    found: dict[str, tuple[int, float]] = field(default_factory=dict)
    edges: dict[_EdgeKey, tuple[str, str, str, dict[str, Any]]] = field(default_factory=dict)

    def meet(self, node: str, strength: tuple[int, float]) -> None:
        """Note a link to ``node``: its strongest one counts, and entities add up their links."""
        old = self.found.get(node)
        if old is None:
            self.found[node] = strength
        elif old[0] == strength[0] == 0:
            self.found[node] = (0, old[1] + strength[1])
        else:
            self.found[node] = max(old, strength)


def _strength(kind: str, data: Mapping[str, Any]) -> tuple[int, float]:
    """How strongly an edge ties in a new node: a citation before any similarity (ranked by
    its cosine), an entity last (ranked by how many shown papers link it)."""
    if kind == RelType.CITES:
        return (2, 1.0)
    if kind == RelType.SIMILAR_TO:
        return (1, float(data.get("score", 0.0)))
    return (0, 1.0)


def _hop(
    graph: nx.MultiDiGraph[str],
    view: ViewGraph,
    frontier: list[str],
    drawn: set[_EdgeKey],
    min_confidence: float,
) -> _Hop:
    """The nodes one hop past ``frontier`` that ``view`` lacks, and the edges not yet drawn."""
    hop = _Hop()
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
                hop.meet(other, _strength(kind, data))
            hop.edges.setdefault((u, v, key), (u, v, kind, data))
    return hop


def _strongest(hop: _Hop, limit: int | None) -> list[str]:
    """The ``limit`` most strongly linked new nodes of ``hop`` (ties: first met), in the order
    they were met."""
    if limit is None or len(hop.found) <= limit:
        return list(hop.found)
    met = {node: index for index, node in enumerate(hop.found)}
    ranked = sorted(hop.found, key=lambda n: (-hop.found[n][0], -hop.found[n][1], met[n]))
    keep = set(ranked[:limit])
    return [node for node in hop.found if node in keep]


def _hop_note(graph: nx.MultiDiGraph[str], level: int, hop: _Hop, kept: list[str]) -> str:
    """What a capped hop shows and leaves out, in numbers."""
    left = [node for node in hop.found if node not in set(kept)]
    papers = sum(1 for node in left if graph.nodes[node].get("type") == Label.PAPER)
    scores = [hop.found[node][1] for node in kept if hop.found[node][0] == 1]
    basis = "citations first, then the most similar papers"
    if scores:
        basis += f": cosine ≥ {min(scores):.2f}"
    out = [f"{papers} papers"] if papers else []
    if len(left) > papers:
        out.append(f"{len(left) - papers} methods, datasets and repos")
    return (
        f"depth {level} shows {len(kept)} of the {len(hop.found)} nodes {level} hops away, "
        f"the most strongly linked ({basis}); left out: {' and '.join(out)}"
    )


def isolation_note(
    graph: nx.MultiDiGraph[str], paper: str, min_confidence: float, manifest: Manifest | None
) -> str:
    """Why ``paper`` has no neighbours in its view, from what the graph and (when given) the
    snapshot's manifest record."""
    kinds = [
        relationship_type(key)
        for _u, _v, key in [
            *graph.out_edges(paper, keys=True),
            *graph.in_edges(paper, keys=True),
        ]
        if relationship_type(key) not in (RelType.IN_CLUSTER, RelType.LINKS_TO)
    ]
    reasons = []
    if RelType.SIMILAR_TO not in kinds:
        reasons.append(_no_similar_reason(graph, manifest))
    if RelType.CITES not in kinds:
        reasons.append("no citation to or from another paper of this snapshot was found")
    if not any(kind in _ENTITY_LINKS for kind in kinds):
        reasons.append(_no_entity_reason(manifest))
    if kinds:  # the view draws none of them: all are below its confidence threshold
        reasons.append(
            f"its {len(kinds)} other links are below this view's --min-confidence "
            f"{min_confidence:g}"
        )
    where = "view" if kinds else "snapshot"
    return f"This paper has no neighbours in this {where}: " + "; ".join(reasons) + "."


def _no_similar_reason(graph: nx.MultiDiGraph[str], manifest: Manifest | None) -> str:
    """Why a paper has no similarity edge: a lone paper, or the build's --min-score."""
    others = len(_papers(graph)) - 1
    if others < 1:
        return "it is the only paper, so nothing is similar to it"
    if manifest is None:
        return (
            "its similarity to each other paper fell below the build's --min-score, so no "
            "similarity edge was kept (the snapshot's manifest.json records the value)"
        )
    knn = manifest.knn
    if knn.min_score is None:
        return (
            f"the snapshot holds no similarity edge for it, although its build links each "
            f"paper to its {knn.k} nearest with no --min-score"
        )
    which = f"all {others} other papers" if others <= knn.k else f"its {knn.k} nearest papers"
    return (
        f"{which} have a cosine similarity below the build's --min-score "
        f"{knn.min_score:g} (k = {knn.k}), so no similarity edge was kept"
    )


def _no_entity_reason(manifest: Manifest | None) -> str:
    """Why a paper has no method, dataset or code links: none found (or none sure enough)."""
    reason = "extraction found no methods, datasets or code in its title and abstract"
    if manifest is not None and manifest.min_confidence:
        reason += (
            f" that it is at least {manifest.min_confidence:g} sure of "
            "(the build's --min-confidence)"
        )
    return reason


def bridges_view(
    graph: nx.MultiDiGraph[str], top: int = 15, *, min_confidence: float = 0.0
) -> ViewGraph:
    """Clusters as group nodes, with the top bridge papers and bridging entities between them
    (entities spanning clusters through links of at least ``min_confidence``).

    Every node gets a fixed position (``_bridges_layout``): clusters on a ring, each bridge
    between the clusters it joins, no two nodes (nor their labels) overlapping."""
    view = ViewGraph.of(graph, "Bridges between clusters")
    for node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and data["id"] >= 0 and data.get("level", 2) == 2:
            view.add(graph, node)
    report = bridge_report(graph, top, min_confidence)
    joins: dict[str, list[BridgeLink]] = {}
    for bridge in report.papers:
        view.add(graph, bridge.id)
        joins[bridge.id] = bridge.joins
        for link in bridge.joins:
            view.link(bridge.id, f"cluster:{link.cluster}", "JOINS", {"share": link.share})
    by_name = {
        (d.get("name") or d.get("url")): n for n, d in graph.nodes(data=True) if d.get("bridging")
    }
    for entity in report.entities:
        node = by_name[entity.name]
        view.add(graph, node)
        joins.setdefault(node, entity.joins)
        for link in entity.joins:
            view.link(node, f"cluster:{link.cluster}", "SPANS", {"share": link.share})
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key == RelType.LINKS_TO:
            view.link(u, v, key, data)
    view.positions = _bridges_layout(view, joins)
    view.notes.append(
        f"top {len(report.papers)} bridge papers and {len(report.entities)} "
        "bridging entities; cluster nodes sized by paper count"
    )
    _confidence_note(view, min_confidence)
    return view


#: The bridges layout's room between two nodes' boxes (canvas units), its guess of a label
#: character's width and a label line's height at the pages' 12 px font (Chromium draws
#: 6.2 to 6.7 px a character), the ring's width-to-height ratio (a screen is wider than
#: tall), and how far a bridge's aim is drawn from its clusters towards the ring's middle,
#: where the room is (1: not at all).
GAP = 16.0
CHAR_WIDTH = 7.0
LABEL_HEIGHT = 20.0
RING_ASPECT = 2.0
PULL = 0.8
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True)
class _Box:
    """The room a node takes around its centre: its shape (radius ``radius``, what a click
    hits is the square around it) and its label of width ``label`` beneath it."""

    radius: float
    label: float

    def clear_of(self, here: tuple[float, float], other: _Box, there: tuple[float, float]) -> bool:
        """Whether this box at ``here`` and ``other`` at ``there`` are ``GAP`` apart."""
        width = max(self.radius, self.label / 2) + max(other.radius, other.label / 2)
        if abs(here[0] - there[0]) >= width + GAP:
            return True
        upper, lower = (self, other) if here[1] <= there[1] else (other, self)
        # the upper node's label hangs down towards the lower one
        reach = upper.radius + LABEL_HEIGHT + lower.radius
        return abs(here[1] - there[1]) >= reach + GAP


def _radius(data: Mapping[str, Any], top_rank: float) -> float:
    """The radius a view page draws a node with (``viz.html``): clusters by paper count,
    papers by PageRank relative to the view's highest, other nodes 10."""
    kind = data.get("type")
    if kind == Label.CLUSTER:
        return 18 + 4 * math.sqrt(data.get("size", 1))
    if kind == Label.PAPER:
        return 8 + 22 * math.sqrt(data.get("pagerank", 0.0) / (top_rank or 1.0))
    return 10.0


def _label_chars(data: Mapping[str, Any]) -> int:
    """How many characters a node's label on the page has (at most; pages shorten titles)."""
    kind = data.get("type")
    if kind == Label.CLUSTER:
        return len(f"{data.get('id')}: {data.get('label', '')}")
    if kind == Label.PAPER:
        return min(len(str(data.get("title", ""))), 48)
    return min(len(str(data.get("name") or data.get("url") or "")), 30)


def _boxes(view: ViewGraph) -> dict[str, _Box]:
    """Each node's box in ``view``."""
    top_rank = max((d.get("pagerank", 0.0) for d in view.nodes.values()), default=0.0)
    return {
        node: _Box(_radius(data, top_rank), CHAR_WIDTH * _label_chars(data))
        for node, data in view.nodes.items()
    }


def _bridges_layout(
    view: ViewGraph, joins: Mapping[str, Iterable[BridgeLink]]
) -> dict[str, tuple[float, float]]:
    """Fixed positions for the bridges view: clusters on a ring just wide enough for their
    boxes, then each bridge (strongest first) at the first free place on a spiral out from
    the share-weighted centre of the clusters it joins (drawn ``PULL`` towards the ring's
    middle). Deterministic."""
    boxes = _boxes(view)
    clusters = sorted(
        (n for n, d in view.nodes.items() if d.get("type") == Label.CLUSTER),
        key=lambda n: view.nodes[n]["id"],
    )
    placed = _ring(clusters, boxes)
    for node in view.nodes:
        if node in placed:
            continue
        links = [
            (f"cluster:{link.cluster}", link.share)
            for link in joins.get(node, ())
            if f"cluster:{link.cluster}" in placed
        ]
        aim = _centre(links, placed)
        placed[node] = _free_place((aim[0] * PULL, aim[1] * PULL), boxes[node], placed, boxes)
    return placed


def _ring(clusters: list[str], boxes: Mapping[str, _Box]) -> dict[str, tuple[float, float]]:
    """``clusters`` in order round an ellipse, the smallest on which no two boxes meet."""
    if len(clusters) < 2:
        return {node: (0.0, 0.0) for node in clusters}
    radius = max(b.radius for b in boxes.values())
    while True:
        ring = {
            node: (
                RING_ASPECT * radius * math.cos(2 * math.pi * i / len(clusters) - math.pi / 2),
                radius * math.sin(2 * math.pi * i / len(clusters) - math.pi / 2),
            )
            for i, node in enumerate(clusters)
        }
        if all(
            boxes[a].clear_of(ring[a], boxes[b], ring[b])
            for a, b in itertools.combinations(clusters, 2)
        ):
            return ring
        radius *= 1.05


def _centre(
    links: list[tuple[str, float]], placed: Mapping[str, tuple[float, float]]
) -> tuple[float, float]:
    """The share-weighted centre of the placed clusters in ``links`` (the origin if none)."""
    total = sum(share for _node, share in links)
    if not links or total <= 0:
        return (0.0, 0.0)
    return (
        sum(placed[node][0] * share for node, share in links) / total,
        sum(placed[node][1] * share for node, share in links) / total,
    )


def _free_place(
    target: tuple[float, float],
    box: _Box,
    placed: Mapping[str, tuple[float, float]],
    boxes: Mapping[str, _Box],
) -> tuple[float, float]:
    """The first point of a golden-angle spiral out from ``target`` where ``box`` is clear of
    every placed box (the spiral leaves every box behind, so one is always found)."""
    step = GAP / 2
    for turn in itertools.count():
        distance = step * math.sqrt(turn)
        point = (
            target[0] + distance * math.cos(turn * _GOLDEN_ANGLE),
            target[1] + distance * math.sin(turn * _GOLDEN_ANGLE),
        )
        if all(box.clear_of(point, boxes[n], placed[n]) for n in placed):
            return point
    raise AssertionError("unreachable: itertools.count() does not end")

"""The k best paths between two papers (``paperkg connect``), mixing every kind of link:
similarity, citations either way, a shared method, dataset or code repository.

Each link has a cost (see :class:`LinkCost`): a citation 1, a similarity edge 1 plus twice
its distance (1 - cosine), and a hop through a shared entity (paper -> method -> paper)
0.5 + 0.25 ln(papers linking it) on each side, so a method three papers use is about as
close as a good similarity edge and one a thousand papers use ("Transformer") is dear.
The search (Yen's algorithm, ``nx.shortest_simple_paths``) runs on the part of the graph
that can hold a path costing at most the best one plus :data:`MARGIN`: nodes within half
that cost of either paper (a bidirectional Dijkstra on the snapshot graph itself, so no
graph of the whole corpus is built) whose distances to both add up to at most that; while
fewer than k paths fit, the margin is doubled up to :data:`MAX_MARGIN`. Stubs (outside
works), clusters and entities more than :data:`MAX_SHARED` papers link are not walked.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = [
    "CITATION_COST",
    "MARGIN",
    "MAX_MARGIN",
    "ConnectPath",
    "ConnectReport",
    "Hop",
    "LinkCost",
    "PathNode",
    "connect",
]

#: Cost of a citation, either way: one step, the cheapest a link gets.
CITATION_COST = 1.0
#: A similarity edge costs ``1 + SIMILARITY_SCALE * (1 - cosine)``: never below a citation.
SIMILARITY_SCALE = 2.0
#: Each side of a hop through a shared entity costs ``SHARED_BASE + SHARED_SCALE * ln(n)``
#: for an entity ``n`` papers link: rare entities are close ties, hubs are dear.
SHARED_BASE, SHARED_SCALE = 0.5, 0.25
#: Paths costing more than the best one by more than this are not searched (about one
#: more similarity step): it bounds the part of the graph the search walks.
MARGIN = 1.0
#: While fewer than ``k`` paths fit, the margin is doubled up to this.
MAX_MARGIN = 4.0

#: Entities more papers than this link are not walked: a hop through one costs more than
#: three good similarity steps, and walking it means looking at every paper linking it.
MAX_SHARED = 200

_SHARED = {RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON, RelType.HAS_CODE}
_WALKED = {Label.PAPER, Label.METHOD, Label.DATASET, Label.REPO}
_VERBS = {
    RelType.INTRODUCES: "introduces",
    RelType.USES: "uses",
    RelType.EVALUATES_ON: "evaluates on",
    RelType.HAS_CODE: "has code",
}


@dataclass(frozen=True)
class PathNode:
    """A node on a path: a paper (``name`` its title), a method, dataset or repo."""

    id: str
    label: str
    name: str


@dataclass(frozen=True)
class Hop:
    """One link of a path, from ``source`` to ``target`` (ids), and why it is there.

    ``forward`` says the graph's edge points from ``source`` to ``target`` (False: a
    citation received, a paper reached back from its method). ``evidence`` is one line
    for people: the similarity score, the citation and its source, the shared entity."""

    source: str
    target: str
    kind: str
    forward: bool
    cost: float
    evidence: str
    score: float | None = None
    citation_source: str | None = None
    sentence: str | None = None
    entity: str | None = None
    entity_papers: int | None = None


@dataclass(frozen=True)
class ConnectPath:
    """A path from the first paper to the second: its nodes, the hops between them (one
    fewer) and its cost, the sum of theirs."""

    cost: float
    nodes: list[PathNode]
    hops: list[Hop]


@dataclass(frozen=True)
class ConnectReport:
    """The best paths between ``source`` and ``target``, cheapest first, at most ``k``;
    only paths costing at most ``bound`` (the best one's cost plus the margin, by
    default :data:`MARGIN`) are searched, over ``searched`` nodes of the graph."""

    source: PathNode
    target: PathNode
    k: int
    bound: float
    searched: int
    paths: list[ConnectPath] = field(default_factory=list)


def connect(
    graph: nx.MultiDiGraph[str],
    a: str,
    b: str,
    k: int = 5,
    *,
    margin: float | None = None,
) -> ConnectReport:
    """The ``k`` cheapest paths between papers ``a`` and ``b`` (node ids) in cost order, of
    those costing at most the best one plus ``margin``; None: :data:`MARGIN`, widened
    (doubled, up to :data:`MAX_MARGIN`) while fewer than ``k`` paths fit. ``ParameterError``
    for ``k`` below 1 or the same paper twice; ``NotFoundError`` when either is not a paper
    of the graph or no path links them."""
    if k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    if margin is not None and not margin >= 0:
        raise ParameterError(f"margin must be 0 or more, got {margin}", param="margin")
    for node in (a, b):
        if node not in graph or not is_paper(graph.nodes[node]):
            raise NotFoundError(f"{node!r} is not a paper of this snapshot")
    if a == b:
        raise ParameterError(f"both papers are {a}: name two different papers")
    weight = LinkCost(graph)
    from_a, from_b = _Search(weight, a), _Search(weight, b)
    best = _meet(from_a, from_b)
    if best is None:
        raise NotFoundError(
            f"no path links {a} and {b} (by similarity, citation, shared method, dataset or repo)"
        )
    step = MARGIN if margin is None else margin
    while True:
        bound = best + step
        region = from_a.within(bound / 2) | from_b.within(bound / 2)
        local = _within(_weighted(region, weight), a, b, bound)
        paths = []
        for nodes in islice(nx.shortest_simple_paths(local, a, b, weight="weight"), k):
            path = _path(graph, nodes, weight)
            if path.cost > bound + 1e-9:
                break
            paths.append(path)
        if len(paths) >= k or margin is not None or step >= MAX_MARGIN:
            break
        step = min(step * 2, MAX_MARGIN)
    return ConnectReport(_node(graph, a), _node(graph, b), k, round(bound, 4), len(region), paths)


class _Search:
    """Dijkstra from one paper over the links :class:`LinkCost` allows, settled node by
    node on demand, so the bidirectional search and the later widening share its work."""

    def __init__(self, weight: LinkCost, source: str) -> None:
        self.weight = weight
        self.settled: dict[str, float] = {}
        self.reached: dict[str, float] = {source: 0.0}
        self._heap: list[tuple[float, str]] = [(0.0, source)]

    def top(self) -> float:
        """The distance of the next node to settle (infinity when none is left)."""
        while self._heap and self._heap[0][1] in self.settled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else math.inf

    def settle(self) -> tuple[str, float]:
        """Settle the nearest unsettled node and reach its neighbours; returns it."""
        self.top()
        distance, node = heapq.heappop(self._heap)
        self.settled[node] = distance
        for other, cost in self.weight.neighbours(node).items():
            if other in self.settled:
                continue
            total = distance + cost
            if total < self.reached.get(other, math.inf):
                self.reached[other] = total
                heapq.heappush(self._heap, (total, other))
        return node, distance

    def within(self, radius: float) -> set[str]:
        """The nodes at most ``radius`` away (settling as far as that needs)."""
        while self.top() <= radius:
            self.settle()
        return {node for node, distance in self.settled.items() if distance <= radius}


def _meet(one: _Search, other: _Search) -> float | None:
    """The cost of the cheapest path between the two searches' sources (bidirectional
    Dijkstra: stop when the two frontiers together cannot beat the best meeting)."""
    best = math.inf
    while one.top() + other.top() < best:
        side, far = (one, other) if one.top() <= other.top() else (other, one)
        node, distance = side.settle()
        for neighbour, cost in side.weight.neighbours(node).items():
            if neighbour in far.reached:
                best = min(best, distance + cost + far.reached[neighbour])
    return None if math.isinf(best) else best


class LinkCost:
    """The cost of each link (an edge either way), or None where the search must not go (a
    stub, a cluster, an edge of no kind above), and each node's cheapest links to its
    neighbours, remembered once computed."""

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self._graph = graph
        self._label: dict[str, str | None] = {}
        self._side: dict[str, float] = {}
        self._neighbours: dict[str, dict[str, float]] = {}

    def label(self, node: str) -> str | None:
        """The node's label if the search walks it (a paper of the corpus, an entity)."""
        if node not in self._label:
            data = self._graph.nodes[node]
            kind = data.get("type")
            walked = not data.get("stub") and kind in _WALKED
            if walked and kind != Label.PAPER:
                walked = len(self._graph.pred[node]) <= MAX_SHARED
            self._label[node] = str(kind) if walked else None
        return self._label[node]

    def papers(self, entity: str) -> int:
        """How many papers of the corpus link ``entity``."""
        return sum(1 for p in self._graph.pred[entity] if self.label(p) == Label.PAPER)

    def edge(self, u: str, v: str, key: str, data: Mapping[str, Any]) -> float | None:
        """The cost of one edge (``key``, ``data``) between ``u`` and ``v``."""
        kind = relationship_type(key)
        if kind == RelType.SIMILAR_TO:
            return 1.0 + SIMILARITY_SCALE * (1.0 - float(data.get("score") or 0.0))
        if kind == RelType.CITES:
            return CITATION_COST
        if kind not in _SHARED:
            return None
        entity = v if self.label(u) == Label.PAPER else u
        if entity not in self._side:
            count = max(self.papers(entity), 1)
            self._side[entity] = SHARED_BASE + SHARED_SCALE * math.log(count)
        return self._side[entity]

    def neighbours(self, node: str) -> dict[str, float]:
        """The cost of the cheapest link from ``node`` to each node it may go to (none from
        a node the search does not walk)."""
        found = self._neighbours.get(node)
        if found is not None:
            return found
        found = {}
        if self.label(node) is not None:
            graph = self._graph  # its adjacency dicts: the views cost 3x here, at 100k papers
            for links in (graph._succ[node], graph._pred[node]):  # type: ignore[attr-defined]
                for other, edges in links.items():
                    if self.label(other) is None:
                        continue
                    for key, data in edges.items():
                        value = self.edge(node, other, key, data)
                        if value is not None and value < found.get(other, math.inf):
                            found[other] = value
        self._neighbours[node] = found
        return found


def _weighted(region: set[str], weight: LinkCost) -> nx.Graph[str]:
    """The simple graph of ``region`` with each link's cost as ``weight``."""
    local: nx.Graph[str] = nx.Graph()
    local.add_nodes_from(region)
    local.add_weighted_edges_from(
        (u, v, cost)
        for u in region
        for v, cost in weight.neighbours(u).items()
        if v in region and u < v
    )
    return local


def _within(local: nx.Graph[str], a: str, b: str, bound: float) -> nx.Graph[str]:
    """``local`` without the nodes no path of cost at most ``bound`` goes through (their
    distances to ``a`` and to ``b`` add up to more), so Yen's spur searches stay small."""
    to_a = nx.single_source_dijkstra_path_length(local, a, bound, weight="weight")
    to_b = nx.single_source_dijkstra_path_length(local, b, bound, weight="weight")
    keep = [n for n, d in to_a.items() if n in to_b and d + to_b[n] <= bound + 1e-9]
    return local.subgraph(keep).copy()


def _path(
    graph: nx.MultiDiGraph[str],
    nodes: list[str],
    weight: LinkCost,
) -> ConnectPath:
    hops = [_hop(graph, u, v, weight) for u, v in pairwise(nodes)]
    return ConnectPath(round(sum(h.cost for h in hops), 4), [_node(graph, n) for n in nodes], hops)


def _node(graph: nx.MultiDiGraph[str], node: str) -> PathNode:
    data = graph.nodes[node]
    label = str(data.get("type", ""))
    name = data.get("title") if label == Label.PAPER else data.get("name") or data.get("url")
    return PathNode(node, label, str(name or node))


def _hop(
    graph: nx.MultiDiGraph[str],
    u: str,
    v: str,
    weight: LinkCost,
) -> Hop:
    """The cheapest link from ``u`` to ``v`` (an edge either way), with its evidence."""
    choices = []
    for forward, edges in ((True, graph.succ[u].get(v, {})), (False, graph.pred[u].get(v, {}))):
        for key, data in edges.items():
            cost = weight.edge(u, v, key, data)
            if cost is not None:
                choices.append((cost, not forward, key, data))
    cost, backward, key, data = min(choices, key=lambda c: (c[0], c[1], c[2]))
    kind = relationship_type(key)
    forward = not backward
    sentence = data.get("evidence") or None
    if kind == RelType.SIMILAR_TO:
        score = float(data.get("score") or 0.0)
        return Hop(u, v, kind, forward, cost, f"similarity {score:.2f}", score=score)
    if kind == RelType.CITES:
        source = str(data.get("source") or key.partition(":")[2] or "unknown")
        verb = "cites" if forward else "is cited by"
        text = f"{verb} (source: {source})" + (f': "{sentence}"' if sentence else "")
        return Hop(u, v, kind, forward, cost, text, citation_source=source, sentence=sentence)
    entity = v if forward else u
    name = _node(graph, entity).name
    count = weight.papers(entity)
    text = f"{_VERBS[RelType(kind)]} {name} ({count} papers)"
    text += f': "{sentence}"' if sentence else ""
    return Hop(u, v, kind, forward, cost, text, sentence=sentence, entity=name, entity_papers=count)

"""Where each node of a large view sits: clusters as separate discs, like a VOSviewer map.

A plain spring layout of a similarity graph mixes the clusters into one ball, so their
labels pile up in its middle. Here each cluster's papers get a disc sized by their
number, laid out inside it by a spring layout of their own links; the discs are placed by
a spring layout of the clusters' links and pushed apart until none overlaps. Nodes in no
cluster (methods, datasets, repos) sit beside the nodes they link to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx

from paperkg.graph.schema import Label
from paperkg.viz.views import ViewGraph

__all__ = ["positions"]

#: Canvas units per paper: a disc of n papers has radius ``SPACING * sqrt(n)``.
SPACING = 30.0
#: Empty space kept between two discs.
GAP = 80.0

Point = tuple[float, float]


def _group(data: dict[str, object]) -> int | None:
    """The cluster a node is drawn in: a paper's own, a cluster node's id; None otherwise."""
    if data.get("type") == Label.CLUSTER:
        value = data.get("id")
    elif data.get("type") == Label.PAPER:
        value = data.get("cluster", -1)
    else:
        return None
    return value if isinstance(value, int) else -1


def positions(view: ViewGraph, seed: int) -> dict[str, Point]:
    """Canvas positions of every node of ``view`` (deterministic for a given ``seed``)."""
    members: dict[int, list[str]] = {}
    for node, data in view.nodes.items():
        group = _group(data)
        if group is not None:
            members.setdefault(group, []).append(node)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(view.nodes)
    graph.add_edges_from((u, v) for u, v, _k, _d in view.edges)
    radius = {g: SPACING * math.sqrt(len(nodes)) for g, nodes in members.items()}
    centres = _disc_centres(graph, view, members, radius, seed)
    placed: dict[str, Point] = {}
    for group, nodes in members.items():
        cx, cy = centres[group]
        inner = _fill_disc(nx.spring_layout(graph.subgraph(nodes), seed=seed, iterations=30))
        for node, (x, y) in inner.items():
            placed[node] = (cx + x * radius[group], cy + y * radius[group])
    _place_rest(graph, placed, [n for n in view.nodes if n not in placed])
    return placed


def _fill_disc(layout: dict[str, Any]) -> dict[str, Point]:
    """Spread a layout evenly over the unit disc: each node keeps its direction from the
    middle, and its distance becomes its rank's share of the area (a few far nodes would
    otherwise squeeze all others into a blob)."""
    if len(layout) < 2:
        return {n: (0.0, 0.0) for n in layout}
    mx = sum(float(p[0]) for p in layout.values()) / len(layout)
    my = sum(float(p[1]) for p in layout.values()) / len(layout)
    order = sorted(layout, key=lambda n: (math.hypot(layout[n][0] - mx, layout[n][1] - my), n))
    spread: dict[str, Point] = {}
    for rank, node in enumerate(order):
        dx, dy = float(layout[node][0]) - mx, float(layout[node][1]) - my
        length = math.hypot(dx, dy) or 1.0
        share = math.sqrt((rank + 0.5) / len(order))
        spread[node] = (dx / length * share, dy / length * share)
    return spread


def _disc_centres(
    graph: nx.Graph[str],
    view: ViewGraph,
    members: dict[int, list[str]],
    radius: dict[int, float],
    seed: int,
) -> dict[int, Point]:
    """Disc centres: a spring layout of the clusters weighted by their links, spread to
    the discs' scale, then pushed apart until no two discs overlap."""
    if not members:
        return {}
    group_of = {n: _group(view.nodes[n]) for n in view.nodes}
    between: nx.Graph[int] = nx.Graph()
    between.add_nodes_from(members)
    for u, v in graph.edges():
        a, b = group_of[u], group_of[v]
        if a is not None and b is not None and a != b:
            weight = between.get_edge_data(a, b, {"weight": 0})["weight"]
            between.add_edge(a, b, weight=weight + 1)
    layout = nx.spring_layout(between, seed=seed, weight="weight", iterations=100, method="force")
    scale = 2 * math.sqrt(sum(r * r for r in radius.values()))
    centres = {g: (float(x) * scale, float(y) * scale) for g, (x, y) in layout.items()}
    return _separate(centres, radius)


def _separate(centres: dict[int, Point], radius: dict[int, float]) -> dict[int, Point]:
    """Move overlapping discs apart along the line joining them, both by half the overlap."""
    points = {g: list(p) for g, p in centres.items()}
    groups = sorted(points)
    for _ in range(300):
        moved = False
        for i, a in enumerate(groups):
            for b in groups[i + 1 :]:
                dx, dy = points[b][0] - points[a][0], points[b][1] - points[a][1]
                distance = math.hypot(dx, dy)
                need = radius[a] + radius[b] + GAP
                if distance >= need:
                    continue
                if distance < 1e-6:  # the same spot: part them along a fixed direction
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (need - distance) / 2 / distance
                points[a][0] -= dx * push
                points[a][1] -= dy * push
                points[b][0] += dx * push
                points[b][1] += dy * push
                moved = True
        if not moved:
            break
    return {g: (p[0], p[1]) for g, p in points.items()}


def _place_rest(graph: nx.Graph[str], placed: dict[str, Point], rest: Iterable[str]) -> None:
    """Each remaining node at the mean of its placed neighbours, nudged off them along a
    golden-angle spiral; nodes with no placed neighbour on a ring around everything."""
    outer = max((math.hypot(x, y) for x, y in placed.values()), default=0.0) + 2 * GAP
    loose = 0
    for turn, node in enumerate(rest):
        near = [placed[n] for n in graph.neighbors(node) if n in placed]
        angle = turn * 2.399963
        if near:
            x = sum(p[0] for p in near) / len(near) + 25 * math.cos(angle)
            y = sum(p[1] for p in near) / len(near) + 25 * math.sin(angle)
        else:
            x, y = outer * math.cos(loose * 0.7), outer * math.sin(loose * 0.7)
            loose += 1
        placed[node] = (x, y)

"""The views of ``paperkg view around`` and ``paperkg view connect``, cut from their reports.

The around view is laid out like Connected Papers: the origins in the middle, the related
papers on a spiral out from them, the most relevant nearest and biggest; the connect view
draws its paths left to right, one row each, every hop labelled with its evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import networkx as nx

from paperkg.graph.model import relationship_type
from paperkg.graph.report.around import AroundReport
from paperkg.graph.report.connect import ConnectReport
from paperkg.graph.report.works import Work
from paperkg.graph.schema import RelType
from paperkg.viz.views import ViewGraph

__all__ = ["RELATED", "around_sections", "around_view", "connect_view"]

#: The edge an around view draws from an origin to a related paper no drawn edge reaches.
RELATED = "RELATED"
#: Spiral of the around view: the first ring's radius and each paper's room.
_INNER, _STEP = 150.0, 75.0
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
#: Connect view: room between a path's nodes and between two paths.
_COLUMN, _ROW = 340.0, 170.0


def around_view(graph: nx.MultiDiGraph[str], report: AroundReport) -> ViewGraph:
    """The origins and their related papers, sized by relevance, with the similarity and
    citation links between them (a faint RELATED link where none joins one to an origin)."""
    names = ", ".join(o.title for o in report.origins)
    view = ViewGraph.of(graph, f"Around: {names}")
    top = max((r.score for r in report.related), default=1.0) or 1.0
    for i, origin in enumerate(report.origins):
        view.add(graph, origin.id, focus=True, view_size=30.0, view_rank=2.0 + top)
        view.positions[origin.id] = ((i - (len(report.origins) - 1) / 2) * 140.0, 0.0)
    for i, related in enumerate(report.related):
        share = related.score / top
        facts = [("Relevance", f"{related.score:.3f} (#{i + 1})"), ("Why", related.why)]
        view.add(
            graph,
            related.id,
            view_size=round(8 + 20 * math.sqrt(share), 1),
            view_rank=related.score,
            view_facts=facts,
        )
        distance = _INNER + _STEP * math.sqrt(i)
        view.positions[related.id] = (
            distance * math.cos(i * _GOLDEN_ANGLE),
            distance * math.sin(i * _GOLDEN_ANGLE),
        )
    view.colour = "date"
    _paper_links(graph, view)
    linked = {(u, v) for u, v, _k, _d in view.edges} | {(v, u) for u, v, _k, _d in view.edges}
    for related in report.related:
        origins = {r.origin for r in related.reasons}
        if not any((o, related.id) in linked for o in origins):
            first = related.reasons[0].origin
            view.link(first, related.id, RELATED, {"score": related.score, "why": related.why})
    view.notes.append(
        f"{len(report.related)} papers most related to the origin (bold border): nearer and "
        "bigger is more related; colour by date when papers are dated"
    )
    if report.note:
        view.notes.append(report.note)
    return view


def _paper_links(graph: nx.MultiDiGraph[str], view: ViewGraph) -> None:
    """The similarity and citation edges between the view's papers, each pair's once."""
    seen: set[tuple[str, str, str]] = set()
    for node in list(view.nodes):
        for _u, other, key, data in graph.out_edges(node, keys=True, data=True):
            kind = relationship_type(key)
            if other not in view.nodes or kind not in (RelType.SIMILAR_TO, RelType.CITES):
                continue
            ends = sorted((node, other)) if kind == RelType.SIMILAR_TO else [node, other]
            pair = (ends[0], ends[1], kind)
            if pair not in seen:
                seen.add(pair)
                view.link(node, other, kind, data)


def around_sections(
    report: AroundReport, href: Callable[[str], str | None] | None = None
) -> list[dict[str, Any]]:
    """The lists under an around map: the related papers with their score and why, then
    the prior and derivative works. ``href`` gives a paper's page (None: no link; the
    standalone view has none, its map's panel opens each shown paper; the site links)."""
    page = href or (lambda _node: None)
    related = [
        {"text": r.title, "note": f"{r.score:.2f} · {r.why}", "href": page(r.id)}
        for r in report.related
    ]
    return [
        {"heading": f"Related papers ({len(related)})", "items": related},
        {"heading": "Prior works", "items": _works(report.prior, page)},
        {"heading": "Derivative works", "items": _works(report.derivative, page)},
    ]


def _works(works: list[Work], page: Callable[[str], str | None]) -> list[dict[str, Any]]:
    if not works:
        return [{"text": "none in this snapshot", "note": "", "href": None}]
    return [{"text": w.title, "note": w.note, "href": page(w.id)} for w in works]


def connect_view(graph: nx.MultiDiGraph[str], report: ConnectReport) -> ViewGraph:
    """The report's paths left to right from its first paper to its second, one row each
    (a node several paths share stays where the first put it); hops are labelled."""
    view = ViewGraph.of(graph, f"Connect: {report.source.name} → {report.target.name}")
    length = max((len(p.nodes) for p in report.paths), default=2)
    right = _COLUMN * (length - 1)
    for end, x in ((report.source.id, 0.0), (report.target.id, right)):
        view.add(graph, end, focus=True, view_size=26.0, view_rank=2.0)
        view.positions[end] = (x, 0.0)
    drawn: set[tuple[str, str]] = set()
    for row, path in enumerate(report.paths):
        y = (row - (len(report.paths) - 1) / 2) * _ROW
        step = right / (len(path.nodes) - 1)
        for i, node in enumerate(path.nodes):
            view.add(graph, node.id, view_size=14.0, view_rank=1.0 / (row + 1))
            view.positions.setdefault(node.id, (i * step, y))
        for hop in path.hops:
            if (hop.source, hop.target) in drawn:
                continue
            drawn.add((hop.source, hop.target))
            source, target = (hop.source, hop.target) if hop.forward else (hop.target, hop.source)
            props = {"hop": hop.evidence, "view_label": _hop_label(hop.kind, hop.evidence)}
            view.link(source, target, hop.kind, props)
    view.notes.append(
        f"{len(report.paths)} best paths (cheapest on top; at most {report.k}), each hop "
        "labelled with its kind and evidence"
    )
    return view


def _hop_label(kind: str, evidence: str, width: int = 40) -> str:
    """A hop's label on the map: its kind and evidence without the quoted sentence (the
    hover text has it all)."""
    text = evidence.split(': "', 1)[0]
    text = text if len(text) <= width else text[: width - 1].rstrip() + "…"
    return f"{kind.lower()}: {text}" if kind == RelType.SIMILAR_TO else text

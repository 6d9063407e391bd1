"""The papers most related to one or several origin papers (``paperkg around``), by one
combined measure over every edge kind, each with its reasons; then the set's prior and
derivative works. Works from day 0: similarity and shared entities need no citations.

The measure, for an origin ``o`` and a corpus paper ``c`` (weights in :data:`WEIGHTS`):

- ``similar``: the SIMILAR_TO cosine between them (either direction);
- ``cites`` / ``cited_by``: ``o`` cites ``c`` / ``c`` cites ``o`` (any source);
- ``co_cited``: per paper citing both;
- ``coupled``: per work both cite (stubs of outside works included);
- ``method`` / ``dataset``: per method or dataset both introduce, use or evaluate on,
  weighted ``1 / log2(1 + n)`` for an entity ``n`` papers link (a rare one counts most);
- ``repo``: per code repo both link;
- ``via``: only for a paper with none of the above, its best two-step path through a
  paper linked to both by similarity (cosine) or citation (1), the product of the steps.

A paper's score is the sum over origins; candidates are the papers these reach.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.report.works import Work, Works, paper_links, prior_and_derivative
from paperkg.graph.schema import Label, RelType

__all__ = [
    "WEIGHTS",
    "AroundReport",
    "Origin",
    "Reason",
    "RelatedPaper",
    "around",
]

#: The weight of each reason (see the module's docstring); a paper's score is their sum.
WEIGHTS: dict[str, float] = {
    "similar": 1.0,
    "cites": 1.0,
    "cited_by": 1.0,
    "co_cited": 0.5,
    "coupled": 0.5,
    "method": 0.5,
    "dataset": 0.5,
    "repo": 1.0,
    "via": 0.5,
}
#: Related papers whose own citations count towards the prior and derivative works.
WORKS_NEIGHBOURHOOD = 20
_ENTITY_RELATIONS = (RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON)
_ENTITY_KIND = {Label.METHOD: "method", Label.DATASET: "dataset"}
_PHRASE = {
    "similar": "similar to {o}",
    "cites": "cited by {o}",
    "cited_by": "cites {o}",
    "co_cited": "co-cited with {o}",
    "coupled": "shares references with {o}",
    "method": "shares methods with {o}",
    "dataset": "shares datasets with {o}",
    "repo": "shares code with {o}",
    "via": "two steps from {o}",
}


@dataclass(frozen=True)
class Origin:
    """An origin paper as resolved: its id and title."""

    id: str
    title: str


@dataclass(frozen=True)
class Reason:
    """Why a paper relates to one origin: the reason's ``kind`` (a key of :data:`WEIGHTS`),
    what it adds to the score, the shared items (ids, and their names: the citing papers,
    shared references, entities, repos, or the paper a ``via`` path goes through), and the
    cosine for ``similar`` and ``via``."""

    kind: str
    origin: str
    score: float
    items: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    cosine: float | None = None


@dataclass(frozen=True)
class RelatedPaper:
    """A related paper, its score (summed over origins), its reasons, and a short line
    saying them (``why``; with several origins, ``#2`` is the second)."""

    id: str
    title: str
    score: float
    reasons: list[Reason]
    why: str


@dataclass(frozen=True)
class AroundReport:
    """The origins as resolved, the related papers (best first), the prior and derivative
    works of the origins and their top related papers, the weights used, and a note when
    citations are missing (empty otherwise)."""

    origins: list[Origin]
    related: list[RelatedPaper]
    prior: list[Work]
    derivative: list[Work]
    weights: dict[str, float]
    note: str = ""


class _Scores:
    """Every candidate's components against one origin, accumulated from the origin's side."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, dict[str, float]]] = {}
        self.cosine: dict[str, float] = {}

    def add(self, candidate: str, kind: str, item: str, weight: float = 1.0) -> None:
        found = self.items.setdefault(candidate, {}).setdefault(kind, {})
        found[item] = max(found.get(item, 0.0), weight)


def around(graph: nx.MultiDiGraph[str], origins: Sequence[str], size: int = 40) -> AroundReport:
    """The ``size`` papers most related to ``origins`` (resolved paper ids), their reasons,
    and the prior and derivative works of the origins with their top related papers."""
    if size < 1:
        raise ParameterError(f"--size must be at least 1, not {size}")
    origins = list(dict.fromkeys(origins))
    if not origins:
        raise ParameterError("name at least one paper to start from")
    totals: dict[str, list[Reason]] = {}
    for origin in origins:
        for candidate, reasons in _related_to(graph, origin).items():
            if candidate not in origins:
                totals.setdefault(candidate, []).extend(reasons)
    ranked = sorted(
        totals, key=lambda c: (-sum(r.score for r in totals[c]), -_pagerank(graph, c), c)
    )
    related = [_related_paper(graph, c, totals[c], origins) for c in ranked[:size]]
    members = [*origins, *ranked[:WORKS_NEIGHBOURHOOD]]
    works = prior_and_derivative(
        graph, origins, members[len(origins) :], paper_links(graph, members)
    )
    return AroundReport(
        [Origin(o, _title(graph, o)) for o in origins],
        related,
        works.prior,
        works.derivative,
        dict(WEIGHTS),
        _note(graph, origins, works),
    )


def _related_to(graph: nx.MultiDiGraph[str], origin: str) -> dict[str, list[Reason]]:
    """Every candidate related to one origin, with its reasons."""
    scores = _Scores()
    steps: dict[str, float] = {}  # papers one similarity or citation step away, and its strength
    for kind, other, edge in _paper_edges(graph, origin):
        if kind == RelType.SIMILAR_TO:
            cosine = float(edge.get("score", 0.0))
            scores.cosine[other] = max(scores.cosine.get(other, 0.0), cosine)
            steps[other] = max(steps.get(other, 0.0), cosine)
        elif kind in ("cites", "cited_by"):
            scores.add(other, kind, other)
            steps[other] = 1.0
    for citer in _citers(graph, origin):
        for cited in _cited(graph, citer):
            scores.add(cited, "co_cited", citer)
    for reference in _cited(graph, origin):
        for citer in _citers(graph, reference):
            scores.add(citer, "coupled", reference)
    for _o, entity, key in graph.out_edges(origin, keys=True):
        _shared_entity(graph, scores, origin, entity, relationship_type(key))
    related = {c: _reasons(graph, origin, c, scores) for c in {*scores.items, *scores.cosine}}
    for middle, first in steps.items():
        for kind, other, edge in _paper_edges(graph, middle):
            if other == origin or other in related:
                continue
            second = float(edge.get("score", 0.0)) if kind == RelType.SIMILAR_TO else 1.0
            scores.add(other, "via", middle, first * second)
    for candidate, kinds in scores.items.items():
        if candidate not in related and "via" in kinds:
            related[candidate] = _via(graph, origin, kinds["via"])
    return {c: r for c, r in related.items() if c != origin and is_paper(graph.nodes[c]) and r}


def _paper_edges(
    graph: nx.MultiDiGraph[str], node: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(kind, other paper, edge)`` of a paper's similarity and citation edges, both
    directions; kind is SIMILAR_TO, ``cites`` (node cites other) or ``cited_by``."""
    for _n, other, key, edge in graph.out_edges(node, keys=True, data=True):
        kind = relationship_type(key)
        if kind in (RelType.SIMILAR_TO, RelType.CITES) and other != node:
            yield (kind if kind == RelType.SIMILAR_TO else "cites"), other, edge
    for other, _n, key, edge in graph.in_edges(node, keys=True, data=True):
        kind = relationship_type(key)
        if kind in (RelType.SIMILAR_TO, RelType.CITES) and other != node:
            yield (kind if kind == RelType.SIMILAR_TO else "cited_by"), other, edge


def _cited(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    return {t for _n, t, k in graph.out_edges(node, keys=True) if _is_citation(k) and t != node}


def _citers(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    return {s for s, _n, k in graph.in_edges(node, keys=True) if _is_citation(k) and s != node}


def _is_citation(key: str) -> bool:
    return relationship_type(key) == RelType.CITES


def _shared_entity(
    graph: nx.MultiDiGraph[str], scores: _Scores, origin: str, entity: str, relation: str
) -> None:
    """Score the papers sharing one of the origin's entities or repos with it."""
    label = graph.nodes[entity].get("type")
    relations: tuple[RelType, ...]
    if relation == RelType.HAS_CODE and label == Label.REPO:
        kind, relations = "repo", (RelType.HAS_CODE,)
    elif relation in _ENTITY_RELATIONS and label in _ENTITY_KIND:
        kind, relations = _ENTITY_KIND[Label(label)], _ENTITY_RELATIONS
    else:
        return
    papers = {
        p
        for p, _e, k in graph.in_edges(entity, keys=True)
        if relationship_type(k) in relations and p != origin
    }
    rarity = 1.0 if kind == "repo" else 1.0 / math.log2(2 + len(papers))
    for paper in papers:
        scores.add(paper, kind, entity, rarity)


def _reasons(
    graph: nx.MultiDiGraph[str], origin: str, candidate: str, scores: _Scores
) -> list[Reason]:
    """The direct reasons one candidate relates to one origin (``via`` aside)."""
    reasons = []
    if candidate in scores.cosine:
        cosine = scores.cosine[candidate]
        reasons.append(Reason("similar", origin, WEIGHTS["similar"] * cosine, cosine=cosine))
    for kind, items in scores.items.get(candidate, {}).items():
        if kind == "via":
            continue
        listed = sorted(items, key=lambda i: (-items[i], i))
        reasons.append(
            Reason(
                kind,
                origin,
                WEIGHTS[kind] * sum(items.values()),
                [] if kind in ("cites", "cited_by") else listed,
                [] if kind in ("cites", "cited_by") else [_title(graph, i) for i in listed],
            )
        )
    return reasons


def _via(graph: nx.MultiDiGraph[str], origin: str, middles: dict[str, float]) -> list[Reason]:
    """A two-step reason: the best path's middle paper and strength."""
    middle = max(middles, key=lambda m: (middles[m], m))
    strength = middles[middle]
    return [
        Reason(
            "via",
            origin,
            WEIGHTS["via"] * strength,
            [middle],
            [_title(graph, middle)],
            cosine=strength,
        )
    ]


def _related_paper(
    graph: nx.MultiDiGraph[str], node: str, reasons: list[Reason], origins: Sequence[str]
) -> RelatedPaper:
    reasons = sorted(reasons, key=lambda r: -r.score)
    return RelatedPaper(
        node,
        _title(graph, node),
        round(sum(r.score for r in reasons), 4),
        reasons,
        "; ".join(_phrase(graph, r, origins) for r in reasons),
    )


def _phrase(graph: nx.MultiDiGraph[str], reason: Reason, origins: Sequence[str]) -> str:
    """'similar to it (0.83)', 'shares methods with it: LoRA, QLoRA', 'two steps from it
    via Paper X'; with several origins 'it' is the origin's number (#1 for the first)."""
    several = len(origins) > 1
    text = _PHRASE[reason.kind].format(
        o=f"#{origins.index(reason.origin) + 1}" if several else "it"
    )
    if reason.kind == "similar":
        return f"{text} ({reason.cosine:.2f})"
    if reason.kind == "via":
        return f"{text} via {_short(reason.names[0])}"
    if reason.kind in ("co_cited", "coupled"):
        return f"{text} ({len(reason.items)}x)"
    if reason.names:
        shown = ", ".join(_short(n) for n in reason.names[:3])
        more = f" +{len(reason.names) - 3}" if len(reason.names) > 3 else ""
        return f"{text}: {shown}{more}"
    return text


def _note(graph: nx.MultiDiGraph[str], origins: Sequence[str], works: Works) -> str:
    """Say so when citations cannot help: no origin cites or is cited."""
    if any(_cited(graph, o) or _citers(graph, o) for o in origins):
        return ""
    subject = "this paper" if len(origins) == 1 else "these papers"
    note = (
        f"No citations to or from {subject} in this snapshot: related papers come from "
        "similarity, shared methods, datasets and code"
    )
    if not (works.prior or works.derivative):
        note += "; there are no prior or derivative works"
    return note + "."


def _title(graph: nx.MultiDiGraph[str], node: str) -> str:
    data = graph.nodes[node]
    return str(data.get("title") or data.get("name") or data.get("url") or node)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _pagerank(graph: nx.MultiDiGraph[str], node: str) -> float:
    return float(graph.nodes[node].get("pagerank", 0.0))

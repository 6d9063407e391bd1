"""Which clusters a paper or an entity really joins, and how much of a bridge an entity is.

A paper joins the clusters holding at least ``JOIN_SHARE`` of its similarity and citation
weight (its own included), at most ``MAX_JOINS`` of them: a paper with one link into a
far cluster does not join it. An entity (method, dataset, repo) joins the clusters holding
at least ``JOIN_SHARE`` of its papers; its bridge score is how evenly its papers spread
over clusters (participation), discounted by how common it is (an inverse document
frequency: a method every third paper uses is common, not a bridge) and by how little
evidence a handful of papers gives (``1 - 1/papers``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.analytics.similarity_graph import CITATION_WEIGHT
from paperkg.graph.model import relationship_type
from paperkg.graph.schema import RelType

__all__ = [
    "JOIN_SHARE",
    "MAX_JOINS",
    "Spread",
    "entity_spread",
    "joined",
    "paper_spread",
]

#: Share of a paper's link weight, or of an entity's papers, a cluster must hold to count.
JOIN_SHARE = 0.2
#: At most this many clusters are named as joined (the largest shares).
MAX_JOINS = 3


@dataclass(frozen=True)
class Spread:
    """How one paper's links or one entity's papers fall over clusters: the share per
    cluster, the clusters it joins (largest share first), and its bridge score."""

    shares: dict[int, float]
    joins: list[int]
    score: float


def joined(shares: Mapping[int, float]) -> list[int]:
    """The clusters holding at least ``JOIN_SHARE`` (largest first, at most ``MAX_JOINS``)."""
    found = [c for c, s in shares.items() if c != UNCLUSTERED and s >= JOIN_SHARE]
    found.sort(key=lambda c: (-shares[c], c))
    return found[:MAX_JOINS]


def _shares(weights: Mapping[int, float]) -> dict[int, float]:
    total = sum(weights.values())
    return {c: round(w / total, 4) for c, w in sorted(weights.items())} if total else {}


def paper_spread(graph: nx.MultiDiGraph[str], paper: str, level_key: str = "cluster") -> Spread:
    """A paper's similarity (cosine) and citation (1.0) weight per cluster of ``level_key``;
    its score is participation over the clusters it joins (0 when it joins fewer than 2)."""
    weights: dict[int, float] = defaultdict(float)
    weights[graph.nodes[paper].get(level_key, UNCLUSTERED)] += 0.0
    edges: Iterable[tuple[str, str, str, dict[str, object]]] = [
        *graph.out_edges(paper, keys=True, data=True),
        *graph.in_edges(paper, keys=True, data=True),
    ]
    for u, v, key, data in edges:
        kind = relationship_type(key)
        other = v if u == paper else u
        if kind == RelType.SIMILAR_TO:
            score = data.get("score", 0.0)
            weight = max(float(score), 0.0) if isinstance(score, int | float) else 0.0
        elif kind == RelType.CITES:
            weight = CITATION_WEIGHT
        else:
            continue
        weights[graph.nodes[other].get(level_key, UNCLUSTERED)] += weight
    shares = _shares(weights)
    joins = joined(shares)
    return Spread(shares, joins, _participation(shares, joins))


def entity_spread(clusters: Iterable[int], corpus: int) -> Spread:
    """The spread of an entity whose linked papers sit in ``clusters`` (one entry per
    paper) in a corpus of ``corpus`` papers: participation over all its clusters times
    ``log(corpus / papers) / log(corpus)`` times ``1 - 1/papers``; 0 unless it joins two
    clusters or more."""
    counts = Counter(clusters)
    papers = sum(counts.values())
    shares = _shares({c: float(n) for c, n in counts.items()})
    joins = joined(shares)
    if len(joins) < 2 or corpus < 2 or not papers:
        return Spread(shares, joins, 0.0)
    spread = 1.0 - sum(s * s for c, s in shares.items() if c != UNCLUSTERED)
    rarity = math.log(corpus / papers) / math.log(corpus) if papers < corpus else 0.0
    evidence = 1.0 - 1.0 / papers
    return Spread(shares, joins, round(max(spread, 0.0) * rarity * evidence, 6))


def _participation(shares: Mapping[int, float], joins: list[int]) -> float:
    if len(joins) < 2:
        return 0.0
    inside = [shares[c] for c in joins]
    total = sum(inside)
    return round(1.0 - sum((s / total) ** 2 for s in inside), 6)

"""Why a paper is recommended for a tag, in words a reader can check: the tagged papers it
is most like (embedding cosine), the methods and datasets it shares with them, its topic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from paperkg.graph.analytics.analyse import cluster_node_id
from paperkg.graph.recommend.features import entities_of

__all__ = ["NEAREST", "Reasons", "TopicLabels", "reasons"]

#: Tagged papers named per recommendation (the most similar first).
NEAREST = 3
#: Shared methods and datasets named in the one-line ``why`` (``shared`` lists them all).
WHY_SHARED = 3
_TITLE = 60


@dataclass(frozen=True)
class Reasons:
    """The nearest positive papers (ids, cosines), the shared entity names, the topic."""

    nearest: list[str]
    cosines: list[float]
    shared: list[str]
    topic: str | None
    why: str


class TopicLabels:
    """The label of a paper's cluster (else of its broad topic), read once per graph."""

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self._graph = graph

    def of(self, node: str) -> str | None:
        data = self._graph.nodes[node]
        for level in ("cluster", "topic"):
            value = data.get(level)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                continue
            cluster = cluster_node_id(value)
            label = self._graph.nodes[cluster].get("label") if cluster in self._graph else None
            if label:
                return str(label)
        return None


def _short(title: str) -> str:
    return title if len(title) <= _TITLE else title[: _TITLE - 1].rstrip() + "…"


def reasons(
    graph: nx.MultiDiGraph[str],
    node: str,
    cosines: np.ndarray,
    positives: Sequence[str],
    positive_entities: Counter[str],
    topics: TopicLabels,
) -> Reasons:
    """The reasons of ``node`` given its ``cosines`` to the ``positives`` (same order) and
    how many positives link each method or dataset (``positive_entities``)."""
    order = sorted(range(len(positives)), key=lambda i: (-float(cosines[i]), positives[i]))
    nearest = order[:NEAREST]
    shared_ids = sorted(
        entities_of(graph, node) & positive_entities.keys(),
        key=lambda e: (-positive_entities[e], str(graph.nodes[e].get("name") or e).casefold()),
    )
    shared = [str(graph.nodes[e].get("name") or e) for e in shared_ids]
    topic = topics.of(node)
    parts = []
    if nearest:
        best = positives[nearest[0]]
        title = str(graph.nodes[best].get("title") or best)
        parts.append(f"like {_short(title)} ({float(cosines[nearest[0]]):.2f})")
    if shared:
        more = f" +{len(shared) - WHY_SHARED}" if len(shared) > WHY_SHARED else ""
        parts.append("shares " + ", ".join(shared[:WHY_SHARED]) + more)
    if topic:
        parts.append(f"topic: {topic}")
    return Reasons(
        [positives[i] for i in nearest],
        [round(float(cosines[i]), 4) for i in nearest],
        shared,
        topic,
        "; ".join(parts),
    )

"""k-nearest-neighbour similarity edges with FAISS (inner product on normalised vectors)."""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

__all__ = ["Neighbour", "build_index", "knn_edges", "search"]


@dataclass(frozen=True)
class Neighbour:
    """Row ``source`` has row ``target`` as its ``rank``-th most similar, with cosine ``score``."""

    source: int
    target: int
    score: float
    rank: int


def build_index(vectors: np.ndarray) -> faiss.Index:
    """An exact inner-product index over ``vectors`` (rows must be L2-normalised)."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, rows)`` of the ``k`` best rows per query; missing slots have row -1."""
    k = max(0, min(k, index.ntotal))
    if k == 0:
        empty = np.empty((len(queries), 0))
        return empty.astype(np.float32), empty.astype(np.int64)
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), k)


def knn_edges(
    index: faiss.Index, vectors: np.ndarray, k: int, min_score: float | None = None
) -> list[Neighbour]:
    """Each row's ``k`` nearest other rows, best first; no self-edges; ties broken by row."""
    scores, rows = search(index, vectors, k + 1)
    edges: list[Neighbour] = []
    for source in range(len(vectors)):
        hits = [
            (float(score), int(target))
            for score, target in zip(scores[source], rows[source], strict=True)
            if target >= 0 and target != source
        ]
        hits.sort(key=lambda hit: (-round(hit[0], 6), hit[1]))
        for rank, (score, target) in enumerate(hits[:k], start=1):
            if min_score is not None and score < min_score:
                break
            edges.append(Neighbour(source, target, round(score, 6), rank))
    return edges

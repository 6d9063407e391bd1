"""k-nearest-neighbour similarity edges with FAISS (inner product on normalised vectors).

Up to ``APPROXIMATE_FROM`` papers the search is exact (``IndexFlatIP``). Above, an inverted
file index with 8-bit scalar-quantised vectors (``IndexIVFScalarQuantizer``) replaces it,
chosen over IVF-flat and HNSW by measurement (see docs/benchmarks.md): its ``nprobe`` is
raised until recall@10 against exact search, measured in the build on a sample of papers,
reaches ``TARGET_RECALL``; the neighbours it finds are then scored exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

__all__ = [
    "APPROXIMATE_FROM",
    "TARGET_RECALL",
    "IndexChoice",
    "Neighbour",
    "build_index",
    "build_knn_index",
    "knn_edges",
    "search",
    "set_nprobe",
]

#: From this many vectors on, kNN is approximate.
APPROXIMATE_FROM = 20_000
#: Recall@10 the approximate index must reach on the build's own sample.
TARGET_RECALL = 0.97
_SAMPLE = 500


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


@dataclass(frozen=True)
class IndexChoice:
    """Which index a build used, with its parameters and measured sample recall (manifest)."""

    index: str
    nlist: int | None = None
    nprobe: int | None = None
    recall_at_10: float | None = None
    sample: int | None = None


def _nlist(count: int) -> int:
    """About 4 sqrt(n) lists, a power of two: 1,024 at 100,000 papers."""
    target = 4 * int(np.sqrt(count))
    return int(2 ** max(4, int(np.log2(max(target, 16)))))


def build_knn_index(
    vectors: np.ndarray, *, seed: int = 42, approximate_from: int = APPROXIMATE_FROM
) -> tuple[faiss.Index, IndexChoice]:
    """The index kNN runs on: exact below ``approximate_from`` rows, else IVF-flat tuned to
    ``TARGET_RECALL`` on a seeded sample of the rows themselves."""
    count = len(vectors)
    if count < approximate_from:
        return build_index(vectors), IndexChoice("IndexFlatIP")
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = data.shape[1]
    nlist = _nlist(count)
    index = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dimension),
        dimension,
        nlist,
        faiss.ScalarQuantizer.QT_8bit,
        faiss.METRIC_INNER_PRODUCT,
    )
    index.cp.seed = seed
    rng = np.random.default_rng(seed)
    train = data[np.sort(rng.choice(count, min(count, nlist * 64), replace=False))]
    index.train(train)
    index.add(data)
    rows = np.sort(rng.choice(count, min(count, _SAMPLE), replace=False))
    exact = faiss.IndexFlatIP(dimension)
    exact.add(data)
    truth = _others(rows, exact.search(data[rows], 11)[1])
    recall, step, nprobe = 0.0, 0, 4
    while recall < TARGET_RECALL and nprobe < nlist:
        nprobe = min(nlist, (4, 6)[step % 2] << (step // 2))  # 4, 6, 8, 12, 16, 24, ...
        step += 1
        index.nprobe = nprobe
        found = _others(rows, index.search(data[rows], 11)[1])
        recall = float(np.mean([len(a & b) / 10 for a, b in zip(found, truth, strict=True)]))
    return index, IndexChoice("IndexIVFScalarQuantizer", nlist, nprobe, round(recall, 4), len(rows))


def _others(rows: np.ndarray, hits: np.ndarray) -> list[set[int]]:
    """Per query row, its 10 best hits other than itself."""
    return [
        set([int(h) for h in found if h >= 0 and h != row][:10])
        for row, found in zip(rows, hits, strict=True)
    ]


def set_nprobe(index: faiss.Index, nprobe: int | None) -> None:
    """Restore an IVF index's ``nprobe`` after reading it back (it is a search setting)."""
    if nprobe is not None:
        faiss.extract_index_ivf(index).nprobe = int(nprobe)


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, rows)`` of the ``k`` best rows per query; missing slots have row -1."""
    k = max(0, min(k, index.ntotal))
    if k == 0:
        empty = np.empty((len(queries), 0))
        return empty.astype(np.float32), empty.astype(np.int64)
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), k)


def _exact_scores(vectors: np.ndarray, rows: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Cosine of each row with each neighbour found, the same on every run (``einsum``
    sums in a fixed order)."""
    scores = np.full(rows.shape, -np.inf, dtype=np.float32)
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        found = vectors[np.maximum(part, 0)]
        exact = np.einsum("nd,nkd->nk", vectors[start : start + len(part)], found)
        scores[start : start + len(part)] = np.where(part >= 0, exact, -np.inf)
    return scores


def knn_edges(
    index: faiss.Index, vectors: np.ndarray, k: int, min_score: float | None = None
) -> list[Neighbour]:
    """Each row's ``k`` nearest other rows, best first; no self-edges; ties broken by row.

    Scores are recomputed row by row: a quantised index only approximates them, and a flat
    one's multi-threaded BLAS can change their last bit from run to run."""
    _found, rows = search(index, vectors, k + 1)
    scores = _exact_scores(vectors, rows)
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

"""k-nearest-neighbour similarity edges with FAISS (inner product on normalised vectors).

Up to ``APPROXIMATE_FROM`` papers the search is exact (``IndexFlatIP``). Above, the papers
are clustered into inverted lists (an ``IndexIVFScalarQuantizer``, kept for queries) and
each paper's neighbours are searched exactly in the ``nprobe`` lists nearest to it: its
``nprobe`` is the least whose recall@10 against exact search, measured in the build on a
sample of papers, reaches ``TARGET_RECALL``. The all-pairs search runs list by list as
dense matrix products on the full vectors (chosen over FAISS's own IVF scan, HNSW and
PQ by measurement, see docs/benchmarks.md); the neighbours found are scored exactly.
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
    "knn_rows",
    "search",
    "set_nprobe",
]

#: From this many vectors on, kNN is approximate.
APPROXIMATE_FROM = 20_000
#: Recall@10 the approximate index must reach on the build's own sample.
TARGET_RECALL = 0.97
_SAMPLE = 500
_FEWEST_APPROXIMATE = 1_000  # below, too few rows to cluster: always exact


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
    """About sqrt(n) lists, a power of two: 256 at 100,000 papers. Lists of a few hundred
    rows make each block's product a proper matrix multiplication."""
    target = int(np.sqrt(count))
    return int(2 ** max(4, int(np.log2(max(target, 16)))))


def build_knn_index(
    vectors: np.ndarray, *, seed: int = 42, approximate_from: int = APPROXIMATE_FROM
) -> tuple[faiss.Index, IndexChoice]:
    """The index kNN runs on: exact below ``approximate_from`` rows, else IVF whose
    ``nprobe`` is the least reaching ``TARGET_RECALL`` on a seeded sample of the rows."""
    count = len(vectors)
    if count < max(approximate_from, _FEWEST_APPROXIMATE):
        return build_index(vectors), IndexChoice("IndexFlatIP")
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = data.shape[1]
    nlist = _nlist(count)
    rng = np.random.default_rng(seed)
    train = data[np.sort(rng.choice(count, min(count, nlist * 64), replace=False))]
    kmeans = faiss.Kmeans(dimension, nlist, niter=20, seed=seed, spherical=True)
    kmeans.train(train)
    assert kmeans.centroids is not None
    quantizer = faiss.IndexFlatIP(dimension)
    quantizer.add(kmeans.centroids)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    index.train(train)  # the quantizer is set: this trains only the 8-bit codec
    index.add(data)
    rows = np.sort(rng.choice(count, min(count, _SAMPLE), replace=False))
    nprobe, recall = _tune_nprobe(index, data, rows)
    index.nprobe = nprobe
    return index, IndexChoice("IndexIVFScalarQuantizer", nlist, nprobe, round(recall, 4), len(rows))


def _list_of_rows(index: faiss.Index) -> np.ndarray:
    """The inverted list each row of an IVF index was filed in."""
    ivf = faiss.extract_index_ivf(index)
    lists = ivf.invlists
    assert lists is not None
    owner = np.empty(ivf.ntotal, dtype=np.int64)
    for number in range(ivf.nlist):
        size = lists.list_size(number)
        if size:
            ids = faiss.rev_swig_ptr(lists.get_ids(number), size)
            owner[np.asarray(ids, dtype=np.int64)] = number
    return owner


def _tune_nprobe(index: faiss.Index, data: np.ndarray, rows: np.ndarray) -> tuple[int, float]:
    """The least ``nprobe`` whose recall@10 on ``rows`` reaches ``TARGET_RECALL``: all-pairs
    search scores probed lists exactly, so a true neighbour is found iff its list is probed."""
    ivf = faiss.extract_index_ivf(index)
    truth = np.array(
        [
            [h for h in hits if h != row][:10]
            for row, hits in zip(rows, _exact_top(data, rows, 11), strict=True)
        ]
    )
    _scores, probed = ivf.quantizer.search(data[rows], ivf.nlist)
    order = np.empty_like(probed)
    np.put_along_axis(order, probed, np.arange(ivf.nlist)[None, :], axis=1)
    needed = np.take_along_axis(order, _list_of_rows(index)[truth], axis=1)  # probe rank
    for nprobe in range(1, ivf.nlist + 1):
        recall = float(np.mean(needed < nprobe))
        if recall >= TARGET_RECALL:
            break
    return nprobe, recall


def _exact_top(data: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best rows of ``data`` for each of ``rows``, exactly, best first."""
    exact = faiss.IndexFlatIP(data.shape[1])
    exact.add(data)
    return np.asarray(exact.search(data[rows], k)[1])


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


def _ivf_all_pairs(index: faiss.Index, vectors: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best candidates of every row among the lists it probes.

    Queries are grouped by list, so each list costs one dense product of its full-precision
    rows with the queries that probe it, and only each block's ``k`` best are kept."""
    ivf = faiss.extract_index_ivf(index)
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    count, nprobe = len(data), max(1, min(int(ivf.nprobe), int(ivf.nlist)))
    _scores, probed = ivf.quantizer.search(data, nprobe)
    owner = _list_of_rows(index)
    members = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[members], np.arange(ivf.nlist + 1))
    pairs = np.argsort(probed.ravel(), kind="stable")  # (query, slot) pairs grouped by list
    starts = np.searchsorted(probed.ravel()[pairs], np.arange(ivf.nlist + 1))
    best = np.full((count, nprobe * k), -np.inf, dtype=np.float32)
    found = np.full((count, nprobe * k), -1, dtype=np.int64)
    columns = np.arange(k)
    for number in range(ivf.nlist):
        rows = members[bounds[number] : bounds[number + 1]]
        pair = pairs[starts[number] : starts[number + 1]]
        if not len(rows) or not len(pair):
            continue
        queries, slots = pair // nprobe, pair % nprobe
        block = data[queries] @ data[rows].T
        take = min(k, len(rows))
        top = np.argpartition(-block, take - 1, axis=1)[:, :take]
        cells = slots[:, None] * k + columns[None, :take]
        best[queries[:, None], cells] = np.take_along_axis(block, top, axis=1)
        found[queries[:, None], cells] = rows[top]
    keep = min(k, nprobe * k)
    top = np.argpartition(-best, keep - 1, axis=1)[:, :keep]
    return np.take_along_axis(found, top, axis=1)


def knn_rows(index: faiss.Index, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(exact cosines, rows)`` of ``k`` candidates per row of ``vectors`` (the index's own
    rows), in no order: an IVF index is searched list by list, any other one directly."""
    if faiss.try_extract_index_ivf(index) is not None and index.ntotal == len(vectors):
        rows = _ivf_all_pairs(index, vectors, k)
    else:
        _found, rows = search(index, vectors, k)
    return _exact_scores(vectors, rows), rows


def knn_edges(
    index: faiss.Index, vectors: np.ndarray, k: int, min_score: float | None = None
) -> list[Neighbour]:
    """Each row's ``k`` nearest other rows, best first; no self-edges; ties broken by row.

    Scores are recomputed row by row: a quantised index only approximates them, and a flat
    one's multi-threaded BLAS can change their last bit from run to run."""
    scores, rows = knn_rows(index, vectors, k + 1)
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

"""kNN edges from FAISS on small known vectors."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from paperkg.graph import build_index, knn_edges
from paperkg.graph.embed.knn import (
    TARGET_RECALL,
    IndexChoice,
    build_knn_index,
    knn_rows,
    set_nprobe,
)


def unit(rows):
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


VECTORS = unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.2], [0, 0, 1]])


def test_nearest_first_no_self_edges_ranks_from_one():
    edges = knn_edges(build_index(VECTORS), VECTORS, k=2)
    assert len(edges) == 10
    assert all(e.source != e.target for e in edges)
    first = [e for e in edges if e.source == 0]
    assert [e.rank for e in first] == [1, 2] and first[0].target == 1
    assert first[0].score > first[1].score
    assert abs(first[0].score - float(VECTORS[0] @ VECTORS[1])) < 1e-5


def test_min_score_drops_weak_edges_and_k_larger_than_corpus_is_fine():
    edges = knn_edges(build_index(VECTORS), VECTORS, k=50, min_score=0.5)
    assert edges and all(e.score >= 0.5 for e in edges)
    assert {(e.source, e.target) for e in edges} == {(0, 1), (1, 0), (2, 3), (3, 2)}


def test_identical_vectors_do_not_make_self_edges_and_are_deterministic():
    same = unit([[1, 1, 0], [1, 1, 0], [0, 1, 1]])
    edges = knn_edges(build_index(same), same, k=1)
    assert [(e.source, e.target) for e in edges][:2] == [(0, 1), (1, 0)]
    assert edges[2].source == 2 and edges[2].target in {0, 1}
    assert edges == knn_edges(build_index(same), same, k=1)


def clustered(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, 64)).astype(np.float32)
    rows = centres[rng.integers(0, 40, count)] + 1.5 * rng.standard_normal((count, 64))
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_small_corpora_stay_exact():
    index, choice = build_knn_index(VECTORS)
    assert choice == IndexChoice("IndexFlatIP") and index.ntotal == len(VECTORS)


@pytest.mark.slow
def test_large_corpora_use_ivf_tuned_to_the_recall_target():
    vectors = clustered(6000)
    index, choice = build_knn_index(vectors, approximate_from=5000)
    assert choice.index == "IndexIVFScalarQuantizer" and choice.nlist == 64
    assert choice.recall_at_10 >= TARGET_RECALL and choice.sample == 500
    found = knn_edges(index, vectors, 10)
    approx = {(e.source, e.target) for e in found}
    for edge in found[:200]:  # scores are exact cosines, not the quantised estimates
        assert abs(edge.score - float(vectors[edge.source] @ vectors[edge.target])) < 1e-5
    exact = {(e.source, e.target) for e in knn_edges(build_index(vectors), vectors, 10)}
    assert len(approx & exact) / len(exact) >= 0.95  # recall over every row, not the sample
    _index, same = build_knn_index(vectors, approximate_from=5000)
    assert same == choice  # seeded: the same index twice
    copy = faiss.deserialize_index(faiss.serialize_index(index))
    set_nprobe(copy, choice.nprobe)
    assert faiss.extract_index_ivf(copy).nprobe == choice.nprobe


def test_the_list_by_list_search_matches_exact_search_when_every_list_is_probed():
    vectors = clustered(1500, seed=3)
    index, choice = build_knn_index(vectors, approximate_from=1000)
    assert choice.index == "IndexIVFScalarQuantizer" and choice.nlist == 32
    set_nprobe(index, choice.nlist)
    exact = knn_edges(build_index(vectors), vectors, 5)
    assert knn_edges(index, vectors, 5) == exact


def test_the_approximate_path_keeps_exact_cosines_and_the_recall_target():
    vectors = clustered(3000, seed=5)
    index, choice = build_knn_index(vectors, approximate_from=2000)
    assert choice.nprobe is not None and 1 <= choice.nprobe < choice.nlist
    scores, rows = knn_rows(index, vectors, 11)
    assert rows.shape == (3000, 11) and (rows >= 0).all()
    cosines = np.einsum("nd,nkd->nk", vectors, vectors[rows])
    assert np.abs(scores - cosines).max() < 1e-6
    found = knn_edges(index, vectors, 10)
    assert all(edge.source != edge.target for edge in found)
    assert [e.rank for e in found[:10]] == list(range(1, 11))
    exact = {(e.source, e.target) for e in knn_edges(build_index(vectors), vectors, 10)}
    recall = len({(e.source, e.target) for e in found} & exact) / len(exact)
    assert recall >= 0.95
    assert knn_edges(index, vectors, 10) == found  # the same edges twice


def test_a_smaller_nprobe_finds_fewer_true_neighbours():
    vectors = clustered(3000, seed=5)
    index, choice = build_knn_index(vectors, approximate_from=2000)
    exact = {(e.source, e.target) for e in knn_edges(build_index(vectors), vectors, 10)}
    set_nprobe(index, 1)
    few = {(e.source, e.target) for e in knn_edges(index, vectors, 10)}
    assert len(few & exact) < len(exact) * choice.recall_at_10


def test_too_few_rows_to_cluster_stay_exact_whatever_the_threshold():
    vectors = clustered(200)
    index, choice = build_knn_index(vectors, approximate_from=0)
    assert choice == IndexChoice("IndexFlatIP") and index.ntotal == 200

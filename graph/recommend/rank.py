"""Rank the papers a tag does not hold yet (``paperkg recommend``): arxiv-sanity-lite's idea,
a linear SVM per tag trained on the tag's papers, over richer features.

Classifier mode (:data:`MIN_POSITIVES` positive papers or more): a ``LinearSVC`` (C =
:data:`C`, balanced class weights) learns the tag's positive papers against its thumbs-down
papers and every untagged paper (at most :data:`MAX_UNTAGGED`, a seeded sample beyond that,
candidates always in), over the blocks of :mod:`paperkg.graph.recommend.features`. A
thumbs-down paper weighs as much as a positive one (it is as deliberate); an untagged one
is merely unknown, so balanced weights let all of them together weigh as much as the
positives. A candidate's score is its decision value. With fewer positives the classifier
has too little to learn from, so candidates are ranked by similarity instead: the highest
cosine to a positive minus :data:`NEGATIVE_PENALTY` times the highest to a thumbs-down paper.

Candidates: papers of the corpus not in the tag (either sign) that reached the feed from
``since`` to ``until`` (``feed_date``, both included; no window: every untagged paper).
Papers without an embedding cannot be ranked; they are counted in the ``note``.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import networkx as nx
import numpy as np

from paperkg.errors import ParameterError
from paperkg.graph.analytics.recency import feed_date
from paperkg.graph.model import papers_of
from paperkg.graph.recommend.features import entities_of, feature_matrix
from paperkg.graph.recommend.reasons import TopicLabels, reasons
from paperkg.graph.snapshot.read import Embeddings

__all__ = [
    "MAX_UNTAGGED",
    "MIN_POSITIVES",
    "NEGATIVE_PENALTY",
    "C",
    "Recommendations",
    "Recommended",
    "TagLike",
    "recommend",
]

#: Fewer positive papers than this: ranked by similarity, not by a classifier.
MIN_POSITIVES = 3
#: The SVM's regularisation, arxiv-sanity-lite's: small, since a tag has a handful of
#: positives among thousands of papers; balanced weights give each positive an effective
#: C of ``C * n / (2 * positives)``, enough to separate them without memorising them.
C = 0.01
#: Similarity mode: a paper close to a thumbs-down paper loses this times that cosine.
NEGATIVE_PENALTY = 0.5
#: Untagged papers the classifier learns from (candidates always in; a seeded sample of the
#: others fills the rest), so a 100,000-paper snapshot costs about what 20,000 do.
MAX_UNTAGGED = 20_000
_SEED = 0


class TagLike(Protocol):
    """What ranking needs of a tag (``paperkg.graph.tags.Tag`` is one)."""

    @property
    def name(self) -> str: ...

    def positive_ids(self) -> list[str]: ...

    def negative_ids(self) -> list[str]: ...


@dataclass(frozen=True)
class Recommended:
    """One recommended paper, its score (decision value, or similarity in fallback mode),
    rank (1-based), topic label, feed date, nearest positive papers, shared methods and
    datasets, and ``why``: the reasons in one line."""

    id: str
    title: str
    score: float
    rank: int
    topic: str | None
    feed_date: str | None
    nearest: list[str]
    shared: list[str]
    why: str


@dataclass(frozen=True)
class Recommendations:
    """A tag's ranking: ``mode`` ("classifier" or "similarity"), the positive and
    thumbs-down papers used, how many candidates were ranked in the window, the top papers,
    and a ``note`` saying what was left out or why the fallback was used."""

    tag: str
    mode: str
    positives: int
    negatives: int
    candidates: int
    since: str | None
    papers: list[Recommended]
    note: str
    until: str | None = None
    skipped: int = 0


def recommend(
    graph: nx.MultiDiGraph[str],
    embeddings: Embeddings,
    tag: TagLike,
    *,
    since: date | None = None,
    until: date | None = None,
    k: int = 20,
    weights: Mapping[str, float] | None = None,
    allow_empty: bool = False,
) -> Recommendations:
    """The ``k`` best papers for ``tag`` among the untagged papers that reached the feed from
    ``since`` to ``until`` (both included), with their reasons (see the module doc). A
    window with no such paper is a ``ParameterError``, or with ``allow_empty`` (a digest of
    a quiet day) an empty ranking.
    ``weights`` overrides the classifier's feature blocks' weights (``BLOCK_WEIGHTS``; 0
    leaves a block out): the benchmark's ablations use it."""
    if k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    if since is not None and until is not None and since > until:
        raise ParameterError(f"since ({since}) is after until ({until})", param="since")
    row_of = {paper: row for row, paper in enumerate(embeddings.ids)}
    vectors = _unit(np.asarray(embeddings.vectors, dtype=np.float32))
    tagged = set(tag.positive_ids()) | set(tag.negative_ids())
    positives = _present(graph, row_of, tag.positive_ids())
    negatives = [n for n in _present(graph, row_of, tag.negative_ids()) if n not in positives]
    _check_positives(tag, positives)
    pool, candidates, skipped, dates = _candidates(graph, row_of, tagged, since, until)
    if not candidates and not allow_empty:
        raise ParameterError(_no_candidates(tag.name, since, until, dates), param="since")
    if not candidates:
        scores = np.zeros(0)
        mode = "classifier" if len(positives) >= MIN_POSITIVES else "similarity"
    elif len(positives) >= MIN_POSITIVES:
        scores = _classifier_scores(
            graph, vectors, row_of, (positives, negatives), pool, candidates, weights
        )
        mode = "classifier"
    else:
        scores = _similarity_scores(vectors, row_of, positives, negatives, candidates)
        mode = "similarity"
    top = sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i]))[:k]
    papers = _explain(graph, vectors, row_of, positives, [candidates[i] for i in top], scores[top])
    return Recommendations(
        tag.name,
        mode,
        len(positives),
        len(negatives),
        len(candidates),
        since.isoformat() if since else None,
        papers,
        _note(tag, positives, len(negatives), mode, skipped),
        until.isoformat() if until else None,
        skipped,
    )


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True) if vectors.size else vectors
    unit: np.ndarray = vectors / np.maximum(norms, 1e-12) if vectors.size else vectors
    return unit


def _present(graph: nx.MultiDiGraph[str], row_of: dict[str, int], ids: Sequence[str]) -> list[str]:
    """The ``ids`` still in the snapshot with an embedding, in order, each once."""
    return [n for n in dict.fromkeys(ids) if n in graph and n in row_of]


def _check_positives(tag: TagLike, positives: Sequence[str]) -> None:
    if not tag.positive_ids():
        raise ParameterError(
            f"tag {tag.name!r} has no positive papers: add some with "
            f"paperkg tag add {tag.name} PAPER..."
        )
    if not positives:
        raise ParameterError(
            f"none of the {len(tag.positive_ids())} positive papers of tag {tag.name!r} is "
            f"in this snapshot with an embedding: tag papers of this snapshot with "
            f"paperkg tag add {tag.name} PAPER..."
        )


def _candidates(
    graph: nx.MultiDiGraph[str],
    row_of: dict[str, int],
    tagged: set[str],
    since: date | None,
    until: date | None,
) -> tuple[list[str], list[str], int, list[date]]:
    """The untagged papers with an embedding (the classifier's unlabelled pool), those of
    them in the window (sorted), how many in the window have no embedding, and every
    paper's feed date (for the error when the window holds none)."""
    pool, candidates, skipped, dates = [], [], 0, []
    windowed = since is not None or until is not None
    for node, data in papers_of(graph):
        day = feed_date(data)
        if day is not None:
            dates.append(day)
        if node in tagged:
            continue
        inside = not windowed or (
            day is not None and (since is None or since <= day) and (until is None or day <= until)
        )
        if node not in row_of:
            skipped += inside
            continue
        pool.append(node)
        if inside:
            candidates.append(node)
    return sorted(pool), sorted(candidates), skipped, dates


def _no_candidates(name: str, since: date | None, until: date | None, dates: list[date]) -> str:
    window = f"from {since or 'the start'} to {until or 'the end'}"
    known = (
        f"this snapshot's papers reached the feed from {min(dates)} to {max(dates)}"
        if dates
        else "no paper of this snapshot has a date"
    )
    return (
        f"no untagged paper with an embedding reached the feed {window} ({known}): "
        f"choose another --since/--until for tag {name!r}"
    )


def _classifier_scores(
    graph: nx.MultiDiGraph[str],
    vectors: np.ndarray,
    row_of: dict[str, int],
    tagged: tuple[list[str], list[str]],
    pool: list[str],
    candidates: list[str],
    weights: Mapping[str, float] | None,
) -> np.ndarray:
    """The SVM's decision value for each candidate (see the module doc)."""
    positives, negatives = tagged
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    untagged = _sample(pool, candidates)
    ids = [*positives, *negatives, *untagged]
    features = feature_matrix(graph, ids, vectors[[row_of[n] for n in ids]], weights)
    labels = np.zeros(len(ids), dtype=np.int8)
    labels[: len(positives)] = 1
    sample = np.ones(len(ids), dtype=np.float64)
    # Balanced class weights give the whole negative class the positives' total weight;
    # this makes one thumbs-down paper weigh as much as one positive paper.
    sample[len(positives) : len(positives) + len(negatives)] = (
        len(negatives) + len(untagged)
    ) / len(positives)
    model = LinearSVC(C=C, class_weight="balanced", max_iter=5000, random_state=_SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels, sample_weight=sample)
    start = len(positives) + len(negatives)
    row = {n: start + i for i, n in enumerate(untagged)}
    scores: np.ndarray = model.decision_function(features[[row[n] for n in candidates]])
    return np.asarray(scores, dtype=np.float64)


def _sample(pool: list[str], candidates: list[str]) -> list[str]:
    """The untagged papers to learn from: all of them up to :data:`MAX_UNTAGGED`, else
    every candidate and a seeded sample of the rest."""
    if len(pool) <= MAX_UNTAGGED:
        return pool
    chosen = set(candidates)
    rest = [n for n in pool if n not in chosen]
    room = max(MAX_UNTAGGED - len(chosen), 0)
    picks = np.random.default_rng(_SEED).choice(len(rest), min(room, len(rest)), replace=False)
    return sorted(chosen | {rest[int(i)] for i in picks})


def _similarity_scores(
    vectors: np.ndarray,
    row_of: dict[str, int],
    positives: list[str],
    negatives: list[str],
    candidates: list[str],
) -> np.ndarray:
    """Highest cosine to a positive, minus the penalty for the highest to a thumbs-down."""
    found = vectors[[row_of[n] for n in candidates]]
    scores: np.ndarray = (found @ vectors[[row_of[n] for n in positives]].T).max(axis=1)
    if negatives:
        near = (found @ vectors[[row_of[n] for n in negatives]].T).max(axis=1)
        scores = scores - NEGATIVE_PENALTY * near
    return np.asarray(scores, dtype=np.float64)


def _explain(
    graph: nx.MultiDiGraph[str],
    vectors: np.ndarray,
    row_of: dict[str, int],
    positives: list[str],
    chosen: list[str],
    scores: np.ndarray,
) -> list[Recommended]:
    """The chosen papers, best first, with their reasons."""
    cosines = vectors[[row_of[n] for n in chosen]] @ vectors[[row_of[n] for n in positives]].T
    linked: Counter[str] = Counter(e for p in positives for e in entities_of(graph, p))
    topics = TopicLabels(graph)
    papers = []
    for rank, (node, score, row) in enumerate(zip(chosen, scores, cosines, strict=True), 1):
        data = graph.nodes[node]
        why = reasons(graph, node, row, positives, linked, topics)
        day = feed_date(data)
        papers.append(
            Recommended(
                node,
                str(data.get("title") or node),
                round(float(score), 4),
                rank,
                why.topic,
                day.isoformat() if day else None,
                why.nearest,
                why.shared,
                why.why,
            )
        )
    return papers


def _note(tag: TagLike, positives: Sequence[str], negatives: int, mode: str, skipped: int) -> str:
    parts = []
    if mode == "similarity":
        more = MIN_POSITIVES - len(positives)
        parts.append(
            f"{len(positives)} positive paper{'s' if len(positives) != 1 else ''} "
            f"(fewer than {MIN_POSITIVES}): ranked by similarity to them, not by a "
            f"classifier; tag {more} more with paperkg tag add {tag.name} PAPER..."
        )
    gone = len(set(tag.positive_ids()) | set(tag.negative_ids())) - len(positives) - negatives
    if gone > 0:
        one = gone == 1
        parts.append(
            f"{gone} tagged {'paper is' if one else 'papers are'} not in this snapshot (or "
            f"{'has' if one else 'have'} no embedding) and left out"
        )
    if skipped:
        were = (
            "paper without an embedding was" if skipped == 1 else "papers without an embedding were"
        )
        parts.append(f"{skipped} {were} skipped")
    return "; ".join(parts)

"""Semantic search over a snapshot: papers most similar to a title or to free text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import faiss
import numpy as np

from paperkg.errors import ParameterError
from paperkg.graph.embed.embeddings import Embedder
from paperkg.graph.embed.knn import search
from paperkg.graph.extract.normalize import fold
from paperkg.graph.snapshot.store import Snapshot, read_index

__all__ = ["SimilarHit", "similar"]


@dataclass(frozen=True)
class SimilarHit:
    """One result: the paper and its cosine similarity to the query."""

    id: str
    title: str
    score: float


def similar(
    snapshot: Snapshot,
    query: str,
    k: int = 10,
    load: Callable[[str], Embedder] = Embedder,
    *,
    index: faiss.Index | None = None,
) -> list[SimilarHit]:
    """The ``k`` papers closest to ``query``, best first.

    A query that is a paper's title (folded) or id uses that paper's own vector, so the
    paper itself comes first; any other text is embedded by the model ``load(name)`` gives
    for the snapshot's model name. ``index`` is the snapshot's FAISS index when the caller
    already holds it (``paperkg.Snapshot`` does); otherwise it is read from the folder.
    """
    if not query.strip():
        raise ParameterError("the query is empty: give a title or some text")
    if k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    graph = snapshot.graph
    ids = snapshot.embeddings.ids
    row_of = {pid: row for row, pid in enumerate(ids)}
    wanted = fold(query)
    row = row_of.get(query.strip())
    if row is None:
        row = next(
            (
                row_of[n]
                for n, d in graph.nodes(data=True)
                if n in row_of and fold(d.get("title", "")) == wanted
            ),
            None,
        )
    if row is not None:
        vector = snapshot.embeddings.vectors[row : row + 1]
    else:
        vector = load(snapshot.manifest.model.name).encode([query])
    if index is None:
        index = read_index(snapshot.path, snapshot.manifest)
    scores, rows = search(index, np.asarray(vector, dtype=np.float32), k)
    return [
        SimilarHit(ids[hit], graph.nodes[ids[hit]].get("title", ""), round(float(score), 6))
        for score, hit in zip(scores[0], rows[0], strict=True)
        if hit >= 0
    ]

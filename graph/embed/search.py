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
from paperkg.graph.snapshot.read import StoredSnapshot, read_index

__all__ = ["PaperRows", "SimilarHit", "similar"]


@dataclass(frozen=True)
class SimilarHit:
    """One result: the paper and its cosine similarity to the query."""

    id: str
    title: str
    score: float


@dataclass(frozen=True)
class PaperRows:
    """Where each paper's vector is in a snapshot's embeddings: by paper id, and by folded
    title (a title several papers share names the first of them in the graph)."""

    by_id: dict[str, int]
    by_title: dict[str, int]

    @classmethod
    def of(cls, snapshot: StoredSnapshot) -> PaperRows:
        by_id = {pid: row for row, pid in enumerate(snapshot.embeddings.ids)}
        by_title: dict[str, int] = {}
        for node, data in snapshot.graph.nodes(data=True):
            if node in by_id:
                by_title.setdefault(fold(data.get("title", "")), by_id[node])
        return cls(by_id, by_title)

    def row(self, query: str) -> int | None:
        """The row of the paper ``query`` is the id or title of, else None."""
        row = self.by_id.get(query.strip())
        return row if row is not None else self.by_title.get(fold(query))


def similar(
    snapshot: StoredSnapshot,
    query: str,
    k: int = 10,
    load: Callable[[str], Embedder] = Embedder,
    *,
    index: faiss.Index | None = None,
    rows: PaperRows | None = None,
) -> list[SimilarHit]:
    """The ``k`` papers closest to ``query``, best first.

    A query that is a paper's title (folded) or id uses that paper's own vector, so the
    paper itself comes first; any other text is embedded by the model ``load(name)`` gives
    for the snapshot's model name. ``index`` (the snapshot's FAISS index) and ``rows``
    (its ``PaperRows``) are given by a caller that keeps them across searches
    (``paperkg.Snapshot`` does); otherwise they are read and computed here.
    """
    if not query.strip():
        raise ParameterError("the query is empty: give a title or some text")
    if k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    graph = snapshot.graph
    ids = snapshot.embeddings.ids
    row = (rows if rows is not None else PaperRows.of(snapshot)).row(query)
    if row is not None:
        vector = snapshot.embeddings.vectors[row : row + 1]
    else:
        vector = load(snapshot.manifest.model.name).encode([query])
    if index is None:
        index = read_index(snapshot.path, snapshot.manifest)
    scores, found = search(index, np.asarray(vector, dtype=np.float32), k)
    return [
        SimilarHit(ids[hit], graph.nodes[ids[hit]].get("title", ""), round(float(score), 6))
        for score, hit in zip(scores[0], found[0], strict=True)
        if hit >= 0
    ]

"""Semantic search over a snapshot: papers most similar to a title or to free text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import faiss
import numpy as np

from paperkg.errors import ParameterError
from paperkg.graph.embed.embeddings import Embedder
from paperkg.graph.embed.knn import search
from paperkg.graph.search.resolve import PaperResolver, Resolution
from paperkg.graph.snapshot.read import StoredSnapshot, read_index

__all__ = ["SimilarHit", "similar"]


@dataclass(frozen=True)
class SimilarHit:
    """One result: the paper and its cosine similarity to the query."""

    id: str
    title: str
    score: float


def similar(
    snapshot: StoredSnapshot,
    query: str,
    k: int = 10,
    load: Callable[[str], Embedder] = Embedder,
    *,
    index: faiss.Index | None = None,
    resolver: PaperResolver | None = None,
    text: bool = False,
) -> list[SimilarHit]:
    """The ``k`` papers closest to ``query``, best first.

    A query naming a paper (its id, arXiv id, DOI, title or short name; see
    ``PaperResolver.read_query``) uses that paper's own vector, so the paper itself comes
    first; any other text, or any text with ``text``, is embedded by the model
    ``load(name)`` gives for the snapshot's model name. This is the vector ranking alone:
    ``paperkg similar`` ranks free text by the hybrid search
    (``paperkg.graph.search.HybridSearch``). ``index`` (the snapshot's FAISS index) and
    ``resolver`` are given by a caller that keeps them across searches
    (``paperkg.Snapshot`` does); otherwise they are read and made here.
    """
    if not query.strip():
        raise ParameterError("the query is empty: give a paper or some text to search")
    if k < 1:
        raise ParameterError(f"k must be at least 1, got {k}", param="k")
    graph = snapshot.graph
    ids = snapshot.embeddings.ids
    resolver = resolver if resolver is not None else PaperResolver.of_graph(graph)
    reading = resolver.read_query(query, as_text=text)
    if isinstance(reading, Resolution):
        row = ids.index(reading.id)
        vector = snapshot.embeddings.vectors[row : row + 1]
    else:
        vector = load(snapshot.manifest.model.name).encode([reading.text])
    if index is None:
        index = read_index(snapshot.path, snapshot.manifest)
    scores, found = search(index, np.asarray(vector, dtype=np.float32), k)
    return [
        SimilarHit(ids[hit], graph.nodes[ids[hit]].get("title", ""), round(float(score), 6))
        for score, hit in zip(scores[0], found[0], strict=True)
        if hit >= 0
    ]

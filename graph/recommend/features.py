"""What a tag's classifier reads about each paper: one block of features per kind of evidence.

Blocks (weights in :data:`BLOCK_WEIGHTS`):

- ``embedding``: the snapshot's embedding of the paper (what it is about, in the model's words);
- ``text``: TF-IDF of its title and abstract (word 1-2 grams, sublinear counts, English stop
  words out, words in two papers or more): the names and terms a model blurs;
- ``entities``: one column per method or dataset it introduces, uses or evaluates on (the
  graph knows these even where the abstract does not name them, e.g. from Papers with Code);
- ``topic``: its cluster and broad topic;
- ``links``: the paper itself and every work it cites or is cited by, so a paper citing a
  tagged paper, or sharing references with one, shares columns with it.

Every row of every block is scaled to unit length, then times its weight: a paper with many
entities or a long abstract gets no more say than one with few, and no block outweighs the
others because it has more columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from paperkg.errors import ParameterError
from paperkg.graph.model import relationship_type
from paperkg.graph.schema import Label, RelType

__all__ = ["BLOCK_WEIGHTS", "MAX_TERMS", "entities_of", "feature_matrix", "paper_text"]

#: The weight of each block after its rows are scaled to unit length (see the module doc).
BLOCK_WEIGHTS: dict[str, float] = {
    "embedding": 1.0,
    "text": 1.0,
    "entities": 1.0,
    "topic": 0.5,
    "links": 1.0,
}
#: Vocabulary cap of the TF-IDF block (the most frequent terms are kept).
MAX_TERMS = 50_000
_ENTITY_RELATIONS = frozenset({RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON})
_ENTITY_LABELS = frozenset({Label.METHOD, Label.DATASET})


def paper_text(data: dict[str, Any]) -> str:
    """The text the TF-IDF block reads: title and abstract."""
    return f"{data.get('title') or ''}. {data.get('abstract') or ''}"


def entities_of(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    """The Method and Dataset nodes ``node`` introduces, uses or evaluates on."""
    return {
        target
        for _u, target, key in graph.out_edges(node, keys=True)
        if relationship_type(key) in _ENTITY_RELATIONS
        and graph.nodes[target].get("type") in _ENTITY_LABELS
    }


def _links_of(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    """The paper and the works it cites or is cited by (stubs of outside works included)."""
    cites = {t for _u, t, key in graph.out_edges(node, keys=True) if _is_citation(key)}
    cited = {s for s, _v, key in graph.in_edges(node, keys=True) if _is_citation(key)}
    return {node} | cites | cited


def _is_citation(key: str) -> bool:
    return relationship_type(key) == RelType.CITES


def _topics_of(data: dict[str, Any]) -> set[str]:
    found = set()
    for level in ("cluster", "topic"):
        value = data.get(level)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found.add(f"{level}:{value}")
    return found


def _one_hot(rows: Sequence[set[str]]) -> Any:
    """A sparse matrix with a 1 where row ``i`` has the column named in ``rows[i]``."""
    from scipy import sparse

    columns: dict[str, int] = {}
    indptr, indices = [0], list[int]()
    for row in rows:
        indices.extend(columns.setdefault(name, len(columns)) for name in sorted(row))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    shape = (len(rows), max(len(columns), 1))
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _text_block(texts: Sequence[str]) -> Any:
    """TF-IDF rows of ``texts`` (unit length); terms in one paper only are kept when no
    term is in two (a tiny corpus), and an empty block when there are no words at all."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    for min_df in (2, 1):
        vectorizer = TfidfVectorizer(
            stop_words="english",
            min_df=min_df,
            max_df=0.5 if len(texts) >= 10 else 1.0,
            sublinear_tf=True,
            ngram_range=(1, 2),
            max_features=MAX_TERMS,
            dtype=np.float32,
        )
        try:
            return vectorizer.fit_transform(texts)
        except ValueError:  # no term left at this min_df
            continue
    return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def feature_matrix(
    graph: nx.MultiDiGraph[str],
    ids: Sequence[str],
    vectors: np.ndarray,
    weights: Mapping[str, float] | None = None,
) -> Any:
    """The features of the papers ``ids`` (rows of ``vectors``: their embeddings) as one
    sparse CSR matrix, blocks side by side in :data:`BLOCK_WEIGHTS` order; ``weights``
    overrides the blocks' weights (0 leaves a block out)."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    unknown = sorted(set(weights or {}) - set(BLOCK_WEIGHTS))
    if unknown:
        raise ParameterError(
            f"weights names no feature block {', '.join(unknown)}: the blocks are "
            + ", ".join(BLOCK_WEIGHTS),
            param="weights",
        )
    chosen = {**BLOCK_WEIGHTS, **(weights or {})}
    nodes = [graph.nodes[n] for n in ids]
    builders = {
        "embedding": lambda: sparse.csr_matrix(np.asarray(vectors, dtype=np.float32)),
        "text": lambda: _text_block([paper_text(d) for d in nodes]),
        "entities": lambda: _one_hot([entities_of(graph, n) for n in ids]),
        "topic": lambda: _one_hot([_topics_of(d) for d in nodes]),
        "links": lambda: _one_hot([_links_of(graph, n) for n in ids]),
    }
    blocks = [
        normalize(builders[name](), norm="l2", copy=False) * weight
        for name, weight in chosen.items()
        if weight > 0
    ]
    if not blocks:
        return sparse.csr_matrix((len(ids), 1), dtype=np.float32)
    return sparse.hstack(blocks, format="csr", dtype=np.float32)

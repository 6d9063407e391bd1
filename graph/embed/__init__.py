"""Embeddings and similarity: the encoder backends (OpenVINO, sentence-transformers), kNN
indexes and search."""

from paperkg.graph.embed.embeddings import (
    BACKENDS,
    DEFAULT_MODEL,
    Embedder,
    EmbeddingResult,
    embed_texts,
    embedding_dimension,
    model_text,
    text_hash,
)
from paperkg.graph.embed.knn import (
    APPROXIMATE_FROM,
    TARGET_RECALL,
    IndexChoice,
    Neighbour,
    build_index,
    build_knn_index,
    knn_edges,
    search,
    set_nprobe,
)
from paperkg.graph.embed.search import SimilarHit, similar

__all__ = [
    "APPROXIMATE_FROM",
    "BACKENDS",
    "DEFAULT_MODEL",
    "TARGET_RECALL",
    "Embedder",
    "EmbeddingResult",
    "IndexChoice",
    "Neighbour",
    "SimilarHit",
    "build_index",
    "build_knn_index",
    "embed_texts",
    "embedding_dimension",
    "knn_edges",
    "model_text",
    "search",
    "set_nprobe",
    "similar",
    "text_hash",
]

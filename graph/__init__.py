"""The graph: papers and their relations, embeddings, kNN edges and the snapshot store."""

from paperkg.graph.embed.embeddings import DEFAULT_MODEL, Embedder, EmbeddingResult, embed_texts
from paperkg.graph.embed.knn import Neighbour, build_index, knn_edges
from paperkg.graph.embed.search import SimilarHit, similar
from paperkg.graph.extract.normalize import fold, title_key
from paperkg.graph.model import count_labels, count_types, paper_graph, papers_of
from paperkg.graph.papers import Paper, merge_records, paper_text
from paperkg.graph.report.stats import snapshot_stats
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.read import (
    DEFAULT_OUT,
    Embeddings,
    StoredSnapshot,
    read_cache,
    read_index,
    read_manifest,
    read_snapshot,
)
from paperkg.graph.snapshot.store import write_snapshot

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_OUT",
    "Embedder",
    "EmbeddingResult",
    "Embeddings",
    "Label",
    "Neighbour",
    "Paper",
    "RelType",
    "SimilarHit",
    "StoredSnapshot",
    "build_index",
    "count_labels",
    "count_types",
    "embed_texts",
    "fold",
    "knn_edges",
    "merge_records",
    "paper_graph",
    "paper_text",
    "papers_of",
    "read_cache",
    "read_index",
    "read_manifest",
    "read_snapshot",
    "similar",
    "snapshot_stats",
    "title_key",
    "write_snapshot",
]

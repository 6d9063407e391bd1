"""Synthetic papers for the benchmarks: made-up titles and abstracts from a small vocabulary,
deterministic for a given random generator."""

from __future__ import annotations

import numpy as np

from paperkg.graph import Paper

WORDS = (
    "graph",
    "retrieval",
    "protein",
    "speech",
    "robot",
    "diffusion",
    "transformer",
    "benchmark",
    "sparse",
    "contrastive",
    "latent",
    "policy",
    "token",
    "embedding",
    "kernel",
    "quantized",
    "federated",
    "causal",
)


def synthetic_papers(
    count: int,
    rng: np.random.Generator,
    *,
    vocabulary: int = len(WORDS),
    title_words: int = 8,
    abstract_words: int = 160,
    source: str = "synthetic.txt:{line}",
) -> list[Paper]:
    """``count`` papers with ids ``title:<hex>``; ``source`` is formatted with ``i`` and
    ``line`` (the line a listing page would put the title on)."""
    words = WORDS[:vocabulary]
    return [
        Paper(
            id=f"title:{i:08x}",
            title=" ".join(rng.choice(words, title_words)) + f" {i}",
            abstract=" ".join(rng.choice(words, abstract_words)),
            sources=[source.format(i=i, line=2 * i + 1)],
        )
        for i in range(count)
    ]

"""The analytics stage at scale: topic graph (TF-IDF/LSA + kNN), Leiden best of 8, broad
topics, labels, centrality and bridges, on a synthetic corpus with citations.

    python benchmarks/topic_speed.py --size 100000

Vectors stand in for the embeddings (hashed word counts, randomly projected to 384
dimensions, unit length: they carry the corpus's topic structure without a model run), so
the figure is the analytics stage alone, as `paperkg build` times it ("analyse"). Writes
the section ``topic_speed`` of docs/benchmarks.md. Budget: 10 minutes at 100,000 papers.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from report import machine, write_section
from synth import synthetic_corpus

from paperkg.graph.analytics import AnalyticsOptions, analyse, cluster_papers
from paperkg.graph.analytics.hierarchy import group_clusters
from paperkg.graph.analytics.topic_space import topic_network
from paperkg.graph.embed.knn import build_knn_index, knn_edges
from paperkg.graph.model import paper_graph
from paperkg.graph.schema import RelType

#: The analyse stage at 100,000 papers before topics had two levels (docs/benchmarks.md,
#: "Scale": Louvain on the similarity edges, c-TF-IDF labels; Intel Xeon).
BEFORE_100K = 39.4


def stand_in_vectors(texts: list[str], dimensions: int = 384) -> np.ndarray:
    """Unit vectors from hashed word counts, randomly projected: similar texts, near."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.random_projection import SparseRandomProjection

    counts = HashingVectorizer(n_features=2**18, alternate_sign=False).fit_transform(texts)
    projection = SparseRandomProjection(dimensions, random_state=0, dense_output=True)
    vectors = np.asarray(projection.fit_transform(counts), dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    papers, references = synthetic_corpus(args.size, seed=0)
    ids = [p.id for p in papers]
    vectors = stand_in_vectors([p.text for p in papers])
    index, _choice = build_knn_index(vectors)
    graph = paper_graph(papers, knn_edges(index, vectors, 10))
    for paper, cited in zip(papers, references, strict=True):
        for target in cited:
            graph.add_edge(paper.id, target, key=f"{RelType.CITES}:s2", source="s2")
    rows = []
    started = time.perf_counter()
    network = topic_network(graph, ids, vectors)
    rows.append(("topic graph: TF-IDF/LSA, blended kNN, citations", time.perf_counter() - started))
    started = time.perf_counter()
    clustering = cluster_papers(network)
    rows.append(("Leiden, best of 8 seeds", time.perf_counter() - started))
    started = time.perf_counter()
    groups = group_clusters(network, clustering.assignment)
    rows.append(("broad topics (the clusters' graph)", time.perf_counter() - started))
    started = time.perf_counter()
    record = analyse(graph, AnalyticsOptions(), embeddings=(ids, vectors))
    whole = time.perf_counter() - started
    rows.append(("whole analyse stage (all of the above, labels, centrality, bridges)", whole))
    lines = "\n".join(f"| {name} | {seconds:.1f} |" for name, seconds in rows)
    ratio = (
        f"; {whole / BEFORE_100K:.1f}x the {BEFORE_100K} s before" if args.size == 100_000 else ""
    )
    body = f"""## Topics at scale (`benchmarks/topic_speed.py`)

Command: `python benchmarks/topic_speed.py --size {args.size}`. Machine: {machine()}.
A synthetic corpus of {args.size:,} papers with citations (benchmarks/synth.py), stand-in
384-d vectors (hashed words, projected), one run. {record["clusters"]} clusters in
{len(set(groups.values()))} broad topics, modularity {record["modularity"]}.
Budget: 10 minutes for the analytics stage at 100,000 papers{ratio}.

| step | seconds |
|---|---|
{lines}
"""
    write_section("topic_speed", body)
    print(body)


if __name__ == "__main__":
    main()

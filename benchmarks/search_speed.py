"""How fast `paperkg search` answers on a large snapshot once it is loaded: the lexical
(FTS5) index, the FAISS index and the model in memory, each query embedded by the real
model, ranked by BM25 and by the vectors, fused. Also the cost of building, storing and
loading the lexical index. Writes the section ``search-speed`` of docs/benchmarks.md.

    python benchmarks/search_speed.py                       # 10,000 papers (make bench)
    python benchmarks/search_speed.py --size 100000         # the 200 ms target's size

The corpus is benchmarks/synth.py's (topic vocabularies, ~1,000-character abstracts);
its vectors are random unit vectors (search costs the same whatever they hold), indexed
as a build would index them (exact below 50,000 papers, IVF above). Queries are two or
three words of the corpus's titles, unfiltered and with filters.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
from report import write_section
from synth import synthetic_corpus

from paperkg.graph import Embedder, Embeddings, StoredSnapshot, paper_graph
from paperkg.graph.embed.knn import build_knn_index
from paperkg.graph.search import HybridSearch, LexicalIndex, PaperResolver, SearchFilters
from paperkg.graph.snapshot.manifest import Manifest

DIMENSION = 384


def snapshot_in_memory(size: int) -> tuple[StoredSnapshot, faiss.Index, float, float]:
    """A snapshot of ``size`` synthetic papers held in memory (no files), with the
    seconds the corpus took to make and the FAISS index to build."""
    started = time.perf_counter()
    papers, _references = synthetic_corpus(size, seed=0)
    graph = paper_graph(papers, [])
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((size, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for row, paper in enumerate(papers):
        graph.nodes[paper.id]["cluster"] = row % 40
    made = time.perf_counter() - started
    started = time.perf_counter()
    index, _choice = build_knn_index(vectors)
    indexed = time.perf_counter() - started
    stored = StoredSnapshot(
        Path("in-memory"),
        Manifest.__new__(Manifest),  # no build wrote it; the search never reads it
        graph,
        Embeddings([p.id for p in papers], [""] * size, vectors),
    )
    return stored, index, made, indexed


def queries(stored: StoredSnapshot, count: int) -> list[str]:
    """``count`` queries of two or three words taken from random titles."""
    rng = np.random.default_rng(1)
    titles = [stored.graph.nodes[i]["title"] for i in stored.embeddings.ids]
    found = []
    for _ in range(count):
        words = [w for w in titles[int(rng.integers(len(titles)))].split() if w.isalpha()]
        found.append(" ".join(words[: int(rng.integers(2, 4))]).lower())
    return found


def timed(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="papers in the snapshot")
    parser.add_argument("--runs", type=int, default=5, help="runs over all queries")
    parser.add_argument("--queries", type=int, default=20, help="queries per run")
    args = parser.parse_args()

    stored, index, made, indexed = snapshot_in_memory(args.size)
    ids = stored.embeddings.ids
    graph = stored.graph
    started = time.perf_counter()
    lexical = LexicalIndex.build(
        (i, graph.nodes[i]["title"], graph.nodes[i]["abstract"]) for i in ids
    )
    built = time.perf_counter() - started
    data = lexical.to_bytes()
    started = time.perf_counter()
    lexical = LexicalIndex.from_bytes(data, "benchmark")
    loaded = time.perf_counter() - started
    embedder = Embedder()
    search = HybridSearch(
        stored,
        lexical=lexical,
        index=index,
        embed=lambda text: embedder.encode([text])[0],
        resolver=PaperResolver.of_graph(graph),
    )
    texts = queries(stored, args.queries)
    search.search(texts[0], 10, text=True)  # warm: the first call sets up the model's graph
    cases: dict[str, Callable[[str], object]] = {
        "hybrid, no filter": lambda q: search.search(q, 10, text=True),
        "hybrid, --cluster": lambda q: search.search(
            q, 10, text=True, filters=SearchFilters(cluster=3)
        ),
        "lexical only": lambda q: search.search(q, 10, text=True, mode="lexical"),
        "query embedding alone": lambda q: embedder.encode([q]),
    }
    rows = []
    for name, call in cases.items():
        per_query: list[float] = []
        for _ in range(args.runs):
            for text in texts:
                per_query += timed(lambda t=text, c=call: c(t), 1)
        median = statistics.median(per_query) * 1000
        p95 = float(np.percentile(per_query, 95)) * 1000
        rows.append(f"| {name} | {median:.1f} | {p95:.1f} |")
        print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms")
    body = "\n".join(
        [
            f"## Search speed ({args.size:,} papers)",
            "",
            f"`paperkg search` on a {args.size:,}-paper synthetic snapshot held in memory "
            f"(benchmarks/synth.py's corpus, random unit vectors in a "
            f"{type(index).__name__}), {args.queries} queries of two or "
            f"three title words, {args.runs} runs each: milliseconds per query, including "
            "embedding the query with the real MiniLM model. The target is 200 ms at "
            "100,000 papers.",
            "",
            "| query | median ms | p95 ms |",
            "|---|---|---|",
            *rows,
            "",
            f"Lexical index: built in {built:.1f} s, {len(data) / 2**20:.1f} MiB stored "
            f"(`search.sqlite`), loaded in {loaded * 1000:.0f} ms. (Corpus made in "
            f"{made:.1f} s, FAISS index built in {indexed:.1f} s.)",
            "",
            f"Command: `python benchmarks/search_speed.py --size {args.size}`.",
        ]
    )
    write_section(f"search-speed-{args.size}", body)


if __name__ == "__main__":
    main()

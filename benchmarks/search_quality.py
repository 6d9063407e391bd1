"""How well `paperkg search` ranks papers on a topic: for each topic query of
``tests/data/quality/search_queries.json`` (ours, with the rule a researcher accepts a
title by), the share of the top-10 slots that could hold a paper whose title matches the
rule (``min(10, matching titles)``) that do, for the vector ranking alone, the lexical
(BM25) ranking alone and the hybrid. Writes the figures into docs/benchmarks.md.

    python benchmarks/search_quality.py                 # builds the seeds into a temp folder
    python benchmarks/search_quality.py --snapshot kg   # scores an existing seed build
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from report import ROOT, write_section
from topic_quality import seed_snapshot

from paperkg.graph import Embedder, StoredSnapshot
from paperkg.graph.model import papers_of
from paperkg.graph.search import HybridSearch, Mode, PaperResolver, lexical_index
from paperkg.graph.snapshot.read import read_index

QUERIES = ROOT / "tests" / "data" / "quality" / "search_queries.json"
MODES: tuple[Mode, ...] = ("vector", "lexical", "hybrid")
TOP = 10


@dataclass(frozen=True)
class Topic:
    """A topic query and the rule its matching titles follow."""

    query: str
    title: re.Pattern[str]


def topics() -> list[Topic]:
    data = json.loads(QUERIES.read_text(encoding="utf-8"))
    return [Topic(q["query"], re.compile(q["title"], re.IGNORECASE)) for q in data["queries"]]


def searcher(snapshot: StoredSnapshot, embedder: Embedder) -> HybridSearch:
    """A hybrid search over ``snapshot`` embedding queries with ``embedder``."""
    return HybridSearch(
        snapshot,
        lexical=lexical_index(snapshot),
        index=read_index(snapshot.path, snapshot.manifest),
        embed=lambda text: embedder.encode([text])[0],
        resolver=PaperResolver.of_graph(snapshot.graph),
    )


def title_slots(
    search: HybridSearch, snapshot: StoredSnapshot, topic: Topic, mode: Mode
) -> tuple[int, int]:
    """``(titles matching among the top 10, slots such titles could fill)`` of one query."""
    matching = sum(1 for _n, d in papers_of(snapshot.graph) if topic.title.search(d["title"]))
    hits = search.search(topic.query, TOP, text=True, mode=mode).hits
    found = sum(1 for hit in hits if topic.title.search(hit.title))
    return found, min(TOP, matching)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshot", type=Path, help="a build of ../shared/seeds to score")
    args = parser.parse_args()
    snapshot = seed_snapshot(args.snapshot)
    search = searcher(snapshot, Embedder(snapshot.manifest.model.name))
    rows = []
    totals = {mode: [0, 0] for mode in MODES}
    for topic in topics():
        cells = []
        for mode in MODES:
            found, slots = title_slots(search, snapshot, topic, mode)
            totals[mode][0] += found
            totals[mode][1] += slots
            cells.append(f"{found}/{slots}")
        rows.append(f"| {topic.query} | " + " | ".join(cells) + " |")
    share = {mode: found / slots for mode, (found, slots) in totals.items()}
    summary = ", ".join(f"{mode} {share[mode]:.0%}" for mode in MODES)
    print(f"top-10 title-slot share: {summary}")
    body = "\n".join(
        [
            "## Search quality (seeds)",
            "",
            f"{len(rows)} topic queries of `tests/data/quality/search_queries.json` on a default "
            "build of the 370 seed papers. A cell is the papers among the top 10 whose title "
            "matches the topic's rule (a regular expression a researcher would accept, "
            "synonyms and acronyms included) over the slots such titles could fill "
            "(`min(10, titles matching)`). `paperkg search` is the hybrid: BM25 over "
            "title (weight 10) and abstract fused with the MiniLM vector ranking by "
            "reciprocal rank fusion, titles holding every query word (or its acronym) first "
            "and titles holding part of it (IDF-weighted) a part of that bonus.",
            "",
            "| query | vector only | lexical only | hybrid |",
            "|---|---|---|---|",
            *rows,
            "| **share of title slots** | "
            + " | ".join(f"**{share[mode]:.0%}**" for mode in MODES)
            + " |",
            "",
            "Command: `python benchmarks/search_quality.py`.",
        ]
    )
    write_section("search-quality", body)


if __name__ == "__main__":
    main()

"""Scoring entity and link extraction against the hand-labelled set in tests/data/quality.

Shared by the quality test (which asserts the targets) and benchmarks/extraction_quality.py
(which writes the figures to docs/benchmarks.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import Gazetteer, load_gazetteer
from paperkg.graph.extract.normalize import fold
from paperkg.graph.extract.urls import Repo
from paperkg.graph.papers import merge_records
from paperkg.graph.schema import RelType
from paperkg.loaders import load_sources

QUALITY = Path(__file__).resolve().parent / "data" / "quality"
FIELDS = ("repos", "methods", "datasets", "introduces")


@dataclass(frozen=True)
class Score:
    """Micro-averaged precision and recall of one field over all papers."""

    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0


def _gold(entry: dict, gazetteer: Gazetteer) -> dict[str, set[str]]:
    return {
        "repos": {url.lower() for url in entry["repos"]},
        "methods": {gazetteer.key_of(n) for n in entry["methods"]},
        "datasets": {gazetteer.key_of(n) for n in entry["datasets"]},
        "introduces": {gazetteer.key_of(n) for n in entry["introduces"]},
    }


def evaluate(folder: Path = QUALITY) -> tuple[dict[str, Score], list[dict]]:
    """Scores per field, and per-paper differences (for reading the errors)."""
    gazetteer = load_gazetteer()
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["papers"]
    papers = merge_records(load_sources(sorted(folder.glob("*.txt"))).records)
    extraction = extract_corpus(papers, gazetteer)
    by_title = {fold(p.title): p.id for p in papers}
    totals = {field: [0, 0, 0] for field in FIELDS}
    differences = []
    for entry in labels:
        paper = by_title[fold(entry["title"])]
        mentions = extraction.entities[paper].mentions
        predicted = {
            "repos": {r.url.lower() for r in extraction.links[paper] if isinstance(r, Repo)},
            "methods": {m.key for m in mentions if m.kind == "method"},
            "datasets": {m.key for m in mentions if m.kind == "dataset"},
            "introduces": {m.key for m in mentions if m.relation == RelType.INTRODUCES},
        }
        gold = _gold(entry, gazetteer)
        for field in FIELDS:
            hit = predicted[field] & gold[field]
            totals[field][0] += len(hit)
            totals[field][1] += len(predicted[field])
            totals[field][2] += len(gold[field])
            if predicted[field] != gold[field]:
                differences.append(
                    {
                        "title": entry["title"],
                        "field": field,
                        "extra": sorted(predicted[field] - gold[field]),
                        "missed": sorted(gold[field] - predicted[field]),
                    }
                )
    return {field: Score(*values) for field, values in totals.items()}, differences


if __name__ == "__main__":
    scores, diffs = evaluate()
    for field, score in scores.items():
        print(
            f"{field:11} P={score.precision:.3f} R={score.recall:.3f} "
            f"(tp {score.true_positives}, predicted {score.predicted}, gold {score.gold})"
        )
    for diff in diffs:
        print(
            f"- {diff['field']}: {diff['title'][:50]} extra={diff['extra']} missed={diff['missed']}"
        )

"""Scoring entity and link extraction against hand labels.

Two labelled sets: ``tests/data/quality/labels.json`` (48 papers the project wrote, keyed by
title) and ``tests/data/quality/real_labels.json`` (a random sample of the real seed pages,
keyed by ``title_key``; the seed text stays in ``../shared/seeds``). Any file of the second
shape can be scored (``python tests/extraction_eval.py --labels FILE``). Shared by the quality
tests (which assert floors) and ``benchmarks/extraction_quality.py`` (which writes figures).

A labelled entity is a name or a list of the spellings one abstract uses for it; names are
compared by key: a label's spellings as the gazetteer keys them (case, hyphens, spaces and
dots folded, known aliases and size suffixes merged: ``Gazetteer.key_of``), not by the
folding under test; labels name families ("ViT" for "ViT-L/16"), as the labelling guide
asks. Each labelled entity is found at most once: a second predicted node for it ("MAE"
beside "Masked Autoencoder") counts as a wrong prediction, so unmerged variants cost
precision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperkg.graph.extract.extraction import Extraction, extract_corpus
from paperkg.graph.extract.gazetteer import Gazetteer, load_gazetteer
from paperkg.graph.extract.normalize import fold, title_key
from paperkg.graph.extract.urls import Repo, classify_url, web_url
from paperkg.graph.papers import Paper, merge_records
from paperkg.graph.schema import RelType
from paperkg.loaders import load_sources

QUALITY = Path(__file__).resolve().parent / "data" / "quality"
OWN_LABELS = QUALITY / "labels.json"
REAL_LABELS = QUALITY / "real_labels.json"
FIELDS = ("repos", "methods", "datasets", "introduces")
#: The random sample of seed papers the real labels cover: ``real_sample`` draws it.
SAMPLE_SEED, SAMPLE_SIZE = 16, 88


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

    def __add__(self, other: Score) -> Score:
        return Score(
            self.true_positives + other.true_positives,
            self.predicted + other.predicted,
            self.gold + other.gold,
        )


def real_sample(papers: Sequence[Paper]) -> list[Paper]:
    """The papers the real labels cover: ``SAMPLE_SIZE`` of ``papers`` (ordered by title
    key) drawn with ``random.Random(SAMPLE_SEED)``."""
    ordered = sorted(papers, key=lambda paper: title_key(paper.title))
    return random.Random(SAMPLE_SEED).sample(ordered, SAMPLE_SIZE)


def _spellings(entity: str | list[str]) -> list[str]:
    """A labelled entity's spellings: a name, or the list of them."""
    return [entity] if isinstance(entity, str) else list(entity)


def _repository(url: str) -> str:
    """The repository a labelled URL points into ("github.com/o/r/tree/main" is o/r), as
    extraction names repositories."""
    web = web_url(url)
    return (classify_url(web).url if web else url).lower()


def _predicted(extraction: Extraction, paper: str) -> dict[str, set[str]]:
    """What extraction says of one paper, per field, as keys (repos as URLs)."""
    mentions = extraction.entities[paper].mentions
    return {
        "repos": {r.url.lower() for r in extraction.links[paper] if isinstance(r, Repo)},
        "methods": {m.key for m in mentions if m.kind == "method"},
        "datasets": {m.key for m in mentions if m.kind == "dataset"},
        "introduces": {m.key for m in mentions if m.relation == RelType.INTRODUCES},
    }


def _score_field(predicted: set[str], gold: list[set[str]]) -> tuple[Score, list[str], list[str]]:
    """The score of one paper's field, with the predictions no label explains and the
    labelled entities no prediction finds (each as its first key)."""
    # one to one: a predicted key explains one labelled entity, an entity is found once
    # (a second key for it, "MAE" beside "Masked Autoencoder", is an extra node)
    unused = set(predicted)
    missed = []
    for entity in gold:
        hit = sorted(entity & unused)
        if hit:
            unused.discard(hit[0])
        else:
            missed.append(min(entity))
    found = len(gold) - len(missed)
    return Score(found, len(predicted), len(gold)), sorted(unused), sorted(missed)


def score(
    extraction: Extraction,
    gazetteer: Gazetteer,
    labelled: Sequence[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Score], list[dict[str, Any]]]:
    """Scores per field (plus ``entities``: methods and datasets pooled, kinds respected)
    and per-paper differences, for ``(paper id, label entry)`` pairs."""
    totals = {field: Score(0, 0, 0) for field in FIELDS}
    differences = []
    for paper, entry in labelled:
        predicted = _predicted(extraction, paper)
        for field in FIELDS:
            if field == "repos":
                gold = [{_repository(url)} for url in entry["repos"]]
            else:
                # labels naming one key twice ("YOLOv8", "YOLOv8s") are one entity
                keyed = {
                    frozenset(gazetteer.key_of(name) for name in _spellings(entity))
                    for entity in entry[field]
                }
                gold = [set(keys) for keys in sorted(keyed, key=sorted)]
            result, extra, missed = _score_field(predicted[field], gold)
            totals[field] += result
            if extra or missed:
                differences.append(
                    {
                        "paper": entry.get("title") or entry["key"],
                        "field": field,
                        "extra": extra,
                        "missed": missed,
                    }
                )
    totals["entities"] = totals["methods"] + totals["datasets"]
    return totals, differences


def evaluate(folder: Path = QUALITY) -> tuple[dict[str, Score], list[dict[str, Any]]]:
    """Scores on the project's own labelled set (the papers in ``folder``, keyed by title)."""
    gazetteer = load_gazetteer()
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["papers"]
    papers = merge_records(load_sources(sorted(folder.glob("*.txt"))).records)
    extraction = extract_corpus(papers, gazetteer)
    by_title = {fold(p.title): p.id for p in papers}
    return score(extraction, gazetteer, [(by_title[fold(e["title"])], e) for e in labels])


def evaluate_real(
    seeds: Path, labels: Path = REAL_LABELS
) -> tuple[dict[str, Score], list[dict[str, Any]]]:
    """Scores on a set of labels keyed by title key over the seed pages in ``seeds``: the
    whole seed corpus is extracted (as a build would), the labelled papers scored."""
    gazetteer = load_gazetteer()
    entries = json.loads(labels.read_text(encoding="utf-8"))["papers"]
    papers = merge_records(load_sources([seeds]).records)
    extraction = extract_corpus(papers, gazetteer)
    by_key = {title_key(p.title): p.id for p in papers}
    missing = [e["key"] for e in entries if e["key"] not in by_key]
    if missing:
        raise ValueError(f"{labels}: {len(missing)} labelled papers not in {seeds}: {missing[:3]}")
    return score(extraction, gazetteer, [(by_key[e["key"]], e) for e in entries])


def _print(name: str, scores: dict[str, Score], diffs: list[dict[str, Any]], show: bool) -> None:
    print(name)
    for field, result in scores.items():
        print(
            f"  {field:11} P={result.precision:.3f} R={result.recall:.3f} "
            f"(tp {result.true_positives}, predicted {result.predicted}, gold {result.gold})"
        )
    for diff in diffs if show else []:
        print(
            f"  - {diff['field']}: {diff['paper'][:40]} extra={diff['extra']} "
            f"missed={diff['missed']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Score extraction against hand labels.")
    parser.add_argument("--labels", type=Path, help="a labels file keyed by title key")
    parser.add_argument("--diff", action="store_true", help="list every difference")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from seed_pages import seed_folder

    if args.labels is None:
        _print("own text", *evaluate(), args.diff)
    try:
        real = evaluate_real(seed_folder(), args.labels or REAL_LABELS)
    except ValueError as error:
        sys.exit(str(error))
    _print("real text", *real, args.diff)


if __name__ == "__main__":
    main()

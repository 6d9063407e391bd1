"""Precision and recall of entity and repo extraction on the three labelled sets (our own
text, a sample of the real seed pages, a held-out sample of them), before and after the
real-text work, plus counts and the most linked entities on ../shared/seeds. Writes all of
it into docs/benchmarks.md.

    python benchmarks/extraction_quality.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from report import ROOT, write_section

sys.path.insert(0, str(ROOT / "tests"))
from extraction_eval import QUALITY, REAL_LABELS, Score, evaluate, evaluate_real
from seed_pages import seed_folder

from paperkg.graph.extract.citations import mention_citations
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.extract.urls import Repo
from paperkg.graph.papers import merge_records
from paperkg.loaders import load_sources

HOLDOUT_LABELS = QUALITY / "real_holdout_labels.json"
BEFORE = ROOT / "benchmarks" / "data" / "extraction_quality_before.json"
FIELDS = ("entities", "methods", "datasets", "introduces", "repos")


def seed_counts() -> tuple[dict[str, int], dict[str, list[tuple[str, int]]]]:
    """Counts on the seed pages, and the 30 most linked methods and datasets."""
    papers = merge_records(load_sources([seed_folder()]).records)
    extraction = extract_corpus(papers, load_gazetteer())
    repos = {r.url for links in extraction.links.values() for r in links if isinstance(r, Repo)}
    with_code = sum(
        1 for links in extraction.links.values() if any(isinstance(r, Repo) for r in links)
    )
    linked: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    for entities in extraction.entities.values():
        for mention in entities.mentions:
            linked[(mention.kind, mention.key)] += 1
            names[(mention.kind, mention.key)] = mention.name
    published = {p.id: p.published for p in papers}
    counts = {
        "papers": len(papers),
        "papers with code": with_code,
        "distinct repos": len(repos),
        "Method nodes": sum(1 for kind, _k in linked if kind == "method"),
        "Dataset nodes": sum(1 for kind, _k in linked if kind == "dataset"),
        "mention citations": len(mention_citations(extraction.entities, published)),
    }
    top = {
        kind: [(names[item], n) for item, n in linked.most_common() if item[0] == kind][:30]
        for kind in ("method", "dataset")
    }
    return counts, top


def _cell(score: Score) -> str:
    return f"{score.precision:.2f} / {score.recall:.2f}"


def _before(counts: list[int]) -> str:
    return _cell(Score(*counts))


def main() -> None:
    seeds = seed_folder()
    sets = {
        "own": ("own text (48 papers we wrote)", evaluate()[0]),
        "real": ("real sample (88 seed papers)", evaluate_real(seeds, REAL_LABELS)[0]),
        "holdout": ("real held-out (44 seed papers)", evaluate_real(seeds, HOLDOUT_LABELS)[0]),
    }
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    rows = []
    for name, (label, scores) in sets.items():
        for field in FIELDS:
            old = before["sets"][name][field]
            now = scores[field]
            rows.append(f"| {label} | {field} | {now.gold} | {_before(old)} | {_cell(now)} |")
    counts, top = seed_counts()
    old_nodes = before["seed_nodes"]
    seed_rows = "\n".join(f"| {name} | {value} |" for name, value in counts.items())
    top_rows = "\n".join(
        f"| {i + 1} | {m[0]} ({m[1]}) | {d[0]} ({d[1]}) |"
        for i, (m, d) in enumerate(zip(top["method"], top["dataset"], strict=False))
    )
    body = f"""## Entity and repo extraction quality (`benchmarks/extraction_quality.py`)

Command: `python benchmarks/extraction_quality.py`. Three hand-labelled sets
(`tests/data/quality`): 48 papers the project wrote (they prove the mechanics), 88 papers
drawn at random from the real seed pages (`real_labels.json`, labels only, keyed by a hash
of the folded title) on which extraction was tuned, and 44 more seed papers labelled after
the tuning and never used for it (`real_holdout_labels.json`). How they were labelled:
`docs/guides/labelling.md`. Micro-averaged over papers; names compared by the key
extraction gives them (case, hyphens, dots, gazetteer aliases, plurals and size suffixes
folded); each labelled entity is found at most once, so an unmerged second node for it
counts as a wrong prediction. `entities` is methods and datasets together, kinds respected.
"Before" is commit {before["commit"]} scored the same way. Targets (real text): entities
P >= 0.85 at R >= 0.75; repos P and R >= 0.98.

| set | field | labelled | before P / R | now P / R |
|---|---|---|---|---|
{chr(10).join(rows)}

Run `python tests/extraction_eval.py --diff` (or `--labels FILE --diff`) to list every
difference from the labels.

On `../shared/seeds` (default `--min-confidence`; before: {old_nodes["Method"]} Method and
{old_nodes["Dataset"]} Dataset nodes):

| count | value |
|---|---|
{seed_rows}

The 30 most linked methods and datasets (papers linking them):

| # | method | dataset |
|---|---|---|
{top_rows}
"""
    write_section("extraction_quality", body)
    print(body)


if __name__ == "__main__":
    main()

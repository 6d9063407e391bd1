"""Precision and recall of entity and repo extraction on tests/data/quality, plus counts on
../shared/seeds. Writes both into docs/benchmarks.md."""

from __future__ import annotations

import sys
from collections import Counter

from report import ROOT, write_section

sys.path.insert(0, str(ROOT / "tests"))
from extraction_eval import QUALITY, evaluate
from seed_pages import seed_folder

from paperkg.graph.extract.citations import mention_citations
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
from paperkg.graph.extract.urls import Repo
from paperkg.graph.papers import merge_records
from paperkg.loaders import load_sources


def seed_counts() -> dict[str, int]:
    papers = merge_records(load_sources([seed_folder()]).records)
    extraction = extract_corpus(papers, load_gazetteer())
    repos = {r.url for links in extraction.links.values() for r in links if isinstance(r, Repo)}
    with_code = sum(
        1 for links in extraction.links.values() if any(isinstance(r, Repo) for r in links)
    )
    kinds = Counter()
    for entities in extraction.entities.values():
        for mention in entities.mentions:
            kinds[(mention.kind, mention.key)] += 1
    published = {p.id: p.published for p in papers}
    return {
        "papers": len(papers),
        "papers with code": with_code,
        "distinct repos": len(repos),
        "methods": sum(1 for kind, _k in kinds if kind == "method"),
        "datasets": sum(1 for kind, _k in kinds if kind == "dataset"),
        "mention citations": len(mention_citations(extraction.entities, published)),
    }


def main() -> None:
    scores, differences = evaluate()
    rows = "\n".join(
        f"| {field} | {s.gold} | {s.predicted} | {s.true_positives} | {s.precision:.3f} | "
        f"{s.recall:.3f} |"
        for field, s in scores.items()
    )
    counts = seed_counts()
    seed_rows = "\n".join(f"| {name} | {value} |" for name, value in counts.items())
    body = f"""## Entity and repo extraction quality (`benchmarks/extraction_quality.py`)

Command: `python benchmarks/extraction_quality.py`. Labelled set: `{QUALITY.relative_to(ROOT)}`,
48 papers written and labelled by the project (tricky URLs, versioned and hyphenated names,
generic acronyms that are not names). Micro-averaged over papers; names compared by key
(case, hyphens, spaces, dots folded; gazetteer aliases and size suffixes merged).
Targets: repos P and R >= 0.98; methods and datasets P >= 0.85 and R >= 0.70.

| field | gold | predicted | correct | precision | recall |
|---|---|---|---|---|---|
{rows}

{len(differences)} paper-field pairs differ from the labels; run
`python tests/extraction_eval.py` to list them.

On `../shared/seeds`:

| count | value |
|---|---|
{seed_rows}
"""
    write_section("extraction_quality", body)
    print(body)


if __name__ == "__main__":
    main()

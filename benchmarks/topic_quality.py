"""How well the topics of a seed build agree with our hand labelling of every seed paper's
topic (``tests/data/quality/topic_labels.json``): NMI and ARI of both levels of clusters
against both levels of the labels, the unclustered share, KMeans on the same vectors as a
baseline, and how well the labels cover their clusters. Writes the figures into
docs/benchmarks.md.

    python benchmarks/topic_quality.py                 # builds the seeds into a temp folder
    python benchmarks/topic_quality.py --snapshot kg   # scores an existing seed build
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from report import ROOT, write_section
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(ROOT / "tests"))
from seed_pages import seed_folder

from paperkg.graph import StoredSnapshot, read_snapshot
from paperkg.graph.analytics import label_coverage
from paperkg.graph.extract.normalize import title_key

TOPICS = ROOT / "tests" / "data" / "quality" / "topic_labels.json"
UNCLUSTERED = -1


def labels() -> dict[str, tuple[str, str]]:
    """Title key -> (broad topic, fine topic) of every labelled seed paper."""
    data = json.loads(TOPICS.read_text(encoding="utf-8"))
    return {entry["key"]: (entry["broad"], entry["fine"]) for entry in data["papers"]}


def score(predicted: list[int], truth: list[str]) -> tuple[float, float]:
    """NMI and ARI of a partition against the labels (unclustered papers count as one
    group of their own, as a user sees them)."""
    return normalized_mutual_info_score(truth, predicted), adjusted_rand_score(truth, predicted)


def seed_snapshot(out: Path | None) -> StoredSnapshot:
    """The snapshot at ``out``, else a default build of the seed pages in a temp folder."""
    if out is not None:
        return read_snapshot(out)
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "kg"
        subprocess.run(
            [sys.executable, "-m", "paperkg", "build", str(seed_folder()), "--out", str(built)],
            check=True,
            capture_output=True,
        )
        return read_snapshot(built)


def coverage_table(snapshot: StoredSnapshot) -> str:
    """Label coverage per level: the share of a cluster's papers using each label term (the
    three terms of the one-line label), its mean and minimum, and terms two labels share."""
    graph = snapshot.graph
    texts: dict[int, list[str]] = {}
    for _node, data in graph.nodes(data=True):
        if data.get("type") == "Paper" and not data.get("stub"):
            text = f"{data['title']}. {data.get('abstract') or ''}"
            for key in ("cluster", "topic"):
                if data.get(key, UNCLUSTERED) != UNCLUSTERED:
                    texts.setdefault(data[key], []).append(text)
    lines = []
    for level, name in ((2, "clusters"), (1, "broad topics")):
        shares: list[float] = []
        terms: list[str] = []
        for _node, data in graph.nodes(data=True):
            if data.get("type") == "Cluster" and data.get("level", 2) == level and data["id"] >= 0:
                label = list(data.get("keywords") or [])[:3]
                shares += label_coverage(texts.get(data["id"], []), label)
                terms += [term.casefold() for term in label]
        shared = len(terms) - len(set(terms))
        mean = float(np.mean(shares)) if shares else 0.0
        low = min(shares, default=0.0)
        lines.append(f"| {name} | {len(shares)} | {mean:.2f} | {low:.2f} | {shared} |")
    rows = "\n".join(lines)
    return f"""
Label coverage: the share of a cluster's papers whose title or abstract uses each term of
its label (the three terms `paperkg clusters` shows), counted as the labeller counts terms.

| level | label terms | mean coverage | lowest | terms shared by two labels |
|---|---|---|---|---|
{rows}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshot", type=Path, help="a build of ../shared/seeds to score")
    parser.add_argument("--seeds", type=int, default=5, help="KMeans restarts to average")
    args = parser.parse_args()
    snapshot = seed_snapshot(args.snapshot)
    truth = labels()
    graph = snapshot.graph
    rows = [
        (data["cluster"], truth[title_key(data["title"])], data.get("topic", UNCLUSTERED))
        for _node, data in graph.nodes(data=True)
        if data.get("type") == "Paper" and title_key(data["title"]) in truth
    ]
    clusters = [cluster for cluster, _topic, _t in rows]
    coarse = [t for _c, _topic, t in rows]
    broad = [topic[0] for _cluster, topic, _t in rows]
    fine = [topic[1] for _cluster, topic, _t in rows]
    found = len({c for c in clusters if c != UNCLUSTERED})
    unclustered = sum(1 for c in clusters if c == UNCLUSTERED) / len(clusters)
    by_id = dict(zip(snapshot.embeddings.ids, snapshot.embeddings.vectors, strict=True))
    ids = [
        node
        for node, data in graph.nodes(data=True)
        if data.get("type") == "Paper" and title_key(data["title"]) in truth
    ]
    vectors = np.stack([by_id[node] for node in ids])
    table = [
        ("paperkg level 2: clusters", found, *score(clusters, fine), *score(clusters, broad)),
        (
            "paperkg level 1: broad topics",
            len({t for t in coarse if t != UNCLUSTERED}),
            *score(coarse, fine),
            *score(coarse, broad),
        ),
    ]
    for k, name in ((len(set(fine)), "fine"), (len(set(broad)), "broad")):
        runs = [
            KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors).tolist()
            for seed in range(args.seeds)
        ]
        nmi_fine = np.mean([score(r, fine)[0] for r in runs])
        ari_fine = np.mean([score(r, fine)[1] for r in runs])
        nmi_broad = np.mean([score(r, broad)[0] for r in runs])
        ari_broad = np.mean([score(r, broad)[1] for r in runs])
        table.append(
            (
                f"KMeans k={k} ({name} count), MiniLM vectors",
                k,
                nmi_fine,
                ari_fine,
                nmi_broad,
                ari_broad,
            )
        )
    lines = "\n".join(
        f"| {name} | {k} | {a:.2f} | {b:.2f} | {c:.2f} | {d:.2f} |" for name, k, a, b, c, d in table
    )
    body = f"""## Topic quality (`benchmarks/topic_quality.py`)

Command: `python benchmarks/topic_quality.py`. Labels: `tests/data/quality/topic_labels.json`,
every seed paper's topic read by hand ({len(set(fine))} fine topics in {len(set(broad))} broad
ones; keyed by title hash, no seed text). KMeans rows average {args.seeds} seeds. Unclustered
papers of the build: {unclustered:.1%}.

| partition | clusters | NMI fine | ARI fine | NMI broad | ARI broad |
|---|---|---|---|---|---|
{lines}
"""
    body += coverage_table(snapshot)
    write_section("topic_quality", body)
    print(body)


if __name__ == "__main__":
    main()

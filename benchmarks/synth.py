"""A deterministic, topic-structured synthetic corpus for the benchmarks.

Papers belong to topics; each topic has its own words, methods and labs, so kNN, clusters
and bridges have structure to find. Abstracts are about as long as real ones (about 1,300
characters, more than the model's 256 tokens), some introduce a method ("We propose
NAME"), use others, link a repository, and cite earlier papers of their topic (and now and
then another topic's). Written as listing pages (``hf-listing``) or Semantic Scholar JSON
lines with references (``semantic-scholar``), at any size:

    python benchmarks/synth.py --papers 10000 --format listing --out /tmp/synth-10k
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from paperkg.graph import Paper

#: General words every topic draws on; topic words are drawn from ``TOPIC_WORDS``.
COMMON_TEXT = """
we propose method model approach results show performance learning training data
evaluate benchmark baseline improve accuracy efficient scalable robust framework analysis
experiments demonstrate across tasks large small novel simple effective state art
representation inference optimisation objective loss signal structure prior study
"""
TOPIC_TEXT = """
graph node edge molecule protein folding docking ligand speech audio phoneme acoustic
robot grasp locomotion policy reward agent diffusion denoising sampler image pixel video
frame retrieval query passage index document token language translation dialogue summary
quantized pruning sparse kernel compiler memory federated client privacy causal effect
treatment survival clinical medical scan tumor climate weather forecast ocean satellite
galaxy particle quantum circuit qubit chemistry reaction catalyst material crystal lattice
code program repair synthesis vulnerability theorem proof logic planning search game
music melody rhythm vision depth pose tracking segmentation detection lidar driving map
recommendation user item ranking click fairness bias audit explanation attribution tabular
time series anomaly streaming sensor battery energy grid traffic mobility epidemic genome
cell expression sequencing antibody enzyme neuron spike brain cortex behaviour emotion
"""
COMMON, TOPIC_WORDS = COMMON_TEXT.split(), TOPIC_TEXT.split()
SYLLABLES = [f"{a}{b}" for a in "kmrstvz" for b in "aeiou"]


@dataclass
class Topic:
    """A topic: its words, its method names and the labs that publish code for it."""

    number: int
    words: list[str]
    methods: list[str]
    labs: list[str] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)


def make_topics(count: int, rng: np.random.Generator) -> list[Topic]:
    topics = []
    for number in range(count):
        words = [str(w) for w in rng.choice(TOPIC_WORDS, 24, replace=False)]
        methods = [
            "".join(str(s) for s in rng.choice(SYLLABLES, 2)).capitalize()
            + str(rng.choice(["Net", "Former", "GNN", "Diff", "RL", "Bench"]))
            + f"-{number}{j}"
            for j in range(12)
        ]
        labs = [f"lab{number}x{j}" for j in range(5)]
        topics.append(Topic(number, words, methods, labs))
    return topics


def _sentence(rng: np.random.Generator, topic: Topic, words: int) -> str:
    pool = topic.words * 3 + COMMON
    text = " ".join(str(w) for w in rng.choice(pool, words))
    return text[0].upper() + text[1:] + "."


def synthetic_corpus(
    count: int, *, topics: int = 40, seed: int = 0, cite: int = 4
) -> tuple[list[Paper], list[list[str]]]:
    """``count`` papers (ids ``arxiv:26xx.NNNNN``) and, per paper, the ids it cites."""
    rng = np.random.default_rng(seed)
    table = make_topics(topics, rng)
    papers: list[Paper] = []
    references: list[list[str]] = []
    by_topic: dict[int, list[int]] = {t.number: [] for t in table}
    for i in range(count):
        topic = table[int(rng.integers(topics))]
        other = table[int(rng.integers(topics))]  # bridges: a second topic now and then
        arxiv = f"{2601 + i // 90000}.{i % 90000:05d}"
        base = topic.methods[int(rng.integers(len(topic.methods)))]
        method = f"{base}{i}"  # a name one paper introduces
        used = topic.methods[int(rng.integers(len(topic.methods)))]
        if topic.introduced and rng.random() < 0.5:
            used = topic.introduced[int(rng.integers(len(topic.introduced)))]
        parts = [_sentence(rng, topic, 22)]
        if rng.random() < 0.3:
            parts.append(f"We propose {method}, a {' '.join(rng.choice(topic.words, 3))} model.")
            topic.introduced.append(method)
        parts.append(f"Unlike {used}, it {_sentence(rng, topic, 18).lower()}")
        if rng.random() < 0.15:
            parts.append(f"It also borrows {other.methods[0]} from {' '.join(other.words[:2])}.")
        parts += [_sentence(rng, topic, 24) for _ in range(5)]
        if rng.random() < 0.4:
            lab = topic.labs[int(rng.integers(len(topic.labs)))]
            parts.append(f"Code: https://github.com/{lab}/{method.lower()}.")
        title = " ".join(str(w) for w in rng.choice(topic.words, 7)).title()
        if topic.introduced and topic.introduced[-1] == method:
            title = f"{method}: {title}"
        papers.append(
            Paper(
                id=f"arxiv:{arxiv}",
                title=f"{title} {i}",
                abstract=" ".join(parts),
                arxiv_id=arxiv,
            )
        )
        earlier = by_topic[topic.number]
        picks = rng.choice(earlier, min(cite, len(earlier)), replace=False) if earlier else []
        references.append([papers[int(j)].id for j in picks])
        by_topic[topic.number].append(i)
    return papers, references


def write_listing(papers: list[Paper], out: Path, per_page: int = 100) -> list[Path]:
    """Listing pages of ``per_page`` papers: a header, a date line, title and abstract lines."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page, start in enumerate(range(0, len(papers), per_page)):
        lines = ["Daily Papers", "by synthetic feed", "", f"Mar {1 + page % 28}", ""]
        for paper in papers[start : start + per_page]:
            lines += [paper.title, paper.abstract, ""]
        path = out / f"page-{page:05d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


def write_s2_jsonl(papers: list[Paper], references: list[list[str]], out: Path) -> Path:
    """One Semantic Scholar JSON-lines file with reference lists (arXiv ids)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "papers.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for paper, cited in zip(papers, references, strict=True):
            record = {
                "paperId": paper.id.removeprefix("arxiv:").replace(".", ""),
                "externalIds": {"ArXiv": paper.arxiv_id},
                "title": paper.title,
                "abstract": paper.abstract,
                "year": 2026,
                "references": [{"externalIds": {"ArXiv": c.removeprefix("arxiv:")}} for c in cited],
            }
            handle.write(json.dumps(record) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--format", choices=("listing", "s2"), default="listing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    papers, references = synthetic_corpus(args.papers, seed=args.seed)
    if args.format == "listing":
        write_listing(papers, args.out)
    else:
        write_s2_jsonl(papers, references, args.out)


if __name__ == "__main__":
    main()

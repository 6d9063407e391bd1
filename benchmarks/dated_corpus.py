"""A dated synthetic corpus with injected bursts: the input of the time analytics' benchmark
(``benchmarks/trends.py``, 100,000 papers over two years, built as a graph in code) and of
the closing note's dated corpus (1,000 papers over eight weeks, written as listing pages).

Papers are spread over the weekdays of ``weeks`` weeks with a volume that grows over time;
each belongs to one topic (its own words, methods, datasets and labs) whose share of the
feed stays the same, so nothing bursts by chance. Injected: methods whose share jumps for
some weeks (:class:`Injected`), and a topic that appears in week ``new_topic_week`` with
words no other topic uses. Every title and abstract is made up here from word lists.

The dated corpus of the closing note (one listing page per weekday, "Mar 2, 2026" date
lines, so no year is inferred), built once and checked::

    .venv/bin/python benchmarks/dated_corpus.py --out /tmp/dated1k
    .venv/bin/paperkg build /tmp/dated1k --out /tmp/dated1k-kg -q
    .venv/bin/python benchmarks/dated_corpus.py --check /tmp/dated1k-kg
    .venv/bin/paperkg trends --out /tmp/dated1k-kg              # the newest week
    .venv/bin/paperkg trends --since 2026-03-16 --until 2026-03-22 --out /tmp/dated1k-kg
    .venv/bin/paperkg digest --out /tmp/dated1k-kg -o /tmp/dated1k-digest.html

``--check`` reads the snapshot's timeline and says, for each injected burst and the new
topic, whether the time analytics found it, and which bursts nothing injected explains.
Weeks (the dates span 8 weeks, more than six): TesseraNet, in 15 % of all papers of weeks
6-8 (2026-03-09 to 03-29), and the new topic (15 % of the papers from week 7, 2026-03-16,
words no other topic uses), which ``trends --since 2026-03-16`` reports as appeared.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from synth import COMMON, SYLLABLES, TOPIC_WORDS

#: Words of the topic that appears: none of them is a word of the other topics.
NEW_TOPIC_TEXT = """
origami kirigami crease pleat hinge membrane tendon inflatable pneumatic elastomer silicone
gripper morphing stiffness actuation folding-pattern bistable shell laminate textile
"""
NEW_TOPIC_WORDS = [w for w in NEW_TOPIC_TEXT.split() if w not in set(TOPIC_WORDS)]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = 5
#: How a paper names a method it uses, and a dataset it evaluates on (the extractor's cues).
USE_TEMPLATES = (
    "Unlike {name}, it {rest}",
    "We build on {name} and {rest}",
    "Compared with {name}, our approach {rest}",
)
DATASET_TEMPLATE = "We evaluate on the {name} benchmark, where it {rest}"


@dataclass(frozen=True)
class Injected:
    """A method whose share jumps: in weeks ``start`` to ``end`` (0-based, inclusive) it is
    used by ``share`` of its topic's papers (of every topic's when ``topic`` is None),
    outside by ``base`` of them."""

    name: str
    topic: int | None
    start: int
    end: int
    share: float
    base: float = 0.0


@dataclass(frozen=True)
class Plan:
    """What to generate: ``papers`` over ``weeks`` weeks from the Monday ``first``, in
    ``topics`` topics; the weekly volume grows by ``growth`` from the first week to the
    last; ``new_topic_week`` (or None) is where topic number ``topics`` appears, taking
    ``new_topic_share`` of the papers from then on."""

    papers: int
    weeks: int
    first: date
    topics: int
    bursts: tuple[Injected, ...]
    new_topic_week: int | None
    new_topic_share: float = 0.1
    growth: float = 0.3
    sentences: int = 7
    cite: int = 4
    seed: int = 0


@dataclass
class DatedPaper:
    """One generated paper: its text, day, topic, and the names it uses, introduces and
    evaluates on; ``cites`` are row numbers of earlier papers of its topic."""

    row: int
    arxiv_id: str
    title: str
    abstract: str
    day: date
    topic: int
    uses: list[str]
    introduces: str | None
    datasets: list[str]
    code: str | None
    cites: list[int] = field(default_factory=list)


@dataclass
class _Topic:
    number: int
    words: list[str]
    methods: list[str]
    weights: np.ndarray
    datasets: list[str]
    labs: list[str]
    rows: list[int] = field(default_factory=list)


def _name(rng: np.random.Generator, suffixes: Sequence[str]) -> str:
    stem = "".join(str(s) for s in rng.choice(SYLLABLES, 2)).capitalize()
    return stem + str(rng.choice(suffixes))


def _topics(plan: Plan, rng: np.random.Generator) -> list[_Topic]:
    """``plan.topics`` topics and, last, the one that appears (its own words)."""
    made = []
    for number in range(plan.topics + 1):
        if number < plan.topics:
            words = [str(w) for w in rng.choice(TOPIC_WORDS, 24, replace=False)]
        else:
            words = list(NEW_TOPIC_WORDS)
        methods = [_name(rng, ("Net", "Former", "GNN", "Diff", "RL")) for _ in range(12)]
        zipf = 1.0 / np.arange(1, len(methods) + 1)
        datasets = [_name(rng, ("Bench", "QA", "Set")) for _ in range(6)]
        labs = [f"lab{number}x{j}" for j in range(5)]
        made.append(_Topic(number, words, methods, zipf / zipf.sum(), datasets, labs))
    return made


def _days(plan: Plan, rng: np.random.Generator) -> list[date]:
    """A day for every paper, sorted: weekly volumes grow linearly by ``growth``, each
    paper on one of its week's weekdays."""
    weights = 1.0 + plan.growth * np.arange(plan.weeks) / max(plan.weeks - 1, 1)
    per_week = rng.multinomial(plan.papers, weights / weights.sum())
    days = []
    for week, count in enumerate(per_week):
        offsets = np.sort(rng.integers(0, WEEKDAYS, int(count)))
        days += [plan.first + timedelta(days=7 * week + int(d)) for d in offsets]
    return days


def _sentence(rng: np.random.Generator, pool: Sequence[str], words: int) -> str:
    text = " ".join(str(w) for w in rng.choice(pool, words))
    return text[0].upper() + text[1:] + "."


def _rest(rng: np.random.Generator, pool: Sequence[str], words: int) -> str:
    return _sentence(rng, pool, words).lower()


def generate(plan: Plan) -> list[DatedPaper]:
    """The corpus of ``plan``, in date order (deterministic for its seed)."""
    rng = np.random.default_rng(plan.seed)
    topics = _topics(plan, rng)
    shares = rng.dirichlet(np.full(plan.topics, 5.0))
    titles: set[str] = set()
    per_month: dict[tuple[int, int], int] = {}
    papers: list[DatedPaper] = []
    for row, day in enumerate(_days(plan, rng)):
        week = (day - plan.first).days // 7
        new = plan.new_topic_week is not None and week >= plan.new_topic_week
        if new and rng.random() < plan.new_topic_share:
            topic = topics[plan.topics]
        else:
            topic = topics[int(rng.choice(plan.topics, p=shares))]
        pool = topic.words * 3 + COMMON
        uses = [topic.methods[int(rng.choice(len(topic.methods), p=topic.weights))]]
        for burst in plan.bursts:
            if burst.topic not in (None, topic.number):
                continue
            inside = burst.start <= week <= burst.end
            if rng.random() < (burst.share if inside else burst.base):
                uses.insert(0, burst.name)
        introduces = None
        parts = [_sentence(rng, pool, 22)]
        if rng.random() < 0.3:
            introduces = _name(rng, ("Net", "Former", "Diff", "RL")) + f"-{row}"
            parts.append(
                f"We propose {introduces}, a {' '.join(rng.choice(topic.words, 3))} model."
            )
        for name in uses:
            template = USE_TEMPLATES[int(rng.integers(len(USE_TEMPLATES)))]
            parts.append(template.format(name=name, rest=_rest(rng, pool, 14)))
        datasets = []
        if rng.random() < 0.5:
            datasets.append(topic.datasets[int(rng.integers(len(topic.datasets)))])
            parts.append(DATASET_TEMPLATE.format(name=datasets[0], rest=_rest(rng, pool, 10)))
        parts += [_sentence(rng, pool, 22) for _ in range(plan.sentences - len(parts))]
        code = None
        if rng.random() < 0.4:
            lab = topic.labs[int(rng.integers(len(topic.labs)))]
            code = f"https://github.com/{lab}/{(introduces or uses[0]).lower()}"
            parts.append(f"Code: {code}.")
        title = ""
        while not title or title in titles:
            title = " ".join(str(w) for w in rng.choice(topic.words, 7)).title()
            if introduces:
                title = f"{introduces}: {title}"
        titles.add(title)
        month = (day.year % 100, day.month)
        per_month[month] = per_month.get(month, 0) + 1
        arxiv_id = f"{month[0]:02d}{month[1]:02d}.{per_month[month]:05d}"
        earlier = topic.rows
        picks = rng.choice(earlier, min(plan.cite, len(earlier)), replace=False) if earlier else []
        paper = DatedPaper(
            row,
            arxiv_id,
            title,
            " ".join(parts),
            day,
            topic.number,
            uses,
            introduces,
            datasets,
            code,
        )
        paper.cites = sorted(int(p) for p in picks)
        topic.rows.append(row)
        papers.append(paper)
    return papers


def listing_date(day: date) -> str:
    """A listing page's date line with its year: ``Mar 2, 2026``."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def write_pages(papers: Sequence[DatedPaper], out: Path) -> list[Path]:
    """One Hugging Face listing page per day: a header, the date line, titles and abstracts."""
    out.mkdir(parents=True, exist_ok=True)
    by_day: dict[date, list[DatedPaper]] = {}
    for paper in papers:
        by_day.setdefault(paper.day, []).append(paper)
    written = []
    for day, listed in sorted(by_day.items()):
        lines = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", ""]
        lines += ["byAK and the research community", "", listing_date(day), ""]
        for paper in listed:
            lines += [paper.title, "", paper.abstract, ""]
        path = out / f"{day.isoformat()}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


#: The closing note's corpus: 1,000 papers over the eight weeks from Monday 2 February 2026,
#: eight topics; a new method in many abstracts in weeks 6-8, a new topic from week 7.
CLOSING = Plan(
    papers=1000,
    weeks=8,
    first=date(2026, 2, 2),
    topics=8,
    bursts=(Injected("TesseraNet", None, 5, 7, 0.15),),
    new_topic_week=6,
    new_topic_share=0.15,
    growth=0.2,
)


def explained(plan: Plan, papers: Sequence[DatedPaper]) -> tuple[set[str], set[str]]:
    """Folded names a burst may rightly be of: the injected methods, and the words, methods
    and datasets of the topic that appears (they are new, so they burst with it)."""
    injected = {b.name.casefold() for b in plan.bursts}
    new = {w.casefold() for w in NEW_TOPIC_WORDS}
    for paper in papers:
        if paper.topic == plan.topics:
            new.update(n.casefold() for n in [*paper.uses, *paper.datasets])
            if paper.introduces:
                new.add(paper.introduces.casefold())
    return injected, new


def check(snapshot: Path, plan: Plan) -> list[str]:
    """Lines saying whether the snapshot's timeline has each injected burst and the new
    topic, and which bursts nothing injected explains (false ones)."""
    from paperkg.graph.analytics import read_timeline

    timeline = read_timeline(snapshot)
    if timeline is None or timeline.unit is None:
        return [f"{snapshot} has no dated timeline"]
    lines = [f"{timeline.unit} periods from {timeline.periods[0]}: {timeline.totals}"]
    for injected in plan.bursts:
        start = plan.first + timedelta(weeks=injected.start)
        end = plan.first + timedelta(weeks=injected.end, days=6)
        found = [b for b in timeline.bursts if b.name.casefold() == injected.name.casefold()]
        said = ", ".join(f"{b.kind} {b.start}..{b.end} ({b.papers} papers)" for b in found)
        lines.append(f"{injected.name} injected {start}..{end}: {said or 'NOT FOUND'}")
    new_clusters = set()
    if plan.new_topic_week is not None:
        first = plan.first + timedelta(weeks=plan.new_topic_week)
        for topic in timeline.topics:
            if sum(topic.counts[: timeline.periods.index(first.isoformat())]) == 0:
                new_clusters.add(f"cluster:{topic.cluster}")
                bursts = [b for b in timeline.bursts if b.key == f"cluster:{topic.cluster}"]
                said = ", ".join(f"burst {b.start}..{b.end}" for b in bursts) or "no burst"
                lines.append(
                    f"new topic from {first}: level {topic.level} cluster {topic.cluster} "
                    f"'{topic.label}' {topic.counts}, {said}"
                )
    injected, new = explained(plan, generate(plan))
    false = []
    for burst in timeline.bursts:
        words = set(burst.name.casefold().split())
        if burst.key in new_clusters or words & (injected | new):
            continue
        false.append(f"{burst.kind} {burst.name!r} {burst.start}..{burst.end}")
    lines.append(
        f"{len(timeline.bursts)} bursts, {len(false)} explained by nothing injected"
        + (f": {'; '.join(false)}" if false else "")
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="Write the listing pages into this folder.")
    target.add_argument("--check", type=Path, help="Check a snapshot built from them.")
    args = parser.parse_args()
    if args.out:
        papers = generate(CLOSING)
        pages = write_pages(papers, args.out)
        print(f"{len(papers)} papers on {len(pages)} pages in {args.out}")
    else:
        print("\n".join(check(args.check, CLOSING)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

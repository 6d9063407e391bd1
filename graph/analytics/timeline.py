"""Time analytics: papers per period, bursts of methods, datasets, topics and terms, topic
timelines with per-period labels, and the time-aware ranks, from one call (:func:`analyse_time`).

Each stream counts, per period (:mod:`periods`), the dated papers linked to one method or
dataset, in one topic or cluster, or using one title/abstract term, out of all dated papers
of that period. Kleinberg's detector (:mod:`bursts`, s = 2, gamma = 1) finds candidate
bursts; a candidate is kept only when it holds at least :data:`MIN_SUPPORT` papers and its
count is improbable at the stream's rate outside its bursts (binomial tail below
``alpha / periods``). gamma 1 alone reports a burst in one steady stream in ten; this test
removes those and keeps nearly every injected burst (``benchmarks/bursts.py``).

Bursts of nodes are stored on them (``burst_starts``, ``burst_ends``, ``burst_weights``,
``burst_weight``); term bursts and the timelines go into a :class:`Timeline`, which the
build writes as ``timeline.json`` beside the graph (:func:`read_timeline`).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError, SnapshotError
from paperkg.graph.analytics.analyse import SUBTOPIC, TOPIC, cluster_node_id
from paperkg.graph.analytics.bursts import Burst, detect_bursts
from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.analytics.labels import MIN_COVERAGE, MIN_LIFT, STOP_WORDS, fold_word
from paperkg.graph.analytics.periods import Periods, choose_periods
from paperkg.graph.analytics.recency import (
    HALF_LIFE_DAYS,
    VELOCITY_DAYS,
    citation_velocity,
    paper_dates,
    recent_pagerank,
)
from paperkg.graph.model import relationship_type
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Manifest
from paperkg.graph.snapshot.read import read_file, read_files

__all__ = [
    "BURST_ATTRIBUTES",
    "FORMAT",
    "LABEL_MIN_PAPERS",
    "MIN_SUPPORT",
    "MIN_TERM_PAPERS",
    "TERM",
    "TIMELINE",
    "BurstOptions",
    "Streams",
    "TimedBurst",
    "Timeline",
    "TopicTimeline",
    "analyse_time",
    "bursting",
    "find_bursts",
    "paper_terms",
    "read_timeline",
    "streams_of",
]

#: The snapshot file holding a :class:`Timeline`.
TIMELINE = "timeline.json"
#: Version of the ``timeline.json`` layout.
FORMAT = 1
#: ``TimedBurst.kind`` of a title/abstract term (terms have no node; the others are labels).
TERM = "term"
#: The node attributes a burst sets (all absent on a node without bursts).
BURST_ATTRIBUTES = ("burst_starts", "burst_ends", "burst_weights", "burst_weight")
#: The second test, at the stream's overall rate (bursts included), is this many times
#: looser than the first: together they keep long, faint candidates of sparse streams out.
OVERALL_ALPHA_FACTOR = 10.0
#: A burst must hold at least this many papers of its stream.
MIN_SUPPORT = 3
#: A term gets a stream when at least this many dated papers use it, and at most
#: :data:`MAX_TERM_SHARE` of them (a word every paper uses says nothing).
MIN_TERM_PAPERS = 5
MAX_TERM_SHARE = 0.5
#: At most this many term streams, the most used first (20,000 keep 100,000 papers fast).
MAX_TERMS = 20_000
#: A topic's period gets a label when the topic has at least this many papers in it.
LABEL_MIN_PAPERS = 5
LABEL_TERMS = 5

_ENTITY_RELATIONS = frozenset({RelType.USES, RelType.INTRODUCES, RelType.EVALUATES_ON})
_ENTITY_LABELS = frozenset({Label.METHOD, Label.DATASET})
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|[.;:!?()\[\]{},\"]")


@dataclass(frozen=True)
class BurstOptions:
    """The burst detector: Kleinberg's ``s`` and ``gamma``, the significance ``alpha``
    (a burst's count must be less likely than ``alpha / periods`` outside bursts) and the
    fewest papers a burst holds."""

    s: float = 2.0
    gamma: float = 1.0
    alpha: float = 0.001
    min_support: int = MIN_SUPPORT

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= 1:
            raise ParameterError(f"alpha must be in (0, 1], got {self.alpha}", param="alpha")
        if self.min_support < 1:
            raise ParameterError(
                f"min_support must be at least 1, got {self.min_support}", param="min_support"
            )


def _log_tail(hits: int, trials: int, rate: float) -> float:
    """Natural log of P(X >= hits) for X ~ Binomial(trials, rate); 0.0 (probability 1)
    when ``hits`` is at most the mean, the only case no burst is made of."""
    if hits <= 0 or hits <= trials * rate:
        return 0.0
    if hits > trials:
        return -math.inf
    log_term = (
        math.lgamma(trials + 1)
        - math.lgamma(hits + 1)
        - math.lgamma(trials - hits + 1)
        + hits * math.log(rate)
        + (trials - hits) * math.log1p(-rate)
    )
    # Past the mean each term is smaller than the one before: sum the ratios until they fade.
    total, term, k = 1.0, 1.0, hits
    odds = rate / (1.0 - rate)
    while k < trials:
        term *= (trials - k) / (k + 1) * odds
        total += term
        k += 1
        if term < 1e-12 * total:
            break
    return log_term + math.log(total)


def _trim(burst: Burst, relevant: Sequence[int]) -> Burst:
    """``burst`` from its first to its last period holding papers of the stream. Viterbi
    breaks the tie of an empty period (no papers at all: the same cost in both states)
    towards staying in the burst, so a feed with a gap of months gave bursts spanning the
    gap; those periods weigh nothing, so the weight stays."""
    start, end = burst.start, burst.end
    while start < end and relevant[start] == 0:
        start += 1
    while end > start and relevant[end] == 0:
        end -= 1
    return Burst(start, end, burst.weight)


def find_bursts(
    relevant: Sequence[int], totals: Sequence[int], options: BurstOptions | None = None
) -> list[Burst]:
    """The significant bursts of a stream: Kleinberg's candidates (``detect_bursts``),
    trimmed to start and end on periods holding the stream's papers, that hold
    ``min_support`` papers and would be rarer than ``alpha / periods`` at the rate the
    stream has outside its candidates, and than ``10 * alpha / periods`` at its overall rate."""
    options = options or BurstOptions()
    candidates = [
        _trim(burst, relevant)
        for burst in detect_bursts(relevant, totals, s=options.s, gamma=options.gamma)
    ]
    if not candidates:
        return []
    inside = [False] * len(totals)
    for burst in candidates:
        inside[burst.start : burst.end + 1] = [True] * (burst.end - burst.start + 1)
    out_hits = sum(r for r, flag in zip(relevant, inside, strict=True) if not flag)
    out_total = sum(d for d, flag in zip(totals, inside, strict=True) if not flag)
    rate = (out_hits + 1) / (out_total + 2)  # Laplace: a stream silent outside still has one
    threshold = math.log(options.alpha / len(totals))
    overall = sum(relevant) / sum(totals)
    loose = math.log(min(1.0, OVERALL_ALPHA_FACTOR * options.alpha) / len(totals))
    kept = []
    for burst in candidates:
        hits = sum(relevant[burst.start : burst.end + 1])
        trials = sum(totals[burst.start : burst.end + 1])
        if (
            hits >= options.min_support
            and _log_tail(hits, trials, rate) < threshold
            and _log_tail(hits, trials, overall) < loose
        ):
            kept.append(burst)
    return kept


@dataclass(frozen=True)
class TimedBurst:
    """A burst in dates: the first day of its first period to the last day of its last.
    ``kind`` is the node's label (``Method``, ``Dataset``, ``Cluster``) or ``term``;
    ``key`` the node id or the term; ``papers`` the stream's papers inside the burst."""

    kind: str
    key: str
    name: str
    start: str
    end: str
    weight: float
    papers: int
    level: int | None = None


@dataclass(frozen=True)
class TopicTimeline:
    """Papers per period of one topic (``level`` 1) or cluster (``level`` 2), and the
    label terms of each period computed from that period's titles only (empty where the
    topic has fewer than :data:`LABEL_MIN_PAPERS` papers)."""

    cluster: int
    level: int
    label: str
    counts: list[int]
    labels: list[list[str]]


@dataclass(frozen=True)
class Timeline:
    """What ``timeline.json`` holds: the periods (ISO first days), dated papers per period,
    every significant burst (strongest first), the topic timelines and the settings. An
    undated corpus gives ``unit`` None and empty lists."""

    unit: str | None
    periods: list[str]
    period_ends: list[str]
    totals: list[int]
    undated: int
    bursts: list[TimedBurst] = field(default_factory=list)
    topics: list[TopicTimeline] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def dated(self) -> int:
        return sum(self.totals)

    def to_json(self) -> str:
        """The record as compact, key-sorted JSON text."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Timeline:
        """The record of :meth:`to_json`; anything else is a ``ValueError``."""
        found = json.loads(text)
        if not isinstance(found, dict):
            raise ValueError("a timeline is a JSON object")
        try:
            return cls(
                unit=found["unit"],
                periods=list(found["periods"]),
                period_ends=list(found["period_ends"]),
                totals=[int(n) for n in found["totals"]],
                undated=int(found["undated"]),
                bursts=[TimedBurst(**burst) for burst in found["bursts"]],
                topics=[TopicTimeline(**topic) for topic in found["topics"]],
                settings=dict(found["settings"]),
                format=int(found["format"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a timeline record ({exc})") from exc


def read_timeline(out: str | Path, manifest: Manifest | None = None) -> Timeline | None:
    """The timeline of the snapshot at ``out`` (of the build ``manifest`` describes, when
    given: a snapshot opened earlier); None when it has none (built before issue 20's time
    analytics)."""
    if manifest is None:
        _manifest, files = read_files(out, (TIMELINE,))
        text = files.get(TIMELINE)
    else:
        text = read_file(out, manifest, TIMELINE) if TIMELINE in manifest.files else None
    if text is None:
        return None
    try:
        return Timeline.from_json(text)
    except ValueError as exc:
        raise SnapshotError(f"{Path(out) / TIMELINE} cannot be read ({exc})") from exc


class _Terms(dict[str, str]):
    """Token -> folded term as ``labels`` counts it ("" for stop words and punctuation)."""

    def __missing__(self, token: str) -> str:
        folded = ""
        if len(token) > 1 and token.lower() not in STOP_WORDS:
            folded = fold_word(token)
            if folded in STOP_WORDS:
                folded = ""
        self[token] = folded
        return folded


_FOLDED = _Terms()


def paper_terms(text: str) -> set[str]:
    """The folded words and two-word phrases of ``text``: what ``labels.terms_of`` finds,
    without its three-word phrases, at a fifth of its cost (100,000 abstracts in seconds)."""
    if len(_FOLDED) > 500_000:  # a bound on memory across many corpora
        _FOLDED.clear()
    keys = list(map(_FOLDED.__getitem__, _TOKEN.findall(text)))
    found = {f"{a} {b}" for a, b in pairwise(keys) if a and b}
    found.update(keys)
    found.discard("")
    return found


@dataclass
class Streams:
    """Per-period counts of a dated corpus: ``totals`` and, per stream, the papers of it."""

    periods: Periods
    totals: list[int]
    entities: dict[str, list[int]]
    clusters: dict[int, list[int]]
    terms: dict[str, list[int]]
    #: Per level, per cluster id, per period: label terms from that period's titles.
    labels: dict[int, dict[int, dict[int, list[str]]]]
    undated: int


def _by_period(dates: Mapping[str, date], periods: Periods) -> dict[int, list[str]]:
    by_period: dict[int, list[str]] = defaultdict(list)
    for node in sorted(dates):
        by_period[periods.index(dates[node])].append(node)
    return by_period


def _cluster_of(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value != UNCLUSTERED:
        return value
    return None


def streams_of(
    graph: nx.MultiDiGraph[str],
    *,
    unit: str | None = None,
    dates: Mapping[str, date] | None = None,
) -> Streams | None:
    """Every stream of ``graph``'s dated papers, and per-period topic labels; None when no
    paper is dated."""
    dates = paper_dates(graph) if dates is None else dates
    periods = choose_periods(dates.values(), unit)
    if periods is None:
        return None
    n = periods.count
    totals = [0] * n
    entities: dict[str, list[int]] = {}
    clusters: dict[int, list[int]] = {}
    period_terms: list[Counter[str]] = [Counter() for _ in range(n)]
    labels: dict[int, dict[int, dict[int, list[str]]]] = {TOPIC: {}, SUBTOPIC: {}}
    entity_nodes = {n for n, d in graph.nodes(data=True) if d.get("type") in _ENTITY_LABELS}
    successors = graph.succ
    for period, papers in sorted(_by_period(dates, periods).items()):
        totals[period] = len(papers)
        titles: dict[int, dict[int, list[set[str]]]] = {TOPIC: {}, SUBTOPIC: {}}
        title_count: Counter[str] = Counter()
        for paper in papers:
            data = graph.nodes[paper]
            for target, keys in successors[paper].items():
                if target not in entity_nodes or not any(
                    relationship_type(key) in _ENTITY_RELATIONS for key in keys
                ):
                    continue
                entities.setdefault(target, [0] * n)[period] += 1
            title = paper_terms(str(data.get("title") or ""))
            title_count.update(title)
            terms = title | paper_terms(str(data.get("abstract") or ""))
            period_terms[period].update(terms)
            for level, key in ((TOPIC, "topic"), (SUBTOPIC, "cluster")):
                cluster = _cluster_of(data, key)
                if cluster is not None:
                    clusters.setdefault(cluster, [0] * n)[period] += 1
                    titles[level].setdefault(cluster, []).append(title)
        for level, cells in titles.items():
            for cluster, found in _period_labels(cells, title_count, len(papers)).items():
                labels[level].setdefault(cluster, {})[period] = found
    undated = sum(1 for _n, d in graph.nodes(data=True) if _is_corpus_paper(d)) - len(dates)
    return Streams(
        periods,
        totals,
        entities,
        clusters,
        _term_streams(period_terms, sum(totals)),
        labels,
        undated,
    )


def _is_corpus_paper(data: Mapping[str, Any]) -> bool:
    return data.get("type") == Label.PAPER and not data.get("stub")


def _term_streams(period_terms: Sequence[Counter[str]], dated: int) -> dict[str, list[int]]:
    """Streams of the terms enough papers (and not most) use, at most :data:`MAX_TERMS`."""
    used: Counter[str] = Counter()
    for counts in period_terms:
        used.update(counts)
    most = MAX_TERM_SHARE * dated
    kept = [t for t, c in used.items() if MIN_TERM_PAPERS <= c <= most]
    kept.sort(key=lambda t: (-used[t], t))
    return {term: [counts.get(term, 0) for counts in period_terms] for term in kept[:MAX_TERMS]}


def _period_labels(
    cells: Mapping[int, Sequence[set[str]]], period_count: Counter[str], period_papers: int
) -> dict[int, list[str]]:
    """Label terms of each topic with enough papers in one period, from their titles:
    as ``labels`` scores them, ``coverage * log(coverage / outside)`` against the period's
    other papers, a term sharing a word with a chosen one skipped."""
    found: dict[int, list[str]] = {}
    for cluster, titles in cells.items():
        size = len(titles)
        if size < LABEL_MIN_PAPERS:
            continue
        count: Counter[str] = Counter()
        for title in titles:
            count.update(title)
        others = period_papers - size
        scored = []
        for term, n in count.items():
            coverage = n / size
            if n < 2 or coverage < MIN_COVERAGE:
                continue
            outside = (period_count[term] - n + 0.5) / (others + 1.0)
            if coverage < MIN_LIFT * outside:
                continue
            scored.append((-coverage * math.log(coverage / outside), -len(term), term))
        chosen: list[str] = []
        words: set[str] = set()
        for _score, _length, term in sorted(scored):
            if len(chosen) == LABEL_TERMS:
                break
            if words & set(term.split()):
                continue
            chosen.append(term)
            words.update(term.split())
        found[cluster] = chosen
    return found


def _clear(graph: nx.MultiDiGraph[str]) -> None:
    """Take off what an earlier run set, so a rerun on fewer dates leaves nothing stale."""
    for _node, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind in _ENTITY_LABELS or kind == Label.CLUSTER:
            for name in BURST_ATTRIBUTES:
                data.pop(name, None)
        elif kind == Label.PAPER:
            data.pop("recent_pagerank", None)
            data.pop("citation_velocity", None)
            data.pop("feed_date", None)


def _store(graph: nx.MultiDiGraph[str], node: str, bursts: Sequence[TimedBurst]) -> None:
    graph.nodes[node].update(
        burst_starts=[b.start for b in bursts],
        burst_ends=[b.end for b in bursts],
        burst_weights=[b.weight for b in bursts],
        burst_weight=max(b.weight for b in bursts),
    )


def _timed(
    streams: Streams,
    relevant: Sequence[int],
    options: BurstOptions,
    kind: str,
    key: str,
    name: str,
    level: int | None = None,
) -> list[TimedBurst]:
    if sum(relevant) < options.min_support:
        return []
    periods = streams.periods
    return [
        TimedBurst(
            kind,
            key,
            name,
            periods.start(b.start).isoformat(),
            periods.end(b.end).isoformat(),
            round(b.weight, 4),
            sum(relevant[b.start : b.end + 1]),
            level,
        )
        for b in find_bursts(relevant, streams.totals, options)
    ]


def _empty(undated: int, options: BurstOptions, half_life_days: float) -> Timeline:
    return Timeline(None, [], [], [], undated, settings=_settings(options, half_life_days))


def _settings(options: BurstOptions, half_life_days: float) -> dict[str, Any]:
    return {
        "burst": asdict(options),
        "min_term_papers": MIN_TERM_PAPERS,
        "max_term_share": MAX_TERM_SHARE,
        "max_terms": MAX_TERMS,
        "label_min_papers": LABEL_MIN_PAPERS,
        "half_life_days": half_life_days,
        "velocity_days": VELOCITY_DAYS,
    }


def analyse_time(
    graph: nx.MultiDiGraph[str],
    *,
    unit: str | None = None,
    options: BurstOptions | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
) -> Timeline:
    """Bursts, timelines and time-aware ranks of ``graph``'s dated papers, set on its nodes
    (``burst_*`` on methods, datasets and clusters; ``feed_date``, ``recent_pagerank`` and
    ``citation_velocity`` on papers) and returned as the ``timeline.json`` record."""
    options = options or BurstOptions()
    _clear(graph)
    dates = paper_dates(graph)
    for node, day in dates.items():  # the day queries count the paper on (recency.feed_date)
        graph.nodes[node]["feed_date"] = day.isoformat()
    ranks = recent_pagerank(graph, half_life_days=half_life_days, dates=dates)
    for node, score in ranks.items():  # an undated paper has no "recent" rank to show
        if node in dates:
            graph.nodes[node]["recent_pagerank"] = score
    for node, speed in citation_velocity(graph, dates=dates).items():
        graph.nodes[node]["citation_velocity"] = speed
    streams = streams_of(graph, unit=unit, dates=dates)
    if streams is None:
        undated = sum(1 for _n, d in graph.nodes(data=True) if _is_corpus_paper(d))
        return _empty(undated, options, half_life_days)
    found: list[TimedBurst] = []
    for node, relevant in sorted(streams.entities.items()):
        data = graph.nodes[node]
        bursts = _timed(streams, relevant, options, str(data["type"]), node, str(data["name"]))
        if bursts:
            _store(graph, node, bursts)
            found += bursts
    topics = []
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        cluster = _cluster_of(attrs, "id") if attrs.get("type") == Label.CLUSTER else None
        if cluster is None or cluster_node_id(cluster) != node:
            continue
        level = int(attrs.get("level", SUBTOPIC))
        counts = streams.clusters.get(cluster, [0] * streams.periods.count)
        name = str(attrs.get("label", ""))
        bursts = _timed(streams, counts, options, str(Label.CLUSTER), node, name, level)
        if bursts:
            _store(graph, node, bursts)
            found += bursts
        per_period = streams.labels.get(level, {}).get(cluster, {})
        topics.append(
            TopicTimeline(
                cluster,
                level,
                name,
                list(counts),
                [per_period.get(i, []) for i in range(streams.periods.count)],
            )
        )
    for term, relevant in streams.terms.items():
        found += _timed(streams, relevant, options, TERM, term, term)
    found.sort(key=lambda b: (-b.weight, b.kind, b.key, b.start))
    periods = streams.periods
    return Timeline(
        periods.unit,
        periods.starts(),
        [periods.end(i).isoformat() for i in range(periods.count)],
        streams.totals,
        streams.undated,
        found,
        sorted(topics, key=lambda t: (t.level, t.cluster)),
        _settings(options, half_life_days),
    )


def bursting(timeline: Timeline, kinds: Iterable[str]) -> list[TimedBurst]:
    """The timeline's bursts of the given kinds, strongest first."""
    wanted = set(kinds)
    return [b for b in timeline.bursts if b.kind in wanted]

"""What is new in a window of time (``paperkg trends``): the methods, datasets and terms
bursting in it, the topics that appeared, grew, shrank or split, and the window's new papers
with the strongest early signals, each with its reasons.

The window is the timeline's newest period (the latest day or week) unless dates are given.
Topics are compared with the equally long stretch before the window, ending on the last
dated paper before it (a weekend or a gap of months in the feed is skipped): a topic grew
(shrank) when it has at least :data:`MIN_CHANGE` papers and :data:`GROWTH` times more
(fewer) than its share of the papers before would give the window (and, to shrink, fewer
papers than before). A new paper's
score adds up its signals, each worth at most 1 (citations 2):

- ``citations``: ``2 * (1 - 0.5 ** n)`` for ``n`` papers of the corpus citing it (mentions
  in their text, or references from Semantic Scholar or OpenAlex);
- ``code``: 1 when it links a code repository (``HAS_CODE``);
- ``bridge``: its bridge score (``paperkg bridges``) over the corpus's highest, when its
  links join two broad topics or more;
- ``bursting``: 1 when it uses, introduces or evaluates on a method or dataset bursting in
  the window;
- ``topic``: 1 when its topic or cluster bursts, appeared or grew in the window;
- ``recent_rank``: the share of dated papers with a lower recent PageRank.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.analytics.analyse import SUBTOPIC, TOPIC, cluster_node_id
from paperkg.graph.analytics.bridging import paper_spread
from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.analytics.recency import paper_dates
from paperkg.graph.analytics.timeline import TERM, TimedBurst, Timeline, analyse_time
from paperkg.graph.extract.gazetteer import entity_key
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.report.window import report_window
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search.filters import as_date
from paperkg.graph.snapshot.manifest import Manifest

__all__ = [
    "GROWTH",
    "MIN_CHANGE",
    "TOPIC_KIND",
    "UNDATED",
    "NewPaper",
    "TopicEvent",
    "TopicTrend",
    "TrendBurst",
    "TrendWindow",
    "TrendsReport",
    "shown_bursts",
    "timeline_of",
    "trends",
]

#: A topic grew (shrank) when it has at least this many papers more (fewer) than before...
MIN_CHANGE = 2
#: ...and at least this many times as many (as few).
GROWTH = 1.5
#: A paper's recent PageRank is named as a reason from this share of papers below it.
TOP_RANK = 0.9
#: What ``trends`` says of a snapshot none of whose papers is dated.
UNDATED = (
    "no paper of this snapshot is dated, so nothing can be said about time: listing pages "
    "print 'Mar 17' without a year; rebuild with `paperkg build SOURCES --year YYYY`, or "
    "add sources that carry dates (Hugging Face daily JSON, arXiv, Semantic Scholar, OpenAlex)"
)
#: Cluster events of the update history that ``trends`` reports (growth it measures itself).
_EVENTS = ("split", "merge", "birth", "dissolved")
#: ``TrendBurst.kind`` of a topic or cluster; methods and datasets have their label's, lower.
TOPIC_KIND = "topic"
_ENTITY_KINDS = (Label.METHOD.lower(), Label.DATASET.lower())
_ENTITY_VERBS: dict[str, str] = {
    RelType.USES: "uses",
    RelType.INTRODUCES: "introduces",
    RelType.EVALUATES_ON: "evaluates on",
}


@dataclass(frozen=True)
class TrendWindow:
    """The days looked at (``since`` to ``until``, both included) and its dated papers,
    and the stretch it is compared with (None when no paper is dated before it)."""

    since: str
    until: str
    unit: str | None
    days: int
    papers: int
    before_since: str | None = None
    before_until: str | None = None
    before_papers: int = 0


@dataclass(frozen=True)
class TrendBurst:
    """A method, dataset, term or topic bursting during the window: its burst's first and
    last day, weight and papers. ``also`` lists terms with the very same burst (they name
    one thing: "quadruped", "locomotion")."""

    kind: str
    key: str
    name: str
    start: str
    end: str
    weight: float
    papers: int
    level: int | None = None
    also: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TopicTrend:
    """A topic (``level`` 1) or cluster (2) that ``appeared`` (its first dated paper is in
    the window), ``grew``, ``shrank`` or is ``bursting``: its papers ``before`` and ``now``
    (in the window) and their shares of those stretches' papers, its size, first date and
    burst weight. ``same_as`` is the one cluster a topic consists of (the same papers,
    shown once)."""

    cluster: int
    level: int
    label: str
    kind: str
    before: int
    now: int
    share_before: float
    share_now: float
    size: int
    first: str | None
    burst_weight: float | None = None
    same_as: int | None = None


@dataclass(frozen=True)
class TopicEvent:
    """A split, merge, birth or dissolution recorded by a build that added papers of the
    window (``paperkg clusters --changes``), with the current labels of the clusters."""

    kind: str
    cluster: int
    level: int
    label: str
    before: int
    after: int
    related: list[int]
    related_labels: list[str]
    build: str


@dataclass(frozen=True)
class NewPaper:
    """A paper dated in the window, its score (the sum of ``signals``, see the module) and
    the reasons as short sentences."""

    id: str
    title: str
    published: str
    score: float
    cluster: int
    topic: int | None
    signals: dict[str, float]
    reasons: list[str]


@dataclass(frozen=True)
class TrendsReport:
    """``paperkg trends``: the window, its bursts (strongest first), topic trends and
    events, and its new papers (highest score first). ``note`` says why something is
    missing (no dated paper, an empty window) or was computed on the fly."""

    window: TrendWindow | None
    bursts: list[TrendBurst]
    topics: list[TopicTrend]
    events: list[TopicEvent]
    papers: list[NewPaper]
    dated: int
    undated: int
    notes: list[str] = field(default_factory=list)


def timeline_of(
    graph: nx.MultiDiGraph[str], stored: Timeline | None
) -> tuple[Timeline, nx.MultiDiGraph[str], bool]:
    """The snapshot's timeline and the graph that goes with it: ``stored`` with ``graph``,
    or, for a snapshot built before timelines (``stored`` None), one computed now on a copy
    (``graph`` is left as it is); the flag says which."""
    if stored is not None:
        return stored, graph, False
    copy = graph.copy()
    return analyse_time(copy), copy, True


def _window(
    timeline: Timeline, days: Sequence[date], since: date | None, until: date | None
) -> TrendWindow:
    """The window (:func:`report_window`) and the equally long stretch before it, ending
    at the last dated paper before the window. ``days`` is sorted."""
    since, until = report_window(timeline, days, since, until)
    inside = bisect_right(days, until) - bisect_left(days, since)
    length = (until - since).days + 1
    earlier = bisect_left(days, since)
    if earlier == 0:
        return TrendWindow(since.isoformat(), until.isoformat(), timeline.unit, length, inside)
    before_until = min(since - timedelta(days=1), days[earlier - 1])
    before_since = before_until - timedelta(days=length - 1)
    before = bisect_right(days, before_until) - bisect_left(days, before_since)
    return TrendWindow(
        since.isoformat(),
        until.isoformat(),
        timeline.unit,
        length,
        inside,
        before_since.isoformat(),
        before_until.isoformat(),
        before,
    )


def _in(day: str | date | None, start: str | None, end: str | None) -> bool:
    if day is None or start is None or end is None:
        return False
    text = day.isoformat() if isinstance(day, date) else day
    return start <= text <= end


def _overlaps(burst: TimedBurst, since: str, until: str) -> bool:
    return burst.start <= until and burst.end >= since


@dataclass
class _Topics:
    """Members of every topic and cluster, their labels, and which topic is one cluster."""

    members: dict[int, set[str]]
    level: dict[int, int]
    label: dict[int, str]
    same_as: dict[int, int]


def _topics(graph: nx.MultiDiGraph[str]) -> _Topics:
    members: dict[int, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        if is_paper(data):
            for key in ("topic", "cluster"):
                value = data.get(key)
                if isinstance(value, int) and value != UNCLUSTERED:
                    members[value].add(node)
    level, label, children = {}, {}, defaultdict(list)
    for _node, data in graph.nodes(data=True):
        if data.get("type") == Label.CLUSTER and int(data.get("id", UNCLUSTERED)) >= 0:
            cluster = int(data["id"])
            level[cluster] = int(data.get("level", SUBTOPIC))
            label[cluster] = str(data.get("label") or "")
            if level[cluster] == SUBTOPIC and data.get("topic") is not None:
                children[int(data["topic"])].append(cluster)
    same_as = {
        topic: only
        for topic, (only, *rest) in children.items()
        if not rest and members.get(topic) == members.get(only)
    }
    return _Topics(dict(members), level, label, same_as)


def shown_bursts(
    graph: nx.MultiDiGraph[str], timeline: Timeline, since: str, until: str
) -> list[TimedBurst]:
    """The timeline's bursts overlapping ``since``..``until`` (ISO days) that are worth a
    row, strongest first: a cluster that is its topic's only one is left to the topic, and
    a term that is the name of a bursting method or dataset to it. ``trends`` and the
    digest both list these."""
    return _shown(timeline, since, until, _topics(graph))


def _shown(timeline: Timeline, since: str, until: str, topics: _Topics) -> list[TimedBurst]:
    hidden = {cluster_node_id(c) for c in topics.same_as.values()}
    overlapping = [b for b in timeline.bursts if _overlaps(b, since, until)]
    named = {
        entity_key(b.key.split(":", 1)[-1])
        for b in overlapping
        if b.kind in (Label.METHOD, Label.DATASET)
    }
    return [
        b
        for b in overlapping
        if b.key not in hidden and not (b.kind == TERM and entity_key(b.key) in named)
    ]


def _bursts(timeline: Timeline, window: TrendWindow, topics: _Topics) -> list[TrendBurst]:
    """:func:`shown_bursts` as rows, terms with the very same burst as one row."""
    rows: list[TrendBurst] = []
    by_shape: dict[tuple[str, str, float, int], int] = {}
    for burst in _shown(timeline, window.since, window.until, topics):
        if burst.kind == TERM:
            shape = (burst.start, burst.end, burst.weight, burst.papers)
            if shape in by_shape:
                rows[by_shape[shape]].also.append(burst.name)
                continue
            by_shape[shape] = len(rows)
        kind = TOPIC_KIND if burst.kind == Label.CLUSTER else burst.kind.lower()
        rows.append(
            TrendBurst(
                kind,
                burst.key,
                burst.name,
                burst.start,
                burst.end,
                burst.weight,
                burst.papers,
                burst.level,
            )
        )
    return rows


def _topic_trends(
    timeline: Timeline,
    window: TrendWindow,
    topics: _Topics,
    dates: Mapping[str, date],
) -> list[TopicTrend]:
    """Every topic and cluster that appeared, grew, shrank or bursts in the window."""
    weights = {
        int(b.key.split(":", 1)[1]): b.weight
        for b in reversed(timeline.bursts)
        if b.kind == Label.CLUSTER and _overlaps(b, window.since, window.until)
    }
    hidden = set(topics.same_as.values())
    found = []
    for cluster, level in topics.level.items():
        if cluster in hidden:
            continue
        days = [dates[p] for p in topics.members.get(cluster, ()) if p in dates]
        now = sum(1 for d in days if _in(d, window.since, window.until))
        before = sum(1 for d in days if _in(d, window.before_since, window.before_until))
        first = min(days, default=None)
        # What its share of the papers before would give now: a feed of 300 papers a
        # week that drops to 70 does not shrink every topic.
        expected = before * window.papers / window.before_papers if window.before_papers else 0
        if _in(first, window.since, window.until):
            kind = "appeared"
        elif now - expected >= MIN_CHANGE and now >= GROWTH * expected:
            kind = "grew"
        elif expected - now >= MIN_CHANGE and expected >= GROWTH * now and now < before:
            kind = "shrank"
        elif cluster in weights:
            kind = "bursting"
        else:
            continue
        found.append(
            TopicTrend(
                cluster,
                level,
                topics.label.get(cluster, ""),
                kind,
                before,
                now,
                round(before / window.before_papers, 4) if window.before_papers else 0.0,
                round(now / window.papers, 4) if window.papers else 0.0,
                len(topics.members.get(cluster, ())),
                None if first is None else first.isoformat(),
                weights.get(cluster),
                topics.same_as.get(cluster),
            )
        )
    order = {"appeared": 0, "grew": 1, "bursting": 2, "shrank": 3}
    found.sort(
        key=lambda t: (order[t.kind], -abs(t.share_now - t.share_before), t.level, t.cluster)
    )
    return found


def _source_file(source: str) -> str:
    """``path`` of a paper's ``path:line`` source."""
    path, _sep, line = source.rpartition(":")
    return path if path and line.isdigit() else source


def _events(
    manifest: Manifest | None, graph: nx.MultiDiGraph[str], window_papers: Iterable[str]
) -> list[TopicEvent]:
    """Splits, merges, births and dissolutions of the builds that read a window paper."""
    if manifest is None or not manifest.updates:
        return []
    files = {
        _source_file(str(s)) for p in window_papers for s in graph.nodes[p].get("sources") or ()
    }
    labels = {
        int(d["id"]): str(d.get("label") or "")
        for _n, d in graph.nodes(data=True)
        if d.get("type") == Label.CLUSTER
    }
    found = []
    for update in manifest.updates:
        changes = update.cluster_changes
        if changes is None or not files & set(update.inputs or ()):
            continue
        for event in changes.events:
            if event.kind in _EVENTS:
                found.append(
                    TopicEvent(
                        event.kind,
                        event.cluster,
                        event.level,
                        labels.get(event.cluster, "(gone)"),
                        event.before,
                        event.after,
                        list(event.related),
                        [labels.get(c, "(gone)") for c in event.related],
                        update.created or "",
                    )
                )
    return found


def _repo_name(data: Mapping[str, Any]) -> str:
    url = str(data.get("url") or "")
    return url.split("://", 1)[-1].rstrip("/")


def _percentiles(values: Mapping[str, float]) -> dict[str, float]:
    """Per key, the share of the other keys with a lower value."""
    ordered = sorted(values.values())
    if len(ordered) < 2:
        return dict.fromkeys(values, 0.0)
    return {k: bisect_left(ordered, v) / (len(ordered) - 1) for k, v in values.items()}


@dataclass
class _Signals:
    """What the paper scores are computed from, once per report."""

    bursting: dict[str, TrendBurst]
    rising: dict[int, str]
    labels: dict[int, str]
    max_bridge: float
    rank: dict[str, float]


def _score_paper(graph: nx.MultiDiGraph[str], paper: str, day: date, known: _Signals) -> NewPaper:
    """One window paper (dated ``day``): its signals and reasons (see the module)."""
    data = graph.nodes[paper]
    reasons: list[str] = []
    citing = {
        u
        for u, _v, key in graph.in_edges(paper, keys=True)
        if relationship_type(key) == RelType.CITES and u != paper and is_paper(graph.nodes[u])
    }
    if citing:
        reasons.append(f"cited by {len(citing)} paper{'s' * (len(citing) > 1)} in the feed")
    repos, entities = [], []
    for _u, target, key in graph.out_edges(paper, keys=True):
        kind = relationship_type(key)
        if kind == RelType.HAS_CODE:
            repos.append(_repo_name(graph.nodes[target]))
        elif kind in _ENTITY_VERBS and target in known.bursting:
            burst = known.bursting[target]
            entities.append(f"{_ENTITY_VERBS[kind]} bursting {burst.kind} {burst.name}")
    if repos:
        reasons.append("has code " + ", ".join(sorted(set(repos))[:2]))
    reasons += sorted(set(entities))
    bridge = float(data.get("bridge_score") or 0.0)
    joins = paper_spread(graph, paper, "topic").joins if bridge > 0 else []
    if len(joins) >= 2:
        named = [f'"{known.labels.get(c) or c}"' for c in joins]
        reasons.append(f"bridges topics {', '.join(named[:-1])} and {named[-1]}")
    else:
        bridge = 0.0
    own = [c for c in (data.get("topic"), data.get("cluster")) if c in known.rising]
    if own:
        reasons.append(known.rising[own[0]])
    rank = known.rank.get(paper, 0.0)
    if rank == 1.0:
        reasons.append("the highest recent PageRank of the corpus")
    elif rank >= TOP_RANK:
        reasons.append(f"recent PageRank in the top {math.ceil((1 - rank) * 100)}%")
    signals = {
        "citations": round(2 * (1 - 0.5 ** len(citing)), 4),
        "code": 1.0 if repos else 0.0,
        "bridge": round(bridge / known.max_bridge, 4) if known.max_bridge > 0 else 0.0,
        "bursting": 1.0 if entities else 0.0,
        "topic": 1.0 if own else 0.0,
        "recent_rank": round(rank, 4),
    }
    topic = data.get("topic")
    return NewPaper(
        paper,
        str(data.get("title") or ""),
        day.isoformat(),
        round(sum(signals.values()), 4),
        int(data.get("cluster", UNCLUSTERED)),
        topic if isinstance(topic, int) else None,
        signals,
        reasons,
    )


def _rising(topic_rows: Sequence[TopicTrend]) -> dict[int, str]:
    """Cluster id -> the reason a paper in it gets (a topic row also speaks for its
    only cluster)."""
    found: dict[int, str] = {}
    for row in topic_rows:
        if row.kind == "shrank":
            continue
        what = "topic" if row.level == TOPIC else "cluster"
        text = {
            "appeared": f'in new {what} "{row.label}"',
            "grew": f'in growing {what} "{row.label}" '
            f"({row.share_before:.0%} -> {row.share_now:.0%} of the papers)",
            "bursting": f'in bursting {what} "{row.label}"',
        }[row.kind]
        found[row.cluster] = text
        if row.same_as is not None:
            found[row.same_as] = text
    return found


def trends(
    graph: nx.MultiDiGraph[str],
    timeline: Timeline | None,
    manifest: Manifest | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    limit: int = 10,
    *,
    computed: bool = False,
) -> TrendsReport:
    """What is new between ``since`` and ``until`` (ISO dates, both included; default: the
    timeline's newest period): bursts, topic trends and events, new papers by early signals,
    at most ``limit`` rows each. ``timeline`` None (a snapshot built before timelines) is
    computed on a copy of ``graph``; ``computed`` says the caller did that already."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ParameterError(f"limit must be at least 1, got {limit!r}", param="limit")
    start, end = as_date(since, "since"), as_date(until, "until")
    if start is not None and end is not None and start > end:
        raise ParameterError(
            f"since ({start.isoformat()}) is after until ({end.isoformat()})", param="since"
        )
    timeline, graph, now = timeline_of(graph, timeline)
    notes = []
    if computed or now:
        notes.append(
            "this snapshot has no timeline.json (built before time analytics): computed now; "
            "build it again to store it"
        )
    if timeline.unit is None:
        return TrendsReport(None, [], [], [], [], 0, timeline.undated, [*notes, UNDATED])
    dates = paper_dates(graph)
    days = sorted(dates.values())
    window = _window(timeline, days, start, end)
    if window.papers == 0:
        notes.append(f"no paper is dated from {window.since} to {window.until}: a quiet stretch")
    topics = _topics(graph)
    bursts = _bursts(timeline, window, topics)
    topic_rows = _topic_trends(timeline, window, topics, dates)
    new = sorted(p for p, d in dates.items() if _in(d, window.since, window.until))
    nodes = graph.nodes
    known = _Signals(
        bursting={b.key: b for b in bursts if b.kind in _ENTITY_KINDS},
        rising=_rising(topic_rows),
        labels=topics.label,
        max_bridge=max((float(nodes[p].get("bridge_score") or 0.0) for p in dates), default=0.0),
        rank=_percentiles(
            {p: float(nodes[p]["recent_pagerank"]) for p in dates if "recent_pagerank" in nodes[p]}
        ),
    )
    papers = [_score_paper(graph, p, dates[p], known) for p in new]
    papers.sort(key=lambda p: (-p.score, p.published, p.id))
    return TrendsReport(
        window,
        bursts[:limit],
        topic_rows[:limit],
        _events(manifest, graph, new)[:limit],
        papers[:limit],
        len(dates),
        timeline.undated,
        notes,
    )

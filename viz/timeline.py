"""The site's timeline page: papers per period per broad topic as a stacked step chart (inline
SVG drawn here, in the topic colours the maps use), a row per topic with its own small chart
and the label terms of each period (``Timeline.topics[].labels``), and the bursts.

Everything is computed in Python and reaches the page through the autoescaping template: no
script, no network (the page's content security policy allows neither).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from paperkg.graph.analytics.timeline import TimedBurst, Timeline, TopicTimeline
from paperkg.graph.schema import Label
from paperkg.viz.html import PALETTE, UNCLUSTERED_COLOR, environment

__all__ = [
    "CHART_HEIGHT",
    "CHART_WIDTH",
    "Layer",
    "StackedChart",
    "TopicRow",
    "burst_kind",
    "stacked_chart",
    "timeline_page",
    "topic_rows",
]

CHART_WIDTH, CHART_HEIGHT = 900, 260
#: Left and bottom margins of the chart, for the axes' labels.
_LEFT, _BOTTOM, _TOP = 44, 34, 10
#: At most this many dates under the chart's x axis.
_X_TICKS = 8
_SPARK_WIDTH, _SPARK_HEIGHT = 240, 36
#: Bursts listed on the page (the strongest first); the rest are counted.
MAX_BURSTS = 200


def burst_kind(burst: TimedBurst) -> str:
    """How a burst's kind reads: method, dataset, topic or cluster, term."""
    if burst.kind == Label.CLUSTER:
        return "topic" if burst.level == 1 else "cluster"
    return burst.kind.lower()


def topic_color(cluster: int) -> str:
    """The colour the maps give a topic or cluster id (grey for none)."""
    return PALETTE[cluster % len(PALETTE)] if cluster >= 0 else UNCLUSTERED_COLOR


@dataclass(frozen=True)
class Layer:
    """One band of the stacked chart: a topic (``cluster`` -1: papers in no topic), its
    colour, the SVG polygon of its band and its papers in all periods."""

    cluster: int
    label: str
    color: str
    points: str
    total: int
    href: str | None = None


@dataclass(frozen=True)
class Tick:
    """An axis label at ``at`` (x for dates, y for counts)."""

    at: float
    text: str


@dataclass(frozen=True)
class StackedChart:
    """The chart's size, bands (bottom first), axis ticks and plot area."""

    width: int
    height: int
    layers: list[Layer]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: float
    top: float
    right: float
    bottom: float
    unit: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class TopicRow:
    """A topic's row under the chart: its small chart, total and per-period labels
    (``(period, terms)`` for the periods that have them); ``clusters`` nested under it."""

    cluster: int
    level: int
    label: str
    color: str
    total: int
    bars: list[Bar]
    labels: list[tuple[str, str]]
    href: str | None = None
    clusters: list[TopicRow] = field(default_factory=list)


def _level(timeline: Timeline) -> int:
    """The broad level present: 1, or 2 for a snapshot from before topics had levels."""
    return min((t.level for t in timeline.topics), default=1)


def stacked_chart(timeline: Timeline, hrefs: Mapping[int, str] | None = None) -> StackedChart:
    """Papers per period stacked by broad topic (the largest at the bottom), the papers of no
    topic on top in grey; each period is a step, so one period draws as well as a hundred."""
    hrefs = hrefs or {}
    n = len(timeline.periods)
    level = _level(timeline)
    topics = sorted(
        (t for t in timeline.topics if t.level == level and sum(t.counts) > 0),
        key=lambda t: (-sum(t.counts), t.cluster),
    )
    rest = [total - sum(t.counts[i] for t in topics) for i, total in enumerate(timeline.totals)]
    bands: list[tuple[int, str, list[int]]] = [
        (t.cluster, f"{t.cluster}: {t.label}" if t.label else f"topic {t.cluster}", t.counts)
        for t in topics
    ]
    if any(c > 0 for c in rest):
        bands.append((-1, "in no topic", [max(c, 0) for c in rest]))
    peak = max(timeline.totals, default=0) or 1
    right, bottom = CHART_WIDTH - 10, CHART_HEIGHT - _BOTTOM
    step = (right - _LEFT) / max(n, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - _TOP) * value / peak, 1)

    base = [0] * n
    layers = []
    for cluster, label, counts in bands:
        top = [b + c for b, c in zip(base, counts, strict=True)]
        upper = [
            f"{round(_LEFT + i * step + dx, 1)},{y(top[i])}" for i in range(n) for dx in (0, step)
        ]
        lower = [
            f"{round(_LEFT + i * step + dx, 1)},{y(base[i])}"
            for i in reversed(range(n))
            for dx in (step, 0)
        ]
        layers.append(
            Layer(
                cluster,
                label,
                topic_color(cluster),
                " ".join(upper + lower),
                sum(counts),
                hrefs.get(cluster),
            )
        )
        base = top
    every = max(1, math.ceil(n / _X_TICKS))
    x_ticks = [
        Tick(round(_LEFT + i * step + step / 2, 1), timeline.periods[i]) for i in range(0, n, every)
    ]
    y_ticks = [Tick(y(v), str(v)) for v in sorted({0, math.ceil(peak / 2), peak})]
    return StackedChart(
        CHART_WIDTH,
        CHART_HEIGHT,
        layers,
        x_ticks,
        y_ticks,
        _LEFT,
        _TOP,
        right,
        bottom,
        timeline.unit or "",
    )


def _bars(timeline: Timeline, topic: TopicTimeline, peak: int) -> list[Bar]:
    n = len(timeline.periods)
    width = _SPARK_WIDTH / max(n, 1)
    bars = []
    for i, count in enumerate(topic.counts):
        height = round(_SPARK_HEIGHT * count / peak, 1) if peak else 0.0
        bars.append(
            Bar(
                round(i * width, 2),
                round(_SPARK_HEIGHT - height, 1),
                round(max(width - 0.5, 0.5), 2),
                height,
                f"{timeline.periods[i]}: {count} paper{'' if count == 1 else 's'}",
            )
        )
    return bars


def _row(timeline: Timeline, topic: TopicTimeline, peak: int, hrefs: Mapping[int, str]) -> TopicRow:
    labels = [
        (timeline.periods[i], ", ".join(terms)) for i, terms in enumerate(topic.labels) if terms
    ]
    return TopicRow(
        topic.cluster,
        topic.level,
        topic.label,
        topic_color(topic.cluster),
        sum(topic.counts),
        _bars(timeline, topic, peak),
        labels,
        hrefs.get(topic.cluster),
    )


def topic_rows(
    timeline: Timeline,
    parents: Mapping[int, int] | None = None,
    hrefs: Mapping[int, str] | None = None,
) -> list[TopicRow]:
    """A row per broad topic, most papers first, each with its clusters (``parents`` gives a
    cluster's topic) when it has more than one; every small chart on one scale."""
    hrefs = hrefs or {}
    parents = parents or {}
    level = _level(timeline)
    peak = max((max(t.counts, default=0) for t in timeline.topics), default=0)
    inside: dict[int, list[TopicTimeline]] = {}
    for topic in timeline.topics:
        if topic.level > level and topic.cluster in parents:
            inside.setdefault(parents[topic.cluster], []).append(topic)
    rows = []
    for topic in sorted(
        (t for t in timeline.topics if t.level == level),
        key=lambda t: (-sum(t.counts), t.cluster),
    ):
        clusters = sorted(inside.get(topic.cluster, []), key=lambda t: (-sum(t.counts), t.cluster))
        row = _row(timeline, topic, peak, hrefs)
        if len(clusters) > 1:
            row.clusters.extend(_row(timeline, c, peak, hrefs) for c in clusters)
        rows.append(row)
    return rows


def timeline_page(
    timeline: Timeline,
    *,
    parents: Mapping[int, int] | None = None,
    topic_hrefs: Mapping[int, str] | None = None,
    burst_href: Callable[[TimedBurst], str | None] | None = None,
    home: str = "index.html",
) -> str:
    """The whole timeline page (``timeline.html`` of the site); links are relative to it."""
    bursts = timeline.bursts[:MAX_BURSTS]
    return (
        environment()
        .get_template("timeline.html")
        .render(
            timeline=timeline,
            chart=stacked_chart(timeline, topic_hrefs),
            rows=topic_rows(timeline, parents, topic_hrefs),
            bursts=[(b, burst_href(b) if burst_href else None) for b in bursts],
            more=len(timeline.bursts) - len(bursts),
            spark=(_SPARK_WIDTH, _SPARK_HEIGHT),
            home=home,
            burst_kind=burst_kind,
        )
    )

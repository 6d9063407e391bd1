"""The "this week" digest: the papers dated in a window, grouped by broad topic and cluster,
each with its closest earlier papers, its methods, datasets and code, and the bursts of the
timeline that overlap the window (``paperkg digest``).

The window defaults to the timeline's newest period (the last day, or the last week when the
snapshot's dates span more than six weeks). Two cases are told apart on purpose:

- a window outside the snapshot's dated papers (after the newest, before the oldest) is a
  ``ParameterError`` naming the dates there are: it is a mistyped date or a feed not built
  yet, and an empty file would hide that;
- a window inside that span with no paper in it (a quiet day) is an empty digest: there was
  nothing new, and saying so is the answer.

A snapshot with no dated paper at all is a ``SnapshotError``: there is no period to digest.

A digest for a tag (``paperkg digest --tag``) lists only the window's papers the tag's
recommendations rank (a :class:`TagRanking`), best first within each group, and the groups
in the order of their best paper.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError, SnapshotError
from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.analytics.periods import DAY
from paperkg.graph.analytics.recency import paper_dates
from paperkg.graph.analytics.timeline import TimedBurst, Timeline
from paperkg.graph.extract.confidence import check_min_confidence
from paperkg.graph.extract.urls import is_web_url
from paperkg.graph.model import edge_confidence, relationship_type
from paperkg.graph.report.trends import shown_bursts, timeline_of
from paperkg.graph.report.window import report_window
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search.filters import as_date

__all__ = [
    "CLOSE",
    "EARLIER",
    "Digest",
    "DigestCluster",
    "DigestPaper",
    "DigestTopic",
    "EarlierPaper",
    "LinkedEntity",
    "Ranked",
    "TagRanking",
    "digest",
    "digest_window",
]

#: Closest earlier papers listed per new paper.
EARLIER = 3
#: A new paper none of whose earlier papers reaches this cosine breaks new ground.
CLOSE = 0.5
_ENTITY_RELATIONS = (RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON)
_ENTITY_KINDS = frozenset({Label.METHOD, Label.DATASET})


@dataclass(frozen=True)
class EarlierPaper:
    """A paper dated before the new one and similar to it (``cosine``, either direction of
    the kNN link); ``also_new`` when it is itself in the window."""

    id: str
    title: str
    published: str
    cosine: float
    also_new: bool


@dataclass(frozen=True)
class LinkedEntity:
    """A method or dataset a new paper introduces, uses or evaluates on."""

    id: str
    kind: str
    name: str
    relation: str
    confidence: float


@dataclass(frozen=True)
class Ranked:
    """A paper's place in a tag's ranking: its rank (1: best), score and reasons."""

    rank: int
    score: float
    why: str


@dataclass(frozen=True)
class TagRanking:
    """The tag a digest is ranked for: its name, how it was ranked (``mode``, ``note`` as
    the recommendations give them), how many papers of the window were ranked
    (``candidates``) and the papers shown, by id."""

    tag: str
    mode: str
    note: str
    candidates: int
    ranks: dict[str, Ranked] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestPaper:
    """One new paper: its date and links, entities, code and closest earlier papers."""

    id: str
    title: str
    published: str
    arxiv_id: str | None
    doi: str | None
    url: str | None
    cluster: int
    topic: int
    entities: list[LinkedEntity] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    earlier: list[EarlierPaper] = field(default_factory=list)
    #: No earlier paper is close to it (cosine below :data:`CLOSE`, or none at all) while
    #: the snapshot has papers before its day: a new direction.
    new_ground: bool = False
    #: Its place in the tag's ranking, in a digest for a tag.
    ranked: Ranked | None = None


@dataclass(frozen=True)
class DigestCluster:
    """The new papers of one cluster (``id`` -1: in none), oldest first."""

    id: int
    label: str
    papers: list[DigestPaper]


@dataclass(frozen=True)
class DigestTopic:
    """The new papers of one broad topic (``id`` -1: in none), by cluster, most papers first."""

    id: int
    label: str
    clusters: list[DigestCluster]

    @property
    def size(self) -> int:
        return sum(len(c.papers) for c in self.clusters)


@dataclass(frozen=True)
class Digest:
    """The window (ISO days, both included), its ``unit`` (day or week), the newest and
    oldest dates of the snapshot, the new papers by topic (most papers first, unclustered
    last) and the timeline's bursts overlapping the window, strongest first."""

    since: str
    until: str
    unit: str
    newest: str
    oldest: str
    topics: list[DigestTopic]
    bursts: list[TimedBurst]
    undated: int = 0
    #: The tag the papers are ranked for (their ranks are on the papers), or None.
    tag: TagRanking | None = None

    @property
    def papers(self) -> int:
        """How many new papers the digest lists."""
        return sum(t.size for t in self.topics)


def digest(
    graph: nx.MultiDiGraph[str],
    timeline: Timeline | None,
    since: date | str | None = None,
    until: date | str | None = None,
    *,
    min_confidence: float = 0.0,
    earlier: int = EARLIER,
    ranking: TagRanking | None = None,
) -> Digest:
    """The papers dated from ``since`` to ``until`` (ISO dates, both included; default: the
    timeline's newest period) grouped by topic, each with up to ``earlier`` closest earlier
    papers and its methods and datasets linked with at least ``min_confidence`` (0: every
    link the snapshot keeps), and the timeline's bursts overlapping the window. With a
    ``ranking``, only the papers it ranks, best first."""
    check_min_confidence(min_confidence)
    if earlier < 0:
        raise ParameterError(f"earlier must be at least 0, got {earlier}", param="earlier")
    dates = _dates(graph)
    timeline, _graph, _computed = timeline_of(graph, timeline)
    start, end = _window(timeline, dates, since, until)
    unit = timeline.unit or DAY
    oldest = min(dates.values())
    new = {n for n, day in dates.items() if start <= day <= end}
    listed = new if ranking is None else new & ranking.ranks.keys()
    labels = {
        int(d["id"]): str(d.get("label") or "")
        for _n, d in graph.nodes(data=True)
        if d.get("type") == Label.CLUSTER
    }
    grouped: dict[int, dict[int, list[DigestPaper]]] = defaultdict(lambda: defaultdict(list))
    for node in listed:
        paper = _paper(graph, node, dates, new, min_confidence, earlier, oldest)
        if ranking is not None:
            paper = replace(paper, ranked=ranking.ranks[node])
        grouped[paper.topic][paper.cluster].append(paper)
    topics = [
        DigestTopic(
            topic,
            labels.get(topic, "") if topic != UNCLUSTERED else "",
            sorted(
                (
                    DigestCluster(
                        cluster,
                        labels.get(cluster, "") if cluster != UNCLUSTERED else "",
                        sorted(papers, key=_paper_order),
                    )
                    for cluster, papers in clusters.items()
                ),
                key=lambda c: (_best(c.papers), c.id == UNCLUSTERED, -len(c.papers), c.id),
            ),
        )
        for topic, clusters in grouped.items()
    ]
    topics.sort(
        key=lambda t: (
            _best([p for c in t.clusters for p in c.papers]),
            t.id == UNCLUSTERED,
            -t.size,
            t.id,
        )
    )
    bursts = shown_bursts(graph, timeline, start.isoformat(), end.isoformat())
    undated = sum(1 for _n, d in graph.nodes(data=True) if _corpus(d)) - len(dates)
    return Digest(
        start.isoformat(),
        end.isoformat(),
        unit,
        max(dates.values()).isoformat(),
        min(dates.values()).isoformat(),
        topics,
        bursts,
        undated,
        None if ranking is None else replace(ranking, ranks={}),
    )


def digest_window(
    graph: nx.MultiDiGraph[str],
    timeline: Timeline | None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> tuple[date, date]:
    """The window :func:`digest` lists for these ``since`` and ``until`` (first and last
    day, both included), with the same errors: so a ranking can be made for it first."""
    dates = _dates(graph)
    return _window(timeline_of(graph, timeline)[0], dates, since, until)


def _dates(graph: nx.MultiDiGraph[str]) -> dict[str, date]:
    dates = paper_dates(graph)
    if not dates:
        raise SnapshotError(
            "no paper of this snapshot has a date, so there is no period to digest: build "
            "from sources that carry dates, or give listing pages their year with --year"
        )
    return dates


def _window(
    timeline: Timeline,
    dates: dict[str, date],
    since: date | str | None,
    until: date | str | None,
) -> tuple[date, date]:
    return report_window(
        timeline, sorted(dates.values()), as_date(since, "since"), as_date(until, "until")
    )


def _paper_order(paper: DigestPaper) -> tuple[int, str, str, str]:
    """Best rank first in a ranked digest, else oldest first."""
    rank = paper.ranked.rank if paper.ranked is not None else 0
    return (rank, paper.published, paper.title, paper.id)


def _best(papers: list[DigestPaper]) -> int:
    """The best rank among ``papers`` (0 in a digest without a ranking: no effect)."""
    return min((p.ranked.rank for p in papers if p.ranked is not None), default=0)


def _corpus(data: dict[str, Any]) -> bool:
    return data.get("type") == Label.PAPER and not data.get("stub")


def _group(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else UNCLUSTERED


def _paper(
    graph: nx.MultiDiGraph[str],
    node: str,
    dates: dict[str, date],
    new: set[str],
    min_confidence: float,
    earlier: int,
    oldest: date,
) -> DigestPaper:
    data = graph.nodes[node]
    entities: list[LinkedEntity] = []
    code: list[str] = [str(url) for url in data.get("code") or [] if is_web_url(str(url))]
    cosine: dict[str, float] = {}
    for _u, target, key, edge in graph.out_edges(node, keys=True, data=True):
        kind = relationship_type(key)
        target_data = graph.nodes[target]
        if kind == RelType.SIMILAR_TO:
            cosine[target] = max(cosine.get(target, -1.0), float(edge.get("score", 0.0)))
        elif kind == RelType.HAS_CODE and is_web_url(str(target_data.get("url") or "")):
            code.append(str(target_data["url"]))
        elif (
            kind in _ENTITY_RELATIONS
            and target_data.get("type") in _ENTITY_KINDS
            and edge_confidence(edge) >= min_confidence
        ):
            entities.append(
                LinkedEntity(
                    target,
                    str(target_data["type"]),
                    str(target_data.get("name") or target),
                    kind,
                    edge_confidence(edge),
                )
            )
    for source, _v, key, edge in graph.in_edges(node, keys=True, data=True):
        if relationship_type(key) == RelType.SIMILAR_TO:
            cosine[source] = max(cosine.get(source, -1.0), float(edge.get("score", 0.0)))
    own = dates[node]
    before = sorted(
        (n for n in cosine if n != node and n in dates and dates[n] < own),
        key=lambda n: (-cosine[n], n),
    )[:earlier]
    order = {str(r): i for i, r in enumerate(_ENTITY_RELATIONS)}
    entities.sort(key=lambda e: (order[e.relation], e.kind, e.name.casefold()))
    return DigestPaper(
        node,
        str(data.get("title") or node),
        own.isoformat(),
        data.get("arxiv_id") or None,
        data.get("doi") or None,
        data.get("url") or None,
        _group(data, "cluster"),
        _group(data, "topic"),
        _unique_entities(entities),
        list(dict.fromkeys(code)),
        [
            EarlierPaper(
                n,
                str(graph.nodes[n].get("title") or n),
                dates[n].isoformat(),
                round(cosine[n], 4),
                n in new,
            )
            for n in before
        ],
        own > oldest and not any(cosine[n] >= CLOSE for n in before),
    )


def _unique_entities(entities: list[LinkedEntity]) -> list[LinkedEntity]:
    """One line per entity and relation (a paper linked twice by two sources)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for entity in entities:
        if (entity.id, entity.relation) not in seen:
            seen.add((entity.id, entity.relation))
            kept.append(entity)
    return kept

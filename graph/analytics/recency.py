"""Time-aware ranking: PageRank that favours recent papers, and how fast papers are cited.

``recent_pagerank`` is PageRank over the directed paper network the plain ``pagerank``
uses (similarity and citation edges, ``analyse._directed_papers``) whose random jumps land
on a paper in proportion to ``2 ** (-age / half_life)``: a paper :data:`HALF_LIFE_DAYS`
older than the newest paper is jumped to half as often (arxiv-sanity's "top recent" idea,
kept inside the graph). Undated papers are never jumped to, but links still reach them.
Ages count from the newest paper's date, not from today, so building twice gives the same
scores.
"""

from __future__ import annotations

import math
from datetime import date

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.analytics.analyse import _directed_papers
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.schema import RelType
from paperkg.graph.search.filters import paper_date

__all__ = [
    "HALF_LIFE_DAYS",
    "VELOCITY_DAYS",
    "citation_velocity",
    "newest_date",
    "paper_dates",
    "recent_pagerank",
]

#: A paper this many days older than the newest is teleported to half as often.
HALF_LIFE_DAYS = 90.0
#: Citation velocity counts citations per this many days; a paper younger than this is
#: taken to be this old (one citation on its first day is not 30 a month).
VELOCITY_DAYS = 30


def paper_dates(graph: nx.MultiDiGraph[str]) -> dict[str, date]:
    """The date of every dated paper of the corpus (stubs and undated papers left out)."""
    found: dict[str, date] = {}
    for node, data in graph.nodes(data=True):
        if is_paper(data):
            day = paper_date(data)
            if day is not None:
                found[node] = day
    return found


def newest_date(dates: dict[str, date]) -> date | None:
    """The date ages are counted from: the newest paper's, None when nothing is dated."""
    return max(dates.values(), default=None)


def recent_pagerank(
    graph: nx.MultiDiGraph[str],
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    dates: dict[str, date] | None = None,
) -> dict[str, float]:
    """Time-decayed PageRank of every corpus paper; empty when no paper is dated (a
    decay needs dates). Scores sum to 1 like ``pagerank``."""
    if not half_life_days > 0:
        raise ParameterError(
            f"half_life_days must be above 0, got {half_life_days}", param="half_life_days"
        )
    dates = paper_dates(graph) if dates is None else dates
    newest = newest_date(dates)
    directed = _directed_papers(graph)
    if newest is None or directed.number_of_nodes() == 0:
        return {}
    teleport = {
        node: math.pow(2.0, -(newest - day).days / half_life_days)
        for node, day in dates.items()
        if node in directed
    }
    if not teleport:
        return {}
    scores = nx.pagerank(directed, weight="weight", personalization=teleport)
    return {node: round(value, 8) for node, value in scores.items()}


def citation_velocity(
    graph: nx.MultiDiGraph[str], *, dates: dict[str, date] | None = None
) -> dict[str, float]:
    """Citations per :data:`VELOCITY_DAYS` days since each dated, cited corpus paper
    appeared (age counted to the newest paper's date, at least one window); others are
    left out. A citation is one citing paper, whatever number of sources name it."""
    dates = paper_dates(graph) if dates is None else dates
    newest = newest_date(dates)
    if newest is None:
        return {}
    velocity: dict[str, float] = {}
    for node, day in dates.items():
        citing = {
            source
            for source, _target, key in graph.in_edges(node, keys=True)
            if relationship_type(key) == RelType.CITES and source != node
        }
        if citing:
            age = max((newest - day).days, VELOCITY_DAYS)
            velocity[node] = round(len(citing) * VELOCITY_DAYS / age, 6)
    return velocity

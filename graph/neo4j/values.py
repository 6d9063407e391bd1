"""Snapshot property values as Neo4j stores them: ISO date text as ``date`` values, and no
non-finite floats (left out, like None). The push and the CSV export share this."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from paperkg.graph.analytics.timeline import BURST_ATTRIBUTES

__all__ = ["DATE_PROPERTIES", "TIME_PROPERTIES", "neo4j_value"]

#: Properties holding ISO dates (or lists of them), stored as Neo4j ``date`` values.
DATE_PROPERTIES = frozenset(
    {"published", "listed_dates", "feed_date", "burst_starts", "burst_ends"}
)


#: What the time analytics set on a node only while it holds (a burst, a paper's date in
#: the feed and its time-aware ranks): a push names them on every row, None where absent,
#: so one that no longer holds is removed from Neo4j too.
TIME_PROPERTIES = frozenset(
    {*BURST_ATTRIBUTES, "feed_date", "recent_pagerank", "citation_velocity"}
)


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def neo4j_value(name: str, value: Any) -> Any:
    """The value of property ``name`` as a push writes it; None for what is left out."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if name in DATE_PROPERTIES:
        return [_date(v) for v in value] if isinstance(value, list) else _date(value)
    return value

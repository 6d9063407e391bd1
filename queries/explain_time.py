"""Why a query of the ``trends`` pack answered nothing: no dated paper, a parameter out of
range, or a window in which nothing bursts or no topic began, said in one line with what
the database does hold ("no method, dataset or topic bursts between 2026-08-02 and
2026-08-08; its 4 bursts run from 2026-03-16 to 2026-08-09").

:func:`explain_time` is asked by :func:`paperkg.queries.explain.explain_empty` once every
parameter naming a cluster or a paper is known to exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import neo4j

from paperkg.graph.schema import Label, RelType
from paperkg.queries.catalog import QuerySpec

__all__ = ["BURST_KINDS", "TRENDS", "UNITS", "explain_time"]

#: The pack whose queries read dates.
TRENDS = "trends"
#: ``kind`` of the bursting query: a label (any case), or ``any``.
BURST_KINDS = ("any", "method", "dataset", "cluster")
#: ``unit`` of topic-sizes: what ``date.truncate`` cuts a date to.
UNITS = ("day", "week", "month", "year")
_WHAT = {
    "any": "method, dataset or topic",
    "method": "method",
    "dataset": "dataset",
    "cluster": "topic or cluster",
}
_LEVEL = {0: "topic or cluster", 1: "topic", 2: "cluster"}
_NO_DATES = (
    "no paper in the database has a date: build from sources that carry dates (or listing "
    "pages with --year) and push the snapshot"
)

# The window of the bursting query, computed as it computes it: the newest period (day or
# Monday week, as the build's timeline cuts them) unless since or until is given.
_WINDOW = f"""
MATCH (p:{Label.PAPER})
WHERE p.feed_date IS :: DATE NOT NULL AND coalesce(p.stub, false) = false
WITH min(p.feed_date) AS oldest, max(p.feed_date) AS newest, count(p) AS dated
WITH dated, newest, duration.inDays(oldest, newest).days < 42 AS daily,
     CASE WHEN coalesce($since, '') <> '' THEN date($since) END AS given_since,
     CASE WHEN coalesce($until, '') <> '' THEN date($until) END AS given_until
WITH dated, newest, daily, given_since, CASE
       WHEN given_until IS NOT NULL THEN given_until
       WHEN given_since IS NOT NULL THEN
         CASE WHEN given_since > newest THEN given_since ELSE newest END
       WHEN newest IS NULL OR daily THEN newest
       ELSE date.truncate('week', newest) + duration('P6D')
     END AS until
RETURN dated, newest, until, coalesce(
         given_since,
         CASE WHEN daily OR until IS NULL THEN until ELSE date.truncate('week', until) END
       ) AS since
"""
_BURSTS = f"""
MATCH (n)
WHERE (n:{Label.METHOD} OR n:{Label.DATASET} OR n:{Label.CLUSTER})
  AND n.burst_starts IS NOT NULL AND toLower($kind) IN ['any', toLower(labels(n)[0])]
UNWIND range(0, size(n.burst_starts) - 1) AS i
RETURN count(i) AS bursts, min(n.burst_starts[i]) AS first, max(n.burst_ends[i]) AS last
"""
# The topic or cluster (of the level asked) whose first dated paper is the newest.
_NEWEST_TOPIC = f"""
MATCH (q:{Label.PAPER})-[:{RelType.IN_CLUSTER}]->(s:{Label.CLUSTER})
OPTIONAL MATCH (s)-[:{RelType.SUBTOPIC_OF}]->(t:{Label.CLUSTER})
WITH q, [x IN [s, t] WHERE x IS NOT NULL] AS homes
UNWIND homes AS c
WITH c, q
WHERE c.id >= 0 AND $level IN [0, coalesce(c.level, 2)]
WITH c, min(CASE WHEN q.feed_date IS :: DATE THEN q.feed_date END) AS first
WHERE first IS NOT NULL
RETURN c.id AS id, c.label AS label, coalesce(c.level, 2) AS level, first
ORDER BY first DESC, level, id
LIMIT 1
"""
_RANKED = f"""
MATCH (p:{Label.PAPER}) WHERE p.recent_pagerank IS NOT NULL
RETURN count(p) AS ranked
"""
_DATED_IN_CLUSTER = f"""
MATCH (c:{Label.CLUSTER} {{id: $cluster}})
MATCH (p:{Label.PAPER})-[:{RelType.IN_CLUSTER}]->(s:{Label.CLUSTER})
WHERE (s = c OR (s)-[:{RelType.SUBTOPIC_OF}]->(c)) AND p.feed_date IS :: DATE NOT NULL
RETURN count(p) AS dated
"""

Found = tuple[str, Any, str]
_Check = Callable[[neo4j.ManagedTransaction, dict[str, Any]], Found | None]


def explain_time(
    tx: neo4j.ManagedTransaction, spec: QuerySpec, values: dict[str, Any]
) -> Found | None:
    """``(param, value, message)`` saying why the trends query ``spec`` found nothing with
    ``values``, or None (a query of another pack, or nothing to say)."""
    if spec.pack != TRENDS:
        return None
    check = _CHECKS.get(spec.name)
    return None if check is None else check(tx, values)


def _window(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> neo4j.Record:
    record = tx.run(_WINDOW, since=values.get("since", ""), until=values.get("until", "")).single()
    assert record is not None  # an aggregation always answers one row
    return record


def _bursting(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> Found | None:
    kind = str(values.get("kind", "any")).lower()
    if kind not in BURST_KINDS:
        return ("kind", values.get("kind"), f"kind must be {_either(BURST_KINDS)}, got {kind!r}")
    window = _window(tx, values)
    since, until = window["since"], window["until"]
    if since is None or until is None:
        return "since", values.get("since"), _NO_DATES
    if since > until:
        return "since", since.iso_format(), f"since {since} is after until {until}"
    found = tx.run(_BURSTS, kind=kind).single()
    what = _WHAT[kind]
    if found is None or not found["bursts"]:
        return (
            "kind",
            kind,
            f"no {what} in the database has a burst (the build found none; a snapshot built "
            "before paperkg found bursts has none: rebuild it and push)",
        )
    return (
        "since",
        since.iso_format(),
        f"no {what} bursts between {since} and {until}; the database's {found['bursts']} "
        f"bursts run from {found['first']} to {found['last']}: give since and until there",
    )


def _topic_sizes(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> Found | None:
    unit = str(values.get("unit", "week")).lower()
    if unit not in UNITS:
        return "unit", values.get("unit"), f"unit must be {_either(UNITS)}, got {unit!r}"
    level = values.get("level")
    if level not in (1, 2):
        return "level", level, f"level must be 1 (broad topics) or 2 (clusters), got {level}"
    if not _window(tx, values)["dated"]:
        return "", None, _NO_DATES
    cluster = values.get("cluster")
    if isinstance(cluster, int) and cluster >= 0:
        record = tx.run(_DATED_IN_CLUSTER, cluster=cluster).single()
        if record is not None and not record["dated"]:
            return "cluster", cluster, f"cluster {cluster} has no dated paper"
    return None


def _new_topics(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> Found | None:
    days, level = values.get("days"), values.get("level")
    if not isinstance(days, int) or days < 1:
        return "days", days, f"days must be 1 or more, got {days}"
    if level not in (0, 1, 2):
        return (
            "level",
            level,
            f"level must be 0 (both), 1 (broad topics) or 2 (clusters), got {level}",
        )
    newest = _window(tx, values)["newest"]
    if newest is None:
        return "days", days, _NO_DATES
    what = _LEVEL[level]
    latest = tx.run(_NEWEST_TOPIC, level=level).single()
    if latest is None:
        return "level", level, f"no {what} in the database holds a dated paper"
    first: date = latest["first"].to_native()
    needed = (newest.to_native() - first).days + 1
    return (
        "days",
        days,
        f"no {what} began in the {days} days up to {newest} (the newest paper's date); the "
        f"newest, {_LEVEL[latest['level']]} {latest['id']} {latest['label']!r}, began {first}: "
        f"days {needed} shows it",
    )


def _recent_papers(tx: neo4j.ManagedTransaction, values: dict[str, Any]) -> Found | None:
    if not _window(tx, values)["dated"]:
        return "", None, _NO_DATES
    record = tx.run(_RANKED).single()
    if record is None or not record["ranked"]:
        return (
            "",
            None,
            "no paper in the database has recent_pagerank: rebuild the snapshot with this "
            "paperkg and push it",
        )
    return None


def _either(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


_CHECKS: dict[str, _Check] = {
    "bursting": _bursting,
    "topic-sizes": _topic_sizes,
    "new-topics": _new_topics,
    "recent-papers": _recent_papers,
}

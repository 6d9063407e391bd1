"""Stable cluster ids across updates, and what changed: growth, splits, merges, births.

Louvain numbers communities afresh on every run. When a snapshot is updated, each new
cluster takes the id of the previous cluster it overlaps most (greedily, largest overlap
first, each old id used once), provided it holds at least ``SHARE`` of that old cluster's
members. Clusters left without a match get ids never used before.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from paperkg.graph.analytics.clusters import UNCLUSTERED
from paperkg.graph.schema import Label

if TYPE_CHECKING:  # annotations only: the snapshot package builds on analytics, not the reverse
    from paperkg.graph.snapshot.manifest import Manifest

__all__ = [
    "SHARE",
    "ClusterChange",
    "ClusterFollowing",
    "UpdateReport",
    "follow_clusters",
    "latest_update",
]

#: Part of an old cluster's members a new cluster must hold to continue it, and the part
#: that counts as a share in a split or merge.
SHARE = 0.3


@dataclass(frozen=True)
class ClusterChange:
    """One event of an update.

    ``kind`` is ``growth`` (same cluster, members joined or left), ``split`` (``cluster`` went
    into ``related`` clusters), ``merge`` (``related`` clusters went into ``cluster``),
    ``birth`` (a new cluster holding no share of an old one) or ``dissolved`` (an old cluster
    nothing continues); ``level`` is 2 for clusters, 1 for the broad topics above them.
    """

    kind: str
    cluster: int
    before: int = 0
    after: int = 0
    joined: int = 0
    left: int = 0
    related: list[int] = field(default_factory=list)
    level: int = 2


@dataclass(frozen=True)
class ClusterFollowing:
    """The relabelled assignment, the events, and the next never-used id."""

    assignment: dict[str, int]
    changes: list[ClusterChange]
    next_id: int
    unchanged: int


def _members(assignment: Mapping[str, int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for paper, cluster in assignment.items():
        if cluster != UNCLUSTERED:
            found[cluster].add(paper)
    return dict(found)


def follow_clusters(
    previous: Mapping[str, int], current: Mapping[str, int], next_id: int | None = None
) -> ClusterFollowing:
    """Give ``current``'s clusters the ids of the ``previous`` clusters they continue."""
    old, new = _members(previous), _members(current)
    if next_id is None:
        next_id = max(old, default=-1) + 1
    next_id = max(next_id, max(old, default=-1) + 1)
    overlap: dict[tuple[int, int], int] = Counter()
    for number, papers in new.items():
        for paper in papers:
            before = previous.get(paper, UNCLUSTERED)
            if before != UNCLUSTERED:
                overlap[(number, before)] += 1

    def shares(n: int, o: int) -> bool:
        return overlap.get((n, o), 0) >= max(1.0, SHARE * len(old[o]))

    matched: dict[int, int] = {}
    taken: set[int] = set()
    for (n, o), _count in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if n not in matched and o not in taken and shares(n, o):
            matched[n] = o
            taken.add(o)
    ids: dict[int, int] = dict(matched)
    for n in sorted(set(new) - set(matched), key=lambda n: (-len(new[n]), min(new[n]))):
        ids[n] = next_id
        next_id += 1
    relabelled = {
        paper: (UNCLUSTERED if cluster == UNCLUSTERED else ids[cluster])
        for paper, cluster in current.items()
    }
    changes: list[ClusterChange] = []
    unchanged = 0
    for o in sorted(old):
        into = sorted(ids[n] for n in new if shares(n, o))
        if len(into) >= 2:
            changes.append(ClusterChange("split", o, before=len(old[o]), related=into))
        if o not in taken:
            left = sum(1 for p in old[o] if relabelled.get(p, UNCLUSTERED) == UNCLUSTERED)
            changes.append(ClusterChange("dissolved", o, before=len(old[o]), left=left))
    for n in sorted(new, key=lambda n: ids[n]):
        cluster = ids[n]
        sources = sorted(o for o in old if shares(n, o))
        if len(sources) >= 2:
            changes.append(ClusterChange("merge", cluster, after=len(new[n]), related=sources))
        if n not in matched:
            if sources:
                continue  # split off or merged from old clusters: reported above
            joined = sum(1 for p in new[n] if previous.get(p, UNCLUSTERED) == UNCLUSTERED)
            changes.append(ClusterChange("birth", cluster, after=len(new[n]), joined=joined))
            continue
        was = old[matched[n]]
        joined, left = len(new[n] - was), len(was - new[n])
        if joined or left:
            changes.append(
                ClusterChange(
                    "growth", cluster, before=len(was), after=len(new[n]), joined=joined, left=left
                )
            )
        else:
            unchanged += 1
    order = {"split": 0, "merge": 1, "birth": 2, "dissolved": 3, "growth": 4}
    changes.sort(key=lambda c: (order[c.kind], c.cluster))
    return ClusterFollowing(relabelled, changes, next_id, unchanged)


@dataclass(frozen=True)
class UpdateReport:
    """The last build of a snapshot: when, from what, and how its clusters changed.

    ``compared`` is False for a build that started from nothing (no clusters before it).
    ``labels`` are the current labels of the clusters the changes name.
    """

    created: str
    inputs: list[str]
    papers_before: int
    papers_after: int
    compared: bool
    unchanged: int
    changes: list[ClusterChange]
    labels: dict[int, str]


def latest_update(manifest: Manifest, graph: nx.MultiDiGraph[str]) -> UpdateReport:
    """What the snapshot's last build changed, from its manifest's update history."""
    last = manifest.updates[-1] if manifest.updates else None
    recorded = last.cluster_changes if last is not None else None
    labels = {
        int(data["id"]): str(data.get("label", ""))
        for _node, data in graph.nodes(data=True)
        if data.get("type") == Label.CLUSTER
    }
    created = last.created if last is not None and last.created is not None else manifest.created
    return UpdateReport(
        created=created or "",
        inputs=list(last.inputs or ()) if last is not None else [],
        papers_before=(last.papers_before or 0) if last is not None else 0,
        papers_after=(last.papers_after or 0) if last is not None else 0,
        compared=recorded is not None,
        unchanged=(recorded.unchanged or 0) if recorded is not None else 0,
        changes=list(recorded.events) if recorded is not None else [],
        labels=labels,
    )

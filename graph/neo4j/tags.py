"""A user's tags as a push writes them: ``(:Tag)-[:TAGGED]->(:Paper)`` from the snapshot's
tags.json and ``(:Tag)-[:RECOMMENDS]->(:Paper)`` for each tag's top recommendations.

The rows are plain data (:class:`PushedTag`), made from the tags and their recommendations
by :func:`pushed_tags`; :func:`paperkg.graph.neo4j.store.push_snapshot` writes them with
the schema's MERGE statements, stamped like the rest of the push, so a re-push removes a
tag's stale edges and a removed tag's node.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import networkx as nx

from paperkg.errors import ParameterError
from paperkg.graph.recommend import Recommendations, recommend
from paperkg.graph.snapshot.read import Embeddings
from paperkg.graph.tags import Tag

__all__ = [
    "RECOMMENDED_PER_TAG",
    "PushedTag",
    "pushed_tags",
    "ranked_tags",
    "tag_rows",
    "tags_digest",
]

#: How many recommendations a push writes per tag (``RECOMMENDS`` ranks 1 to this).
RECOMMENDED_PER_TAG = 50


@dataclass(frozen=True)
class PushedTag:
    """One tag as Neo4j gets it: its papers ``(id, positive, added)`` and its ranked
    recommendations ``(id, score, rank, why)`` with the ``mode`` that ranked them."""

    name: str
    tagged: tuple[tuple[str, bool, str], ...]
    recommended: tuple[tuple[str, float, int, str], ...] = ()
    mode: str = ""


def pushed_tags(
    tags: Iterable[Tag], recommendations: Mapping[str, Recommendations]
) -> list[PushedTag]:
    """Each tag with its positives and negatives and, where ``recommendations`` has the
    tag, its ranked papers."""
    made = []
    for tag in tags:
        tagged = [(p.id, True, p.added) for p in tag.positive]
        tagged += [(p.id, False, p.added) for p in tag.negative]
        found = recommendations.get(tag.name)
        recommended = (
            tuple((r.id, float(r.score), r.rank, r.why) for r in found.papers) if found else ()
        )
        made.append(PushedTag(tag.name, tuple(tagged), recommended, found.mode if found else ""))
    return made


def ranked_tags(
    graph: nx.MultiDiGraph[str], embeddings: Embeddings, tags: Iterable[Tag]
) -> list[PushedTag]:
    """``tags`` (sorted by name) with the top :data:`RECOMMENDED_PER_TAG` recommendations of
    each tag that has a positive paper in ``graph``; a tag with none, or nothing left to
    rank, is pushed with its tagged papers only."""
    ordered = sorted(tags, key=lambda t: t.name)
    ranked: dict[str, Recommendations] = {}
    for tag in ordered:
        if not tag.positive:
            continue
        try:
            ranked[tag.name] = recommend(graph, embeddings, tag, k=RECOMMENDED_PER_TAG)
        except ParameterError:
            continue  # no positive paper in this snapshot, or no untagged paper to rank
    return pushed_tags(ordered, ranked)


def tags_digest(tags: Sequence[PushedTag]) -> str:
    """A short hash of what ``tags`` write: part of the push stamp, so a push after a tag
    changed tells the old edges from the new."""
    text = json.dumps([[t.name, t.tagged, t.recommended, t.mode] for t in tags], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _added(value: str) -> Any:
    """An ISO 8601 time as a datetime (Neo4j ``DateTime``); text it cannot read as is."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


def tag_rows(
    tags: Sequence[PushedTag], papers: set[str] | Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], int]:
    """The Tag node rows, the TAGGED rows and the RECOMMENDS rows of ``tags`` (node rows
    ``{key, props}``, relationship rows ``{source, target, props}``; a TAGGED ``order`` is
    the paper's place among the tag's positives or negatives, 1 the first added), keeping
    papers in ``papers`` only; and how many tagged papers were left out for not being there."""
    nodes = [{"key": t.name, "props": {}} for t in tags]
    tagged: list[dict[str, Any]] = []
    recommended: list[dict[str, Any]] = []
    missing = 0
    for tag in tags:
        places = {True: 0, False: 0}
        for paper, positive, added in tag.tagged:
            places[positive] += 1  # the place in its list of the file, present or not
            if paper not in papers:
                missing += 1
                continue
            props = {"positive": positive, "added": _added(added), "order": places[positive]}
            tagged.append({"source": tag.name, "target": paper, "props": props})
        for paper, score, rank, why in tag.recommended:
            if paper in papers:
                props = {"score": score, "rank": rank, "why": why, "mode": tag.mode}
                recommended.append({"source": tag.name, "target": paper, "props": props})
    return nodes, tagged, recommended, missing

"""Summary counts of a snapshot, read from its manifest (no graph load needed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from paperkg.graph.snapshot.store import GRAPH, RECORDS, read_manifest

__all__ = ["snapshot_stats"]


def snapshot_stats(snapshot: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Papers, relationship counts, inputs and model of a snapshot.

    Given the snapshot's folder, the manifest is read and the files its counts describe
    (the graph, the records) are checked against their checksums, so a damaged snapshot is
    an error, not a table of numbers. Given a manifest already read, it is only summarised.
    """
    if isinstance(snapshot, Mapping):
        manifest = snapshot
    else:
        manifest = read_manifest(snapshot, verify=(GRAPH, RECORDS))
    counts = manifest.get("counts", {})
    nodes = counts.get("nodes", {})
    relationships = counts.get("relationships", {})
    return {
        "papers": nodes.get("Paper", 0) - counts.get("stubs", 0),
        "stubs": counts.get("stubs", 0),
        "similar_to": relationships.get("SIMILAR_TO", 0),
        "methods": nodes.get("Method", 0),
        "datasets": nodes.get("Dataset", 0),
        "repos": nodes.get("Repo", 0),
        "cites": relationships.get("CITES", 0),
        "sources": len(manifest.get("inputs", [])),
        "records": counts.get("records", 0),
        "model": manifest.get("model", {}).get("name"),
        "dimension": manifest.get("model", {}).get("dimension"),
        "k": manifest.get("knn", {}).get("k"),
        "min_score": manifest.get("knn", {}).get("min_score"),
        "nodes": nodes,
        "relationships": relationships,
        "created": manifest.get("created"),
    }

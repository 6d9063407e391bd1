"""Summary counts of a snapshot, read from its manifest (no graph load needed)."""

from __future__ import annotations

from typing import Any

__all__ = ["snapshot_stats"]


def snapshot_stats(manifest: dict[str, Any]) -> dict[str, Any]:
    """Papers, relationship counts, inputs and model of the snapshot the manifest describes."""
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

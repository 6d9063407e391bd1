"""Summary counts of a snapshot, read from its manifest (no graph load needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Manifest
from paperkg.graph.snapshot.read import GRAPH, RECORDS, read_manifest

__all__ = ["snapshot_stats"]


def snapshot_stats(snapshot: str | Path | Manifest) -> dict[str, Any]:
    """Papers, relationship counts, inputs and model of a snapshot.

    Given the snapshot's folder, the manifest is read and the files its counts describe
    (the graph, the records) are checked against their checksums, so a damaged snapshot is
    an error, not a table of numbers. Given a manifest already read, it is only summarised.
    """
    if isinstance(snapshot, Manifest):
        manifest = snapshot
    else:
        manifest = read_manifest(snapshot, verify=(GRAPH, RECORDS))
    counts = manifest.counts
    nodes = dict(counts.nodes)
    relationships = dict(counts.relationships)
    return {
        "papers": counts.papers,
        "stubs": counts.stubs or 0,
        "similar_to": relationships.get(RelType.SIMILAR_TO, 0),
        "methods": nodes.get(Label.METHOD, 0),
        "datasets": nodes.get(Label.DATASET, 0),
        "repos": nodes.get(Label.REPO, 0),
        "cites": relationships.get(RelType.CITES, 0),
        "sources": len(manifest.inputs),
        "records": counts.records or 0,
        "model": manifest.model.name,
        "dimension": manifest.model.dimension,
        "k": manifest.knn.k,
        "min_score": manifest.knn.min_score,
        "nodes": nodes,
        "relationships": relationships,
        "created": manifest.created,
        #: Papers per date basis (``source``, ``listing``, ``listing, year from ...``,
        #: ``undated``); None for snapshots built before dates were recorded.
        "dates": dict(manifest.dates.basis) if manifest.dates is not None else None,
    }

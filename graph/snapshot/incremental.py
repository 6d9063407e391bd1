"""Adding to an existing snapshot: the records it was built from plus the ones read now.

A snapshot keeps every record it was built from (``records.jsonl.gz``) and each paper's
cluster and broad topic (``clusters.json``). A build into it re-reads nothing old: records
of inputs read
again replace their earlier ones (the file may have changed), all others are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperkg.errors import SnapshotError
from paperkg.graph.snapshot.manifest import InputEntry, Manifest
from paperkg.graph.snapshot.read import CLUSTERS, RECORDS, old_path, read_files
from paperkg.graph.snapshot.records import StoredRecord, decode_records
from paperkg.loaders import InputFile, PaperRecord

__all__ = [
    "PreviousBuild",
    "combine",
    "decode_clusters",
    "encode_clusters",
    "read_previous",
    "resolved",
]


@dataclass(frozen=True)
class PreviousBuild:
    """What a new build takes over from the snapshot it adds to."""

    manifest: Manifest
    records: list[StoredRecord]
    clusters: dict[str, int]
    #: Paper id -> broad topic id; empty for a snapshot written before topics had levels.
    topics: dict[str, int] = field(default_factory=dict)


def resolved(path: str | Path) -> str:
    """The absolute form of an input path: how inputs are told apart across builds."""
    return str(Path(path).resolve())


def read_previous(out: Path, kinds: Iterable[type] = (PaperRecord,)) -> PreviousBuild | None:
    """The previous build at ``out``, or None when there is none (no folder, empty folder).

    The manifest, records and clusters are read from one and the same build. A snapshot
    that keeps no records (written by paperkg before 0.2) cannot be added to; the error
    says to rebuild with ``--fresh``.
    """
    if not out.exists() and not old_path(out).is_dir():
        return None
    if out.is_dir() and not any(out.iterdir()):
        return None
    manifest, files = read_files(out, (RECORDS, CLUSTERS))
    if RECORDS not in files or CLUSTERS not in files:
        raise SnapshotError(
            f"{out} was written by an older paperkg and keeps no records to add to; "
            f"rebuild it with: paperkg build SOURCES --out {out} --fresh"
        )
    records = list(decode_records(files[RECORDS], kinds, str(out / RECORDS)))
    try:
        clusters, topics = decode_clusters(files[CLUSTERS])
    except (ValueError, TypeError) as exc:
        raise SnapshotError(f"{out / CLUSTERS} cannot be read ({exc})") from exc
    return PreviousBuild(manifest, records, clusters, topics)


def encode_clusters(clusters: Mapping[str, int], topics: Mapping[str, int]) -> str:
    """``clusters.json``: each paper's cluster and broad topic id."""
    return json.dumps(
        {"clusters": dict(clusters), "topics": dict(topics)}, sort_keys=True, separators=(",", ":")
    )


def decode_clusters(text: str | bytes) -> tuple[dict[str, int], dict[str, int]]:
    """Paper -> cluster and paper -> topic from ``clusters.json``; a file written before
    topics had levels maps papers to clusters only (no topics)."""
    found = json.loads(text)
    if not isinstance(found, dict):
        raise ValueError("not an object")
    if set(found) == {"clusters", "topics"} and all(isinstance(v, dict) for v in found.values()):
        clusters, topics = found["clusters"], found["topics"]
    else:
        clusters, topics = found, {}
    return (
        {str(paper): int(cluster) for paper, cluster in clusters.items()},
        {str(paper): int(topic) for paper, topic in topics.items()},
    )


def combine(
    previous: PreviousBuild | None, records: Sequence[Any], files: Sequence[InputFile]
) -> tuple[list[StoredRecord], list[InputEntry]]:
    """Records and manifest input entries of the new build: the previous build's, with the
    inputs read now replacing their earlier selves in place, then the new inputs.

    Keeping input order makes an updated snapshot equal to one built from all inputs at
    once (merging keeps the first title seen)."""
    entries: dict[str, InputEntry] = {}
    by_input: dict[str, list[StoredRecord]] = {}
    if previous is not None:
        for entry in previous.manifest.inputs:
            key = entry.resolved or resolved(entry.path)
            entries[key] = entry
            by_input[key] = []
        for stored in previous.records:
            by_input.setdefault(stored.input, []).append(stored)
    for file in files:
        key = resolved(file.path)
        entries[key] = InputEntry(
            file.path, file.format, file.sha256, file.records, file.entities, resolved=key
        )
        by_input[key] = []
    for record in records:
        by_input[resolved(record.path)].append(StoredRecord(resolved(record.path), record))
    ordered = [stored for key in by_input for stored in by_input[key]]
    return ordered, [entries[key] for key in by_input if key in entries]

"""The snapshot store: one folder holding the graph, its embeddings, the FAISS index and a manifest.

A snapshot is written whole into a temporary sibling folder and swapped into place, so a
failed or interrupted build leaves the previous snapshot as it was. Reading checks the
manifest and the checksum of every file it lists.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import networkx as nx
import numpy as np

from paperkg.errors import SnapshotError
from paperkg.graph.knn import set_nprobe

__all__ = [
    "CLUSTERS",
    "DEFAULT_OUT",
    "FORMAT_VERSION",
    "RECORDS",
    "Embeddings",
    "Snapshot",
    "check_replaceable",
    "read_cache",
    "read_file",
    "read_index",
    "read_manifest",
    "read_snapshot",
    "write_snapshot",
]

DEFAULT_OUT = "paperkg-out"
FORMAT = "paperkg-snapshot"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
GRAPH = "graph.json"
EMBEDDINGS = "embeddings.npz"
INDEX = "index.faiss"
#: The records read (for later builds to add to) and each paper's cluster (to keep ids stable).
RECORDS = "records.jsonl.gz"
CLUSTERS = "clusters.json"
#: node-link field names, chosen so node and edge properties called "id" (Cluster) or
#: "source" (CITES) survive the round trip.
_NODE_LINK = {"edges": "edges", "source": "from", "target": "to", "name": "node"}


@dataclass(frozen=True)
class Embeddings:
    """Row ``i`` of ``vectors`` embeds paper ``ids[i]``, whose text hashes to ``hashes[i]``."""

    ids: list[str]
    hashes: list[str]
    vectors: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """A snapshot read back from disk."""

    path: Path
    manifest: dict[str, Any]
    graph: nx.MultiDiGraph
    embeddings: Embeddings


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rebuild_hint(out: Path) -> str:
    return f"rebuild it with: paperkg build SOURCES --out {out} --fresh"


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of the snapshot at ``out``, checked for presence, shape and version."""
    out = Path(out)
    if not out.exists():
        raise SnapshotError(
            f"no snapshot at {out}: build one with: paperkg build SOURCES --out {out}"
        )
    path = out / MANIFEST
    if not path.is_file():
        raise SnapshotError(f"{out} is not a paperkg snapshot (no {MANIFEST} in it)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path} is damaged ({exc}); {_rebuild_hint(out)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a paperkg manifest; {_rebuild_hint(out)}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise SnapshotError(
            f"{out} has snapshot format {version!r}, newer than this paperkg reads "
            f"({FORMAT_VERSION}); upgrade paperkg"
        )
    return manifest


def _checked(out: Path, manifest: dict[str, Any], name: str) -> Path:
    """Path of one snapshot file after checking it against the manifest's checksum."""
    path = out / name
    expected = manifest.get("files", {}).get(name, {}).get("sha256")
    if not path.is_file():
        raise SnapshotError(f"{path} is missing; the snapshot is damaged: {_rebuild_hint(out)}")
    if expected is None or _sha256(path) != expected:
        raise SnapshotError(
            f"{path} does not match its checksum in {MANIFEST}; the snapshot is damaged: "
            f"{_rebuild_hint(out)}"
        )
    return path


def _read_embeddings(path: Path, out: Path) -> Embeddings:
    try:
        with np.load(path, allow_pickle=False) as data:
            return Embeddings(
                [str(x) for x in data["ids"]],
                [str(x) for x in data["hashes"]],
                np.ascontiguousarray(data["vectors"], dtype=np.float32),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise SnapshotError(f"{path} cannot be read ({exc}); {_rebuild_hint(out)}") from exc


def read_snapshot(out: str | Path) -> Snapshot:
    """Read and check the whole snapshot at ``out``."""
    out = Path(out)
    manifest = read_manifest(out)
    graph_path = _checked(out, manifest, GRAPH)
    try:
        data = json.loads(graph_path.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, multigraph=True, **_NODE_LINK)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{graph_path} cannot be read ({exc}); {_rebuild_hint(out)}") from exc
    embeddings = _read_embeddings(_checked(out, manifest, EMBEDDINGS), out)
    return Snapshot(out, manifest, graph, embeddings)


def read_file(out: str | Path, manifest: dict[str, Any], name: str) -> bytes:
    """The bytes of one checksummed snapshot file (``RECORDS``, ``CLUSTERS``, ...)."""
    path = _checked(Path(out), manifest, name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SnapshotError(
            f"{path} cannot be read ({exc.strerror}); {_rebuild_hint(out)}"
        ) from exc


def read_index(out: str | Path, manifest: dict[str, Any]) -> faiss.Index:
    """The FAISS index of the snapshot at ``out`` (rows in the order of its embeddings)."""
    out = Path(out)
    path = _checked(out, manifest, INDEX)
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise SnapshotError(f"{path} cannot be read; {_rebuild_hint(out)}") from exc
    set_nprobe(index, manifest.get("knn", {}).get("nprobe"))
    return index


def read_cache(out: str | Path, model: str) -> dict[str, np.ndarray]:
    """Vectors by text hash from the snapshot at ``out`` when it used ``model``, else empty.

    A missing or damaged snapshot simply gives no cache: it is about to be replaced.
    """
    try:
        manifest = read_manifest(out)
        if manifest.get("model", {}).get("name") != model:
            return {}
        embeddings = _read_embeddings(_checked(Path(out), manifest, EMBEDDINGS), Path(out))
    except SnapshotError:
        return {}
    return dict(zip(embeddings.hashes, embeddings.vectors, strict=True))


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not a snapshot: it may be the user's own files."""
    if out.exists() and not out.is_dir():
        raise SnapshotError(f"--out {out} is a file; give a folder for the snapshot")
    if out.is_dir() and any(out.iterdir()):
        try:
            read_manifest(out)
        except SnapshotError as exc:
            raise SnapshotError(
                f"--out {out} is a folder with other files in it, not a paperkg snapshot; "
                "choose an empty or new folder"
            ) from exc


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)  # put the previous snapshot back
        raise
    shutil.rmtree(old)


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries (new files, a rename) durable, not only the files' bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(
    out: str | Path,
    *,
    graph: nx.MultiDiGraph,
    embeddings: Embeddings,
    index: faiss.Index,
    manifest: dict[str, Any],
    extra_files: dict[str, str | bytes] | None = None,
) -> None:
    """Write a complete snapshot to ``out``, replacing any previous one only once all is written.

    ``extra_files`` (name -> text or bytes, e.g. ``overview.html``, ``RECORDS``) are written
    and checksummed too.
    """
    out = Path(out)
    out = out.resolve()  # "--out ." has no name to build a sibling temp folder from
    check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        tmp.chmod(0o755)  # mkdtemp's 0700 would carry over to the snapshot folder
    except OSError as exc:
        raise SnapshotError(f"cannot write a snapshot at {out}: {exc.strerror or exc}") from exc
    try:
        data = nx.node_link_data(graph, **_NODE_LINK)
        (tmp / GRAPH).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), "utf-8")
        np.savez(
            tmp / EMBEDDINGS,
            ids=np.array(embeddings.ids, dtype=str),
            hashes=np.array(embeddings.hashes, dtype=str),
            vectors=np.asarray(embeddings.vectors, dtype=np.float32),
        )
        faiss.write_index(index, str(tmp / INDEX))
        extra = extra_files or {}
        for name, content in extra.items():
            if isinstance(content, bytes):
                (tmp / name).write_bytes(content)
            else:
                (tmp / name).write_text(content, encoding="utf-8")
        names = (GRAPH, EMBEDDINGS, INDEX, *extra)
        files = {
            name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            for name in names
        }
        full = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", "utf-8")
        for name in (*names, MANIFEST):
            with (tmp / name).open("rb") as handle:
                os.fsync(handle.fileno())
        _fsync_folder(tmp)
        _swap_into_place(tmp, out)
        _fsync_folder(out.parent)
    except (OSError, RuntimeError) as exc:  # faiss reports write failures as RuntimeError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reason = reason.strip().splitlines()[-1] if reason.strip() else type(exc).__name__
        raise SnapshotError(f"cannot write a snapshot at {out}: {reason}") from exc
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)

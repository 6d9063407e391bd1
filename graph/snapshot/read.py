"""Reading a snapshot: one folder handle per read, every file checked against the manifest.

A snapshot folder holds the graph, its embeddings, the FAISS index and a manifest. Reading
opens the folder once and every file relative to it, so a build swapping another folder into
place mid-read cannot mix two snapshots; a read cut short by a swap is read again. The
manifest's shape and the checksum of every file read are checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar, cast

import faiss
import networkx as nx
import numpy as np

from paperkg.errors import SnapshotError
from paperkg.graph.embed.knn import set_nprobe
from paperkg.graph.snapshot.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    FileEntry,
    Manifest,
    ManifestError,
    NewerManifest,
    NotAManifest,
)

__all__ = [
    "CLUSTERS",
    "DEFAULT_OUT",
    "EMBEDDINGS",
    "EXTRACTION",
    "FORMAT_VERSION",
    "GRAPH",
    "INDEX",
    "RECORDS",
    "Embeddings",
    "StoredSnapshot",
    "is_temp_folder",
    "old_path",
    "read_cache",
    "read_extraction",
    "read_file",
    "read_files",
    "read_index",
    "read_manifest",
    "read_snapshot",
    "verify_snapshot",
]


DEFAULT_OUT = "paperkg-out"
GRAPH = "graph.json"
EMBEDDINGS = "embeddings.npz"
INDEX = "index.faiss"
#: The records read (for later builds to add to) and each paper's cluster (to keep ids stable).
RECORDS = "records.jsonl.gz"
CLUSTERS = "clusters.json"
#: Each paper's own reading by text hash, so a later build re-reads only new papers.
EXTRACTION = "extraction.json.gz"
#: node-link field names, chosen so node and edge properties called "id" (Cluster) or
#: "source" (CITES) survive the round trip.
_NODE_LINK = {"edges": "edges", "source": "from", "target": "to", "name": "node"}
#: How often a read cut short by a build swapping the snapshot is started again.
_READ_ATTEMPTS = 20
#: The characters ``tempfile.mkdtemp`` draws the 8-character tail of a name from.
_TEMP_TAIL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

T = TypeVar("T")


@dataclass(frozen=True)
class Embeddings:
    """Row ``i`` of ``vectors`` embeds paper ``ids[i]``, whose text hashes to ``hashes[i]``."""

    ids: list[str]
    hashes: list[str]
    vectors: np.ndarray


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot read back from disk: its files, checked. ``paperkg.Snapshot`` (the Python
    API) wraps one and adds the index and the model across calls."""

    path: Path
    manifest: Manifest
    graph: nx.MultiDiGraph[str]
    embeddings: Embeddings


# Names beside and inside a snapshot folder.


def old_path(out: Path) -> Path:
    """Where the two-rename swap parks the previous snapshot: ``.NAME.old`` beside ``out``
    (resolved, as a build resolves it: ``--out .`` has no name of its own)."""
    out = out.resolve()
    return out.with_name(f".{out.name}.old")


def _temp_prefix(out: Path) -> str:
    return f".{out.name}.tmp-"


def is_temp_folder(name: str, out: Path) -> bool:
    """Whether ``name`` is exactly what a build into ``out`` names its temporary folder
    (``.NAME.tmp-`` and mkdtemp's 8 characters), compared as text, never as a pattern."""
    prefix = _temp_prefix(out)
    tail = name[len(prefix) :]
    return name.startswith(prefix) and len(tail) == 8 and set(tail) <= _TEMP_TAIL


# What to tell the user. A damaged file is first a possible race with a build, and the
# rebuild offered is the least destructive one that works for that file.


def _what_to_do(out: Path, name: str) -> str:
    retry = "if a build was writing it, try again"
    if name == MANIFEST:  # a build refuses to replace a folder whose manifest it cannot read
        return (
            f"{retry}; otherwise move {out} aside and rebuild it from all its sources: "
            f"paperkg build SOURCES --out {out}"
        )
    if name in (RECORDS, CLUSTERS):  # the records a build adds to are lost
        return (
            f"{retry}; otherwise rebuild it from all its sources: "
            f"paperkg build SOURCES --out {out} --fresh"
        )
    return f"{retry}; otherwise rebuild it: paperkg build SOURCES --out {out}"


def _check_files(manifest: Manifest) -> None:
    """Raise ``ManifestError`` when the manifest lists no file every snapshot has."""
    for name in (GRAPH, EMBEDDINGS, INDEX):
        if name not in manifest.files:
            raise ManifestError(f"files lists no {name}")


# Reading: one folder handle per read, every file opened relative to it.


class _Folder:
    """A snapshot folder opened once; ``path`` is ``out``, or ``.NAME.old`` after a swap
    cut between its two renames."""

    def __init__(self, out: Path, path: Path, fd: int) -> None:
        self.out, self.path, self.fd = out, path, fd

    def open(self, name: str) -> IO[bytes]:
        return os.fdopen(os.open(name, os.O_RDONLY, dir_fd=self.fd), "rb")

    def replaced(self) -> bool:
        """Whether a build has swapped, moved or removed the folder since it was opened."""
        opened = os.fstat(self.fd)
        if opened.st_nlink == 0:
            return True
        for path in (self.out, old_path(self.out)):
            try:
                now = os.stat(path)
            except OSError:
                continue
            return (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino)
        return True


@contextlib.contextmanager
def _opened(out: Path) -> Iterator[_Folder]:
    """The folder of the snapshot at ``out``; ``.NAME.old`` when ``out`` is missing (a swap
    cut between its renames). ``out`` is tried again last: that swap may have just ended."""
    fd = None
    for path in (out, old_path(out), out):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            if path == out:
                raise SnapshotError(f"{out} is not a paperkg snapshot (it is a file)") from None
            continue
        except OSError as exc:
            raise SnapshotError(f"cannot read {path}: {exc.strerror or exc}") from exc
        break
    if fd is None:
        raise SnapshotError(
            f"no snapshot at {out}: build one with: paperkg build SOURCES --out {out}"
        )
    try:
        yield _Folder(out, path, fd)
    finally:
        os.close(fd)


def _consistent(out: str | Path, read: Callable[[_Folder], T]) -> T:
    """``read`` applied to the snapshot at ``out``, started again whenever a build swapped
    the folder while it was read, so a race is never reported as damage."""
    out = Path(out)
    for attempt in range(_READ_ATTEMPTS):
        with _opened(out) as folder:
            try:
                return read(folder)
            except SnapshotError:
                if not folder.replaced():
                    raise
        time.sleep(0.002 * attempt)
    raise SnapshotError(
        f"{out} was replaced by builds {_READ_ATTEMPTS} times while it was read; "
        "try again when they have finished"
    )


def _load_manifest(folder: _Folder) -> Manifest:
    """The manifest, checked for format, version and shape (not the files it lists)."""
    path = folder.path / MANIFEST
    hint = _what_to_do(folder.out, MANIFEST)
    try:
        with folder.open(MANIFEST) as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise SnapshotError(
            f"{folder.path} is not a paperkg snapshot (no {MANIFEST} in it)"
        ) from None
    except OSError as exc:
        raise SnapshotError(f"{path} cannot be read ({exc.strerror or exc}); {hint}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SnapshotError(f"{path} is damaged ({exc}); {hint}") from exc
    try:
        manifest = Manifest.from_json(data)
        _check_files(manifest)
    except NotAManifest:
        raise SnapshotError(f"{path} is not a paperkg manifest; {hint}") from None
    except NewerManifest as exc:
        raise SnapshotError(
            f"{folder.out} has snapshot format {exc.version!r}, newer than this paperkg reads "
            f"({FORMAT_VERSION}); upgrade paperkg"
        ) from None
    except ManifestError as exc:
        raise SnapshotError(f"{path}: {exc}; {hint}") from None
    return manifest


def _check_present(folder: _Folder, manifest: Manifest) -> None:
    """Every file the manifest lists is there at its recorded size (cheap: no hashing)."""
    for name, entry in manifest.files.items():
        path = folder.path / name
        try:
            size = os.stat(name, dir_fd=folder.fd).st_size
        except FileNotFoundError:
            raise SnapshotError(
                f"{path} is missing; the snapshot is damaged: {_what_to_do(folder.out, name)}"
            ) from None
        except OSError as exc:
            raise SnapshotError(f"{path} cannot be read ({exc.strerror or exc})") from exc
        if size != entry.bytes:
            raise SnapshotError(
                f"{path} has {size:,} bytes, {MANIFEST} says {entry.bytes:,}; the snapshot "
                f"is damaged: {_what_to_do(folder.out, name)}"
            )


@contextlib.contextmanager
def _verified(folder: _Folder, manifest: Manifest, name: str) -> Iterator[IO[bytes]]:
    """One snapshot file, open and rewound, whose bytes match the manifest's checksum.

    The bytes parsed are the bytes hashed: the same open file, never the path again."""
    path = folder.path / name
    hint = _what_to_do(folder.out, name)
    entry: FileEntry | None = manifest.files.get(name)
    if entry is None:
        raise SnapshotError(f"{folder.path / MANIFEST} lists no {name}; {hint}")
    try:
        handle = folder.open(name)
    except FileNotFoundError:
        raise SnapshotError(f"{path} is missing; the snapshot is damaged: {hint}") from None
    except OSError as exc:
        raise SnapshotError(f"{path} cannot be read ({exc.strerror or exc}); {hint}") from exc
    with handle:
        digest = hashlib.sha256()
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
            handle.seek(0)
        except OSError as exc:
            raise SnapshotError(f"{path} cannot be read ({exc.strerror or exc}); {hint}") from exc
        if digest.hexdigest() != entry.sha256:
            raise SnapshotError(
                f"{path} does not match its checksum in {MANIFEST}; the snapshot is damaged: {hint}"
            )
        yield handle


def _read_graph(folder: _Folder, manifest: Manifest) -> nx.MultiDiGraph[str]:
    path = folder.path / GRAPH
    with _verified(folder, manifest, GRAPH) as handle:
        try:
            data = json.loads(handle.read())
            # The stubs say Graph; directed and multigraph make it a MultiDiGraph.
            graph = nx.node_link_graph(data, directed=True, multigraph=True, **_NODE_LINK)
            return cast("nx.MultiDiGraph[str]", graph)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            hint = _what_to_do(folder.out, GRAPH)
            raise SnapshotError(f"{path} cannot be read ({exc}); {hint}") from exc


def _read_embeddings(folder: _Folder, manifest: Manifest) -> Embeddings:
    path = folder.path / EMBEDDINGS
    with _verified(folder, manifest, EMBEDDINGS) as handle:
        try:
            with np.load(handle, allow_pickle=False) as data:
                return Embeddings(
                    [str(x) for x in data["ids"]],
                    [str(x) for x in data["hashes"]],
                    np.ascontiguousarray(data["vectors"], dtype=np.float32),
                )
        except (OSError, KeyError, ValueError) as exc:
            hint = _what_to_do(folder.out, EMBEDDINGS)
            raise SnapshotError(f"{path} cannot be read ({exc}); {hint}") from exc


def read_manifest(out: str | Path, *, files: bool = True, verify: Iterable[str] = ()) -> Manifest:
    """The manifest of the snapshot at ``out``, checked for presence, version and shape.

    With ``files`` (the default), every file it lists must be there at its recorded size
    (cheap); the files named in ``verify`` that it lists are checked against their
    SHA-256 too. Readers of a file always check its SHA-256 themselves.
    """
    wanted = tuple(verify)

    def read(folder: _Folder) -> Manifest:
        manifest = _load_manifest(folder)
        if files:
            _check_present(folder, manifest)
        for name in wanted:
            if name in manifest.files:
                with _verified(folder, manifest, name):
                    pass
        return manifest

    return _consistent(out, read)


def read_snapshot(out: str | Path) -> StoredSnapshot:
    """Read and check the whole snapshot at ``out``: manifest, graph and embeddings of one
    and the same build, even while builds replace it."""
    out = Path(out)

    def read(folder: _Folder) -> StoredSnapshot:
        manifest = _load_manifest(folder)
        graph = _read_graph(folder, manifest)
        return StoredSnapshot(out, manifest, graph, _read_embeddings(folder, manifest))

    return _consistent(out, read)


def read_files(out: str | Path, names: Iterable[str]) -> tuple[Manifest, dict[str, bytes]]:
    """The manifest of the snapshot at ``out`` and the checked bytes of those of ``names``
    it lists, all from the same build."""
    wanted = tuple(names)

    def read(folder: _Folder) -> tuple[Manifest, dict[str, bytes]]:
        manifest = _load_manifest(folder)
        found: dict[str, bytes] = {}
        for name in wanted:
            if name in manifest.files:
                with _verified(folder, manifest, name) as handle:
                    found[name] = handle.read()
        return manifest, found

    return _consistent(out, read)


def _read_listed(
    out: str | Path, manifest: Manifest, name: str, parse: Callable[[IO[bytes]], T]
) -> T:
    """One file of the build ``manifest`` describes (read earlier), parsed; when a later
    build has replaced it, say so rather than call the snapshot damaged."""
    out = Path(out)

    def read(folder: _Folder) -> T:
        try:
            with _verified(folder, manifest, name) as handle:
                return parse(handle)
        except SnapshotError:
            if _load_manifest(folder).files != manifest.files:
                raise SnapshotError(
                    f"{out} was replaced by a build while it was read; run the command again"
                ) from None
            raise

    return _consistent(out, read)


def read_file(out: str | Path, manifest: Manifest, name: str) -> bytes:
    """The bytes of one checksummed snapshot file (``RECORDS``, ``CLUSTERS``, ...)."""
    return _read_listed(out, manifest, name, lambda handle: handle.read())


def read_index(out: str | Path, manifest: Manifest) -> faiss.Index:
    """The FAISS index of the snapshot at ``out`` (rows in the order of its embeddings)."""
    path = Path(out) / INDEX

    def parse(handle: IO[bytes]) -> faiss.Index:
        try:
            # streamed; faiss's SWIG classes are not in its type information
            reader = faiss.PyCallbackIOReader(handle.read)  # type: ignore[attr-defined]
            return faiss.read_index(reader)
        except RuntimeError as exc:
            raise SnapshotError(f"{path} cannot be read; {_what_to_do(Path(out), INDEX)}") from exc

    index = _read_listed(out, manifest, INDEX, parse)
    set_nprobe(index, manifest.knn.nprobe)
    return index


def read_cache(out: str | Path, model: str) -> dict[str, np.ndarray]:
    """Vectors by text hash from the snapshot at ``out`` when it used ``model``, else empty.

    A missing or damaged snapshot simply gives no cache: it is about to be replaced.
    """

    def read(folder: _Folder) -> Embeddings | None:
        manifest = _load_manifest(folder)
        if manifest.model.name != model:
            return None
        return _read_embeddings(folder, manifest)

    try:
        embeddings = _consistent(out, read)
    except SnapshotError:
        return {}
    if embeddings is None:
        return {}
    return dict(zip(embeddings.hashes, embeddings.vectors, strict=True))


def read_extraction(out: str | Path) -> bytes | None:
    """The extraction cache of the snapshot at ``out``, or None when it has none or cannot
    be read: it only saves time, and the snapshot is about to be replaced."""
    try:
        return read_files(out, (EXTRACTION,))[1].get(EXTRACTION)
    except SnapshotError:
        return None


def verify_snapshot(out: str | Path) -> Manifest:
    """The manifest of the snapshot at ``out`` after checking every file it lists against
    its SHA-256: a complete snapshot, or ``SnapshotError`` naming what is not."""

    def read(folder: _Folder) -> Manifest:
        manifest = _load_manifest(folder)
        for name in manifest.files:
            with _verified(folder, manifest, name):
                pass
        return manifest

    return _consistent(out, read)


def _manifest_of(folder: Path) -> Manifest:
    """The manifest of exactly ``folder`` (no ``.old`` fallback), checked as readers do."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise SnapshotError(f"cannot read {folder}: {exc.strerror or exc}") from exc
    try:
        return _load_manifest(_Folder(folder, folder, fd))
    finally:
        os.close(fd)


def _manifest_in(folder: Path) -> Manifest | None:
    """The manifest of exactly ``folder``, or None if it has none paperkg can read."""
    try:
        return _manifest_of(folder)
    except SnapshotError:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""The snapshot store: one folder holding the graph, its embeddings, the FAISS index and a manifest.

A snapshot is written whole into a temporary sibling folder and swapped into place, so a
failed or interrupted build leaves the previous snapshot as it was. Files in the folder that
paperkg did not write (notes, exports, saved views) are the user's: a build carries them
over into the new snapshot and never deletes them.

Reading opens the folder once and every file relative to it, so a build swapping another
folder into place mid-read cannot mix two snapshots; a read cut short by a swap is read
again. The manifest's shape and the checksum of every file read are checked.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TypeVar, cast

import faiss
import networkx as nx
import numpy as np

from paperkg import atomic
from paperkg.errors import SnapshotError
from paperkg.graph.embed.knn import set_nprobe
from paperkg.graph.snapshot.manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    FileEntry,
    Manifest,
    ManifestError,
    NewerManifest,
    NotAManifest,
    is_file_name,
)

__all__ = [
    "CLUSTERS",
    "DEFAULT_OUT",
    "FORMAT_VERSION",
    "RECORDS",
    "Embeddings",
    "StoredSnapshot",
    "check_replaceable",
    "discard_superseded",
    "is_temp_folder",
    "old_path",
    "read_cache",
    "read_file",
    "read_files",
    "read_index",
    "read_manifest",
    "read_snapshot",
    "remove_leftover",
    "verify_snapshot",
    "write_snapshot",
]

DEFAULT_OUT = "paperkg-out"
GRAPH = "graph.json"
EMBEDDINGS = "embeddings.npz"
INDEX = "index.faiss"
#: The records read (for later builds to add to) and each paper's cluster (to keep ids stable).
RECORDS = "records.jsonl.gz"
CLUSTERS = "clusters.json"
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


def check_replaceable(out: Path, writes: Iterable[str] = ()) -> None:
    """Refuse to replace a folder that is not a snapshot: it may be the user's own files.

    A snapshot whose manifest is damaged or newer than this paperkg is refused too, with
    what is wrong with it: which files in it are paperkg's cannot be told. A file of the
    user's named like one of ``writes`` (the files the new snapshot will hold) is refused, and
    so is one on another file system or mount (no hard link can carry it over): a build
    calls this before any work, and the write again before anything is written.
    """
    if out.exists() and not out.is_dir():
        raise SnapshotError(f"out {out} is a file; give a folder for the snapshot", param="out")
    if not out.is_dir() or not any(out.iterdir()):
        return
    try:
        _manifest_of(out)
    except SnapshotError as exc:
        try:
            claimed = FORMAT.encode() in (out / MANIFEST).read_bytes()
        except OSError:
            claimed = False
        if claimed:
            raise
        raise SnapshotError(
            f"out {out} is a folder with other files in it, not a paperkg snapshot; "
            "choose an empty or new folder",
            param="out",
        ) from exc
    user = _user_entries(out)
    clash = sorted(set(user) & set(writes))
    if clash:
        raise SnapshotError(
            f"{out / clash[0]} is not a file paperkg wrote, and this build writes a file of "
            "that name; move or rename yours, then build again"
        )
    _check_carriable(out, user)


# The user's files: carried over into each new snapshot, never deleted.
#
# A build hard-links every entry of the user's into the new folder before the swap; nothing
# is ever copied (a copy is another file: its owner, its other links and its identity differ,
# and a copy must never lead to deleting the original). Once swapped, the superseded folder is
# settled entry by entry: deleted only where the snapshot holds the very same file (the link
# the build made), moved in where the snapshot has nothing of that name (made during the
# swap), never over anything. What stays sends the folder aside as ``NAME.kept-<time>``
# beside the snapshot, with a warning naming it: it never blocks a later build.


def _user_entries(out: Path) -> list[str]:
    """Names in the snapshot folder ``out`` that paperkg did not write: all but the manifest
    and the files it lists."""
    if not out.is_dir():
        return []
    names = sorted(os.listdir(out))
    if not names:
        return []
    manifest = _manifest_in(out)
    if manifest is None:  # check_replaceable refused this already
        raise SnapshotError(f"out {out} is not a paperkg snapshot", param="out")
    ours = {MANIFEST, *manifest.files}
    return [name for name in names if name not in ours]


def _device(path: Path) -> int:
    """The file system ``path`` itself is on (its ``st_dev``; a symlink is not followed)."""
    return os.lstat(path).st_dev


def _mount_points() -> set[str]:
    """Every mount point this process sees (Linux ``/proc/self/mountinfo``; empty where there
    is none). A bind mount of the same file system keeps its ``st_dev``, yet no hard link
    crosses it."""
    try:
        text = Path("/proc/self/mountinfo").read_bytes()
    except OSError:
        return set()
    points = set()
    for line in text.splitlines():
        fields = line.split(b" ")
        if len(fields) > 4:  # the mount point is the fifth field, with \040-style escapes
            raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), fields[4])
            points.add(os.fsdecode(raw))
    return points


def _not_carriable(path: Path) -> SnapshotError:
    return SnapshotError(
        f"{path} is on another file system (a mount?); paperkg carries your files over by "
        "hard links and cannot carry this one; move it out of the snapshot folder"
    )


def _check_carriable(out: Path, names: Iterable[str]) -> None:
    """Refuse, before anything is written, an entry of the user's that no hard link can
    carry: one on another file system or mount, at any depth."""
    pending = [Path(name) for name in sorted(names, reverse=True)]
    if not pending:
        return
    root = str(out.resolve())
    mounted = {Path(os.path.relpath(p, root)) for p in _mount_points() if p.startswith(root + "/")}
    device = _device(Path(root))  # where the folder is, even when --out is a symlink to it
    while pending:
        relative = pending.pop()
        path = out / relative
        try:
            folder = stat.S_ISDIR(os.lstat(path).st_mode)
            if relative in mounted or _device(path) != device:
                raise _not_carriable(path)
            if folder:
                pending.extend(relative / name for name in sorted(os.listdir(path), reverse=True))
        except FileNotFoundError:  # removed meanwhile: nothing to carry
            continue
        except OSError as exc:
            raise SnapshotError(
                f"cannot read {exc.filename or path}, which a build must carry over into the "
                f"new snapshot: {exc.strerror or exc}"
            ) from exc


def _recreate(source: Path, target: Path) -> None:
    """``source`` again at ``target``: files as hard links, symlinks as symlinks (never
    followed), folders entry by entry. What the user removed meanwhile is simply not there
    to carry; a file that cannot be linked stops the build (``SnapshotError``)."""
    try:
        info = os.lstat(source)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
    elif stat.S_ISDIR(info.st_mode):
        os.mkdir(target)
        for name in sorted(os.listdir(source)):
            _recreate(source / name, target / name)
        shutil.copystat(source, target, follow_symlinks=False)
        atomic.fsync_folder(target)
    else:
        try:
            os.link(source, target, follow_symlinks=False)
        except FileNotFoundError:
            return
        except OSError as exc:  # another mount (EXDEV), no hard links here, another's file
            raise SnapshotError(
                f"cannot carry {source} over into the new snapshot: {exc.strerror or exc}; "
                "paperkg carries your files over by hard links and cannot link this one (on "
                "another mount, or another user's?): move it out of the snapshot folder; the "
                "snapshot is unchanged"
            ) from exc


def _carry_over(out: Path, tmp: Path, names: list[str]) -> None:
    for name in names:
        try:
            _recreate(out / name, tmp / name)
        except OSError as exc:
            where = exc.filename or out / name
            raise SnapshotError(
                f"cannot carry {where} over into the new snapshot at {out}: "
                f"{exc.strerror or exc}; the snapshot is unchanged"
            ) from exc


def _same(entry: Path, info: os.stat_result, target: Path) -> bool:
    """Whether ``target`` is what the build made of ``entry``: the very file (its hard
    link), or a symlink to the same place. Equal bytes in another file are not enough."""
    other = os.lstat(target)
    if (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino):
        return True
    return (
        stat.S_ISLNK(info.st_mode)
        and stat.S_ISLNK(other.st_mode)
        and os.readlink(entry) == os.readlink(target)
    )


#: What stayed in a superseded folder, and why: the entry and a phrase ("differs from ...").
_Stayed = list[tuple[Path, str]]


def _settle(entry: Path, target: Path, stayed: _Stayed) -> bool:
    """Clear ``entry`` of a superseded folder against ``target``, its place in the snapshot;
    True when ``entry`` is gone. Deleted only where ``target`` is the same (see ``_same``),
    moved to ``target`` when nothing has that name (link, then unlink: it never replaces
    anything, even a file the user makes that instant); else it stays, noted in ``stayed``."""
    try:
        info = os.lstat(entry)
        if stat.S_ISDIR(info.st_mode):
            return _settle_folder(entry, info, target, stayed)
        try:
            os.link(entry, target, follow_symlinks=False)
        except FileExistsError:
            if not _same(entry, info, target):
                stayed.append((entry, f"differs from {target}, changed during the build?"))
                return False
        os.unlink(entry)
        return True
    except OSError as exc:
        stayed.append((entry, f"cannot be removed: {exc.strerror or exc}"))
        return False


def _settle_folder(entry: Path, info: os.stat_result, target: Path, stayed: _Stayed) -> bool:
    """A folder of the user's: settled entry by entry into ``target``, made (never replaced)
    when the snapshot has none; removed when all of it is settled."""
    if not os.access(entry, os.W_OK):
        # A read-only folder of the user's: only this superseded one is made writable.
        os.chmod(entry, stat.S_IMODE(info.st_mode) | stat.S_IWUSR)
    try:
        os.mkdir(target)
        made = True
    except FileExistsError:
        made = False
        if not stat.S_ISDIR(os.lstat(target).st_mode):
            stayed.append((entry, f"is a folder and {target} is not"))
            return False
    settled = all(
        [_settle(entry / name, target / name, stayed) for name in sorted(os.listdir(entry))]
    )
    if made:
        shutil.copystat(entry, target, follow_symlinks=False)
    if settled:
        os.rmdir(entry)
    elif made:  # nothing moved into it: no empty folder of that name in the snapshot
        with contextlib.suppress(OSError):
            os.rmdir(target)
    return settled


def discard_superseded(folder: Path, out: Path, ours: Iterable[str] | None = None) -> str | None:
    """Remove ``folder``, a snapshot the one at ``out`` replaced, losing nothing of the user's.

    paperkg's own files (``ours``; by default its manifest and the files that lists) are
    deleted, the manifest last, so a kill midway leaves it to say which files are paperkg's.
    Every other entry is the user's and is settled (see ``_settle``). None when ``folder`` is
    gone; else it was set aside as ``NAME.kept-<time>`` beside ``out`` (or, failing that,
    left where it is) and the one-line warning saying so is returned.
    """
    if ours is None:
        manifest = _manifest_in(folder)
        ours = {MANIFEST, *manifest.files} if manifest is not None else ()
    mine = set(ours)
    stayed: _Stayed = []
    cleared = False  # paperkg's own files are all gone (all but the manifest)
    try:
        for name in sorted(os.listdir(folder)):
            entry = folder / name
            if name == MANIFEST:
                continue
            if name in mine and not stat.S_ISDIR(os.lstat(entry).st_mode):
                os.unlink(entry)
            else:  # a folder is never a file paperkg wrote
                _settle(entry, out / name, stayed)
        cleared = True
        if not stayed:
            with contextlib.suppress(FileNotFoundError):
                if MANIFEST in mine:
                    os.unlink(folder / MANIFEST)
                else:
                    _settle(folder / MANIFEST, out / MANIFEST, stayed)
        if not stayed:
            os.rmdir(folder)
            return None
    except OSError as exc:
        stayed.append((Path(exc.filename or folder), f"cannot be removed: {exc.strerror or exc}"))
    return _set_aside(folder, out, cleared and MANIFEST in mine, stayed)


def _kept_name(out: Path) -> Path:
    """A new, empty ``NAME.kept-YYYYmmdd-HHMMSS`` folder beside ``out`` (``-2``, ``-3``...
    when taken), made here so that no two callers get the same name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 1000):
        kept = out.with_name(f"{out.name}.kept-{stamp}" + (f"-{attempt}" if attempt > 1 else ""))
        try:
            os.mkdir(kept, 0o700)
        except FileExistsError:
            continue
        return kept
    raise FileExistsError(f"{out.name}.kept-{stamp}-999 and all before it exist")


def _set_aside(folder: Path, out: Path, cleared: bool, stayed: _Stayed) -> str:
    """Move a superseded folder that could not be cleared out of every later build's way,
    to a visible name beside ``out``; ``cleared`` (paperkg's files are gone from it): its
    manifest goes too. The warning that says where and what is in it."""
    shown = [
        f"{entry.relative_to(folder) if entry.is_relative_to(folder) else entry} {why}"
        for entry, why in stayed[:3]
    ]
    if len(stayed) > 3:
        shown.append(f"{len(stayed) - 3} more")
    what = "; ".join(shown)
    kept = None
    try:
        kept = _kept_name(out)
        os.rename(folder, kept)  # over the empty folder just made for it
    except OSError as exc:
        if kept is not None:
            with contextlib.suppress(OSError):
                os.rmdir(kept)
        return (
            f"{folder}, the previous snapshot, could not be cleared ({what}) nor set aside "
            f"({exc.strerror or exc}); keep what you want of it and remove it"
        )
    if cleared:
        with contextlib.suppress(OSError):
            os.unlink(kept / MANIFEST)
    ours = "paperkg's own files are gone from it" if cleared else "paperkg's files may be in it"
    return (
        f"kept {kept}: the previous snapshot's folder, with files of yours that could not be "
        f"cleared from it ({what}); {ours}: keep what you want of it, then remove it"
    )


def _remove_tree(path: Path, device: int | None = None) -> None:
    """Delete ``path`` and everything in it, making a carried-over read-only folder writable
    first; symlinks are removed, never followed, and no other file system is entered."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(path)
        return
    if device is not None and info.st_dev != device:
        raise OSError(errno.EBUSY, "another file system is mounted here", str(path))
    if not os.access(path, os.W_OK | os.X_OK):
        os.chmod(path, stat.S_IMODE(info.st_mode) | stat.S_IRWXU)
    for name in os.listdir(path):
        _remove_tree(path / name, info.st_dev)
    os.rmdir(path)


def remove_leftover(folder: Path, out: Path) -> str | None:
    """Clear ``folder``, a temporary folder of a killed build into ``out``; None when it is
    gone (or left to the build's own checks), else a one-line warning.

    Without a readable manifest it is a partial write of paperkg's files only (a build
    carries the user's over after its manifest is complete) and goes whole. A complete
    snapshot is either the old one a swap replaced (``out``'s manifest ``supersedes`` it):
    settled as ``discard_superseded`` does; or a new one never swapped in: the user's entries
    in it are only the links the build made, so it goes whole too, and nothing of it is put
    into ``out`` (a file the user deleted or saved anew since stays as the user left it).
    """
    manifest = _manifest_in(folder)
    try:
        if manifest is not None:
            current = _manifest_in(out)
            if current is None and os.path.lexists(out / MANIFEST):
                return None  # out's is damaged: which of the two is newer cannot be told
            # A manifest that does not say (an older paperkg wrote it): settled, the safe way.
            if current is not None and (
                not current.tells_supersedes or current.supersedes == _sha256(folder / MANIFEST)
            ):
                return discard_superseded(folder, out, {MANIFEST, *manifest.files})
        _remove_tree(folder, _device(folder))
    except OSError as exc:
        return (
            f"{folder}, left by a build that was killed, could not be removed "
            f"({exc.strerror or exc}); remove it"
        )
    return None


# Writing.


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _swap_into_place(tmp: Path, out: Path) -> Path | None:
    """Put ``tmp`` at ``out``; return where the snapshot it replaced now is (None if none).

    Without RENAME_EXCHANGE (NFS, SMB, many FUSE file systems) two renames park the old
    snapshot at ``.NAME.old`` in between; readers and the next build find it there.
    """
    if not os.path.lexists(out):
        os.rename(tmp, out)
        return None
    if _exchange(tmp, out):
        return tmp
    old = old_path(out)
    if os.path.lexists(old):  # the build lock's tidying clears or sets aside any it can
        raise SnapshotError(
            f"{old} is in the way: a build parks the previous snapshot there while it swaps; "
            "keep what you want of it, remove it, then build again"
        )
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)  # put the previous snapshot back
        raise
    return old


def _umask() -> int:
    """This process's umask: read from Linux's ``/proc/self/status`` (changing it would race
    other threads), else set and put back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _folder_mode(out: Path) -> int:
    """The mode of the new snapshot folder: the current folder's (one made private stays
    private), else what ``mkdir`` gives (0777 less the umask), never mkdtemp's 0700."""
    try:
        return stat.S_IMODE(os.stat(out).st_mode)
    except OSError:
        return 0o777 & ~_umask()


def _check_names(extra: Iterable[str]) -> tuple[str, ...]:
    names = (GRAPH, EMBEDDINGS, INDEX, *extra)
    for name in names:
        if not is_file_name(name):
            raise ValueError(f"{name!r} cannot be a snapshot file name")
    if len(set(names)) != len(names):
        raise ValueError(f"snapshot file names repeat: {sorted(names)}")
    return names


def write_snapshot(
    out: str | Path,
    *,
    graph: nx.MultiDiGraph[str],
    embeddings: Embeddings,
    index: faiss.Index,
    manifest: Manifest,
    extra_files: dict[str, str | bytes] | None = None,
) -> list[str]:
    """Write a complete snapshot to ``out``, replacing any previous one only once all is written.

    ``extra_files`` (name -> text or bytes, e.g. ``overview.html``, ``RECORDS``) are written
    and checksummed too; ``manifest`` is written with their list (``files``) and the
    checksum of the manifest it replaces (``supersedes``). Entries of ``out`` the previous
    snapshot's manifest does not list are the user's: they are carried over (hard links),
    and one named like a file this snapshot writes, or on another file system, is refused
    before anything is written. The folder keeps its permissions. Returns warnings for the
    user, one line each: the previous folder set aside because files of the user's in it
    could not be settled.
    """
    out = Path(out)
    out = out.resolve()  # "--out ." has no name to build a sibling temp folder from
    extra = extra_files or {}
    names = _check_names(extra)
    check_replaceable(out, writes=names)
    user = _user_entries(out)
    try:
        supersedes = _sha256(out / MANIFEST) if (out / MANIFEST).is_file() else None
        out.parent.mkdir(parents=True, exist_ok=True)
        mode = _folder_mode(out)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(out), dir=out.parent))
        tmp.chmod(mode)  # not mkdtemp's 0700
    except OSError as exc:
        raise SnapshotError(f"cannot write a snapshot at {out}: {exc.strerror or exc}") from exc
    swapped = False
    warnings: list[str] = []
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
        for name, content in extra.items():
            if isinstance(content, bytes):
                (tmp / name).write_bytes(content)
            else:
                (tmp / name).write_text(content, encoding="utf-8")
        full = replace(
            manifest,
            files={n: FileEntry(_sha256(tmp / n), (tmp / n).stat().st_size) for n in names},
            supersedes=supersedes,
            format_version=FORMAT_VERSION,
            unsaid=manifest.unsaid - {"supersedes"},
        ).to_json()
        try:  # never write a snapshot that no reader would accept
            _check_files(Manifest.from_json(full))
        except ManifestError as exc:
            raise SnapshotError(f"cannot write a snapshot at {out}: manifest {exc}") from None
        (tmp / MANIFEST).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", "utf-8")
        for name in (*names, MANIFEST):
            with (tmp / name).open("rb") as handle:
                os.fsync(handle.fileno())
        # Only now, with the manifest complete: a temporary folder without one holds nothing
        # of the user's, so the next build may delete it whole.
        _carry_over(out, tmp, user)
        atomic.fsync_folder(tmp)
        previous = _swap_into_place(tmp, out)
        swapped = True
        atomic.fsync_folder(out.parent)
        if previous is not None:
            warning = discard_superseded(previous, out)
            if warning is not None:
                warnings.append(warning)
    except (OSError, RuntimeError) as exc:  # faiss reports write failures as RuntimeError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reason = reason.strip().splitlines()[-1] if reason.strip() else type(exc).__name__
        if swapped:  # the new snapshot is in place; only the parent's fsync failed
            return warnings
        raise SnapshotError(f"cannot write a snapshot at {out}: {reason}") from exc
    finally:
        if not swapped:  # all ours: the user's originals are untouched in out
            with contextlib.suppress(OSError):
                _remove_tree(tmp)
    return warnings


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

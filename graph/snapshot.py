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
import filecmp
import hashlib
import json
import math
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

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
class Snapshot:
    """A snapshot read back from disk."""

    path: Path
    manifest: dict[str, Any]
    graph: nx.MultiDiGraph
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


def _plain_name(name: object) -> bool:
    """A name for a file directly inside the snapshot folder (no path, not the manifest)."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..", MANIFEST)
        and not any(c in name for c in "/\\\0")
    )


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


# The manifest's shape: a small declarative check of every field a reader uses. Each check
# takes the value and where it sits ("knn.nprobe") and raises _Shape when it is wrong.


class _Shape(Exception):
    """A manifest field of the wrong shape: where it is and what is wrong with it."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}")


_Check = Callable[[Any, str], None]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(what: str, test: Callable[[Any], bool]) -> _Check:
    def check(value: Any, where: str) -> None:
        if not test(value):
            raise _Shape(where, f"must be {what}, got {_shown(value)}")

    return check


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(minimum: int | None = None) -> _Check:
    is_whole = _kind("a whole number", _is_int)

    def check(value: Any, where: str) -> None:
        is_whole(value, where)
        if minimum is not None and value < minimum:
            raise _Shape(where, f"must be {minimum} or more, got {value}")

    return check


_TEXT = _kind("text", lambda v: isinstance(v, str))
_FLAG = _kind("true or false", lambda v: isinstance(v, bool))
_NUMBER = _kind("a number", lambda v: _is_int(v) or isinstance(v, float))
_FINITE = _kind("a number", lambda v: _is_int(v) or (isinstance(v, float) and math.isfinite(v)))
_SHA256 = _kind(
    "a SHA-256 hex digest",
    lambda v: isinstance(v, str) and len(v) == 64 and set(v) <= set("0123456789abcdef"),
)
_COUNT = _whole(0)


def _optional(check: _Check) -> _Check:
    """``check``, or null."""

    def optional(value: Any, where: str) -> None:
        if value is not None:
            check(value, where)

    return optional


def _list_of(item: _Check) -> _Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise _Shape(where, f"must be a list, got {_shown(value)}")
        for i, element in enumerate(value):
            item(element, f"{where}[{i}]")

    return check


def _map_of(item: _Check, key: Callable[[str], bool] = lambda _k: True) -> _Check:
    """An object whose keys are names (``key`` says which are allowed) and values ``item``."""

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise _Shape(where, f"must be an object, got {_shown(value)}")
        for name, element in value.items():
            inner = f'{where}["{name}"]'
            if not key(name):
                raise _Shape(inner, "is not a file name inside the snapshot folder")
            item(element, inner)

    return check


def _object(
    required: Mapping[str, _Check],
    optional: Mapping[str, _Check] | None = None,
    *,
    closed: bool = False,
) -> _Check:
    """An object with ``required`` and ``optional`` fields; ``closed``: no others allowed."""
    known = {**required, **(optional or {})}

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise _Shape(where or "the manifest", f"must be an object, got {_shown(value)}")
        for name in required:
            if name not in value:
                raise _Shape(_field(where, name), "is missing")
        for name, element in value.items():
            if name in known:
                known[name](element, _field(where, name))
            elif closed:
                raise _Shape(_field(where, name), "is not a field paperkg knows")

    return check


def _field(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


_CLUSTER_CHANGES = _object(
    {
        "events": _list_of(
            _object(
                {"kind": _TEXT, "cluster": _whole()},
                {n: _COUNT for n in ("before", "after", "joined", "left")}
                | {"related": _list_of(_whole())},
                closed=True,  # each event becomes a ClusterChange(**event)
            )
        )
    },
    {"unchanged": _COUNT},
)

#: Every field a reader uses, as format 1 (paperkg 0.1) and format 2 wrote them; fields
#: that only later builds write are optional.
_MANIFEST = _object(
    {
        "files": _map_of(_object({"sha256": _SHA256, "bytes": _COUNT}), key=_plain_name),
        "model": _object(
            {"name": _TEXT, "dimension": _whole(1)}, {"backend": _TEXT, "precision": _TEXT}
        ),
        "knn": _object(
            {"k": _COUNT},
            {
                "min_score": _optional(_FINITE),
                "index": _TEXT,
                "metric": _TEXT,
                "nlist": _optional(_whole(1)),
                "nprobe": _optional(_whole(1)),
                "recall_at_10": _optional(_NUMBER),
                "sample": _optional(_COUNT),
            },
        ),
        "counts": _object(
            {"nodes": _map_of(_COUNT), "relationships": _map_of(_COUNT)},
            {"records": _COUNT, "stubs": _COUNT},
        ),
        "inputs": _list_of(
            _object(
                {"path": _TEXT},
                {
                    "format": _TEXT,
                    "sha256": _TEXT,
                    "records": _COUNT,
                    "entities": _COUNT,
                    "resolved": _TEXT,
                },
            )
        ),
    },
    {
        "created": _TEXT,
        "versions": _map_of(_TEXT),
        "gazetteers": _list_of(_TEXT),
        "external_refs": _FLAG,
        "analytics": _object(
            {},
            {
                "resolution": _NUMBER,
                "seed": _whole(),
                "min_cluster_size": _COUNT,
                "clusters": _COUNT,
                "unclustered": _COUNT,
                "next_id": _optional(_whole()),
                "modularity": _optional(_NUMBER),
                "algorithm": _TEXT,
                "betweenness": _TEXT,
                "changes": _optional(_CLUSTER_CHANGES),
            },
        ),
        "updates": _list_of(
            _object(
                {},
                {
                    "created": _TEXT,
                    "inputs": _list_of(_TEXT),
                    "papers_before": _COUNT,
                    "papers_after": _COUNT,
                    "embedded": _COUNT,
                    "clusters": _COUNT,
                    "cluster_changes": _optional(_CLUSTER_CHANGES),
                },
            )
        ),
    },
)


def _check_shape(manifest: dict[str, Any]) -> None:
    """Raise ``_Shape`` at the first field a reader could not use."""
    _MANIFEST(manifest, "")
    for name in (GRAPH, EMBEDDINGS, INDEX):
        if name not in manifest["files"]:
            raise _Shape("files", f"lists no {name}")


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


def _load_manifest(folder: _Folder) -> dict[str, Any]:
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
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SnapshotError(f"{path} is damaged ({exc}); {hint}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a paperkg manifest; {hint}")
    version = manifest.get("format_version")
    if not _is_int(version) or version < 1:
        raise SnapshotError(f"{path}: format_version must be a whole number, got {version!r}")
    if version > FORMAT_VERSION:
        raise SnapshotError(
            f"{folder.out} has snapshot format {version!r}, newer than this paperkg reads "
            f"({FORMAT_VERSION}); upgrade paperkg"
        )
    try:
        _check_shape(manifest)
    except _Shape as exc:
        raise SnapshotError(f"{path}: {exc}; {hint}") from None
    return manifest


def _file_entry(manifest: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    files = manifest.get("files")
    entry = files.get(name) if isinstance(files, Mapping) else None
    return entry if isinstance(entry, Mapping) else None


def _check_present(folder: _Folder, manifest: Mapping[str, Any]) -> None:
    """Every file the manifest lists is there at its recorded size (cheap: no hashing)."""
    for name, entry in manifest["files"].items():
        path = folder.path / name
        try:
            size = os.stat(name, dir_fd=folder.fd).st_size
        except FileNotFoundError:
            raise SnapshotError(
                f"{path} is missing; the snapshot is damaged: {_what_to_do(folder.out, name)}"
            ) from None
        except OSError as exc:
            raise SnapshotError(f"{path} cannot be read ({exc.strerror or exc})") from exc
        if size != entry["bytes"]:
            raise SnapshotError(
                f"{path} has {size:,} bytes, {MANIFEST} says {entry['bytes']:,}; the snapshot "
                f"is damaged: {_what_to_do(folder.out, name)}"
            )


@contextlib.contextmanager
def _verified(folder: _Folder, manifest: Mapping[str, Any], name: str) -> Iterator[IO[bytes]]:
    """One snapshot file, open and rewound, whose bytes match the manifest's checksum.

    The bytes parsed are the bytes hashed: the same open file, never the path again."""
    path = folder.path / name
    hint = _what_to_do(folder.out, name)
    entry = _file_entry(manifest, name)
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
        if digest.hexdigest() != entry.get("sha256"):
            raise SnapshotError(
                f"{path} does not match its checksum in {MANIFEST}; the snapshot is damaged: {hint}"
            )
        yield handle


def _read_graph(folder: _Folder, manifest: Mapping[str, Any]) -> nx.MultiDiGraph:
    path = folder.path / GRAPH
    with _verified(folder, manifest, GRAPH) as handle:
        try:
            data = json.loads(handle.read())
            return nx.node_link_graph(data, directed=True, multigraph=True, **_NODE_LINK)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            hint = _what_to_do(folder.out, GRAPH)
            raise SnapshotError(f"{path} cannot be read ({exc}); {hint}") from exc


def _read_embeddings(folder: _Folder, manifest: Mapping[str, Any]) -> Embeddings:
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


def read_manifest(
    out: str | Path, *, files: bool = True, verify: Iterable[str] = ()
) -> dict[str, Any]:
    """The manifest of the snapshot at ``out``, checked for presence, version and shape.

    With ``files`` (the default), every file it lists must be there at its recorded size
    (cheap); the files named in ``verify`` that it lists are checked against their
    SHA-256 too. Readers of a file always check its SHA-256 themselves.
    """
    wanted = tuple(verify)

    def read(folder: _Folder) -> dict[str, Any]:
        manifest = _load_manifest(folder)
        if files:
            _check_present(folder, manifest)
        for name in wanted:
            if name in manifest["files"]:
                with _verified(folder, manifest, name):
                    pass
        return manifest

    return _consistent(out, read)


def read_snapshot(out: str | Path) -> Snapshot:
    """Read and check the whole snapshot at ``out``: manifest, graph and embeddings of one
    and the same build, even while builds replace it."""
    out = Path(out)

    def read(folder: _Folder) -> Snapshot:
        manifest = _load_manifest(folder)
        graph = _read_graph(folder, manifest)
        return Snapshot(out, manifest, graph, _read_embeddings(folder, manifest))

    return _consistent(out, read)


def read_files(out: str | Path, names: Iterable[str]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest of the snapshot at ``out`` and the checked bytes of those of ``names``
    it lists, all from the same build."""
    wanted = tuple(names)

    def read(folder: _Folder) -> tuple[dict[str, Any], dict[str, bytes]]:
        manifest = _load_manifest(folder)
        found: dict[str, bytes] = {}
        for name in wanted:
            if name in manifest["files"]:
                with _verified(folder, manifest, name) as handle:
                    found[name] = handle.read()
        return manifest, found

    return _consistent(out, read)


def _read_listed(
    out: str | Path, manifest: Mapping[str, Any], name: str, parse: Callable[[IO[bytes]], T]
) -> T:
    """One file of the build ``manifest`` describes (read earlier), parsed; when a later
    build has replaced it, say so rather than call the snapshot damaged."""
    out = Path(out)

    def read(folder: _Folder) -> T:
        try:
            with _verified(folder, manifest, name) as handle:
                return parse(handle)
        except SnapshotError:
            if _load_manifest(folder)["files"] != manifest.get("files"):
                raise SnapshotError(
                    f"{out} was replaced by a build while it was read; run the command again"
                ) from None
            raise

    return _consistent(out, read)


def read_file(out: str | Path, manifest: dict[str, Any], name: str) -> bytes:
    """The bytes of one checksummed snapshot file (``RECORDS``, ``CLUSTERS``, ...)."""
    return _read_listed(out, manifest, name, lambda handle: handle.read())


def read_index(out: str | Path, manifest: dict[str, Any]) -> faiss.Index:
    """The FAISS index of the snapshot at ``out`` (rows in the order of its embeddings)."""
    path = Path(out) / INDEX

    def parse(handle: IO[bytes]) -> faiss.Index:
        try:
            return faiss.read_index(faiss.PyCallbackIOReader(handle.read))  # streamed
        except RuntimeError as exc:
            raise SnapshotError(f"{path} cannot be read; {_what_to_do(Path(out), INDEX)}") from exc

    index = _read_listed(out, manifest, INDEX, parse)
    set_nprobe(index, manifest.get("knn", {}).get("nprobe"))
    return index


def read_cache(out: str | Path, model: str) -> dict[str, np.ndarray]:
    """Vectors by text hash from the snapshot at ``out`` when it used ``model``, else empty.

    A missing or damaged snapshot simply gives no cache: it is about to be replaced.
    """

    def read(folder: _Folder) -> Embeddings | None:
        manifest = _load_manifest(folder)
        if manifest["model"]["name"] != model:
            return None
        return _read_embeddings(folder, manifest)

    try:
        embeddings = _consistent(out, read)
    except SnapshotError:
        return {}
    if embeddings is None:
        return {}
    return dict(zip(embeddings.hashes, embeddings.vectors, strict=True))


def verify_snapshot(out: str | Path) -> dict[str, Any]:
    """The manifest of the snapshot at ``out`` after checking every file it lists against
    its SHA-256: a complete snapshot, or ``SnapshotError`` naming what is not."""

    def read(folder: _Folder) -> dict[str, Any]:
        manifest = _load_manifest(folder)
        for name in manifest["files"]:
            with _verified(folder, manifest, name):
                pass
        return manifest

    return _consistent(out, read)


def _manifest_of(folder: Path) -> dict[str, Any]:
    """The manifest of exactly ``folder`` (no ``.old`` fallback), checked as readers do."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise SnapshotError(f"cannot read {folder}: {exc.strerror or exc}") from exc
    try:
        return _load_manifest(_Folder(folder, folder, fd))
    finally:
        os.close(fd)


def _manifest_in(folder: Path) -> dict[str, Any] | None:
    """The manifest of exactly ``folder``, or None if it has none paperkg can read."""
    try:
        return _manifest_of(folder)
    except SnapshotError:
        return None


def check_replaceable(out: Path, writes: Iterable[str] = ()) -> None:
    """Refuse to replace a folder that is not a snapshot: it may be the user's own files.

    A snapshot whose manifest is damaged or newer than this paperkg is refused too, with
    what is wrong with it: which files in it are paperkg's cannot be told. A file of the
    user's named like one of ``writes`` (the files the new snapshot will hold) is refused:
    a build calls this before any work, and the write again before anything is written.
    """
    if out.exists() and not out.is_dir():
        raise SnapshotError(f"--out {out} is a file; give a folder for the snapshot")
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
            f"--out {out} is a folder with other files in it, not a paperkg snapshot; "
            "choose an empty or new folder"
        ) from exc
    clash = sorted(set(_user_entries(out)) & set(writes))
    if clash:
        raise SnapshotError(
            f"{out / clash[0]} is not a file paperkg wrote, and this build writes a file of "
            "that name; move or rename yours, then build again"
        )


# The user's files: carried over into each new snapshot, never deleted.


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
        raise SnapshotError(f"--out {out} is not a paperkg snapshot")
    ours = {MANIFEST, *manifest["files"]}
    return [name for name in names if name not in ours]


def _recreate(source: Path, target: Path) -> None:
    """``source`` again at ``target``: files as hard links (a copy where linking fails),
    symlinks as symlinks (never followed), folders entry by entry. What the user removed
    meanwhile is simply not there to carry."""
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
        _fsync_folder(target)
    else:
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, target, follow_symlinks=False)


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


def _same(a: Path, a_info: os.stat_result, b: Path, b_info: os.stat_result) -> bool:
    """Whether ``b`` holds what ``a`` does: the same file, an equal copy, the same link."""
    if (a_info.st_dev, a_info.st_ino) == (b_info.st_dev, b_info.st_ino):
        return True
    if stat.S_ISLNK(a_info.st_mode) and stat.S_ISLNK(b_info.st_mode):
        return os.readlink(a) == os.readlink(b)
    if stat.S_ISREG(a_info.st_mode) and stat.S_ISREG(b_info.st_mode):
        return a_info.st_size == b_info.st_size and filecmp.cmp(a, b, shallow=False)
    return False


def _settle(entry: Path, kept: Path) -> bool:
    """Remove ``entry`` when ``kept`` holds the same, move it there when ``kept`` has
    nothing of that name; True when ``entry`` is gone. Anything else stays."""
    info = os.lstat(entry)
    try:
        kept_info = os.lstat(kept)
    except FileNotFoundError:
        os.rename(entry, kept)
        return True
    if stat.S_ISDIR(info.st_mode) and stat.S_ISDIR(kept_info.st_mode):
        if not os.access(entry, os.W_OK):
            # A read-only folder of the user's: only this superseded one is made writable.
            os.chmod(entry, stat.S_IMODE(info.st_mode) | stat.S_IWUSR)
        settled = [_settle(entry / name, kept / name) for name in sorted(os.listdir(entry))]
        if all(settled):
            os.rmdir(entry)
        return all(settled)
    if _same(entry, info, kept, kept_info):
        os.unlink(entry)
        return True
    return False


def discard_superseded(folder: Path, out: Path, ours: Iterable[str] | None = None) -> bool:
    """Remove ``folder``, a snapshot the one at ``out`` replaced, losing nothing of the user's.

    paperkg's own files (``ours``; by default its manifest and the files that lists) are
    deleted, the manifest last, so a kill midway leaves it to say which files are paperkg's.
    Every other entry is the user's: deleted only where ``out`` holds the same (the hard
    link a build made), moved into ``out`` where it has nothing of that name (made while
    the build was swapping); anything else stays, and so do the manifest and ``folder``.
    True when ``folder`` is gone.
    """
    if ours is None:
        manifest = _manifest_in(folder)
        ours = {MANIFEST, *manifest["files"]} if manifest is not None else ()
    mine = set(ours)
    settled = True
    for name in sorted(os.listdir(folder)):
        entry = folder / name
        if name == MANIFEST:
            continue
        if name in mine and not stat.S_ISDIR(os.lstat(entry).st_mode):
            os.unlink(entry)
        elif not _settle(entry, out / name):  # a folder is never a file paperkg wrote
            settled = False
    if not settled:
        return False
    with contextlib.suppress(FileNotFoundError):
        if MANIFEST in mine:
            os.unlink(folder / MANIFEST)
        elif not _settle(folder / MANIFEST, out / MANIFEST):
            return False
    os.rmdir(folder)
    return True


def remove_leftover(folder: Path, out: Path) -> bool:
    """Remove ``folder``, a temporary folder of a build into ``out`` that was killed.

    Without a readable manifest it is a partial write of paperkg's files only (a build
    carries the user's over after its manifest is complete) and goes whole. With one it is
    a complete new snapshot never swapped in, or the old one a swap replaced: settled as
    ``discard_superseded`` does. True when it is gone.
    """
    manifest = _manifest_in(folder)
    if manifest is None:
        shutil.rmtree(folder)
        return True
    return discard_superseded(folder, out, {MANIFEST, *manifest["files"]})


# Writing.


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
    if os.path.lexists(old):
        raise SnapshotError(
            f"{old} is left from an interrupted build and is in the way; paperkg build "
            f"recovers it, or keep what you want of it and remove it"
        )
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)  # put the previous snapshot back
        raise
    return old


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries (new files, a rename) durable, not only the files' bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_names(extra: Iterable[str]) -> tuple[str, ...]:
    names = (GRAPH, EMBEDDINGS, INDEX, *extra)
    for name in names:
        if not _plain_name(name):
            raise ValueError(f"{name!r} cannot be a snapshot file name")
    if len(set(names)) != len(names):
        raise ValueError(f"snapshot file names repeat: {sorted(names)}")
    return names


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
    and checksummed too. Entries of ``out`` the previous snapshot's manifest does not list
    are the user's: they are carried over (hard links), and one named like a file this
    snapshot writes is refused before anything is written.
    """
    out = Path(out)
    out = out.resolve()  # "--out ." has no name to build a sibling temp folder from
    extra = extra_files or {}
    names = _check_names(extra)
    check_replaceable(out, writes=names)
    user = _user_entries(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(out), dir=out.parent))
        tmp.chmod(0o755)  # mkdtemp's 0700 would carry over to the snapshot folder
    except OSError as exc:
        raise SnapshotError(f"cannot write a snapshot at {out}: {exc.strerror or exc}") from exc
    swapped = False
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
        files = {
            name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            for name in names
        }
        full = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest, "files": files}
        try:
            _check_shape(full)  # never write a snapshot that no reader would accept
        except _Shape as exc:
            raise SnapshotError(f"cannot write a snapshot at {out}: manifest {exc}") from None
        (tmp / MANIFEST).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", "utf-8")
        for name in (*names, MANIFEST):
            with (tmp / name).open("rb") as handle:
                os.fsync(handle.fileno())
        # Only now, with the manifest complete: a temporary folder without one holds nothing
        # of the user's, so the next build may delete it whole.
        _carry_over(out, tmp, user)
        _fsync_folder(tmp)
        previous = _swap_into_place(tmp, out)
        swapped = True
        _fsync_folder(out.parent)
        if previous is not None:
            discard_superseded(previous, out)
    except (OSError, RuntimeError) as exc:  # faiss reports write failures as RuntimeError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reason = reason.strip().splitlines()[-1] if reason.strip() else type(exc).__name__
        if swapped:  # the new snapshot is in place; only tidying the old one failed
            return
        raise SnapshotError(f"cannot write a snapshot at {out}: {reason}") from exc
    finally:
        if not swapped:  # all ours: the user's originals are untouched in out
            with contextlib.suppress(OSError):
                shutil.rmtree(tmp)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""Writing a snapshot: whole into a temporary sibling folder, then swapped into place.

A failed or interrupted build leaves the previous snapshot as it was; the user's files in the
folder are carried over (``carry``); reading is ``read``'s.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import faiss
import networkx as nx
import numpy as np

from paperkg import atomic
from paperkg.errors import SnapshotError
from paperkg.graph.snapshot.carry import (
    _carry_over,
    _check_carriable,
    _remove_tree,
    _user_entries,
    discard_superseded,
)
from paperkg.graph.snapshot.manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    FileEntry,
    Manifest,
    ManifestError,
    is_file_name,
)
from paperkg.graph.snapshot.read import (
    _NODE_LINK,
    EMBEDDINGS,
    GRAPH,
    INDEX,
    Embeddings,
    _check_files,
    _manifest_of,
    _sha256,
    _temp_prefix,
    old_path,
)

__all__ = ["check_replaceable", "write_snapshot"]


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

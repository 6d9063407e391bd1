"""One build at a time per snapshot folder: an advisory lock beside the folder.

The lock is ``fcntl.flock`` on ``.<name>.lock`` next to the snapshot (not inside it: the
folder itself is swapped). The kernel releases it when the holder exits, even on SIGKILL,
so a crashed build never blocks the next one; the file is removed on release. Tag changes
(``paperkg.graph.tags``) take the same lock, so they never meet a build half-way; they wait
for it a while (``wait``), where a build fails at once.

Holding the lock, a build finishes what a killed one left: a snapshot parked at
``.<name>.old`` by a swap cut between its two renames is put back, and temporary folders
named exactly as this snapshot's are removed, keeping anything of the user's in them. What
cannot be cleared is set aside as ``<name>.kept-<time>`` and reported, never left in the way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from paperkg import atomic
from paperkg.errors import SnapshotError
from paperkg.graph.snapshot.carry import discard_superseded, remove_leftover
from paperkg.graph.snapshot.read import is_temp_folder, old_path, verify_snapshot

__all__ = ["snapshot_lock"]

_POLL = 0.02  # seconds between tries of a caller that waits for the lock


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def snapshot_lock(out: str | Path, wait: float = 0) -> Iterator[list[str]]:
    """Hold the build lock of ``out``, or fail at once naming the build that holds it; with
    ``wait`` (seconds), try again until then first (tag changes queue behind each other).

    Once held, what a killed build left beside ``out`` is cleaned up (see the module); the
    value is the warnings for the user that this gave, one line each (usually none).
    """
    out = Path(out).resolve()
    deadline = time.monotonic() + wait
    path = _lock_path(out)
    created = not out.parent.exists()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SnapshotError(f"cannot write a snapshot at {out}: {exc.strerror or exc}") from exc
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SnapshotError(f"cannot lock {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            if time.monotonic() < deadline:
                time.sleep(_POLL)
                continue
            if wait > 0:
                raise SnapshotError(
                    f"{out} is still locked by another paperkg process (pid {holder}: a build "
                    f"or a tag change) after {wait:g} s; try again once it has finished"
                ) from None
            raise SnapshotError(
                f"another paperkg build or tag change (pid {holder}) is writing {out}; wait "
                "for it to finish or build into another --out"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        warnings = _recover_old(out)
        warnings += _remove_leftovers(out)
        yield warnings
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
        if created:  # a failed first build leaves no empty folder behind
            with contextlib.suppress(OSError):
                out.parent.rmdir()


def _recover_old(out: Path) -> list[str]:
    """Finish a two-rename swap a kill cut short (file systems without RENAME_EXCHANGE).

    Only ``.NAME.old``: the snapshot was parked there and the new one never arrived, so it
    goes back. Both: the second rename finished, so ``.NAME.old`` is the previous snapshot;
    it goes only once ``out`` is checked complete, and never with anything of the user's
    (what cannot be settled is set aside: the warning returned says where).
    """
    old = old_path(out)
    if not old.is_dir() or old.is_symlink():
        return []
    if not os.path.lexists(out):
        try:
            os.rename(old, out)
            atomic.fsync_folder(out.parent)
        except OSError as exc:
            raise SnapshotError(f"cannot move {old} back to {out}: {exc.strerror or exc}") from exc
        return []
    try:
        verify_snapshot(out)
    except SnapshotError as exc:
        problem = str(exc).split("; ")[0]  # what is wrong, without the advice for readers
        raise SnapshotError(
            f"{old} holds the snapshot from before an interrupted build and {out} is not "
            f"complete ({problem}); keep the one you want as {out.name}, move the other "
            "away, then build again"
        ) from exc
    warning = discard_superseded(old, out)
    return [] if warning is None else [warning]


def _remove_leftovers(out: Path) -> list[str]:
    """Temporary folders of builds into ``out`` that died before or while swapping theirs;
    the warnings for those that could not be cleared.

    Names are compared as text (``--out 'run[1]'`` or ``'kg*'`` match nothing else), and no
    other build can be writing one: we hold the lock of ``out``.
    """
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return []
    warnings = []
    for entry in entries:
        if not is_temp_folder(entry.name, out) or not entry.is_dir(follow_symlinks=False):
            continue
        warning = remove_leftover(Path(entry.path), out)
        if warning is not None:
            warnings.append(warning)
    return warnings

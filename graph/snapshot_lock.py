"""One build at a time per snapshot folder: an advisory lock beside the folder.

The lock is ``fcntl.flock`` on ``.<name>.lock`` next to the snapshot (not inside it: the
folder itself is swapped). The kernel releases it when the holder exits, even on SIGKILL,
so a crashed build never blocks the next one; the file is removed on release.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from paperkg.errors import SnapshotError

__all__ = ["snapshot_lock"]


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def snapshot_lock(out: str | Path) -> Iterator[None]:
    """Hold the build lock of ``out``, or fail at once naming the build that holds it.

    While held, temporary folders a killed build left beside ``out`` are removed.
    """
    out = Path(out).resolve()
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
            raise SnapshotError(
                f"another paperkg build (pid {holder}) is writing {out}; wait for it to "
                "finish or build into another --out"
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
        _remove_leftovers(out)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
        if created:  # a failed first build leaves no empty folder behind
            with contextlib.suppress(OSError):
                out.parent.rmdir()


def _remove_leftovers(out: Path) -> None:
    """Temporary folders of builds that died before swapping theirs into place."""
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(out.parent / f".{out.name}.old", ignore_errors=True)

"""Atomic writes: a file or a folder appears whole at its path, or not at all.

Every writer of paperkg goes through :func:`write_file` or :func:`write_folder`. The new
content is written beside its target under a hidden temporary name, flushed to disk, and
renamed over the target in one step, so a reader, a crash or Ctrl-C never meets half a file,
and a failure leaves the previous content untouched and no temporary behind. New files and
folders get what a plain ``open``/``mkdir`` gives (0666/0777 less the umask, or the folder's
default ACL), never ``mkstemp``'s private 0600/0700.

The snapshot folder has its own exchange (``graph/snapshot/store.py``: it carries the user's
files over and keeps the folder's mode); it shares :func:`fsync_folder` with these helpers.
Errors are ``OSError``s: each caller turns them into its own ``PaperkgError`` subclass.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["fsync_folder", "write_file", "write_folder"]

_ATTEMPTS = 100  # random names tried before giving up, as tempfile does


def _temp_name(target: Path, kind: str) -> Path:
    """A hidden name beside ``target``: ``.NAME.<random>.tmp`` or ``.NAME.tmp-<random>``."""
    tag = secrets.token_hex(4)
    name = f".{target.name}.{tag}.tmp" if kind == "file" else f".{target.name}.{kind}-{tag}"
    return target.with_name(name)


def _create_file(target: Path) -> tuple[int, Path]:
    """Open a new temporary file beside ``target``, with the mode ``open`` would give."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        tmp = _temp_name(target, "file")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def _create_folder(target: Path, kind: str) -> Path:
    """Make a new temporary folder beside ``target``, with the mode ``mkdir`` would give."""
    for _ in range(_ATTEMPTS):
        tmp = _temp_name(target, kind)
        try:
            os.mkdir(tmp, 0o777)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def fsync_folder(folder: Path) -> None:
    """Make a folder's entries (new files, a rename) durable, not only the files' bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def write_file(
    path: str | Path,
    content: bytes | str | Callable[[Path], object],
    *,
    check: Callable[[], object] | None = None,
) -> int:
    """Write ``content`` to ``path`` atomically and return the size written.

    ``content`` is bytes, text (saved as UTF-8), or a function that writes the temporary
    file whose path it is given (a library that only writes to a path). The file is synced
    to disk, then ``check()``, when given, may still refuse the target (raise) just before
    the rename replaces it. Missing parent folders are made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_file(path)
    try:
        if callable(content):
            os.close(fd)
            content(tmp)
            _fsync_file(tmp)
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(fd, "wb", closefd=True) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        size = tmp.stat().st_size
        if check is not None:
            check()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size


def _sync_tree(folder: Path) -> None:
    """fsync every regular file under ``folder``, then each folder, deepest first."""
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            entry = Path(root, name)
            if entry.is_file() and not entry.is_symlink():
                _fsync_file(entry)
        fsync_folder(Path(root))


def write_folder(
    folder: str | Path,
    fill: Callable[[Path], object],
    *,
    replace: bool = True,
    check: Callable[[], object] | None = None,
) -> bool:
    """Make ``folder`` atomically: ``fill(tmp)`` writes the files into a new temporary folder
    beside it, which is synced and renamed to ``folder``. Returns whether it was put there.

    A missing or empty ``folder`` is simply replaced. One that holds files is, with
    ``replace``, set aside, replaced, then deleted (put back if the rename fails); without
    ``replace`` it is kept and the new folder dropped: another process made it first (a
    cache), and theirs is as good. ``check()``, when given, may refuse (raise) just before
    anything at ``folder`` changes. Missing parent folders are made.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_folder(folder, "tmp")
    try:
        fill(tmp)
        _sync_tree(tmp)
        if check is not None:
            check()
        try:
            os.rename(tmp, folder)  # a new name, or over an empty folder
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not folder.is_dir():
                raise
            if not replace:
                return False
            _exchange(tmp, folder)
        with contextlib.suppress(OSError):
            fsync_folder(folder.parent)
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already once it was renamed


def _exchange(tmp: Path, folder: Path) -> None:
    """Put ``tmp`` at ``folder``, whose old content is deleted once the new one is there."""
    aside = _create_folder(folder, "old")
    try:
        os.rename(folder, aside / folder.name)
        try:
            os.rename(tmp, folder)
        except OSError:
            os.rename(aside / folder.name, folder)  # if this fails, the old one stays aside
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.rmdir(aside)  # only when empty: the old content is never deleted
        raise
    shutil.rmtree(aside, ignore_errors=True)

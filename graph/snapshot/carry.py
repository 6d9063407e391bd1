"""The user's files in a snapshot folder: carried over into each new snapshot, never deleted.

Files paperkg did not write (notes, exports, saved views) belong to the user. A build links
them into the new folder before the swap and settles the superseded folder after it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from paperkg import atomic
from paperkg.errors import SnapshotError
from paperkg.graph.snapshot.manifest import (
    MANIFEST,
)
from paperkg.graph.snapshot.read import _manifest_in, _sha256

__all__ = ["discard_superseded", "remove_leftover"]


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

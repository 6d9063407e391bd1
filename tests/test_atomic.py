"""paperkg.atomic: the one way paperkg writes a file or a folder, on real files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperkg import atomic


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_bytes_text_and_a_writer_function_land_whole(tmp_path: Path):
    assert atomic.write_file(tmp_path / "a.bin", b"\x00\x01") == 2
    assert atomic.write_file(tmp_path / "deeper" / "b.txt", "café") == len("café".encode())
    assert atomic.write_file(tmp_path / "c.txt", lambda tmp: tmp.write_text("by path")) == 7
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "deeper" / "b.txt").read_text(encoding="utf-8") == "café"
    assert (tmp_path / "c.txt").read_text() == "by path"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "c.txt", "deeper"]


@pytest.mark.parametrize("content", [b"new", "new", lambda tmp: tmp.write_bytes(b"new")])
def test_a_new_file_gets_the_mode_open_gives_not_mkstemps(tmp_path: Path, umask_027, content):
    target = tmp_path / "out.txt"
    atomic.write_file(target, content)
    assert _mode(target) == 0o640  # 0666 & ~umask, as a plain open() would give


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "kg.graphml"
    target.write_text("old content")

    def half(tmp: Path) -> None:
        tmp.write_text("half of the new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic.write_file(target, half)
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.graphml"]


def test_check_refuses_the_target_at_the_last_moment(tmp_path: Path):
    target = tmp_path / "page.html"
    target.write_text("the user's")

    def refuse() -> None:
        raise ValueError("appeared meanwhile")

    with pytest.raises(ValueError, match="appeared meanwhile"):
        atomic.write_file(target, "ours", check=refuse)
    assert target.read_text() == "the user's"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_folder_in_the_way_fails_and_leaves_no_temporary(tmp_path: Path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError):
        atomic.write_file(tmp_path / "taken", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_the_bytes_reach_the_disk_before_the_rename(tmp_path: Path, monkeypatch):
    """The file is synced while it is still the temporary: after a crash the name holds
    either the old bytes or all the new ones, never an empty file."""
    synced: list[tuple[int, int]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        synced.append((info.st_ino, info.st_size))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "feed.json"
    for content in (b"[1, 2, 3]", lambda tmp: tmp.write_bytes(b"[4, 5]")):
        atomic.write_file(target, content)
        done = target.stat()
        assert (done.st_ino, done.st_size) in synced


def _fill(files: dict[str, str]):
    def fill(tmp: Path) -> None:
        for name, text in files.items():
            (tmp / name).write_text(text)

    return fill


def test_a_folder_appears_whole(tmp_path: Path, umask_027):
    folder = tmp_path / "csv"
    assert atomic.write_folder(folder, _fill({"a.csv": "1", "b.csv": "2"}))
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.csv"]
    assert _mode(folder) == 0o750  # 0777 & ~umask, not mkdtemp's 0700
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]


def test_an_empty_folder_is_replaced_and_a_full_one_only_when_asked(tmp_path: Path):
    folder = tmp_path / "export"
    folder.mkdir()
    assert atomic.write_folder(folder, _fill({"one.csv": "1"}))
    assert atomic.write_folder(folder, _fill({"two.csv": "2"}))
    assert [p.name for p in folder.iterdir()] == ["two.csv"]
    # A cache made by another process first is kept, and ours dropped.
    assert not atomic.write_folder(folder, _fill({"three.csv": "3"}), replace=False)
    assert [p.name for p in folder.iterdir()] == ["two.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["export"]


def test_a_failed_fill_or_check_leaves_the_old_folder_and_no_temporary(tmp_path: Path):
    folder = tmp_path / "export"
    atomic.write_folder(folder, _fill({"old.csv": "old"}))

    def broken(tmp: Path) -> None:
        (tmp / "new.csv").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic.write_folder(folder, broken)

    def refuse() -> None:
        raise ValueError("the user put a file there meanwhile")

    with pytest.raises(ValueError, match="meanwhile"):
        atomic.write_folder(folder, _fill({"new.csv": "new"}), check=refuse)
    assert [p.name for p in folder.iterdir()] == ["old.csv"]
    assert (folder / "old.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["export"]

"""A snapshot survives killed builds, concurrent builds and a full disk: always the old one
or the new one, readable, never a mix."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, run, tree_digest
from paperkg.graph import read_snapshot
from paperkg.graph.snapshot.lock import snapshot_lock
from paperkg.pipeline import BuildOptions, build


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("safety") / "kg"
    build([EXAMPLES], out, BuildOptions(k=5), embedder=embedder)
    return out


def files_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["files"]


def build_process(out: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "paperkg", "build", str(EXAMPLES), "--out", str(out)]
    return subprocess.Popen(
        [*command, "-q", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_snapshot(old: Path, tmp_path: Path):
    out = tmp_path / "kg"
    shutil.copytree(old, out)
    before = files_of(out)
    finished = build_process(out, "-k", "3")  # a full run: how long one takes
    started = time.perf_counter()
    assert finished.wait(timeout=300) == 0, finished.stderr.read()
    duration = time.perf_counter() - started
    after = files_of(out)
    assert after != before
    shutil.rmtree(out)
    shutil.copytree(old, out)
    rng = random.Random(7)
    seen = {"old": 0, "new": 0}
    for _ in range(12):
        process = build_process(out, "-k", "3")
        time.sleep(rng.uniform(0.2, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        snapshot = read_snapshot(out)  # every file present and matching its checksum
        state = files_of(out)
        assert state in (before, after)
        seen["old" if state == before else "new"] += 1
        if state == after:  # start again from the old snapshot
            shutil.rmtree(out)
            shutil.copytree(old, out)
        assert snapshot.manifest.knn.k in (5, 3)
    assert run("build", EXAMPLES, "--out", out, "-q", "-k", "3").exit_code == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".kg")]
    assert leftovers == []  # temp folders of killed builds are cleaned by the next build
    assert seen["old"] > 0


def test_a_second_build_into_the_same_folder_fails_clearly(old: Path, tmp_path: Path):
    out = tmp_path / "kg"
    shutil.copytree(old, out)
    before = tree_digest(out)
    with snapshot_lock(out):
        result = run("build", EXAMPLES, "--out", out, "-q", "-k", "3")
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"Error: another paperkg build or tag change (pid {os.getpid()}) is writing {out}; "
            "wait for it to finish or build into another --out"
        )
        assert tree_digest(out) == before
    assert run("build", EXAMPLES, "--out", out, "-q", "-k", "3").exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["kg"]  # no lock file left


def test_two_builds_at_once_one_wins_the_other_says_why(old: Path, tmp_path: Path):
    out = tmp_path / "kg"
    shutil.copytree(old, out)
    first, second = build_process(out, "-k", "3"), build_process(out, "-k", "4")
    codes = (first.wait(timeout=300), second.wait(timeout=300))
    errors = (first.stderr.read().decode(), second.stderr.read().decode())
    assert 0 in codes
    for code, error in zip(codes, errors, strict=True):
        assert code == 0 or "another paperkg build" in error, error
    assert read_snapshot(out).manifest.knn.k in (3, 4)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 3 MiB tmpfs: a real file system that fills up (needs root, as CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_error_and_the_old_snapshot_stays(old: Path, small_disk: Path):
    out = small_disk / "kg"
    shutil.copytree(old, out)
    before = tree_digest(out)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 64 * 1024))
    result = run("build", EXAMPLES, "--out", out, "-q", "-k", "3")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write a snapshot at {out}")
    assert "No space left on device" in lines[0]
    assert tree_digest(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "kg"]
    (small_disk / "filler").unlink()
    assert run("build", EXAMPLES, "--out", out, "-q", "-k", "3").exit_code == 0
    assert read_snapshot(out).manifest.knn.k == 3

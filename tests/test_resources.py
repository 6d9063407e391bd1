"""Inputs too large for --max-papers or for the machine's memory fail before embedding,
with one line saying what to do, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LISTING, run
from paperkg.errors import InputError
from paperkg.memory import available_bytes, estimated_peak_bytes
from paperkg.pipeline import _check_size


def test_max_papers_refuses_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "kg"
    result = run("build", LISTING / "basic.txt", "--out", out, "--max-papers", "1", "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the sources hold ")
    assert "more than --max-papers 1; narrow the sources with --category" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_input_beyond_the_memory_available_is_refused_with_advice():
    with pytest.raises(InputError, match=r"need about .* GiB of memory and .* GiB is available"):
        _check_size(10**9, None)
    _check_size(1000, None)  # the seeds' size fits anywhere


def test_memory_reading_and_estimate(tmp_path: Path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  1000 kB\nMemAvailable:  2048 kB\n")
    assert available_bytes(meminfo) == 2048 * 1024
    assert available_bytes(tmp_path / "missing") is None
    assert estimated_peak_bytes(100_000) > estimated_peak_bytes(10_000) > 0

"""The `paperkg view around` and `paperkg view connect` commands: pages written, bad input
refused with nothing written (the pages themselves: tests/test_around_view.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES, run
from paperkg.viz import is_view_page


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("around-view-cli") / "kg"
    result = run("build", EXAMPLES, "--out", out, "-k", "5", "-q")
    assert result.exit_code == 0, result.output
    return out


def test_the_commands_write_their_pages(examples_out: Path, tmp_path: Path):
    around = tmp_path / "around.html"
    result = run("view", "around", "FoldLite", "ResiDiff", "--out", examples_out, "-o", around)
    assert result.exit_code == 0, result.output
    assert is_view_page(around) and "Around: FoldLite" in around.read_text(encoding="utf-8")
    connect = tmp_path / "connect.html"
    result = run(
        "view", "connect", "FoldLite", "ResiDiff", "-k", "2", "--out", examples_out, "-o", connect
    )
    assert result.exit_code == 0, result.output
    assert is_view_page(connect)


def test_bad_input_is_refused_and_writes_nothing(examples_out: Path, tmp_path: Path):
    page_path = tmp_path / "none.html"
    result = run("view", "around", "no such paper at all", "--out", examples_out, "-o", page_path)
    assert result.exit_code != 0 and not page_path.exists()
    result = run("view", "connect", "FoldLite", "FoldLite", "--out", examples_out, "-o", page_path)
    assert result.exit_code != 0 and not page_path.exists()
    result = run("view", "around", "FoldLite", "--size", "0", "--out", examples_out)
    assert result.exit_code != 0
    mine = tmp_path / "mine.html"
    mine.write_text("my notes", encoding="utf-8")
    result = run("view", "around", "FoldLite", "--out", examples_out, "-o", mine)
    assert result.exit_code != 0 and mine.read_text(encoding="utf-8") == "my notes"

"""docs/gallery.md: every picture it shows exists, and the recorded build session is made by
the CLI's own progress bars and summary."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"


def test_gallery_pictures_exist_and_the_commands_come_first():
    text = (DOCS / "gallery.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    site = {f"site-{kind}" for kind in ("overview", "search", "topic", "cluster", "paper")}
    site |= {"site-method", "site-bridges", "site-timeline"}
    views = {"build", "overview", "cluster", "paper", "bridges", "digest", "around", "connect"}
    browser = {f"browser-{name}" for name in ("cluster-overview", "top-bridges", "graph")}
    browser.add("browser-code-in-cluster")
    assert {Path(p).stem for p in pictures} == views | site | browser
    for picture in pictures:
        assert (DOCS / picture).is_file(), picture
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    assert "docs/screenshots.py" in first_block and "docs/record_build.py" in first_block
    assert text.index("```bash") < text.index("![")


@pytest.mark.model
def test_record_build_draws_the_cli_progress_bars_into_an_svg(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("record_build", DOCS / "record_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    here = Path.cwd()
    svg = module.record(tmp_path / "build.svg")
    assert Path.cwd() == here
    shown = re.sub(r"&#160;", " ", "".join(re.findall(r">([^<]*)</text>", svg.read_text())))
    for expected in (
        "$ paperkg build examples --out kg",
        "Reading sources",
        "3/3",
        "Finding entities",
        "Embedding papers",
        "49/49",
        "Snapshot written to kg",
        "papers embedded",
        "model all-MiniLM-L6-v2",
    ):
        assert expected in shown, expected
    assert svg.read_text().startswith("<svg")

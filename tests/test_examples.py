"""The project's own example corpus builds, and its repeated paper is one node."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES
from paperkg.graph import fold, read_snapshot
from paperkg.pipeline import build


def test_examples_build_into_49_papers_with_the_repeat_merged(tmp_path: Path, embedder):
    report = build([EXAMPLES], tmp_path / "kg", embedder=embedder)
    assert report.files == 3 and report.records == 50 and report.papers == 49
    graph = read_snapshot(tmp_path / "kg").graph
    repeated = [d for _n, d in graph.nodes(data=True) if len(d.get("sources", [])) == 2]
    assert len(repeated) == 1
    assert fold(repeated[0]["title"]) == fold(
        "Contrastive Pretraining of Speech Encoders for Low-Resource Languages"
    )

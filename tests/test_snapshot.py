"""Reading a damaged snapshot says what is wrong; writing is all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from paperkg.errors import SnapshotError
from paperkg.graph import read_manifest, read_snapshot


@pytest.fixture
def snap(tmp_path: Path, seeds_snapshot: Path) -> Path:
    copy = tmp_path / "kg"
    shutil.copytree(seeds_snapshot, copy)
    return copy


def test_manifest_lists_what_the_issue_asks(seeds_snapshot: Path):
    manifest = read_manifest(seeds_snapshot)
    model = manifest.model
    assert (model.name, model.dimension) == ("all-MiniLM-L6-v2", 384)
    assert model.backend in {"openvino", "torch"} and model.precision
    assert manifest.knn.k == 10 and manifest.knn.min_score is None
    assert all(len(i.sha256 or "") == 64 and (i.records or 0) > 0 for i in manifest.inputs)
    assert manifest.versions is not None
    assert {"networkx", "faiss-cpu", "sentence-transformers", "python"} <= manifest.versions.keys()
    assert manifest.counts.relationships["SIMILAR_TO"] == 3700
    assert manifest.created


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / "manifest.json").unlink(), "is not a paperkg snapshot (no manifest.json"),
        (lambda p: (p / "manifest.json").write_text("{broken"), "manifest.json is damaged"),
        (lambda p: (p / "graph.json").unlink(), "graph.json is missing"),
        (lambda p: (p / "graph.json").write_text("{}"), "graph.json does not match its checksum"),
        (lambda p: (p / "embeddings.npz").write_bytes(b"x"), "embeddings.npz does not match"),
    ],
)
def test_damage_is_named(snap: Path, damage, message: str):
    damage(snap)
    with pytest.raises(SnapshotError, match="paperkg") as caught:
        read_snapshot(snap)
    assert message in str(caught.value)


def test_a_newer_format_asks_for_an_upgrade(snap: Path):
    manifest = json.loads((snap / "manifest.json").read_text())
    manifest["format_version"] = 99
    (snap / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="newer than this paperkg reads"):
        read_snapshot(snap)


def test_snapshot_folder_is_readable_by_others(seeds_snapshot: Path):
    assert seeds_snapshot.stat().st_mode & 0o755 == 0o755

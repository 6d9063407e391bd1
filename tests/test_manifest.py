"""Issue 15, parts 2 and 3: the manifest as typed records that write back the same JSON, and
build settings that belong to the library (a setting not given is the snapshot's)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, LISTING, ROOT
from paperkg.cli import main
from paperkg.errors import PaperkgError, SnapshotError
from paperkg.graph import read_manifest
from paperkg.graph.snapshot.manifest import (
    FORMAT_VERSION,
    Manifest,
    ManifestError,
    NewerManifest,
    NotAManifest,
)
from paperkg.pipeline import DEFAULTS, BuildOptions, build

BASIC = LISTING / "basic.txt"
ARXIV = DATA / "formats" / "arxiv.jsonl"
FIRST = BuildOptions(k=2, resolution=2.5, min_cluster_size=2, seed=7)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A three-paper snapshot with settings other than the defaults, then one more build
    into it with no options: the model is loaded once per session."""
    out = tmp_path_factory.mktemp("manifest") / "kg"
    build([BASIC], out, FIRST, embedder=embedder)
    build([ARXIV], out, embedder=embedder)
    return out


@pytest.fixture
def snap(tmp_path: Path, built: Path) -> Path:
    copy = tmp_path / "kg"
    shutil.copytree(built, copy)
    return copy


def raw(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text())
    return data


# Part 2: typed records, the same JSON.


def test_a_built_manifest_reads_and_writes_back_unchanged(built: Path):
    data = raw(built)
    manifest = Manifest.from_json(data)
    assert manifest.to_json() == data
    assert manifest == read_manifest(built)
    assert manifest.format_version == FORMAT_VERSION
    assert manifest.analytics is not None and manifest.analytics.changes is not None
    assert manifest.updates is not None and len(manifest.updates) == 2
    assert manifest.updates[0].cluster_changes is None  # written as null, kept as null
    assert "cluster_changes" in data["updates"][0] and "supersedes" in data
    assert manifest.dates is not None and sum(manifest.dates.basis.values()) > 0
    assert [Path(i.path).name for i in manifest.inputs] == [BASIC.name, ARXIV.name]
    assert set(manifest.files) == {
        "graph.json",
        "embeddings.npz",
        "index.faiss",
        "records.jsonl.gz",
        "clusters.json",
        "extraction.json.gz",
        "search.sqlite",
        "timeline.json",
    }


def test_a_format_1_manifest_reads_as_none_and_writes_back_unchanged(built: Path):
    data = raw(built)
    for field in (
        "analytics",
        "gazetteers",
        "updates",
        "external_refs",
        "supersedes",
        "min_confidence",
    ):
        data.pop(field)
    data["counts"].pop("stubs")
    for field in ("backend", "precision"):
        data["model"].pop(field)
    for entry in data["inputs"]:
        entry.pop("resolved")
        entry.pop("entities")
    data["knn"].pop("min_score")
    data["format_version"] = 1
    manifest = Manifest.from_json(data)
    assert manifest.to_json() == data  # nothing absent comes back as null
    assert manifest.format_version == 1
    assert (manifest.analytics, manifest.updates, manifest.counts.stubs) == (None, None, None)
    assert manifest.min_confidence is None
    assert (manifest.model.backend, manifest.inputs[0].resolved) == (None, None)
    assert not manifest.tells_supersedes
    assert manifest.counts.papers == manifest.counts.nodes["Paper"]


def test_a_null_is_told_from_an_absent_field(built: Path):
    data = raw(built)
    data["supersedes"] = None
    manifest = Manifest.from_json(data)
    assert manifest.tells_supersedes and manifest.supersedes is None
    assert manifest.to_json()["supersedes"] is None
    del data["supersedes"]
    assert not Manifest.from_json(data).tells_supersedes
    assert "supersedes" not in Manifest.from_json(data).to_json()


WRONG = {
    "k a boolean": (lambda m: m["knn"].update(k=True), "knn.k must be a whole number, got True"),
    "model missing": (lambda m: m.pop("model"), "model is missing"),
    "dimension zero": (
        lambda m: m["model"].update(dimension=0),
        "model.dimension must be 1 or more, got 0",
    ),
    "a node count a string": (
        lambda m: m["counts"]["nodes"].update(Paper="3"),
        "counts.nodes[\"Paper\"] must be a whole number, got '3'",
    ),
    "a file outside the folder": (
        lambda m: m["files"].update({"../x": m["files"]["graph.json"]}),
        'files["../x"] is not a file name inside the snapshot folder',
    ),
    "an unknown event field": (
        lambda m: m["updates"][1].update(
            cluster_changes={"events": [{"kind": "birth", "cluster": 1, "what": 1}]}
        ),
        "updates[1].cluster_changes.events[0].what is not a field paperkg knows",
    ),
    "a checksum of another shape": (
        lambda m: m.update(supersedes="abc"),
        "supersedes must be a SHA-256 hex digest, got 'abc'",
    ),
    "a min_confidence above 1": (
        lambda m: m.update(min_confidence=1.5),
        "min_confidence must be a number between 0 and 1, got 1.5",
    ),
    "an infinite min_score": (
        lambda m: m["knn"].update(min_score=float("inf")),
        "knn.min_score must be a number, got inf",
    ),
    "a long value shortened": (
        lambda m: m.update(created=["x" * 100]),
        "created must be text, got ['" + "x" * 35 + "...",
    ),
    "format_version text": (
        lambda m: m.update(format_version="2"),
        "format_version must be a whole number, got '2'",
    ),
}


@pytest.mark.parametrize("wrong", WRONG)
def test_a_field_of_the_wrong_shape_is_named(built: Path, wrong: str):
    change, message = WRONG[wrong]
    data = raw(built)
    change(data)
    with pytest.raises(ManifestError) as caught:
        Manifest.from_json(data)
    assert isinstance(caught.value, SnapshotError)
    assert str(caught.value) == message


def test_foreign_json_and_newer_formats_are_told_apart(built: Path):
    with pytest.raises(NotAManifest):
        Manifest.from_json([1, 2])
    with pytest.raises(NotAManifest):
        Manifest.from_json({**raw(built), "format": "something-else"})
    with pytest.raises(NewerManifest) as caught:
        Manifest.from_json({**raw(built), "format_version": FORMAT_VERSION + 1})
    assert caught.value.version == FORMAT_VERSION + 1


def test_no_reader_indexes_a_manifest_as_a_dict():
    """The closing figure: manifest dict reads outside the manifest module (target 0)."""
    pattern = re.compile(r"manifest\s*(\[|\.get\()")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("paperkg", "graph", "viz", "queries", "loaders")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


# Part 3: a setting not given is the snapshot's, else the one default.


def test_a_second_build_from_python_keeps_the_first_ones_settings(built: Path, embedder):
    manifest = read_manifest(built)
    assert manifest.knn.k == 2 and manifest.model.name == embedder.name
    assert manifest.analytics is not None
    assert (manifest.analytics.resolution, manifest.analytics.min_cluster_size) == (2.5, 2)
    assert manifest.analytics.seed == 7
    assert manifest.settings(DEFAULTS) == dataclasses.replace(
        DEFAULTS, k=2, model=embedder.name, resolution=2.5, min_cluster_size=2, seed=7
    )


def test_a_setting_given_wins_and_fresh_starts_from_the_defaults(snap: Path, embedder):
    build([ARXIV], snap, BuildOptions(k=3), embedder=embedder)
    manifest = read_manifest(snap)
    assert manifest.knn.k == 3
    assert manifest.analytics is not None and manifest.analytics.resolution == 2.5
    build([ARXIV], snap, BuildOptions(fresh=True), embedder=embedder)
    manifest = read_manifest(snap)
    assert manifest.knn.k == DEFAULTS.k
    assert manifest.analytics is not None and manifest.analytics.resolution == DEFAULTS.resolution


def test_a_build_given_no_model_keeps_the_snapshots_model(snap: Path):
    """No embedder and no model given: the snapshot's model is the one used, so its vectors
    are all reused and no model is loaded (another name would be, and fail offline)."""
    data = raw(snap)
    data["model"]["name"] = "paperkg-tests/renamed-model"  # the manifest has no checksum
    (snap / "manifest.json").write_text(json.dumps(data))
    report = build([BASIC], snap)
    assert (report.model, report.embedded) == ("paperkg-tests/renamed-model", 0)
    assert read_manifest(snap).model.name == "paperkg-tests/renamed-model"


def test_options_not_given_resolve_to_the_defaults_without_a_snapshot():
    assert BuildOptions().settings() == DEFAULTS
    given = BuildOptions(
        k=4, min_score=0.2, gazetteers=("g.json",), external_refs=True, min_confidence=0.8
    )
    assert given.settings(DEFAULTS) == dataclasses.replace(
        DEFAULTS,
        k=4,
        min_score=0.2,
        gazetteers=("g.json",),
        external_refs=True,
        min_confidence=0.8,
    )


def test_a_kept_setting_out_of_range_is_refused_like_a_given_one():
    with pytest.raises(PaperkgError, match="k must be at least 1, got 0"):
        BuildOptions(k=0)
    with pytest.raises(PaperkgError, match="k must be at least 1, got 0") as caught:
        BuildOptions().settings(dataclasses.replace(DEFAULTS, k=0))
    assert caught.value.param == "k"


def test_the_build_commands_defaults_are_the_librarys():
    """The click options show the library's defaults; they define none of their own."""
    defaults = {param.name: param.default for param in main.commands["build"].params}
    for name in (
        "k",
        "min_score",
        "model",
        "resolution",
        "min_cluster_size",
        "seed",
        "min_confidence",
    ):
        assert defaults[name] == getattr(DEFAULTS, name), name
    assert defaults["batch_size"] == BuildOptions().batch_size
    assert defaults["backend"] == BuildOptions().backend

"""The OpenVINO backend gives the torch backend's vectors, exports once, and fails clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLES, LISTING, run
from paperkg.errors import ModelError
from paperkg.graph import merge_records
from paperkg.graph.embed.embeddings import Embedder
from paperkg.loaders import load_sources


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [paper.text for paper in merge_records(load_sources([EXAMPLES]).records)]


@pytest.fixture(scope="module")
def torch_vectors(texts: list[str]) -> np.ndarray:
    return Embedder(backend="torch").encode(texts)


def test_default_backend_is_openvino_and_matches_torch(embedder, texts, torch_vectors):
    assert embedder.backend == "openvino" and embedder.precision in {"bf16", "f32"}
    vectors = embedder.encode(texts)
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float((vectors * torch_vectors).sum(axis=1).min()) >= 0.99

    def nearest(v: np.ndarray) -> np.ndarray:
        scores = v @ v.T
        np.fill_diagonal(scores, -np.inf)
        return np.argsort(-scores, axis=1)[:, :5]

    overlap = np.mean(
        [
            len(set(a) & set(b)) / 5
            for a, b in zip(nearest(vectors), nearest(torch_vectors), strict=True)
        ]
    )
    assert overlap >= 0.9


@pytest.mark.model
def test_export_happens_once_and_is_reused(tmp_path: Path, texts):
    first = Embedder(backend="openvino", cache_dir=tmp_path)
    (folder,) = list(tmp_path.iterdir())
    stamp = (folder / "model.xml").stat().st_mtime_ns
    second = Embedder(backend="openvino", cache_dir=tmp_path)
    assert (folder / "model.xml").stat().st_mtime_ns == stamp
    assert np.array_equal(first.encode(texts[:4]), second.encode(texts[:4]))
    settings = json.loads((folder / "paperkg-openvino.json").read_text())
    assert settings["pooling"] == "mean" and settings["max_seq_length"] == 256


@pytest.mark.model
def test_a_damaged_export_names_its_folder(tmp_path: Path):
    Embedder(backend="openvino", cache_dir=tmp_path)
    (folder,) = list(tmp_path.iterdir())
    (folder / "model.xml").write_text("<not a model")
    with pytest.raises(ModelError, match=rf"{folder}.*delete that folder") as caught:
        Embedder(backend="openvino", cache_dir=tmp_path)
    assert "\n" not in str(caught.value)
    shutil.rmtree(folder)
    assert Embedder(backend="openvino", cache_dir=tmp_path).dimension == 384


@pytest.mark.model
def test_backend_is_recorded_and_torch_can_be_chosen(tmp_path: Path):
    out = tmp_path / "kg"
    args = ("--backend", "torch", "-q", "-k", "2")
    result = run("build", LISTING / "basic.txt", "--out", out, *args)
    assert result.exit_code == 0, result.output
    model = json.loads((out / "manifest.json").read_text())["model"]
    assert (model["backend"], model["precision"]) == ("torch", "cpu f32")


def test_openvino_on_a_gpu_is_one_clear_error(tmp_path: Path):
    result = run(
        "build", LISTING / "basic.txt", "--out", tmp_path / "kg", "--backend", "openvino",
        "--device", "cuda", "-q",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the openvino backend runs on the CPU; use --backend torch for cuda"
    )

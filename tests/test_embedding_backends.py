"""The OpenVINO backend gives the torch backend's vectors, exports (and quantises) once,
chooses its precision by the CPU, and fails clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA, EXAMPLES, LISTING, run
from paperkg.errors import ModelError
from paperkg.graph import merge_records
from paperkg.graph.embed.embeddings import Embedder
from paperkg.graph.embed.openvino import calibration_texts, choose_precision, cpu_flags
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


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"avx2", "avx512f", "avx512_vnni", "avx512_bf16"}, "bf16"),
        ({"avx2", "avx512f", "amx_bf16", "amx_int8"}, "bf16"),
        ({"avx2", "avx512f", "avx512_vnni"}, "int8"),
        ({"avx2", "avx_vnni"}, "int8"),
        ({"avx2", "fma"}, "f32"),
        ({"asimd", "fp"}, "f32"),
        (set(), None),  # flags unknown: OpenVINO's own choice, as before
    ],
)
def test_auto_precision_follows_the_cpu(flags: set[str], expected: str | None):
    assert choose_precision(frozenset(flags)) == expected


@pytest.fixture(scope="module")
def unseen() -> list[str]:
    """Paper texts outside the calibration set (which is examples/ and stories/)."""
    feeds = sorted((DATA / "quality").glob("feed-*.txt"))
    texts = [paper.text for paper in merge_records(load_sources(feeds).records)]
    assert not set(texts) & set(calibration_texts())
    return texts


@pytest.fixture(scope="module")
def int8() -> Embedder:
    """The int8 copy, quantised once per machine in the default cache (as users get it)."""
    return Embedder(backend="openvino-int8")


@pytest.mark.model
def test_int8_vectors_stay_close_to_torch_f32(int8: Embedder, unseen: list[str]):
    assert (int8.backend, int8.precision) == ("openvino", "int8")
    assert int8._openvino is not None and int8._openvino.check >= 0.99
    vectors = int8.encode(unseen)
    reference = Embedder(backend="torch").encode(unseen)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float((vectors * reference).sum(axis=1).min()) >= 0.99


@pytest.mark.model
def test_auto_uses_the_int8_copy_only_where_it_helps(int8: Embedder, tmp_path: Path):
    assert int8._openvino is not None
    source = int8._openvino.folder
    for folder in (source, source.parent / source.name.split("-int8-")[0]):
        shutil.copytree(folder, tmp_path / folder.name)
    vnni = frozenset({"avx2", "avx512f", "avx512_vnni"})
    assert Embedder(cache_dir=tmp_path, cpu_flags=vnni).precision == "int8"
    assert Embedder(cache_dir=tmp_path, cpu_flags=frozenset({"avx2"})).precision == "f32"
    assert len(list(tmp_path.iterdir())) == 2  # nothing quantised or exported again
    # A copy that failed its accuracy check gives way to f32 unless int8 is asked for.
    settings_file = tmp_path / source.name / "paperkg-openvino.json"
    settings = json.loads(settings_file.read_text())
    settings_file.write_text(json.dumps(settings | {"check_cosine": 0.9}))
    assert Embedder(cache_dir=tmp_path, cpu_flags=vnni).precision == "f32"
    forced = Embedder(backend="openvino-int8", cache_dir=tmp_path)
    assert forced.precision == "int8"


@pytest.mark.model
def test_the_precision_used_is_recorded(tmp_path: Path, int8: Embedder):
    out = tmp_path / "kg"
    result = run("build", LISTING / "basic.txt", "--out", out, "--backend", "openvino-int8", "-q")
    assert result.exit_code == 0, result.output
    model = json.loads((out / "manifest.json").read_text())["model"]
    assert (model["backend"], model["precision"]) == ("openvino", "int8")
    auto = tmp_path / "auto"
    assert run("build", LISTING / "basic.txt", "--out", auto, "-q").exit_code == 0
    model = json.loads((auto / "manifest.json").read_text())["model"]
    assert model["backend"] == "openvino"
    assert model["precision"] == (choose_precision(cpu_flags()) or model["precision"])


def test_fixed_precisions_are_cpu_only_and_names_are_checked(tmp_path: Path):
    result = run(
        "build", LISTING / "basic.txt", "--out", tmp_path / "kg", "--backend", "openvino-int8",
        "--device", "cuda", "-q",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the openvino-int8 backend runs on the CPU; use --backend torch for cuda"
    )
    with pytest.raises(ModelError, match="unknown backend 'openvino-f16'"):
        Embedder(backend="openvino-f16")


@pytest.mark.model
def test_an_update_in_another_precision_records_both(tmp_path: Path, int8: Embedder):
    """Vectors an update keeps were computed in the first build's precision: the manifest
    names both, never only the last build's."""
    out = tmp_path / "kg"
    first = ("--backend", "openvino-int8", "-q", "-k", "2")
    assert run("build", EXAMPLES / "feed-mar-02.txt", "--out", out, *first).exit_code == 0
    update = ("--backend", "openvino-f32", "-q", "-k", "2")
    result = run("build", EXAMPLES / "feed-mar-03.txt", "--out", out, *update)
    assert result.exit_code == 0, result.output
    model = json.loads((out / "manifest.json").read_text())["model"]
    assert (model["backend"], model["precision"]) == ("openvino", "f32+int8")
    again = run("build", EXAMPLES / "feed-mar-02.txt", "--out", tmp_path / "f32", *update)
    assert again.exit_code == 0
    model = json.loads((tmp_path / "f32" / "manifest.json").read_text())["model"]
    assert model["precision"] == "f32"
    # --fresh starts the graph afresh but still reuses the vectors the folder holds
    fresh = run("build", EXAMPLES / "feed-mar-02.txt", "--out", out, "--fresh", *first)
    assert fresh.exit_code == 0, fresh.output
    model = json.loads((out / "manifest.json").read_text())["model"]
    assert model["precision"] == "f32+int8"

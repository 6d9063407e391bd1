"""The CLI: results as tables or JSON, user mistakes as one line and a non-zero exit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, LISTING, run, tree_digest


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "kg"
    result = run("build", EXAMPLES, "--out", out, "-k", "5", "-q")
    assert result.exit_code == 0, result.output
    return out


def test_build_prints_a_summary_and_stats_json_has_the_keys(examples_out: Path):
    result = run("stats", "--out", examples_out, "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert {"papers", "similar_to", "sources", "model"} <= stats.keys()
    assert (stats["papers"], stats["similar_to"], stats["sources"]) == (49, 245, 3)
    assert stats["model"] == "all-MiniLM-L6-v2"
    table = run("stats", "--out", examples_out)
    assert table.exit_code == 0 and "49" in table.stdout and "SIMILAR_TO" in table.stdout


def test_similar_json_is_a_best_first_list(examples_out: Path):
    result = run(
        "similar",
        "protein structure prediction from a single sequence",
        "--out",
        examples_out,
        "-k",
        "3",
        "--json",
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and all({"id", "title", "score"} <= h.keys() for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert "FoldLite" in hits[0]["title"] or "rotein" in hits[0]["title"]


def test_console_script_runs_outside_the_test_process(examples_out: Path):
    exe = Path(sys.executable).with_name("paperkg")
    done = subprocess.run(
        [str(exe), "stats", "--out", str(examples_out), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["papers"] == 49
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("paperkg, version ")


def bad_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Each user mistake: the build arguments and a fragment its one-line error must carry."""
    (tmp / "empty").mkdir()
    (tmp / "dead.txt").symlink_to(tmp / "nowhere")
    (tmp / "binary.txt").write_bytes(b"Mar 3\n\n\x00\x01\x02")
    return {
        "missing path": ([str(tmp / "nope.txt")], f"{tmp / 'nope.txt'}: no such file or folder"),
        "empty folder": ([str(tmp / "empty")], f"{tmp / 'empty'}: folder holds no input files"),
        "unreadable": ([str(tmp / "dead.txt")], f"{tmp / 'dead.txt'}: cannot read"),
        "binary": ([str(tmp / "binary.txt")], f"{tmp / 'binary.txt'}:3: binary file"),
        "wrong format": (
            [str(LISTING / "not_listing.txt")],
            f"{LISTING / 'not_listing.txt'}:3: not a papers listing page",
        ),
        "dangling title": (
            [str(LISTING / "dangling_title.txt")],
            f"{LISTING / 'dangling_title.txt'}:19:",
        ),
        "unknown model": (
            [str(LISTING / "basic.txt"), "--model", "no-such-org/no-such-model"],
            "unknown model 'no-such-org/no-such-model'",
        ),
        "bad k": ([str(LISTING / "basic.txt"), "-k", "0"], "-k must be at least 1"),
    }


def test_every_user_mistake_is_one_line_nonzero_and_leaves_the_snapshot_intact(
    examples_out: Path, tmp_path: Path
):
    out = tmp_path / "kg"
    shutil.copytree(examples_out, out)
    before = tree_digest(out)
    for name, (args, fragment) in bad_cases(tmp_path).items():
        result = run("build", *args, "--out", out, "-q")
        assert result.exit_code == 1, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith("Error: ") and fragment in lines[0], (name, lines[0])
        assert "Traceback" not in result.output
        assert tree_digest(out) == before, name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".kg")) == []


def test_missing_snapshot_is_one_clear_line(tmp_path: Path):
    for command in (["stats"], ["similar", "anything"]):
        result = run(*command, "--out", tmp_path / "none")
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"Error: no snapshot at {tmp_path / 'none'}: build one with: "
            f"paperkg build SOURCES --out {tmp_path / 'none'}"
        )


def test_build_refuses_to_replace_a_folder_that_is_not_a_snapshot(tmp_path: Path):
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    result = run("build", LISTING / "basic.txt", "--out", mine, "-q")
    assert result.exit_code == 1 and "not a paperkg snapshot" in result.stderr
    assert (mine / "thesis.tex").read_text() == "precious"


def test_subprocess_error_has_no_traceback(tmp_path: Path):
    exe = Path(sys.executable).with_name("paperkg")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [str(exe), "build", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'nothing'}: no such file or folder"
    ]
    assert not (tmp_path / "o").exists()


def test_a_folder_with_some_other_manifest_json_is_not_replaced(tmp_path: Path):
    app = tmp_path / "web-app"
    app.mkdir()
    (app / "manifest.json").write_text('{"name": "my extension"}')
    (app / "index.js").write_text("console.log('mine')")
    result = run("build", LISTING / "basic.txt", "--out", app, "-q")
    assert result.exit_code == 1 and "not a paperkg snapshot" in result.stderr
    assert sorted(p.name for p in app.iterdir()) == ["index.js", "manifest.json"]


def test_out_dot_builds_into_the_current_folder(tmp_path: Path, monkeypatch, examples_out: Path):
    work = tmp_path / "here"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("build", LISTING / "basic.txt", "--out", ".", "-q", "-k", "2")
    assert result.exit_code == 0, result.output
    assert (work / "manifest.json").is_file() and (work / "graph.json").is_file()

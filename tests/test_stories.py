"""The three stories in stories/ run as a user runs them (their run.sh, the installed paperkg on
PATH, offline) and show what their READMEs say to look for."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from paperkg.graph import read_snapshot
from paperkg.graph.analytics import read_timeline
from paperkg.graph.model import relationship_type
from paperkg.loaders import load_sources

STORIES = ROOT / "stories"
NAMES = ("this-week", "bridges", "code", "follow-a-topic")


def run_story(name: str, out: Path) -> str:
    """Run stories/NAME/run.sh from an unrelated folder; its stdout, after exit status 0."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "OUT": str(out),
        "COLUMNS": "200",  # tables one row per line
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [str(STORIES / name / "run.sh")],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{name}/run.sh failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def sections(output: str) -> dict[str, str]:
    """The story's output by its '== heading' lines."""
    found = {}
    for chunk in re.split(r"^== ", output, flags=re.M)[1:]:
        heading, _, body = chunk.partition("\n")
        found[heading] = body
    return found


def rows(text: str) -> list[list[str]]:
    """The cells of every table row in ``text``."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def section(output: str, starts: str) -> str:
    matches = [body for heading, body in sections(output).items() if heading.startswith(starts)]
    assert len(matches) == 1, f"no single section starting {starts!r} in:\n{output}"
    return matches[0]


@pytest.mark.parametrize("name", NAMES)
def test_each_story_has_a_readme_and_a_strict_script(name: str):
    script = STORIES / name / "run.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert (STORIES / name / "README.md").is_file()


def test_story_corpora_parse_and_stay_out_of_examples():
    loaded = {name: load_sources([STORIES / name / "feed"]) for name in NAMES}
    titles = {name: len({r.title for r in found.records}) for name, found in loaded.items()}
    # this-week lists one paper on two days; code's links file names one paper of no page
    assert titles == {"this-week": 47, "bridges": 19, "code": 12 + 1, "follow-a-topic": 31}
    assert len(loaded["this-week"].records) == 48
    # `paperkg build examples` (make demo, the tests) searches folders recursively: the
    # stories live outside examples/, which keeps its three pages and no subfolders
    assert not any(path.is_dir() for path in EXAMPLES.iterdir())
    assert sorted(path.name for path in EXAMPLES.glob("*.txt")) == [
        "feed-mar-02.txt",
        "feed-mar-03.txt",
        "feed-mar-04.txt",
    ]


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    body = text.split("byAK and the research community", 1)[-1]  # the page header is shared
    words = re.findall(r"\w+", body.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_story_corpora_are_our_own_writing(seeds: Path):
    """No run of eight words is taken from the seed pages or the examples."""
    theirs = set()
    for page in [*seeds.glob("*.txt"), *EXAMPLES.glob("*.txt")]:
        theirs |= _shingles(page.read_text(encoding="utf-8"))
    for page in STORIES.rglob("feed/*"):
        shared = _shingles(page.read_text(encoding="utf-8")) & theirs
        assert not shared, f"{page} repeats {[' '.join(s) for s in sorted(shared)[:3]]}"


@pytest.fixture(scope="module")
def this_week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The this-week story run once for its tests: its OUT folder and its output."""
    out = tmp_path_factory.mktemp("stories") / "week"
    return out, run_story("this-week", out)


@pytest.mark.model
def test_this_week_shows_a_topic_born_midweek_and_growing(this_week: tuple[Path, str]):
    out, output = this_week
    births = {
        day: [r for r in rows(section(output, day)) if r[0] == "birth"]
        for day in ("Apr 6", "Apr 7", "Apr 8", "Apr 9", "Apr 10")
    }
    # Tuesday: the weather and imaging papers Monday left unclustered (two of each) become
    # clusters; Wednesday: the quadruped field arrives. Nothing is born after.
    assert [day for day, found in births.items() if found] == ["Apr 7", "Apr 8"]
    assert len(births["Apr 7"]) == 2
    (born,) = births["Apr 8"]
    cluster, label, size = born[1], born[2], born[3]
    assert "quadruped" in label or "locomotion" in label
    assert size == "0 -> 4"
    for day, grown in (("Apr 9", "4 -> 6"), ("Apr 10", "6 -> 11")):
        growth = [r for r in rows(section(output, day)) if r[:2] == ["growth", cluster]]
        assert [r[3] for r in growth] == [grown], day
    # Friday's wave splits the new cluster in two
    splits = [r for r in rows(section(output, "Apr 10")) if r[0] == "split"]
    assert [r[1] for r in splits] == [cluster]
    friday = dict(r[:2] for r in rows(section(output, "Apr 10")) if len(r) == 2)
    assert friday == {"papers added": "19", "papers embedded": "19", "embeddings reused": "28"}
    stats = dict(r[:2] for r in rows(section(output, "The week's snapshot")))
    assert stats["papers"] == "47" and stats["SUBTOPIC_OF edges"] == "5"  # five clusters
    assert stats["papers dated by listing, year from --year"] == "47"
    assert 5 < int(stats["Cluster nodes"]) <= 10  # and the broad topics above them
    assert (out / "overview.html").stat().st_size > 10_000


def _bursting(text: str) -> dict[str, list[str]]:
    """The rows of a trends output's 'Bursting' table by name: kind, from, to, weight, papers."""
    table = text.split("Bursting", 1)[1].split("Topics", 1)[0]
    return {r[1]: [r[0], *r[2:]] for r in rows(table) if r[0]}


@pytest.mark.model
def test_this_week_shows_a_burst_and_a_new_topic(this_week: tuple[Path, str]):
    """Issue 20's target: the story shows at least one burst and one new topic."""
    out, output = this_week
    friday = section(output, "Trending on Friday")
    assert friday.splitlines()[1].startswith("Trends 2026-04-10 (day periods): 19 new papers")
    bursting = _bursting(friday)
    # Friday's wave: fourteen of its nineteen papers build on PawPrint and score on GaitBench
    kind, start, end, _weight, papers = bursting["PawPrint"]
    assert (kind, start, end, papers) == ("method", "2026-04-10", "2026-04-10", "14")
    assert bursting["GaitBench"][:3] == ["dataset", "2026-04-10", "2026-04-10"]
    since = section(output, "New since Wednesday")
    assert _bursting(since).keys() >= {"PawPrint", "GaitBench"}
    topics = since.split("Topics", 1)[1].split("Splits, merges and births", 1)[0]
    appeared = [r for r in rows(topics) if r[0] == "appeared"]
    # the legged-robots topic and its two clusters, all first seen on Wednesday; the three
    # topics running since Monday did not appear
    assert [r[2] for r in appeared] == ["topic", "cluster", "cluster"]
    assert all(r[6] == "2026-04-08" for r in appeared)
    assert appeared[0][4] == "0 -> 20"
    assert "locomotion" in appeared[0][3] or "robot" in appeared[0][3]
    # the same from the snapshot the story leaves
    timeline = read_timeline(out / "kg")
    assert timeline is not None and timeline.unit == "day"
    assert timeline.totals == [7, 7, 7, 7, 19]
    found = {(b.kind, b.name): (b.start, b.end, b.papers) for b in timeline.bursts}
    assert found[("Method", "PawPrint")] == ("2026-04-10", "2026-04-10", 14)
    legged = [t for t in timeline.topics if t.level == 1 and t.counts[:2] == [0, 0]]
    assert [t.counts for t in legged] == [[0, 0, 4, 2, 14]]
    digest = (out / "this-week.html").read_text(encoding="utf-8")
    assert "PawPrint" in digest and "2026-04-06" in digest


@pytest.mark.model
def test_bridges_names_the_methods_shared_by_two_fields(tmp_path: Path):
    out = tmp_path / "bridges"
    output = run_story("bridges", out)
    clusters = [r for r in rows(section(output, "Two broad topics")) if r[0]]
    assert len(clusters) == 2 and {r[1] for r in clusters} == {"topic"}
    labels = " ".join(r[3] for r in clusters)
    assert "speech" in labels and ("protein" in labels or "proteins" in labels)
    bridging = section(output, "Papers and entities").split("Bridging entities", 1)[1]
    by_entity = {r[1]: r for r in rows(bridging)}
    for method in ("HelixSSM", "ChordFlow"):
        assert by_entity[method][0] == "method"
        assert len(by_entity[method][4].split(" | ")) == 2, by_entity[method]
    methods = {r[1]: r for r in rows(section(output, "Methods, most-linked"))}
    assert methods["HelixSSM"][4].startswith("HelixSSM: Selective State-Space")
    assert methods["ChordFlow"][4].startswith("ChordFlow: Rectified Flow Matching")
    assert int(methods["HelixSSM"][2]) == 5 and int(methods["ChordFlow"][2]) == 4
    assert (out / "bridges.html").stat().st_size > 10_000


@pytest.mark.model
def test_code_finds_official_and_unofficial_repos(tmp_path: Path):
    out = tmp_path / "code"
    output = run_story("code", out)
    repos = {r[1]: int(r[2]) for r in rows(section(output, "Every repository"))}
    assert repos == {
        "https://github.com/litebench/litebench": 2,  # one toolkit, two papers
        "https://codeberg.org/openarchive/glyphnet": 1,
        "https://github.com/ocr-mirrors/glyphnet": 1,
        "https://github.com/quill-ml/quillkv": 1,  # /tree/main/kernels removed
        "https://github.com/kvcache-fans/quillkv-triton": 1,
        "https://github.com/pocketvlm/pocketvlm": 1,  # .git removed
        "https://github.com/specladder/specladder": 1,  # only Papers with Code names it
        "https://github.com/servingkit/specladder-vllm": 1,
        "https://github.com/tomerge/vlm-merge": 1,  # ")." removed
        "https://gitlab.com/docai-lab/vlm-distill": 1,
        "https://gitlab.com/vislab-eu/chartquiz": 1,
        "https://huggingface.co/datasets/chartquiz/chartquiz": 1,
        "https://huggingface.co/pocketvlm/pocketvlm-1b": 1,
        "https://huggingface.co/spaces/pocketvlm/demo": 1,
    }
    quill = dict(r[:2] for r in rows(section(output, "One paper")))
    assert quill["code"] == (
        "https://github.com/quill-ml/quillkv, https://github.com/kvcache-fans/quillkv-triton"
    )
    assert "Token Merging" in quill["cited by"]
    sightline = dict(r[:2] for r in rows(section(output, "A project page")))
    assert sightline["code"] == "-" and sightline["links"] == "https://sightline-vqa.github.io"
    queries = [r[0] for r in rows(section(output, "Cypher queries")) if r[0]]  # not wraps
    assert queries == ["code-in-cluster", "code-owners", "papers-without-code"]
    # Papers with Code's flag is on the HAS_CODE edge, as the README says
    graph = read_snapshot(out / "kg").graph
    official = {
        v.removeprefix("repo:"): d.get("official")
        for _u, v, k, d in graph.edges(keys=True, data=True)
        if relationship_type(k) == "HAS_CODE"
    }
    assert official["https://github.com/quill-ml/quillkv"] is True
    assert official["https://github.com/kvcache-fans/quillkv-triton"] is False
    assert official["https://github.com/specladder/specladder"] is True
    assert official["https://github.com/servingkit/specladder-vllm"] is False


def _ranked(text: str) -> list[str]:
    """The titles of a recommend table, in rank order (a title wrapped over lines joined)."""
    titles: list[str] = []
    for row in rows(text):
        if len(row) < 4:
            continue
        if row[0]:
            titles.append(row[2])
        elif titles and row[2]:
            titles[-1] += " " + row[2]
    return titles


@pytest.mark.model
def test_follow_a_topic_ranks_each_mornings_papers_for_the_tag(tmp_path: Path):
    out = tmp_path / "follow"
    output = run_story("follow-a-topic", out)
    tagged = section(output, "Tag what you care about")
    assert "5 tagged positive" in tagged and "1 tagged negative" in tagged
    library = _ranked(section(output, "What else in the library"))
    assert library[0].startswith("Quantization-Aware Training for Conformer")
    speech = {
        "Tuesday morning": ("SqueezeCTC-Multi", "Always-On Wake Word", "Early-Exit Transducers"),
        "Wednesday morning": ("Personalising On-Device", "SqueezeCTC on RISC-V", "Noise-Robust"),
    }
    for day, expected in speech.items():
        text = section(output, day)
        assert "classifier over 5 positive and 1 thumbs-down papers; 8 candidates" in text
        top = _ranked(text)[:3]
        assert sorted(t for t in top for e in expected if t.startswith(e)) == sorted(top), day
    tuesday = (out / "tuesday.html").read_text(encoding="utf-8")
    assert "New papers for on-device-speech, 2026-04-14" in tuesday
    assert tuesday.count('class="ranked"') == 5 and "#1, score" in tuesday
    wednesday = (out / "wednesday.md").read_text(encoding="utf-8")
    assert wednesday.startswith("# New papers for on-device-speech, 2026-04-15")
    assert "The 5 best of 8 new papers" in wednesday
    survived = [r for r in rows(section(output, "The tag survived")) if r[0] == "on-device-speech"]
    assert survived == [["on-device-speech", "5", "1", "0"]]
    assert read_snapshot(out / "kg").graph.number_of_nodes() > 31

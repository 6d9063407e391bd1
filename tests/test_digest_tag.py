"""A digest for a tag (`paperkg digest --tag`): the window's papers its recommendations rank
best, best first and grouped by topic, each with its rank and why. On the follow-a-topic
story's feed, built for real with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from paperkg.api import open_snapshot
from paperkg.errors import NotFoundError, ParameterError
from paperkg.pipeline import BuildOptions, build

FEED = Path(__file__).resolve().parents[1] / "stories" / "follow-a-topic" / "feed"
TAG = "on-device-speech"
TUESDAY = "2026-04-14"


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The story's three days with its tag: five positive papers and one thumbs down."""
    out = tmp_path_factory.mktemp("follow") / "kg"
    build([FEED], out, BuildOptions(year=2026), embedder=embedder)
    snapshot = open_snapshot(out)
    snapshot.tag_add(
        TAG,
        "SqueezeCTC: Sub-10",
        "PocketSpeech: A Benchmark",
        "Streaming Transducers",
        "Distilling Whisper-Scale",
        "Federated Adaptation",
    )
    snapshot.tag_add(TAG, "MobileViT-Q", negative=True)
    return out


def test_only_the_ranked_papers_of_the_window_best_first(kg: Path):
    snapshot = open_snapshot(kg)
    found = snapshot.digest(TUESDAY, TUESDAY, tag=TAG, k=4)
    ranked = snapshot.recommend(TAG, since=TUESDAY, until=TUESDAY, k=4)
    papers = [p for t in found.topics for c in t.clusters for p in c.papers]
    assert found.papers == 4 and found.tag is not None
    assert (found.tag.tag, found.tag.mode, found.tag.candidates) == (TAG, "classifier", 8)
    assert {p.id for p in papers} == {p.id for p in ranked.papers}
    for paper in papers:
        assert paper.ranked is not None
        expected = next(r for r in ranked.papers if r.id == paper.id)
        assert (paper.ranked.rank, paper.ranked.why) == (expected.rank, expected.why)
    # groups come in the order of their best paper, and papers best first inside each
    bests = [min(p.ranked.rank for c in t.clusters for p in c.papers) for t in found.topics]
    assert bests == sorted(bests) and bests[0] == 1
    for topic in found.topics:
        for cluster in topic.clusters:
            ranks = [p.ranked.rank for p in cluster.papers]
            assert ranks == sorted(ranks)
    # without a tag the same window lists all eight papers, none ranked
    plain = snapshot.digest(TUESDAY, TUESDAY)
    assert plain.papers == 8 and plain.tag is None
    assert all(p.ranked is None for t in plain.topics for c in t.clusters for p in c.papers)


def test_the_page_and_the_markdown_say_rank_score_and_why(kg: Path, tmp_path: Path):
    snapshot = open_snapshot(kg)
    page = snapshot.write_digest(tmp_path / "d.html", TUESDAY, TUESDAY, tag=TAG, k=3)
    html = Path(page.path).read_text(encoding="utf-8")
    assert page.papers == 3 and html.count('class="ranked"') == 3
    assert f"<title>New papers for {TAG}, {TUESDAY}</title>" in html
    assert "The 3 best of 8 new papers for on-device-speech (ranked by classifier)" in html
    markdown = snapshot.write_digest(tmp_path / "d.md", TUESDAY, TUESDAY, tag=TAG, k=3)
    text = Path(markdown.path).read_text(encoding="utf-8")
    assert text.count("  - \\#") == 3 and "score" in text and "like " in text


def test_bad_tags_and_windows_are_refused_before_anything_is_written(kg: Path, tmp_path: Path):
    snapshot = open_snapshot(kg)
    with pytest.raises(NotFoundError, match="no-such-tag"):
        snapshot.write_digest(tmp_path / "x.html", TUESDAY, tag="no-such-tag")
    with pytest.raises(ParameterError):
        snapshot.write_digest(tmp_path / "x.html", "2027-01-01", tag=TAG)
    assert not (tmp_path / "x.html").exists()
    result = run("digest", "--tag", "nope", "--out", kg, "-o", tmp_path / "y.md")
    assert result.exit_code == 1 and "nope" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "y.md").exists()


def test_the_cli_writes_a_tag_digest(kg: Path, tmp_path: Path):
    target = tmp_path / "morning.md"
    result = run(
        "digest",
        "--tag",
        TAG,
        "--since",
        TUESDAY,
        "--until",
        TUESDAY,
        "-k",
        "2",
        "--out",
        kg,
        "-o",
        target,
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {target}: 2 papers dated {TUESDAY}")
    assert target.read_text().startswith(f"# New papers for {TAG}, {TUESDAY}")


def test_earlier_papers_of_the_window_are_marked_new_even_when_not_listed(kg: Path):
    found = open_snapshot(kg).digest(TUESDAY, "2026-04-15", tag=TAG, k=2)
    papers = [p for t in found.topics for c in t.clusters for p in c.papers]
    earlier = [e for p in papers for e in p.earlier]
    assert len(papers) == 2 and earlier
    for e in earlier:
        assert e.also_new == (TUESDAY <= e.published <= "2026-04-15"), e
    assert any(e.also_new for e in earlier)  # a Tuesday paper under a Wednesday one


def test_a_window_with_nothing_left_to_rank_gives_an_empty_digest(kg: Path, tmp_path: Path):
    snapshot = open_snapshot(kg)
    tuesday = [
        p.id for t in snapshot.digest(TUESDAY, TUESDAY).topics for c in t.clusters for p in c.papers
    ]
    snapshot.tag_add("read-already", *tuesday)
    found = snapshot.digest(TUESDAY, TUESDAY, tag="read-already")
    assert found.papers == 0 and found.tag is not None and found.tag.candidates == 0
    page = snapshot.write_digest(tmp_path / "empty.md", TUESDAY, TUESDAY, tag="read-already")
    text = Path(page.path).read_text(encoding="utf-8")
    assert "No new paper in this window to rank for read-already." in text

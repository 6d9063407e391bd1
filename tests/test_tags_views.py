"""Tagged papers in the HTML views and the site: a star before the title, a gold border
kept in every colouring, the tags in the panel; the snapshot's graph is left as it is. One
view opened in a real headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import visit

from conftest import EXAMPLES, run
from paperkg.api import open_snapshot
from paperkg.pipeline import BuildOptions, build
from paperkg.viz import write_page
from paperkg.viz.html import TAG_BORDER, TAG_MARK

CLICK = """(id) => {
  const net = window.paperkgNetwork;
  return net.canvasToDOM(net.getPositions([id])[id]);
}"""


@pytest.fixture(scope="module")
def tagged_out(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The examples with FoldLite tagged "proteins" and ResiDiff thumbs down on it (by the
    CLI's tag add)."""
    out = tmp_path_factory.mktemp("tags-views") / "kg"
    build([EXAMPLES], out, BuildOptions(k=5), embedder=embedder)
    for args in (("proteins", "FoldLite"), ("proteins", "--negative", "ResiDiff")):
        added = run("tag", "add", *args, "--out", out)
        assert added.exit_code == 0, added.output
    return out


def meta_of(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="paperkg-meta">(.*?)</script>', html, re.S
    )
    assert found, "no meta in the page"
    return json.loads(found.group(1))


def test_views_mark_tagged_papers_and_leave_the_graph_alone(tagged_out: Path):
    snapshot = open_snapshot(tagged_out)
    tag = snapshot.tag("proteins")
    foldlite, residiff = tag.positive_ids()[0], tag.negative_ids()[0]
    negatives = 0
    for html in (
        snapshot.view("overview"),
        snapshot.view("paper", "FoldLite"),
        snapshot.view("around", "FoldLite"),
    ):
        meta = meta_of(html)
        assert meta[foldlite]["tagged"] is True
        assert meta[foldlite]["short"].startswith(TAG_MARK)
        assert ["Tags", "proteins"] in meta[foldlite]["facts"]
        negatives += residiff in meta
        if residiff in meta:  # a thumbs down is named, not starred
            assert meta[residiff]["tagged"] is False
            assert ["Thumbs down", "proteins"] in meta[residiff]["facts"]
            assert not meta[residiff]["short"].startswith(TAG_MARK)
        untagged = [m for n, m in meta.items() if m["kind"] == "Paper" and n != foldlite]
        assert untagged and not any(m["tagged"] for m in untagged)
    assert negatives >= 1
    assert "tags" not in snapshot.graph.nodes[foldlite]  # the view's copy was marked
    assert "tags" not in open_snapshot(tagged_out).graph.nodes[foldlite]


def test_a_snapshot_without_tags_marks_nothing(tmp_path: Path, embedder):
    out = tmp_path / "kg"
    build([EXAMPLES], out, BuildOptions(k=5), embedder=embedder)
    meta = meta_of(open_snapshot(out).view("overview"))
    assert not any(m.get("tagged") for m in meta.values())
    assert not any(fact[0] == "Tags" for m in meta.values() for fact in m["facts"])


def test_the_site_marks_tagged_papers(tagged_out: Path, tmp_path: Path):
    snapshot = open_snapshot(tagged_out)
    foldlite = snapshot.tag("proteins").positive_ids()[0]
    snapshot.site(tmp_path / "site")
    meta = meta_of((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert meta[foldlite]["tagged"] and ["Tags", "proteins"] in meta[foldlite]["facts"]


def test_a_build_with_html_marks_tagged_papers_in_its_site(tmp_path: Path, embedder):
    """The morning routine's `build --html` rewrites the site: the tags stay marked."""
    out = tmp_path / "kg"
    build([EXAMPLES], out, BuildOptions(k=5), embedder=embedder)
    added = run("tag", "add", "proteins", "FoldLite", "--out", out)
    assert added.exit_code == 0, added.output
    build([EXAMPLES], out, BuildOptions(k=5, html=True), embedder=embedder)
    foldlite = open_snapshot(out).tag("proteins").positive_ids()[0]
    meta = meta_of((out / "site" / "index.html").read_text(encoding="utf-8"))
    assert meta[foldlite]["tagged"] and ["Tags", "proteins"] in meta[foldlite]["facts"]


def test_clicking_a_tagged_paper_shows_its_tag(chromium, tagged_out: Path, tmp_path: Path):
    snapshot = open_snapshot(tagged_out)
    foldlite = snapshot.tag("proteins").positive_ids()[0]
    page_path = tmp_path / "paper.html"
    write_page(snapshot.view("paper", "FoldLite"), page_path)
    seen = visit(chromium, page_path)
    page = seen.page
    try:
        assert seen.console_errors == []
        node = page.evaluate("(id) => window.paperkgNodes.get(id)", foldlite)
        assert node["color"]["border"] == TAG_BORDER and node["borderWidth"] >= 3
        box = page.locator("#network").bounding_box()
        assert box is not None
        spot = page.evaluate(CLICK, foldlite)
        page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
        page.wait_for_selector("#panel.open")
        facts = dict(
            zip(
                page.locator("#panel dt").all_inner_texts(),
                page.locator("#panel dd").all_inner_texts(),
                strict=True,
            )
        )
        assert facts["Tags"] == "proteins"
        # Another colouring keeps the gold border.
        page.locator("#colour-by").select_option("pagerank")
        recoloured = page.evaluate("(id) => window.paperkgNodes.get(id).color", foldlite)
        assert recoloured["border"] == TAG_BORDER
        assert recoloured["background"] != node["color"]["background"]
    finally:
        page.context.close()

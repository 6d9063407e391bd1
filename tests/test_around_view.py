"""`paperkg view around` and `paperkg view connect` on the examples, opened in a real
headless Chromium: offline, sized by relevance, panels open, paths drawn hop by hop."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import visit

from conftest import EXAMPLES, run
from paperkg.api import open_snapshot
from paperkg.errors import ParameterError
from paperkg.viz import write_page

CLICK = """(id) => {
  const net = window.paperkgNetwork;
  return net.canvasToDOM(net.getPositions([id])[id]);
}"""


@pytest.fixture(scope="module")
def examples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("around-view") / "kg"
    result = run("build", EXAMPLES, "--out", out, "-k", "5", "-q")
    assert result.exit_code == 0, result.output
    return out


def test_around_view_shows_the_origin_and_related_papers_sized_by_relevance(
    chromium, examples_out: Path, tmp_path: Path
):
    page_path = tmp_path / "around.html"
    snapshot = open_snapshot(examples_out)
    write_page(snapshot.view("around", "FoldLite"), page_path)  # what `paperkg view around` does
    report = snapshot.around("FoldLite")
    assert len(report.related) >= 5
    seen = visit(chromium, page_path)
    page = seen.page
    try:
        assert seen.console_errors == []
        assert seen.requests == [page_path.resolve().as_uri()]
        origin = report.origins[0].id
        ids = [origin] + [r.id for r in report.related]
        shown = page.evaluate("window.paperkgNodes.getIds()")
        assert sorted(shown) == sorted(ids)
        sizes = page.evaluate("(ids) => ids.map((id) => window.paperkgNodes.get(id).size)", ids)
        related_sizes = sizes[1:]
        assert related_sizes == sorted(related_sizes, reverse=True)
        assert related_sizes[0] > related_sizes[-1]
        assert sizes[0] >= related_sizes[0]  # the origin is drawn biggest
        assert page.locator("#colour-by").input_value() == "date"
        listed = page.locator("#lists section").first.locator("li").all_inner_texts()
        assert len(listed) == len(report.related)
        assert all(text.startswith(r.title) for text, r in zip(listed, report.related, strict=True))
        assert page.locator("#lists h2").all_inner_texts()[1:] == [
            "Prior works",
            "Derivative works",
        ]
        target = report.related[1]
        box = page.locator("#network").bounding_box()
        assert box is not None
        spot = page.evaluate(CLICK, target.id)
        page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
        page.wait_for_selector("#panel.open")
        assert page.locator("#panel-title").inner_text() == target.title
        facts = page.locator("#panel dt").all_inner_texts()
        assert "Relevance" in facts and "Why" in facts
    finally:
        page.context.close()


def test_connect_view_draws_each_path_with_consecutive_nodes_linked(
    chromium, examples_out: Path, tmp_path: Path
):
    page_path = tmp_path / "connect.html"
    snapshot = open_snapshot(examples_out)
    write_page(snapshot.view("connect", ["FoldLite", "ResiDiff"], k=3), page_path)
    report = snapshot.connect("FoldLite", "ResiDiff", k=3)
    assert len(report.paths) == 3
    seen = visit(chromium, page_path)
    page = seen.page
    try:
        assert seen.console_errors == []
        assert seen.requests == [page_path.resolve().as_uri()]
        edges = page.evaluate("window.paperkgEdges.get().map((e) => [e.from, e.to, e.label || ''])")
        linked = {frozenset((u, v)): label for u, v, label in edges}
        for path in report.paths:
            for hop in path.hops:
                label = linked[frozenset((hop.source, hop.target))]
                assert label and (label in hop.evidence or hop.kind.lower() in label)
        positions = page.evaluate("window.paperkgNetwork.getPositions()")
        source, target = report.source.id, report.target.id
        assert positions[source]["x"] < positions[target]["x"]  # left to right
    finally:
        page.context.close()


def test_bad_input_is_refused(examples_out: Path):
    snapshot = open_snapshot(examples_out)
    with pytest.raises(ParameterError, match="two papers"):
        snapshot.view("connect", "FoldLite")
    with pytest.raises(ParameterError, match="two different papers"):
        snapshot.view("connect", ("FoldLite", "FoldLite"))
    with pytest.raises(ParameterError, match="does not apply"):
        snapshot.view("around", "FoldLite", k=3)
    with pytest.raises(ParameterError, match="paper or papers"):
        snapshot.view("around", [])
    with pytest.raises(ParameterError, match="at least 1"):
        snapshot.view("around", "FoldLite", size=0)

"""The HTML views in a real headless Chromium: offline, counted, searchable, clickable, safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import visit

from conftest import EXAMPLES, ROOT
from paperkg.graph import read_snapshot
from paperkg.graph.report.lookup import find_paper
from paperkg.pipeline import BuildOptions, build
from paperkg.viz import bridges_view, cluster_view, overview, paper_view, render_html

SHOTS = ROOT / "test-output" / "views"
HOSTILE = [
    "</script><script>alert(1)</script> Closing Tags in Titles",
    "<img src=x onerror=alert(1)> Image Handlers in Titles",
    '"><svg onload=alert(1)> Quoted Breakouts & Ampersands',
]
HEADER = "new\n\nSubscribe\n\nMar 9\n\n"


@pytest.fixture(scope="module")
def examples_graph(tmp_path_factory: pytest.TempPathFactory, embedder):
    out = tmp_path_factory.mktemp("views") / "kg"
    build([EXAMPLES], out, BuildOptions(html=True), embedder=embedder)
    return out


def write(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def painted_pixels(page) -> int:
    return page.evaluate("""() => {
        const canvas = document.querySelector('#network canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 0; i < data.length; i += 4) {
            const ink = data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240;
            if (data[i + 3] > 0 && ink) painted++;
        }
        return painted;
    }""")


def views_of(out: Path):
    graph = read_snapshot(out).graph
    paper = find_paper(graph, "FoldLite: Fast")
    return graph, {
        "overview": overview(graph),
        "cluster": cluster_view(graph, 0),
        "paper": paper_view(graph, paper, depth=1),
        "bridges": bridges_view(graph),
    }


def test_each_view_opens_offline_with_the_expected_counts(chromium, examples_graph, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _graph, views = views_of(examples_graph)
    for name, view in views.items():
        page_file = write(tmp_path, name, render_html(view))
        seen = visit(chromium, page_file)
        assert seen.console_errors == [], (name, seen.console_errors)
        assert seen.requests == [page_file.resolve().as_uri()], (name, seen.requests)
        counts = seen.page.evaluate("[window.paperkgNodes.length, window.paperkgEdges.length]")
        assert counts == [len(view.nodes), len(view.edges)], name
        assert len(view.nodes) > 3 and len(view.edges) > 3
        seen.page.wait_for_timeout(1500)
        seen.page.screenshot(path=str(SHOTS / f"{name}.png"))
        assert painted_pixels(seen.page) > 2000, name
        seen.page.context.close()


def test_search_focuses_the_node_and_click_opens_the_panel(chromium, examples_graph, tmp_path):
    graph, views = views_of(examples_graph)
    target = find_paper(graph, "ResiDiff")
    title = graph.nodes[target]["title"]
    seen = visit(chromium, write(tmp_path, "overview", render_html(views["overview"])))
    page = seen.page
    page.fill("#search", "residiff")
    page.press("#search", "Enter")
    assert page.evaluate("window.paperkgNetwork.getSelectedNodes()") == [target]
    assert page.inner_text("#panel-title") == title

    page.evaluate("document.getElementById('panel').classList.remove('open')")
    page.wait_for_timeout(800)  # let vis.js resize the canvas to the wider page
    other = find_paper(graph, "FoldLite: Fast")
    point = page.evaluate(
        """(id) => {
            const net = window.paperkgNetwork;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        other,
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_selector("#panel.open")
    assert page.inner_text("#panel-title") == graph.nodes[other]["title"]
    links = page.eval_on_selector_all("#panel a", "as => as.map(a => [a.href, a.rel])")
    assert all(href.startswith("https://") and rel == "noopener noreferrer" for href, rel in links)
    assert seen.console_errors == []


def test_hostile_titles_do_not_run_and_show_as_text(chromium, tmp_path, embedder):
    page_lines = []
    for number, title in enumerate(HOSTILE):
        abstract = (
            f"An abstract about topic {number} with <b>markup</b> and "
            "javascript:alert(1) text, plus https://github.com/safe/repo."
        )
        page_lines += [title, "", abstract, ""]
    source = tmp_path / "hostile.txt"
    source.write_text(HEADER + "\n".join(page_lines), encoding="utf-8")
    out = tmp_path / "kg"
    build([source], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    graph = read_snapshot(out).graph
    for name, view in (
        ("overview", overview(graph)),
        ("bridges", bridges_view(graph)),
        ("cluster", cluster_view(graph, 0)),
    ):
        seen = visit(chromium, write(tmp_path, f"hostile-{name}", render_html(view)))
        assert seen.dialogs == [] and seen.console_errors == [], name
        seen.page.context.close()
    for title in HOSTILE:
        paper = find_paper(graph, title)
        seen = visit(
            chromium, write(tmp_path, "hostile-paper", render_html(paper_view(graph, paper)))
        )
        page = seen.page
        assert page.inner_text("h1") == f"Paper: {title}"
        page.evaluate("(id) => window.paperkgOpenPanel(id)", paper)
        assert page.inner_text("#panel-title") == title
        assert "<b>markup</b>" in page.inner_text("#panel p")
        assert (
            page.evaluate("document.querySelectorAll('img, svg:not(.vis-network svg)').length") == 0
        )
        assert seen.dialogs == []
        seen.page.context.close()


def test_big_overview_switches_to_cluster_super_nodes(chromium, examples_graph, tmp_path):
    graph = read_snapshot(examples_graph).graph
    view = overview(graph, node_budget=20, top_per_cluster=2)
    kinds = [d["type"] for d in view.nodes.values()]
    assert kinds.count("Cluster") >= 4 and kinds.count("Paper") <= 2 * kinds.count("Cluster")
    seen = visit(chromium, write(tmp_path, "big", render_html(view)))
    notes = seen.page.inner_text("#notes")
    assert "more than the 20-node budget" in notes and "clusters are shown as single nodes" in notes
    assert seen.console_errors == []


def test_build_html_writes_the_overview_into_the_snapshot(chromium, examples_graph):
    page_file = examples_graph / "overview.html"
    manifest = read_snapshot(examples_graph).manifest
    assert "overview.html" in manifest.files
    seen = visit(chromium, page_file)
    assert seen.page.evaluate("window.paperkgNodes.length") == 49
    assert seen.requests == [page_file.resolve().as_uri()]
    site = visit(chromium, examples_graph / "site" / "index.html")  # and the linked site
    assert site.page.evaluate("window.paperkgNodes.length") == 49
    assert site.console_errors == [] and len(site.requests) == 3  # the page, vis-network x2
    assert len(list((examples_graph / "site" / "papers").glob("*.html"))) == 49


def test_a_panel_lists_the_neighbours_and_back_returns(chromium, examples_graph, tmp_path):
    graph, views = views_of(examples_graph)
    paper = find_paper(graph, "FoldLite: Fast")
    seen = visit(chromium, write(tmp_path, "paper", render_html(views["paper"])))
    page = seen.page
    page.fill("#search", graph.nodes[paper]["title"])
    page.press("#search", "Enter")
    headings = page.eval_on_selector_all("#panel h3", "hs => hs.map(h => h.textContent)")
    similar = {v for _u, v, k in graph.out_edges(paper, keys=True) if k.startswith("SIMILAR_TO")}
    similar |= {u for u, _v, k in graph.in_edges(paper, keys=True) if k.startswith("SIMILAR_TO")}
    assert f"Similar ({len(similar)})" in headings, headings  # each once, both directions
    assert any(h.startswith("Cites") or h.startswith("Cited by") for h in headings), headings
    first = page.locator("#panel li button").first
    name = first.inner_text()
    first.click()
    assert page.inner_text("#panel-title") == name
    chosen = page.evaluate("window.paperkgNetwork.getSelectedNodes()")
    assert [graph.nodes[n].get("title") or graph.nodes[n].get("name") for n in chosen] == [name]
    page.go_back()
    page.wait_for_function(
        "(t) => document.getElementById('panel-title').textContent === t",
        arg=graph.nodes[paper]["title"],
    )
    assert page.evaluate("window.paperkgNetwork.getSelectedNodes()") == [paper]
    assert seen.console_errors == []

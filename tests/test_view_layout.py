"""Readable maps (issue 18 part 3): the bridges view places every node apart and a click hits
the cluster under the cursor; depth-2 paper views keep their strongest second hop and say
what they left out; a paper without neighbours says why. On the seeds, in real Chromium."""

from __future__ import annotations

import itertools
import json
import math
import re
from html import unescape
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser import visit

from paperkg.graph import read_snapshot
from paperkg.graph.model import is_paper, relationship_type
from paperkg.graph.report.lookup import find_paper
from paperkg.graph.schema import Label, RelType
from paperkg.pipeline import BuildOptions, build
from paperkg.viz import bridges_view, paper_view, render_html, write_site
from paperkg.viz.site import page_of
from paperkg.viz.views import DEFAULT_HOP_LIMIT

HEADER = "new\n\nSubscribe\n\nMar 9\n\n"
#: Three papers on one subject and one on another, which no similarity edge can reach at
#: --min-score 0.5 and which names no method, dataset or code.
TINY = [
    (
        "Sparse Attention for Long Document Transformers",
        "We make transformer attention sparse so that language models read long documents "
        "with less memory.",
    ),
    (
        "Sparse Attention Patterns for Long Context Transformers",
        "Sparse attention patterns let transformer language models handle long context "
        "documents with less memory.",
    ),
    (
        "Efficient Sparse Attention in Long Sequence Transformers",
        "An efficient sparse attention scheme for transformer language models on long "
        "sequences and documents.",
    ),
    (
        "Slow Fermentation of Rye Sourdough at Home",
        "a kitchen note on how rye sourdough rises overnight in a cool room, and how the crust "
        "browns in a clay pot.",
    ),
]


@pytest.fixture(scope="module")
def seeds_graph(seeds_snapshot: Path) -> nx.MultiDiGraph:
    return read_snapshot(seeds_snapshot).graph


def drawn_nodes(html: str) -> list[dict[str, Any]]:
    """The vis-network node records a page carries (id, x, y, size, ...)."""
    found = re.search(r'id="paperkg-nodes">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def write(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def screen_point(page, node: str) -> list[float]:
    """Where ``node``'s centre is on the screen (page coordinates)."""
    return page.evaluate(
        """(id) => {
            const net = window.paperkgNetwork;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        node,
    )


def test_bridges_view_places_every_node_apart(seeds_graph):
    view = bridges_view(seeds_graph)
    assert view.positions.keys() == view.nodes.keys()
    assert bridges_view(seeds_graph).positions == view.positions  # deterministic
    nodes = drawn_nodes(render_html(view))
    assert len(nodes) == len(view.nodes)
    for node in nodes:
        assert (node["x"], node["y"]) == pytest.approx(view.positions[node["id"]], abs=0.05)
        assert node["physics"] is False
    for a, b in itertools.combinations(nodes, 2):
        dx, dy = abs(a["x"] - b["x"]), abs(a["y"] - b["y"])
        reach = a["size"] + b["size"]
        assert math.hypot(dx, dy) >= reach, (a["id"], b["id"])  # the discs do not overlap
        # nor do the squares vis-network hit-tests a click against
        assert max(dx, dy) >= reach, (a["id"], b["id"])
    kinds = [d["type"] for d in view.nodes.values()]
    assert kinds.count(Label.CLUSTER) >= 2 and kinds.count(Label.PAPER) >= 2
    assert len(view.edges) > len(view.nodes)  # the edges are all still drawn


def test_a_click_on_each_bridges_cluster_opens_that_cluster(chromium, seeds_graph, tmp_path):
    view = bridges_view(seeds_graph)
    clusters = sorted(
        (n for n, d in view.nodes.items() if d["type"] == Label.CLUSTER),
        key=lambda n: -view.nodes[n]["size"],
    )
    seen = visit(chromium, write(tmp_path, "bridges", render_html(view)))
    page = seen.page
    page.wait_for_timeout(1000)
    box = page.eval_on_selector(
        "#network",
        "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }",
    )
    for node in clusters:  # the largest first, then every other one
        page.evaluate("document.getElementById('panel').classList.remove('open')")
        page.mouse.move(1, 1)  # no hover popup left over the next point
        page.wait_for_timeout(800)  # let vis.js resize the canvas to the wider page
        x, y = screen_point(page, node)
        assert box[0] < x < box[2] and box[1] < y < box[3], (
            f"{node} is drawn off the canvas at ({x:.0f}, {y:.0f}): the page did not fit the "
            "view (vis.js fits on load only when physics is off or some node can move)"
        )
        page.mouse.click(x, y)
        page.wait_for_selector("#panel.open")
        assert page.inner_text("#panel-title") == f"Cluster {view.nodes[node]['id']}", node
        assert page.evaluate("window.paperkgNetwork.getSelectedNodes()") == [node]
    assert seen.console_errors == []
    page.context.close()


def one_hop(graph: nx.MultiDiGraph, paper: str) -> set[str]:
    """Every node one edge from ``paper``, leaving out its cluster."""
    skip = (RelType.IN_CLUSTER, RelType.LINKS_TO)
    return {
        v if u == paper else u
        for u, v, key in [*graph.out_edges(paper, keys=True), *graph.in_edges(paper, keys=True)]
        if relationship_type(key) not in skip
    } - {paper}


def test_depth_two_paper_views_keep_their_strongest_second_hop(seeds_graph):
    papers = sorted(n for n, d in seeds_graph.nodes(data=True) if is_paper(d))
    busiest = max(papers, key=lambda p: (len(one_hop(seeds_graph, p)), p))
    for paper in [*papers[:: len(papers) // 6], busiest]:
        first = paper_view(seeds_graph, paper, 1)
        assert first.nodes.keys() == {paper} | one_hop(seeds_graph, paper)  # depth 1 whole
        assert paper_view(seeds_graph, paper, 1, hop_limit=1).nodes.keys() == first.nodes.keys()
        capped = paper_view(seeds_graph, paper, 2)
        every = paper_view(seeds_graph, paper, 2, hop_limit=None)
        second_hop = len(every.nodes) - len(first.nodes)
        assert second_hop > DEFAULT_HOP_LIMIT  # the seeds' depth-2 views are hairballs
        assert len(capped.nodes) == len(first.nodes) + DEFAULT_HOP_LIMIT
        assert first.nodes.keys() <= capped.nodes.keys() <= every.nodes.keys()
        note = next(n for n in capped.notes if n.startswith("depth 2 shows"))
        assert f"shows {DEFAULT_HOP_LIMIT} of the {second_hop} nodes 2 hops away" in note
        left = every.nodes.keys() - capped.nodes.keys()
        papers_left = sum(1 for n in left if every.nodes[n]["type"] == Label.PAPER)
        assert f"{papers_left} papers" in note or papers_left == 0, note
        # every similar paper left out is no closer to the first hop than those kept
        threshold = float(re.search(r"cosine ≥ (\d\.\d\d)", note).group(1))
        for node in left:
            if every.nodes[node]["type"] == Label.PAPER:
                assert best_similarity(seeds_graph, node, first.nodes) <= threshold + 0.005
        assert not any("no neighbours" in n for n in capped.notes)
    print(f"depth 2 of the busiest paper: {len(every.nodes)} -> {len(capped.nodes)} nodes")


def best_similarity(graph: nx.MultiDiGraph, node: str, shown: dict[str, Any]) -> float:
    """``node``'s highest SIMILAR_TO score to a node of ``shown``."""
    scores = [
        d["score"]
        for u, v, key, d in [
            *graph.out_edges(node, keys=True, data=True),
            *graph.in_edges(node, keys=True, data=True),
        ]
        if relationship_type(key) == RelType.SIMILAR_TO and (v if u == node else u) in shown
    ]
    return max(scores, default=0.0)


def test_a_paper_without_neighbours_says_why(chromium, tmp_path, embedder):
    lines = [line for title, abstract in TINY for line in (title, "", abstract, "")]
    source = tmp_path / "tiny.txt"
    source.write_text(HEADER + "\n".join(lines), encoding="utf-8")
    out = tmp_path / "kg"
    build([source], out, BuildOptions(min_score=0.5), embedder=embedder)
    snapshot = read_snapshot(out)
    graph = snapshot.graph
    alone = find_paper(graph, "Rye Sourdough")
    kinds = {
        relationship_type(key)
        for _u, _v, key in [*graph.out_edges(alone, keys=True), *graph.in_edges(alone, keys=True)]
    }
    assert kinds <= {RelType.IN_CLUSTER}, kinds

    view = paper_view(graph, alone, manifest=snapshot.manifest)
    assert list(view.nodes) == [alone]
    note = next(n for n in view.notes if "no neighbours" in n)
    assert "all 3 other papers have a cosine similarity below the build's --min-score 0.5" in note
    assert "no citation" in note and "no methods, datasets or code" in note
    general = next(n for n in paper_view(graph, alone).notes if "no neighbours" in n)
    assert "--min-score" in general and "0.5" not in general  # no number it cannot read
    related = paper_view(graph, find_paper(graph, "Sparse Attention for Long"))
    assert len(related.nodes) > 1 and not any("no neighbours" in n for n in related.notes)

    seen = visit(chromium, write(tmp_path, "alone", render_html(view)))
    assert note in seen.page.inner_text("#notes")
    assert seen.console_errors == []
    seen.page.context.close()
    # the site's page of that paper says the same, under "No neighbours"
    write_site(graph, tmp_path / "site", manifest=snapshot.manifest)
    page = tmp_path / "site" / page_of(alone, graph.nodes[alone])
    assert note in unescape(page.read_text(encoding="utf-8"))

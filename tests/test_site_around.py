"""Around maps in the linked site (issue 21 part 2): a map page per paper (at most
``AROUND_PAGES``, the most central), related papers on the paper pages, every list linked
to the papers' pages; walked in a real headless Chromium."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from browser import visit

import paperkg.viz.site as site_module
from paperkg.graph import read_snapshot
from paperkg.graph.model import is_paper
from paperkg.graph.report.around import around
from paperkg.viz import write_site
from paperkg.viz.around_view import around_sections
from paperkg.viz.site import AROUND_FOLDER, page_of


class _Lists(HTMLParser):
    """The ``<h2>`` sections of a page (list page or map page): heading -> [(href, text)]."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[tuple[str | None, str]]] = {}
        self._heading: str | None = None
        self._in: str | None = None
        self._item: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in, self._heading = "h2", ""
        elif tag == "li" and self._heading is not None:
            self._in, self._item = "li", [None, ""]
        elif tag == "a" and self._in == "li":
            self._item[0] = dict(attrs).get("href")
        elif tag == "span" and self._in == "li":
            self._in = "note"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self.sections[self._heading] = []
            self._in = None
        elif tag == "li" and self._heading is not None and self._item:
            self.sections[self._heading].append((self._item[0], str(self._item[1]).strip()))
            self._in, self._item = None, []

    def handle_data(self, data: str) -> None:
        if self._in == "h2" and self._heading is not None:
            self._heading += data
        elif self._in == "li":
            self._item[1] = f"{self._item[1]}{data}"


def _lists(path: Path) -> dict[str, list[tuple[str | None, str]]]:
    parser = _Lists()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.sections


def _papers(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if is_paper(d) and page_of(n, d)]


def _around_page(graph: nx.MultiDiGraph, node: str) -> str:
    return f"{AROUND_FOLDER}/{str(page_of(node, graph.nodes[node])).split('/', 1)[1]}"


@pytest.fixture(scope="module")
def seeds_graph(seeds_snapshot: Path) -> nx.MultiDiGraph:
    return read_snapshot(seeds_snapshot).graph


@pytest.fixture(scope="module")
def rich(seeds_graph: nx.MultiDiGraph) -> str:
    """The seed paper whose around report lists the most prior and derivative works (the
    seeds have ten citations in all), then has the most edges."""

    def works(node: str) -> int:
        report = around(seeds_graph, [node])
        return len(report.prior) + len(report.derivative)

    return max(_papers(seeds_graph), key=lambda n: (works(n), seeds_graph.degree(n), n))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeds_graph: nx.MultiDiGraph):
    folder = tmp_path_factory.mktemp("site-around") / "site"
    return write_site(seeds_graph, folder), folder


def test_every_seed_paper_has_an_around_map_listing_what_around_lists_linked(
    site, seeds_graph: nx.MultiDiGraph, rich: str
):
    report, folder = site
    papers = _papers(seeds_graph)
    assert len(papers) <= site_module.AROUND_PAGES  # a corpus this small is mapped whole
    assert report.pages["around"] == len(papers) == report.pages["paper"]
    written = {p.relative_to(folder).as_posix() for p in (folder / AROUND_FOLDER).iterdir()}
    assert written == {_around_page(seeds_graph, n) for n in papers}
    # the search lists papers once, by their pages, not their maps
    script = (folder / "assets" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(script.split("=", 1)[1].rstrip().rstrip(";"))
    assert not [href for _kind, _text, href in entries if href.startswith(AROUND_FOLDER)]
    busiest = rich
    expected = around(seeds_graph, [busiest])
    assert len(expected.related) >= 20 and expected.prior  # lists worth checking
    map_page = folder / _around_page(seeds_graph, busiest)
    lists = _lists(map_page)
    assert list(lists) == [
        "This paper",
        f"Related papers ({len(expected.related)})",
        "Prior works",
        "Derivative works",
    ]
    here = lists["This paper"][0][0]
    assert here is not None and (map_page.parent / here).resolve() == (
        folder / str(page_of(busiest, seeds_graph.nodes[busiest]))
    )
    related = lists[f"Related papers ({len(expected.related)})"]
    assert [text for _href, text in related] == [r.title for r in expected.related]
    for (href, _text), paper in zip(related, expected.related, strict=True):
        assert href is not None
        landed = (map_page.parent / href).resolve()
        assert landed == (folder / str(page_of(paper.id, seeds_graph.nodes[paper.id])))
        assert landed.is_file()
    for work, (href, text) in zip(expected.prior, lists["Prior works"], strict=True):
        assert text == work.title
        assert (href is None) == work.stub  # an outside work has no page: listed, not linked
        assert href is None or (map_page.parent / href).resolve().is_file()


def test_a_paper_page_lists_its_top_related_papers_and_links_its_map(
    site, seeds_graph: nx.MultiDiGraph
):
    _report, folder = site
    for node in sorted(_papers(seeds_graph))[:60]:
        page = folder / str(page_of(node, seeds_graph.nodes[node]))
        lists = _lists(page)
        (link, text), *_ = lists["Around this paper"]
        assert text == "Map of the papers around this one"
        assert link is not None
        assert (page.parent / link).resolve() == (folder / _around_page(seeds_graph, node))
        expected = around(seeds_graph, [node]).related[: site_module._TOP_RELATED]
        listed = lists.get("Related papers", [])
        assert [t for _h, t in listed] == [r.title for r in expected]
        for href, _text in listed:
            assert href is not None and (page.parent / href).resolve().is_file()


def test_only_the_most_central_papers_get_a_map_and_the_others_say_how(
    tmp_path: Path, seeds_graph: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(site_module, "AROUND_PAGES", 3)
    report = write_site(seeds_graph, tmp_path / "site")
    folder = tmp_path / "site"
    papers = _papers(seeds_graph)
    central = sorted(papers, key=lambda n: (-seeds_graph.nodes[n].get("pagerank", 0.0), n))[:3]
    assert report.pages["around"] == 3 and report.pages["paper"] == len(papers)
    written = {p.relative_to(folder).as_posix() for p in (folder / AROUND_FOLDER).iterdir()}
    assert written == {_around_page(seeds_graph, n) for n in central}
    for node in central:
        lists = _lists(folder / str(page_of(node, seeds_graph.nodes[node])))
        assert lists["Around this paper"][0][0] is not None and lists["Related papers"]
    other = next(n for n in sorted(papers) if n not in central)
    page = folder / str(page_of(other, seeds_graph.nodes[other]))
    lists = _lists(page)
    assert "Related papers" not in lists
    [(link, text)] = lists["Around this paper"]
    assert link is None and "3 most central papers" in text
    assert f"paperkg view around {other}" in page.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    assert not [h for h in links if AROUND_FOLDER in h]


def test_around_sections_link_only_when_given_pages(seeds_graph: nx.MultiDiGraph):
    node = max(_papers(seeds_graph), key=lambda n: (seeds_graph.degree(n), n))
    report = around(seeds_graph, [node])
    standalone = around_sections(report)
    assert all(item["href"] is None for s in standalone for item in s["items"])
    linked = around_sections(report, lambda paper: f"papers/{paper}.html")
    assert [item["href"] for item in linked[0]["items"]] == [
        f"papers/{r.id}.html" for r in report.related
    ]
    texts = [[(i["text"], i["note"]) for i in s["items"]] for s in standalone]
    assert texts == [[(i["text"], i["note"]) for i in s["items"]] for s in linked]


@pytest.mark.browser
def test_a_reader_opens_a_papers_map_and_clicks_a_related_paper(
    site, seeds_graph: nx.MultiDiGraph, chromium
):
    _report, folder = site
    node = max(_papers(seeds_graph), key=lambda n: (seeds_graph.degree(n), n))
    expected = around(seeds_graph, [node])
    seen = visit(chromium, folder / str(page_of(node, seeds_graph.nodes[node])), graph=False)
    page = seen.page
    try:
        page.get_by_role("link", name="Map of the papers around this one").click()
        page.wait_for_url(re.compile(rf"/{AROUND_FOLDER}/.+\.html$"))
        page.wait_for_function("window.paperkgNetwork !== undefined", timeout=30_000)
        shown = page.evaluate("window.paperkgNodes.getIds()")
        assert sorted(shown) == sorted([node, *(r.id for r in expected.related)])
        drawn = page.evaluate("window.paperkgNetwork.getPositions()")
        assert len(drawn) == len(shown)
        target = expected.related[1]
        related = page.locator("#lists section").nth(1)
        related.get_by_role("link", name=target.title, exact=True).first.click()
        page.wait_for_url(re.compile(r"/papers/.+\.html$"))
        assert page.locator("h1").inner_text() == target.title
        assert seen.console_errors == []
        assert all(url.startswith("file://") for url in seen.requests), seen.requests
    finally:
        page.context.close()

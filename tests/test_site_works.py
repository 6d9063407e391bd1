"""Prior and derivative works on the site's paper pages (issue 18 part 2), on small graphs
whose citations are known, so the expected lists and their order can be written down."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from paperkg.graph.schema import Label, RelType
from paperkg.viz import write_site
from paperkg.viz.site import page_of

#: A citation's edge key, as the graph spells those from OpenAlex.
CITES = f"{RelType.CITES}:openalex"


class _Sections(HTMLParser):
    """The ``<h2>`` sections of a list page: heading -> [(link, text, note)]."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[tuple[str | None, str, str]]] = {}
        self._heading: str | None = None
        self._in: str | None = None  # "h2", "a", "note" or "li"
        self._item: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h2":
            self._in, self._heading = "h2", ""
        elif tag == "li" and self._heading is not None:
            self._in, self._item = "li", [None, "", ""]
        elif tag == "a" and self._in == "li":
            self._item[0] = found.get("href")
        elif tag == "span" and found.get("class") == "note" and self._in == "li":
            self._in = "note"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self.sections[self._heading] = []
            self._in = None
        elif tag == "li" and self._heading is not None and self._item:
            href, text, note = self._item
            self.sections[self._heading].append((href, str(text).strip(), str(note).strip()))
            self._in, self._item = None, []

    def handle_data(self, data: str) -> None:
        if self._in == "h2" and self._heading is not None:
            self._heading += data
        elif self._in == "li":
            self._item[1] = f"{self._item[1]}{data}"
        elif self._in == "note":
            self._item[2] = f"{self._item[2]}{data}"


def _paper(graph: nx.MultiDiGraph, node: str, pagerank: float = 0.0) -> None:
    graph.add_node(node, type=Label.PAPER, title=f"Paper {node}", abstract="", pagerank=pagerank)


def _cites(graph: nx.MultiDiGraph, source: str, *targets: str) -> None:
    for target in targets:
        graph.add_edge(source, target, key=CITES, source="openalex")


def _neighbourhood_graph() -> nx.MultiDiGraph:
    """``p`` with five similar papers ``s1``..``s5``, citing ``wa`` and cited by ``va``: seven
    neighbours. Around them, works cited (and citing) by known numbers of them."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for node in ("p", "s1", "s2", "s3", "s4", "s5", "wa", "wb", "wd", "va", "vb", "vc"):
        _paper(graph, node)
    _paper(graph, "wc", pagerank=0.2)
    graph.add_node("x", type=Label.PAPER, stub=True, title="An outside work", pagerank=0.1)
    for rank, similar in enumerate(("s1", "s2", "s3", "s4", "s5"), start=1):
        graph.add_edge("p", similar, key=RelType.SIMILAR_TO, score=0.9 - rank / 10, rank=rank)
    _cites(graph, "p", "wa")
    graph.add_edge("p", "wa", key=f"{RelType.CITES}:mention", source="mention")  # same pair
    _cites(graph, "s1", "wa", "wb", "x")
    _cites(graph, "s2", "wa", "wb", "x")
    _cites(graph, "s3", "wa", "wb")
    _cites(graph, "s4", "wc")
    _cites(graph, "s5", "wd")
    _cites(graph, "va", "p", "s1", "s2", "wc")
    _cites(graph, "vb", "s3", "s4")
    _cites(graph, "vc", "s5")
    # a small neighbourhood: q's only neighbour is r, which it cites
    _paper(graph, "q")
    _paper(graph, "r")
    _paper(graph, "t")
    _cites(graph, "q", "r")
    _cites(graph, "r", "t")
    # a paper with similar papers and no citations anywhere around it
    _paper(graph, "lone")
    _paper(graph, "twin")
    graph.add_edge("lone", "twin", key=RelType.SIMILAR_TO, score=0.8, rank=1)
    return graph


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    graph = _neighbourhood_graph()
    folder = tmp_path_factory.mktemp("works") / "site"
    write_site(graph, folder)
    return graph, folder


def _sections(graph: nx.MultiDiGraph, folder: Path, node: str) -> tuple[Path, _Sections]:
    page = folder / str(page_of(node, graph.nodes[node]))
    parser = _Sections()
    parser.feed(page.read_text(encoding="utf-8"))
    return page, parser


def _lands_on(page: Path, href: str | None, graph: nx.MultiDiGraph, node: str, folder: Path):
    assert href is not None, node
    assert (page.parent / href).resolve() == (folder / str(page_of(node, graph.nodes[node])))
    assert (page.parent / href).resolve().is_file()


def test_prior_works_are_ranked_by_how_many_of_the_neighbourhood_cite_them(site):
    graph, folder = site
    page, parsed = _sections(graph, folder, "p")
    prior = parsed.sections["Prior works"]
    # wa: p, s1, s2, s3; wb: s1, s2, s3; wc (pagerank 0.2): s4, va; x (0.1): s1, s2.
    # Cited once (wd, s1, s2) is below the two a neighbourhood of seven asks for.
    assert [text for _href, text, _note in prior] == [
        "Paper wa",
        "Paper wb",
        "Paper wc",
        "An outside work",
    ]
    assert [note for _href, _text, note in prior] == [
        "cited by this paper and 3 of its 7 neighbours",
        "cited by 3 of its 7 neighbours",
        "cited by 2 of its 7 neighbours",
        "cited by 2 of its 7 neighbours",
    ]
    for (href, _text, _note), node in zip(prior[:3], ("wa", "wb", "wc"), strict=True):
        _lands_on(page, href, graph, node, folder)
    assert prior[3][0] is None  # a stub has no page: listed, not linked


def test_derivative_works_are_ranked_by_how_many_neighbourhood_papers_they_cite(site):
    graph, folder = site
    page, parsed = _sections(graph, folder, "p")
    derivative = parsed.sections["Derivative works"]
    # va cites p, s1, s2; vb cites s3, s4; vc and s1..s3 (citing wa) cite one each
    assert [(text, note) for _href, text, note in derivative] == [
        ("Paper va", "cites this paper and 2 of its 7 neighbours"),
        ("Paper vb", "cites 2 of its 7 neighbours"),
    ]
    for (href, _text, _note), node in zip(derivative, ("va", "vb"), strict=True):
        _lands_on(page, href, graph, node, folder)
    # the sections come after the paper's own citations
    headings = list(parsed.sections)
    assert headings.index("Cites") < headings.index("Prior works")
    assert headings.index("Prior works") < headings.index("Derivative works")


def test_a_small_neighbourhood_needs_one_shared_citation_and_empty_lists_are_hidden(site):
    graph, folder = site
    page, parsed = _sections(graph, folder, "q")
    prior = parsed.sections["Prior works"]
    assert [(text, note) for _href, text, note in prior] == [
        ("Paper r", "cited by this paper"),
        ("Paper t", "cited by 1 of its 1 neighbour"),
    ]
    _lands_on(page, prior[1][0], graph, "t", folder)
    assert "Derivative works" not in parsed.sections  # nothing cites q or r but q itself


def test_without_citations_neither_section_is_shown(site):
    graph, folder = site
    _page, parsed = _sections(graph, folder, "lone")
    assert "Similar papers" in parsed.sections
    assert "Prior works" not in parsed.sections and "Derivative works" not in parsed.sections

"""Growing a graph from one arXiv id (issue 21 part 4): fetch the origin with its references
and citations from the loopback S2 server (tests/fake_apis.py), build with --external-refs
(they become stubs), fetch the stubs' own records with ``fetch s2 --refs-of``, rebuild into
the same snapshot, and ``around`` the origin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_apis import FakeApis, serving

from paperkg.api import open_snapshot
from paperkg.cli import main
from paperkg.errors import NotFoundError
from paperkg.graph.model import relationship_type
from paperkg.graph.report.linked_works import linked_works, next_hop_ids
from paperkg.graph.schema import RelType
from paperkg.loaders.openalex import openalex_request_id
from paperkg.loaders.semantic_scholar import s2_request_id
from paperkg.pipeline import BuildOptions, build

S2_PATH = "/graph/v1/paper/batch"
ORIGIN = "arxiv:2403.01234"
R1, R2, C1 = "arxiv:2301.00011", "arxiv:2302.00022", "arxiv:2405.00033"
C2 = "doi:10.5555/citer-two"
BEYOND = "arxiv:2201.00044"  # cited by R2 only: a stub still after the second hop


def _paper(node: str, digit: str, title: str, abstract: str) -> dict:
    scheme, _, value = node.partition(":")
    return {
        "paperId": digit * 40,
        "externalIds": {"ArXiv": value} if scheme == "arxiv" else {"DOI": value},
        "title": title,
        "abstract": abstract,
        "year": 2024,
        "publicationDate": "2024-03-01",
        "authors": [{"name": "Ima Fixture"}],
    }


PAPERS = {
    ORIGIN: _paper(
        ORIGIN,
        "0",
        "Sparse attention for long documents",
        "We make attention sparse so transformers read long documents with less memory.",
    ),
    R1: _paper(
        R1,
        "1",
        "Linear attention transformers",
        "Attention computed in linear time lets transformers handle longer sequences.",
    ),
    R2: _paper(
        R2,
        "2",
        "Attention is a kernel",
        "We read attention in transformers as a kernel smoother over the sequence.",
    ),
    C1: _paper(
        C1,
        "3",
        "Sparse attention for code models",
        "Sparse attention patterns help code transformers read whole repositories.",
    ),
    C2: _paper(
        C2,
        "4",
        "Benchmarking long-context transformers",
        "A benchmark of long document tasks for sparse and linear attention.",
    ),
    BEYOND: _paper(BEYOND, "5", "Kernel smoothers revisited", "Classical kernel smoothing."),
}
#: Who cites whom; S2 lists each paper's references and citations from this.
CITES = {ORIGIN: [R1, R2], R1: [R2], R2: [BEYOND], C1: [ORIGIN, R1], C2: [ORIGIN]}


def _link(node: str) -> dict:
    paper = PAPERS[node]
    return {k: paper[k] for k in ("paperId", "externalIds", "title")}


def _served(node: str) -> dict:
    citers = [source for source, targets in CITES.items() if node in targets]
    return PAPERS[node] | {
        "references": [_link(t) for t in CITES.get(node, [])],
        "citations": [_link(s) for s in citers],
    }


@pytest.fixture
def api() -> Iterator[FakeApis]:
    with serving(120) as server:
        server.serve_s2(*(_served(node) for node in (ORIGIN, R1, R2, C1, C2)))
        yield server


def _fetch(api: FakeApis, tmp_path: Path, *args: str) -> None:
    env = {"PAPERKG_S2_BASE": api.base, "PAPERKG_FETCH_CACHE": str(tmp_path / "cache")}
    result = CliRunner().invoke(main, ["fetch", "s2", *args], env=env)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output


def _cites(graph, source: str, target: str) -> bool:
    return any(
        relationship_type(key) == RelType.CITES
        for key in (graph.get_edge_data(source, target) or {})
    )


def test_grow_from_one_arxiv_id(api, tmp_path, embedder):
    feed, kg = tmp_path / "feed", tmp_path / "kg"
    _fetch(api, tmp_path, "--ids", "2403.01234", "--with-references", "--into", str(feed))
    build([feed], kg, BuildOptions(external_refs=True), embedder=embedder)
    graph = open_snapshot(kg).graph
    assert not graph.nodes[ORIGIN].get("stub")
    for node in (R1, R2, C1, C2):  # known only from the origin's lists: stubs
        assert graph.nodes[node]["stub"] is True
    assert _cites(graph, ORIGIN, R1) and _cites(graph, C1, ORIGIN)

    _fetch(
        api,
        tmp_path,
        "--refs-of",
        "2403.01234",
        "--out",
        str(kg),
        "--with-references",
        "--into",
        str(feed),
    )
    second = api.requests(S2_PATH)[-1].json()
    assert second == {  # every stub once, by arXiv id where it has one, else by DOI
        "ids": ["arXiv:2301.00011", "arXiv:2302.00022", "arXiv:2405.00033", "DOI:10.5555/citer-two"]
    }
    build([feed], kg, BuildOptions(), embedder=embedder)  # into the same snapshot
    snapshot = open_snapshot(kg)
    graph = snapshot.graph
    for node in (ORIGIN, R1, R2, C1, C2):
        assert not graph.nodes[node].get("stub"), node
    assert graph.nodes[BEYOND]["stub"] is True  # the next hop, for a next round
    for source, target in (
        (ORIGIN, R1),
        (ORIGIN, R2),
        (R1, R2),
        (C1, ORIGIN),
        (C1, R1),
        (C2, ORIGIN),
        (R2, BEYOND),
    ):
        assert _cites(graph, source, target), (source, target)

    around = snapshot.around("2403.01234", size=10)
    why = {paper.id: paper.why for paper in around.related}
    assert "cited by" in why[R1] and "cited by" in why[R2]
    assert "cites" in why[C1] and "cites" in why[C2]
    prior = {work.id: set(work.members) for work in around.prior}
    assert prior[R1] == {ORIGIN, C1} and prior[R2] == {ORIGIN, R1}
    assert {ORIGIN, R1} <= {m for w in around.derivative if w.id == C1 for m in w.members}

    # the next round: only BEYOND is left outside, and R2 names it
    assert next_hop_ids(graph, R2, s2_request_id) == ["arXiv:2201.00044"]
    with pytest.raises(NotFoundError, match="no outside work"):
        next_hop_ids(graph, ORIGIN, s2_request_id)


def test_refs_of_without_stubs_is_an_error(api, tmp_path, embedder):
    feed, kg = tmp_path / "feed", tmp_path / "kg"
    _fetch(api, tmp_path, "--ids", "2403.01234", "--with-references", "--into", str(feed))
    build([feed], kg, BuildOptions(), embedder=embedder)  # no --external-refs: no stubs
    asked = len(api.requests(S2_PATH))
    env = {"PAPERKG_S2_BASE": api.base}
    result = CliRunner().invoke(
        main,
        ["fetch", "s2", "--refs-of", "2403.01234", "--out", str(kg), "--into", str(feed)],
        env=env,
    )
    assert result.exit_code != 0
    assert "--external-refs" in result.output
    missing = CliRunner().invoke(
        main, ["fetch", "s2", "--refs-of", "2499.99999", "--out", str(kg)], env=env
    )
    assert missing.exit_code != 0 and "2499.99999" in missing.output
    none = CliRunner().invoke(main, ["fetch", "s2", "--into", str(feed)], env=env)
    assert none.exit_code != 0 and "--ids" in none.output
    assert len(api.requests(S2_PATH)) == asked  # nothing was asked of the API


def test_request_ids_from_stub_keys():
    keys = ("arxiv:2301.00011", "doi:10.5555/x", "s2:" + "a" * 40)
    assert s2_request_id(keys) == "arXiv:2301.00011"
    assert s2_request_id(keys[1:]) == "DOI:10.5555/x"
    assert s2_request_id(keys[2:]) == "a" * 40
    assert s2_request_id(("openalex:w1",)) is None
    assert openalex_request_id(("openalex:w123", "doi:10.5555/x")) == "W123"
    assert openalex_request_id(keys) == "10.5555/x"
    assert openalex_request_id(("arxiv:2301.00011",)) is None


def test_linked_works_lists_both_directions(api, tmp_path, embedder):
    feed, kg = tmp_path / "feed", tmp_path / "kg"
    _fetch(api, tmp_path, "--ids", "2403.01234", "--with-references", "--into", str(feed))
    build([feed], kg, BuildOptions(external_refs=True), embedder=embedder)
    works = linked_works(open_snapshot(kg).graph, ORIGIN)
    assert [(w.id, w.cited, w.citing, w.stub) for w in works] == [
        (R1, True, False, True),
        (R2, True, False, True),
        (C1, False, True, True),
        (C2, False, True, True),
    ]
    assert json.dumps([w.keys for w in works])  # plain data


def test_openalex_refs_of_fetches_the_referenced_works(api, tmp_path, embedder):
    feed, kg = tmp_path / "feed", tmp_path / "kg"
    env = {"PAPERKG_OPENALEX_BASE": api.base}
    first = CliRunner().invoke(
        main, ["fetch", "openalex", "--ids", "W2000001", "--into", str(feed)], env=env
    )
    assert first.exit_code == 0, first.output
    build([feed], kg, BuildOptions(external_refs=True), embedder=embedder)
    graph = open_snapshot(kg).graph
    assert graph.nodes["openalex:w1000001"]["stub"] is True  # the fake cites W1000001
    hop = CliRunner().invoke(
        main,
        ["fetch", "openalex", "--refs-of", "W2000001", "--out", str(kg), "--into", str(feed)],
        env=env,
    )
    assert hop.exit_code == 0, hop.output
    assert api.requests("/works")[-1].query["filter"] == ["openalex:W1000001"]
    build([feed], kg, BuildOptions(), embedder=embedder)
    graph = open_snapshot(kg).graph
    assert "openalex:w1000001" not in graph  # the stub is a paper now, under its title's id
    (paper,) = [n for n, found in graph.nodes(data="openalex_id") if found == "w1000001"]
    assert not graph.nodes[paper].get("stub")
    citing = {s for s, _ in graph.in_edges(paper) if _cites(graph, s, paper)}
    assert citing == {n for n, found in graph.nodes(data="openalex_id") if found == "w2000001"}

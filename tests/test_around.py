"""``paperkg around`` (issue 21 parts 1 and 6): related papers by the combined measure with
their reasons, prior and derivative works, on a hand-made graph whose answers are worked
out below, and on the seeds (every paper gets at least 20 related papers)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import networkx as nx
import pytest

from conftest import DATA, run
from paperkg.api import open_snapshot
from paperkg.errors import AmbiguousError, NotFoundError, ParameterError
from paperkg.graph.model import is_paper
from paperkg.graph.report.around import WEIGHTS, around
from paperkg.graph.schema import Label, RelType

CITES = f"{RelType.CITES}:openalex"


def _paper(graph: nx.MultiDiGraph, *nodes: str) -> None:
    for node in nodes:
        graph.add_node(node, type=Label.PAPER, title=f"Paper {node}", abstract="")


def _cites(graph: nx.MultiDiGraph, source: str, *targets: str) -> None:
    for target in targets:
        graph.add_edge(source, target, key=CITES, source="openalex")


def _links(graph: nx.MultiDiGraph, relation: RelType, entity: str, *papers: str) -> None:
    kind, name = entity.split(":")
    label = {"method": Label.METHOD, "dataset": Label.DATASET, "repo": Label.REPO}[kind]
    graph.add_node(entity, type=label, name=name, key=name, url=name)
    for paper in papers:
        graph.add_edge(paper, entity, key=relation)


def _graph() -> nx.MultiDiGraph:
    """Origin ``o``: similar to ``a`` (0.9) and ``b`` (0.8); ``o`` cites ``w1`` and the stub
    ``x``; ``a`` cites ``w1, w2``; ``b`` cites ``w1, w2``; ``c`` cites ``x``; ``v1`` cites
    ``o, a``; ``v2`` cites ``a, b``; ``v3`` cites ``c``. Methods: LoRA (``o``, ``c``),
    Transformer (``o, a, b, c, d, e, f``); dataset ImageNet (``o``, ``d``); repo ``r``
    (``o``, ``e``). Apart: ``lone`` similar to ``twin`` (0.8), ``twin`` to ``far`` (0.7),
    ``lone`` and ``d`` evaluate on COCO; no citation near them."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    _paper(graph, "o", "a", "b", "c", "d", "e", "f", "v1", "v2", "v3", "w1", "w2")
    _paper(graph, "lone", "twin", "far")
    graph.add_node("x", type=Label.PAPER, stub=True, title="An outside work")
    for source, target, score in (("o", "a", 0.9), ("o", "b", 0.8), ("lone", "twin", 0.8)):
        graph.add_edge(source, target, key=RelType.SIMILAR_TO, score=score, rank=1)
    graph.add_edge("far", "twin", key=RelType.SIMILAR_TO, score=0.7, rank=1)  # other way
    _cites(graph, "o", "w1", "x")
    graph.add_edge("o", "w1", key=f"{RelType.CITES}:mention", source="mention")  # same pair
    _cites(graph, "a", "w1", "w2")
    _cites(graph, "b", "w1", "w2")
    _cites(graph, "c", "x")
    _cites(graph, "v1", "o", "a")
    _cites(graph, "v2", "a", "b")
    _cites(graph, "v3", "c")
    _links(graph, RelType.INTRODUCES, "method:lora", "o")
    _links(graph, RelType.USES, "method:lora", "c")
    _links(graph, RelType.USES, "method:transformer", "o", "a", "b", "c", "d", "e", "f")
    _links(graph, RelType.EVALUATES_ON, "dataset:imagenet", "o", "d")
    _links(graph, RelType.EVALUATES_ON, "dataset:coco", "lone", "d")
    _links(graph, RelType.HAS_CODE, "repo:r", "o", "e")
    return graph


def _by_id(report):
    return {r.id: r for r in report.related}


def _kinds(paper) -> dict[str, list[str]]:
    return {r.kind: r.items for r in paper.reasons}


def test_related_papers_and_their_reasons_follow_the_measure():
    report = around(_graph(), ["o"])
    related = _by_id(report)
    # every corpus paper o reaches; lone, twin, far, v3 (cites c, which o only shares with)
    assert set(related) == {"a", "b", "c", "d", "e", "f", "v1", "v2", "w1", "w2"}
    common, rare = 1 / math.log2(8), 1 / math.log2(3)  # Transformer: 7 papers, LoRA: 2
    assert _kinds(related["a"]) == {
        "similar": [],
        "coupled": ["w1"],
        "co_cited": ["v1"],
        "method": ["method:transformer"],
    }
    assert related["a"].score == pytest.approx(0.9 + 0.5 + 0.5 + 0.5 * common, abs=1e-4)
    # c: the stub x is a shared reference; LoRA (rare) before Transformer (common)
    assert _kinds(related["c"]) == {
        "coupled": ["x"],
        "method": ["method:lora", "method:transformer"],
    }
    assert related["c"].score == pytest.approx(0.5 + 0.5 * (rare + common), abs=1e-4)
    assert "shares methods with it: lora, transformer" in related["c"].why
    assert _kinds(related["e"]) == {"repo": ["repo:r"], "method": ["method:transformer"]}
    assert _kinds(related["d"])["dataset"] == ["dataset:imagenet"]
    assert _kinds(related["w1"]) == {"cites": []} and related["w1"].why == "cited by it"
    assert _kinds(related["v1"]) == {"cited_by": []} and related["v1"].why == "cites it"
    # v2 and w2 are two steps away (best through a: 0.9 similar x 1 citation)
    via = related["v2"].reasons[0]
    assert (via.kind, via.items, via.cosine) == ("via", ["a"], pytest.approx(0.9))
    assert related["v2"].score == pytest.approx(WEIGHTS["via"] * 0.9)
    assert related["v2"].why == "two steps from it via Paper a"
    # Transformer alone counts little: f is last
    assert report.related[-1].id == "f"
    assert [r.score for r in report.related] == sorted(
        (r.score for r in report.related), reverse=True
    )
    assert report.note == ""
    assert [o.id for o in report.origins] == ["o"]


def test_prior_and_derivative_works_equal_the_hand_computed_lists():
    report = around(_graph(), ["o"])
    # neighbourhood: o + its 10 related papers -> a work needs 2 of them.
    # cited by: w1 <- o, a, b (3); a <- v1, v2; w2 <- a, b; x <- o, c (2 each, by id);
    # b <- v2 only (1).
    assert [(w.id, len(w.members)) for w in report.prior] == [
        ("w1", 3),
        ("a", 2),
        ("w2", 2),
        ("x", 2),
    ]
    assert report.prior[0].note == "cited by this paper and 2 of its 10 neighbours"
    assert report.prior[3].stub and report.prior[3].title == "An outside work"
    # citing: a -> w1, w2; b -> w1, w2; v1 -> o, a; v2 -> a, b (2 each, by id);
    # v3 -> c and c -> x (not a member: stubs are not related papers) count 1 or 0.
    assert [w.id for w in report.derivative] == ["a", "b", "v1", "v2"]
    assert report.derivative[2].note == "cites this paper and 1 of its 10 neighbours"
    assert report.derivative[0].note == "cites 2 of its 10 neighbours"


def test_a_paper_without_citations_gets_related_papers_and_a_note():
    report = around(_graph(), ["lone"])
    related = _by_id(report)
    assert set(related) == {"twin", "d", "far"}
    assert related["twin"].reasons[0].cosine == pytest.approx(0.8)
    assert _kinds(related["d"]) == {"dataset": ["dataset:coco"]}
    assert related["far"].reasons[0].items == ["twin"]  # 0.8 x 0.7 through twin
    assert related["far"].score == pytest.approx(WEIGHTS["via"] * 0.8 * 0.7)
    assert report.prior == [] and report.derivative == []
    assert report.note.startswith("No citations to or from this paper")
    assert "no prior or derivative works" in report.note


def test_several_origins_sum_their_scores_and_name_each_origin():
    one, other = _by_id(around(_graph(), ["o"])), _by_id(around(_graph(), ["lone"]))
    report = around(_graph(), ["o", "lone", "o"])  # a repeated origin counts once
    related = _by_id(report)
    assert [o.id for o in report.origins] == ["o", "lone"]
    assert "o" not in related and "lone" not in related
    assert {r.origin for r in related["d"].reasons} == {"o", "lone"}
    assert related["d"].score == pytest.approx(one["d"].score + other["d"].score, abs=1e-3)
    assert "shares datasets with #1: imagenet" in related["d"].why
    assert "shares datasets with #2: coco" in related["d"].why
    assert report.note == ""  # o has citations
    # the works now count both origins: w1 is cited by one of them
    assert report.prior[0].note == "cited by 1 of these 2 papers and 2 of their 12 neighbours"


def test_size_limits_the_list_and_bad_arguments_are_refused():
    report = around(_graph(), ["o"], size=2)
    assert [r.id for r in report.related] == ["a", "b"]
    with pytest.raises(ParameterError, match="at least 1"):
        around(_graph(), ["o"], size=0)
    with pytest.raises(ParameterError, match="at least one paper"):
        around(_graph(), [])


def test_on_the_seeds_every_paper_with_an_edge_gets_20_related_papers(seeds_snapshot: Path):
    snapshot = open_snapshot(seeds_snapshot)
    graph = snapshot.graph
    papers = [n for n, d in graph.nodes(data=True) if is_paper(d) and graph.degree(n)]
    assert len(papers) > 100
    counts = {p: len(around(graph, [p]).related) for p in papers}
    short = {p: c for p, c in counts.items() if c < 20}
    assert not short, short
    assert statistics.median(counts.values()) == 40  # the default size
    cited = next(
        p for p in papers if any(k.startswith("CITES") for *_e, k in graph.edges(p, keys=True))
    )
    assert snapshot.around(cited).note == ""


def test_every_origin_goes_through_the_resolver(seeds_snapshot: Path):
    snapshot = open_snapshot(seeds_snapshot)
    first, second = sorted(n for n, d in snapshot.graph.nodes(data=True) if is_paper(d))[:2]
    title = snapshot.graph.nodes[second]["title"]
    report = snapshot.around(first, title, size=5)
    assert [o.id for o in report.origins] == [first, second]
    assert len(report.related) == 5
    with pytest.raises(NotFoundError, match="xyzzy-nope"):
        snapshot.around(first, "xyzzy-nope")
    with pytest.raises(AmbiguousError, match="'Learning' is ambiguous"):
        snapshot.around("Learning")


def test_cli_prints_the_tables_and_json(seeds_snapshot: Path):
    graph = open_snapshot(seeds_snapshot).graph
    origin = sorted(n for n, d in graph.nodes(data=True) if is_paper(d))[0]
    result = run("around", origin, "--size", "3", "--out", seeds_snapshot)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Around: #1 {graph.nodes[origin]['title']} ({origin})"
    assert "Related papers" in result.output and "Prior works" in result.output
    result = run("around", origin, "--size", "3", "--out", seeds_snapshot, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"origins", "related", "prior", "derivative", "weights", "note"}
    assert data["origins"] == [{"id": origin, "title": graph.nodes[origin]["title"]}]
    assert len(data["related"]) == 3
    assert set(data["related"][0]) == {"id", "title", "score", "reasons", "why"}
    assert set(data["related"][0]["reasons"][0]) == {
        "kind",
        "origin",
        "score",
        "items",
        "names",
        "cosine",
    }
    assert data["weights"] == WEIGHTS


@pytest.mark.parametrize(
    ("refs", "message"),
    [
        (["xyzzy-nope"], "no paper matches 'xyzzy-nope'"),
        (["Learning"], "'Learning' is ambiguous"),
    ],
)
def test_cli_bad_references_are_one_line_errors(seeds_snapshot: Path, refs, message):
    result = run("around", *refs, "--out", seeds_snapshot)
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_needs_a_paper_and_a_positive_size(seeds_snapshot: Path):
    assert run("around", "--out", seeds_snapshot).exit_code != 0
    result = run("around", "x", "--size", "0", "--out", seeds_snapshot)
    assert result.exit_code != 0 and "--size" in result.output


@pytest.fixture(scope="module")
def mixed_with_stubs(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The multi-source fixtures (tests/data/formats) with outside works kept as stubs."""
    from paperkg.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("around-mixed") / "kg"
    build(
        [DATA / "formats"],
        out,
        BuildOptions(k=2, min_cluster_size=1, external_refs=True),
        embedder=embedder,
    )
    return out


def test_works_on_the_multi_source_fixtures_equal_the_hand_computed_lists(mixed_with_stubs):
    snapshot = open_snapshot(mixed_with_stubs)
    graph = snapshot.graph
    report = snapshot.around("arxiv:2603.01001")
    # Citations (tests/test_cross_source.py): 01001 -> 02002, 01003, stub zzz999;
    # 01002 -> 01001; 01003 -> 01001, stub w9999; 02002 -> zzz999. The three other corpus
    # papers are all related, fewer than five neighbours: one citation is enough.
    assert {r.id for r in report.related} == {
        "arxiv:2603.01002",
        "arxiv:2603.01003",
        "arxiv:2603.02002",
    }
    # prior: zzz999 by 01001 and 02002 (2); 02002 and 01003 by 01001, w9999 by 01003 (1)
    assert (report.prior[0].id, report.prior[0].members) == (
        "s2:zzz999",
        ["arxiv:2603.01001", "arxiv:2603.02002"],
    )
    assert (
        report.prior[0].stub
        and report.prior[0].note == "cited by this paper and 1 of its 3 neighbours"
    )
    ones = [w.id for w in report.prior[1:]]
    assert sorted(ones) == ["arxiv:2603.01003", "arxiv:2603.02002", "openalex:w9999"]
    assert ones == sorted(ones, key=lambda w: (-graph.nodes[w].get("pagerank", 0.0), w))
    # derivative: 01002 and 01003 each cite the origin and no neighbour
    assert sorted((w.id, w.note) for w in report.derivative) == [
        ("arxiv:2603.01002", "cites this paper"),
        ("arxiv:2603.01003", "cites this paper"),
    ]
    assert report.note == ""
    coupled = _kinds(next(r for r in report.related if r.id == "arxiv:2603.02002"))
    assert coupled["coupled"] == ["s2:zzz999"] and "cites" in coupled


def test_origins_by_arxiv_id_doi_and_url_on_the_multi_source_fixtures(mixed_with_stubs):
    snapshot = open_snapshot(mixed_with_stubs)
    doi = snapshot.resolve("10.5555/routelet.2026").id
    report = snapshot.around("2603.02002", "https://doi.org/10.5555/routelet.2026", size=5)
    assert [o.id for o in report.origins] == ["arxiv:2603.02002", doi]
    result = run("around", "arXiv:2603.02002", "--out", mixed_with_stubs, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["origins"][0]["id"] == "arxiv:2603.02002"

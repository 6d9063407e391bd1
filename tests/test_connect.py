"""``paperkg connect`` (issue 21 part 3): the k best paths between two papers on hand-made
graphs whose best paths are worked out below, the evidence on each hop, the errors, the CLI
and its JSON, and a path across clusters of the seeds."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import faiss
import networkx as nx
import numpy as np
import pytest

from conftest import run
from paperkg.api import open_snapshot
from paperkg.errors import AmbiguousError, NotFoundError, ParameterError
from paperkg.graph.model import is_paper
from paperkg.graph.report.connect import MARGIN, MAX_MARGIN, MAX_SHARED, connect
from paperkg.graph.schema import Label, RelType
from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model
from paperkg.graph.snapshot.read import Embeddings
from paperkg.graph.snapshot.store import write_snapshot

SENTENCE = "We follow the routing of Paper c [3]."


def _paper(graph: nx.MultiDiGraph, *nodes: str) -> None:
    for node in nodes:
        graph.add_node(node, type=Label.PAPER, title=f"Paper {node}", abstract="")


def _similar(graph: nx.MultiDiGraph, *chain: str, score: float = 0.95) -> None:
    for u, v in itertools.pairwise(chain):
        graph.add_edge(u, v, key=RelType.SIMILAR_TO, score=score, rank=1)


def _uses(graph: nx.MultiDiGraph, method: str, *papers: str) -> None:
    graph.add_node(f"method:{method.lower()}", type=Label.METHOD, name=method, key=method)
    for paper in papers:
        graph.add_edge(paper, f"method:{method.lower()}", key=RelType.USES, confidence=0.9)


def citation_graph() -> nx.MultiDiGraph:
    """``a`` cites ``c`` (openalex, with its sentence) and ``b`` cites ``c`` (mention): cost
    2. Similar ``a - s1 - b`` (0.95 each, 1.1 a step): 2.2. A long similarity chain
    ``a - t1 - t2 - t3 - b``: 4.4, more than the best plus the default margin (3.0)."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    _paper(graph, "a", "b", "c", "s1", "t1", "t2", "t3", "lone")
    graph.add_edge("a", "c", key=f"{RelType.CITES}:openalex", source="openalex", evidence=SENTENCE)
    graph.add_edge("b", "c", key=f"{RelType.CITES}:mention", source="mention")
    _similar(graph, "a", "s1", "b")
    _similar(graph, "a", "t1", "t2", "t3", "b")
    graph.add_node("x", type=Label.PAPER, stub=True, title="An outside work")
    graph.add_edge("lone", "x", key=f"{RelType.CITES}:openalex", source="openalex")
    graph.add_edge("a", "x", key=f"{RelType.CITES}:openalex", source="openalex")
    return graph


def hub_graph() -> nx.MultiDiGraph:
    """``x`` and ``y`` share LoRA (2 papers: 2 x (0.5 + 0.25 ln 2) = 1.35), are similar
    through ``m`` (0.9 twice: 2.4), and share Transformer (50 papers: 2 x (0.5 + 0.25 ln 50)
    = 2.96): LoRA first, then ``m``, the hub last."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    users = [f"u{i}" for i in range(48)]
    _paper(graph, "x", "y", "m", *users)
    _uses(graph, "LoRA", "x", "y")
    _uses(graph, "Transformer", "x", "y", *users)
    _similar(graph, "x", "m", score=0.9)
    graph.add_edge("y", "m", key=RelType.SIMILAR_TO, score=0.9, rank=1)  # the other way
    return graph


def _ids(report) -> list[list[str]]:
    return [[n.id for n in path.nodes] for path in report.paths]


def test_a_citation_path_beats_a_long_similarity_chain():
    report = connect(citation_graph(), "a", "b", k=5, margin=3.0)
    assert _ids(report) == [["a", "c", "b"], ["a", "s1", "b"], ["a", "t1", "t2", "t3", "b"]]
    assert [p.cost for p in report.paths] == [2.0, 2.2, 4.4]
    fixed = connect(citation_graph(), "a", "b", k=5, margin=MARGIN)
    assert fixed.bound == 2.0 + MARGIN == 3.0  # the long chain is past it
    assert fixed.paths == report.paths[:2]


def test_the_default_margin_widens_until_k_paths_fit():
    two = connect(citation_graph(), "a", "b", k=2)
    assert two.bound == 2.0 + MARGIN and len(two.paths) == 2  # no need to widen
    five = connect(citation_graph(), "a", "b", k=5)  # three exist: widened to the most
    assert five.bound == 2.0 + MAX_MARGIN
    assert five.paths == connect(citation_graph(), "a", "b", k=5, margin=3.0).paths


def test_a_hub_method_is_dear_and_a_rare_one_is_close():
    report = connect(hub_graph(), "x", "y", k=3, margin=2.0)
    assert _ids(report) == [
        ["x", "method:lora", "y"],
        ["x", "m", "y"],
        ["x", "method:transformer", "y"],
    ]
    side = [0.5 + 0.25 * math.log(n) for n in (2, 50)]
    costs = [p.cost for p in report.paths]
    assert costs == pytest.approx([2 * side[0], 2 * (1 + 2 * 0.1), 2 * side[1]], abs=1e-4)


def test_k_paths_are_distinct_and_in_cost_order():
    graph = hub_graph()
    _similar(graph, "x", "u1", "y", score=0.8)
    _similar(graph, "x", "u2", score=0.85)
    _similar(graph, "u2", "y", score=0.7)
    report = connect(graph, "x", "y", k=5, margin=3.0)
    paths = _ids(report)
    assert len(paths) == 5
    assert len({tuple(p) for p in paths}) == 5
    costs = [p.cost for p in report.paths]
    assert costs == sorted(costs) and costs[0] < costs[-1]
    assert all(p[0] == "x" and p[-1] == "y" for p in paths)
    assert connect(graph, "x", "y", k=2, margin=3.0).paths == report.paths[:2]


def test_each_hop_says_its_kind_and_evidence():
    best = connect(citation_graph(), "a", "b").paths[0]
    cites, cited = best.hops
    assert (cites.kind, cites.forward, cites.citation_source) == ("CITES", True, "openalex")
    assert cites.sentence == SENTENCE and SENTENCE in cites.evidence
    assert (cited.source, cited.target, cited.forward) == ("c", "b", False)
    assert cited.citation_source == "mention" and cited.evidence.startswith("is cited by")
    similar = connect(citation_graph(), "a", "b").paths[1].hops[1]
    assert (similar.kind, similar.score, similar.evidence) == (
        "SIMILAR_TO",
        0.95,
        "similarity 0.95",
    )
    shared = connect(hub_graph(), "x", "y").paths[0].hops
    assert [(h.kind, h.entity, h.entity_papers, h.forward) for h in shared] == [
        ("USES", "LoRA", 2, True),
        ("USES", "LoRA", 2, False),
    ]
    assert shared[0].evidence == "uses LoRA (2 papers)"
    assert [n.label for n in connect(hub_graph(), "x", "y").paths[0].nodes] == [
        "Paper",
        "Method",
        "Paper",
    ]


def test_stubs_are_not_walked_so_a_shared_outside_reference_is_no_path():
    with pytest.raises(NotFoundError, match="no path links lone and a"):
        connect(citation_graph(), "lone", "a")


@pytest.mark.parametrize(
    ("a", "b", "error", "message"),
    [
        ("a", "a", ParameterError, "both papers are a"),
        ("a", "x", NotFoundError, "'x' is not a paper"),  # a stub
        ("nope", "a", NotFoundError, "'nope' is not a paper"),
    ],
)
def test_bad_pairs_are_refused(a: str, b: str, error: type, message: str):
    with pytest.raises(error, match=message):
        connect(citation_graph(), a, b)


def test_k_below_one_and_a_negative_margin_are_refused():
    with pytest.raises(ParameterError, match="k must be at least 1"):
        connect(citation_graph(), "a", "b", k=0)
    with pytest.raises(ParameterError, match="margin must be 0 or more"):
        connect(citation_graph(), "a", "b", margin=-1.0)


def _write(out: Path, graph: nx.MultiDiGraph) -> None:
    papers = sorted(n for n, d in graph.nodes(data=True) if is_paper(d))
    vectors = np.ones((len(papers), 4), dtype=np.float32)
    index = faiss.IndexFlatIP(4)
    index.add(vectors)
    write_snapshot(
        out,
        graph=graph,
        embeddings=Embeddings(papers, ["h"] * len(papers), vectors),
        index=index,
        manifest=Manifest(
            created="now",
            model=Model("test", 4),
            knn=Knn(k=2, min_score=None),
            inputs=(),
            counts=Counts(records=1, nodes={Label.PAPER: 1}, relationships={}),
        ),
    )


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    graph = citation_graph()
    graph.nodes["a"]["title"] = "Routing Transformers for Sparse Attention"
    graph.nodes["b"]["title"] = "Sparse Mixtures of Routed Experts"
    out = tmp_path_factory.mktemp("connect") / "kg"
    _write(out, graph)
    return out


def test_the_snapshot_resolves_titles_and_fragments(kg: Path):
    report = open_snapshot(kg).connect("Routing Transformers for Sparse Attention", "Mixtures")
    assert (report.source.id, report.target.id) == ("a", "b")
    with pytest.raises(AmbiguousError):
        open_snapshot(kg).connect("Sparse", "b")


def test_the_cli_prints_numbered_paths_with_their_evidence(kg: Path):
    result = run("connect", "a", "b", "--out", kg, "-k", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("3 paths from Routing Transformers for Sparse Attention (a)")
    assert lines[1:6] == [
        "1. cost 2.00, 2 hops",
        "   [Paper] Routing Transformers for Sparse Attention (a)",
        f'      -(CITES: cites (source: openalex): "{SENTENCE}")->',
        "   [Paper] Paper c (c)",
        "      <-(CITES: is cited by (source: mention))-",
    ]
    assert "2. cost 2.20, 2 hops" in lines
    assert "      -(SIMILAR_TO: similarity 0.95)->" in lines
    assert "3. cost 4.40, 4 hops" in lines


def test_the_cli_margin_keeps_only_paths_near_the_best(kg: Path):
    result = run("connect", "a", "b", "--out", kg, "--margin", "1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 paths from")
    refused = run("connect", "a", "b", "--out", kg, "--margin", "-1")
    assert refused.exit_code == 2 and "--margin" in refused.output


def test_the_cli_json_is_the_report(kg: Path):
    result = run("connect", "a", "b", "--out", kg, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"]["id"] == "a" and data["k"] == 5
    assert [[n["id"] for n in p["nodes"]] for p in data["paths"]] == [
        ["a", "c", "b"],
        ["a", "s1", "b"],
        ["a", "t1", "t2", "t3", "b"],
    ]
    assert data["bound"] == 6.0
    assert data["paths"][0]["hops"][0]["sentence"] == SENTENCE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("a", "a"), "both papers are a"),
        (("lone", "b"), "no path links lone and b"),
        (("no such paper", "b"), "no such paper"),
        (("Sparse", "b"), "Sparse"),
        (("a", "b", "-k", "0"), "0"),
    ],
)
def test_the_cli_errors_are_one_line(kg: Path, args: tuple[str, ...], message: str):
    result = run("connect", *args, "--out", kg)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_on_the_seeds_papers_of_different_clusters_are_connected(seeds_snapshot: Path):
    snapshot = open_snapshot(seeds_snapshot)
    papers = [(n, d) for n, d in snapshot.graph.nodes(data=True) if is_paper(d)]
    first, data = papers[0]
    other = next(n for n, d in papers if d.get("cluster") != data.get("cluster"))
    report = snapshot.connect(first, other, k=3)
    assert report.paths, "no path between two seed papers"
    assert [p.cost for p in report.paths] == sorted(p.cost for p in report.paths)
    for path in report.paths:
        assert (path.nodes[0].id, path.nodes[-1].id) == (first, other)
        assert all(h.evidence for h in path.hops)


def test_an_entity_too_many_papers_share_is_not_walked():
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    users = [f"u{i}" for i in range(MAX_SHARED - 2)]
    _paper(graph, "x", "y", *users)
    _uses(graph, "Transformer", "x", "y", *users)  # MAX_SHARED papers: still walked
    assert [n.id for n in connect(graph, "x", "y").paths[0].nodes] == [
        "x",
        "method:transformer",
        "y",
    ]
    _paper(graph, "one-more")
    _uses(graph, "Transformer", "one-more")
    with pytest.raises(NotFoundError, match="no path links x and y"):
        connect(graph, "x", "y")

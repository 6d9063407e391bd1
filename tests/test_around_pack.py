"""The around pack (issue 21 part 5) in a real Neo4j: papers related to a paper by the sum
of its reasons, prior and derivative works of its neighbourhood, and paths joining two
papers, each checked against the pushed snapshot's graph computed in Python, on the seeds
and on the multi-source fixtures (whose reference lists give citations); empty answers
named in one line."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest
from click.testing import CliRunner
from pack_answers import rows_of, why
from test_cypher_parameters import (
    test_cypher_fstrings_interpolate_only_schema_names as fstrings_check,
)
from test_cypher_parameters import (
    test_statements_sent_to_the_server_are_never_built_from_expressions as statements_check,
)

from conftest import DATA
from paperkg.cli import main
from paperkg.graph import read_snapshot
from paperkg.graph.model import relationship_type
from paperkg.graph.neo4j.store import push_snapshot
from paperkg.graph.schema import Label, RelType
from paperkg.pipeline import BuildOptions, build
from paperkg.queries import load_catalog

#: Three decimals: what the packs round to.
THREE = 0.0005 + 1e-9
ENTITY_LINKS = {RelType.INTRODUCES, RelType.USES, RelType.EVALUATES_ON}
PATH_LINKS = {RelType.SIMILAR_TO, RelType.CITES, *ENTITY_LINKS}
#: The fixtures' paper cited by two papers of four (by two sources each).
ROUTELET = "arxiv:2603.01001"


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("around") / "formats"
    build([DATA / "formats"], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    return out


@pytest.fixture(scope="module")
def driver(neo4j_server: tuple[str, str]) -> Iterator[neo4j.Driver]:
    uri, password = neo4j_server
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as made:
        yield made


_loaded: dict[str, Path] = {}


def load(driver: neo4j.Driver, out: Path) -> nx.MultiDiGraph:
    """The database holding the snapshot at ``out`` alone; its graph."""
    if _loaded.get("out") != out:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        push_snapshot(driver, read_snapshot(out))
        _loaded["out"] = out
    return read_snapshot(out).graph


# --- the graph's own answers, computed in Python ------------------------------------------------


def corpus(graph: nx.MultiDiGraph, node: str) -> bool:
    data = graph.nodes[node]
    return data.get("type") == Label.PAPER and not data.get("stub")


def top_paper(graph: nx.MultiDiGraph) -> str:
    papers = [n for n in graph if corpus(graph, n)]
    return max(papers, key=lambda n: graph.nodes[n].get("pagerank", 0.0))


def edges_of(graph: nx.MultiDiGraph, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (u, v, d)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if relationship_type(k) == kind
    ]


def cites(graph: nx.MultiDiGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    out: dict[str, set[str]] = {}
    into: dict[str, set[str]] = {}
    for u, v, _d in edges_of(graph, RelType.CITES):
        out.setdefault(u, set()).add(v)
        into.setdefault(v, set()).add(u)
    return out, into


def entities_of(graph: nx.MultiDiGraph, paper: str) -> set[str]:
    return {
        v
        for _u, v, k in graph.out_edges(paper, keys=True)
        if relationship_type(k) in ENTITY_LINKS
        and graph.nodes[v]["type"] in (Label.METHOD, Label.DATASET)
    }


def expected_related(graph: nx.MultiDiGraph, p: str) -> dict[str, dict[str, Any]]:
    """Every paper related to ``p`` by one reason or more: its reasons and score."""
    out, into = cites(graph)
    cosine: dict[str, float] = {}
    for u, v, d in edges_of(graph, RelType.SIMILAR_TO):
        if p in (u, v):
            q = v if u == p else u
            cosine[q] = max(cosine.get(q, -2.0), d["score"])
    mine = entities_of(graph, p)
    papers = [n for n in graph if corpus(graph, n) and n != p]
    found = {}
    for q in papers:
        citers = {c for c in into.get(p, set()) & into.get(q, set()) if corpus(graph, c)}
        references = out.get(p, set()) & out.get(q, set())
        shared = mine & entities_of(graph, q)
        cited, citing = q in out.get(p, set()), p in out.get(q, set())
        if not (q in cosine or cited or citing or citers or references or shared):
            continue
        weights = {}
        for e in shared:
            users = {u for u, _v, k in graph.in_edges(e, keys=True) if corpus(graph, u)}
            users = {u for u in users if e in entities_of(graph, u)}
            weights[graph.nodes[e]["name"]] = 1 / math.log2(1 + len(users))
        citation = (
            "both" if cited and citing else "cites" if cited else "cited by" if citing else ""
        )
        score = (
            cosine.get(q, 0.0)
            + (0.5 if citation else 0.0)
            + 0.25 * (len(citers) + len(references))
            + 0.5 * sum(weights.values())
        )
        found[q] = {
            "score": score,
            "cosine": cosine.get(q),
            "citation": citation,
            "shared_citers": len(citers),
            "shared_references": len(references),
            "shared_entities": weights,
        }
    return found


def expected_works(graph: nx.MultiDiGraph, p: str, prior: bool) -> list[tuple[Any, ...]]:
    """(id, shared, by the paper, by neighbours, neighbours) of the prior (derivative) works,
    as the site's paper page and Connected Papers rank them."""
    out, into = cites(graph)
    similar: set[str] = set()
    for u, v, _d in edges_of(graph, RelType.SIMILAR_TO):
        if p in (u, v):
            similar.add(v if u == p else u)
    around = (similar | out.get(p, set()) | into.get(p, set())) - {p}
    around = {n for n in around if graph.nodes[n].get("type") == Label.PAPER}
    least = 2 if len(around) >= 5 else 1
    edges = out if prior else into
    shared: dict[str, set[str]] = {}
    for member in [p, *around]:
        for work in edges.get(member, set()) - {p}:
            shared.setdefault(work, set()).add(member)
    best = sorted(
        (w for w, by in shared.items() if len(by) >= least),
        key=lambda w: (-len(shared[w]), -graph.nodes[w].get("pagerank", 0.0), w),
    )
    return [(w, len(shared[w]), p in shared[w], len(shared[w] - {p}), len(around)) for w in best]


def as_works(rows: list[dict[str, Any]], verb: str) -> list[tuple[Any, ...]]:
    keys = ("id", "shared", f"{verb}_paper", f"{verb}_neighbours", "neighbours")
    return [tuple(row[k] for k in keys) for row in rows]


def path_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Papers, methods and datasets joined by the relationships connect-papers walks."""
    joined = nx.Graph()
    for u, v, k in graph.edges(keys=True):
        if relationship_type(k) in PATH_LINKS and u != v:
            joined.add_edge(u, v)
    return joined


def assert_hop_is_real(graph: nx.MultiDiGraph, x: str, y: str, hop: str) -> None:
    """One hop ("similar (cosine 0.812)", "cites (source openalex)", "shares method (BERT)")
    is an edge of the graph between x and y, with that evidence."""
    match = re.fullmatch(r"(similar|cites|cited by|shares method|shares dataset) \((.*)\)", hop)
    assert match, hop
    kind, evidence = match.groups()
    if kind == "similar":
        scores = [d["score"] for u, v, d in edges_of(graph, RelType.SIMILAR_TO) if {u, v} == {x, y}]
        assert scores and abs(float(evidence.removeprefix("cosine ")) - scores[0]) <= THREE, hop
    elif kind in ("cites", "cited by"):
        start, end = (x, y) if kind == "cites" else (y, x)
        sources = sorted(
            {d["source"] for u, v, d in edges_of(graph, RelType.CITES) if (u, v) == (start, end)}
        )
        assert sources and evidence == "source " + ", ".join(sources), hop
    else:
        label = Label.METHOD if kind == "shares method" else Label.DATASET
        shared = entities_of(graph, x) & entities_of(graph, y)
        assert evidence in {
            graph.nodes[e]["name"] for e in shared if graph.nodes[e]["type"] == label
        }, hop


# --- related-to ---------------------------------------------------------------------------------


def check_related(driver: neo4j.Driver, graph: nx.MultiDiGraph, p: str) -> list[dict[str, Any]]:
    expected = expected_related(graph, p)
    rows = rows_of(driver, "related-to", paper=p, limit=10_000)
    assert {r["id"] for r in rows} == set(expected)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        want = expected[row["id"]]
        assert abs(row["score"] - want["score"]) <= THREE, row
        assert (row["cosine"] is None) == (want["cosine"] is None), row
        assert row["cosine"] is None or abs(row["cosine"] - want["cosine"]) <= THREE
        for key in ("citation", "shared_citers", "shared_references"):
            assert row[key] == want[key], (key, row)
        weights = want["shared_entities"]
        assert row["shared_entities"] == sorted(weights, key=lambda n: (-weights[n], n))
        assert row["paper"] == graph.nodes[p]["title"]
    return rows


def test_related_to_is_the_sum_of_its_reasons_on_the_seeds(driver, seeds_snapshot: Path):
    graph = load(driver, seeds_snapshot)
    p = top_paper(graph)
    rows = check_related(driver, graph, p)
    assert [r["id"] for r in rows[:15]] == [r["id"] for r in rows_of(driver, "related-to")]
    # The paper's nearest neighbours (kNN) are among its most related papers.
    knn = sorted(
        ((d["score"], v) for u, v, d in edges_of(graph, RelType.SIMILAR_TO) if u == p),
        reverse=True,
    )
    top = {r["id"] for r in rows[:15]}
    assert knn and knn[0][1] in top and len({v for _s, v in knn[:5]} & top) >= 3
    assert any(r["shared_entities"] for r in rows[:15])  # methods add to the score
    # Shared methods and datasets add to the score, the rarer more (order checked above).
    sharing = [r for r in rows if r["shared_entities"]]
    assert sharing and all(r["score"] > (r["cosine"] or 0.0) for r in sharing)
    assert any(len(r["shared_entities"]) >= 2 for r in sharing)


def test_related_to_counts_citations_both_ways_on_the_fixtures(driver, formats: Path):
    graph = load(driver, formats)
    for p in sorted(n for n in graph if corpus(graph, n)):
        check_related(driver, graph, p)
    rows = {r["id"]: r for r in rows_of(driver, "related-to", paper=ROUTELET)}
    assert rows["arxiv:2603.01002"]["citation"] == "cited by"
    assert rows["arxiv:2603.01003"]["citation"] == "both"
    assert rows["arxiv:2603.02002"]["citation"] == "cites"


# --- prior and derivative works -----------------------------------------------------------------


def test_works_are_the_neighbourhoods_on_the_fixtures(driver, formats: Path):
    graph = load(driver, formats)
    answered = 0
    for p in sorted(n for n in graph if corpus(graph, n)):
        for name, prior, verb in (
            ("prior-works", True, "cited_by"),
            ("derivative-works", False, "cites"),
        ):
            rows = rows_of(driver, name, paper=p)
            assert as_works(rows, verb) == expected_works(graph, p, prior), (name, p)
            answered += bool(rows)
            for row in rows:
                assert row["work"] == graph.nodes[row["id"]]["title"]
                assert row["outside"] == bool(graph.nodes[row["id"]].get("stub"))
    assert answered >= 4


def test_works_on_the_seeds(driver, seeds_snapshot: Path):
    graph = load(driver, seeds_snapshot)
    out, _into = cites(graph)
    for p in sorted(out):
        for name, prior, verb in (
            ("prior-works", True, "cited_by"),
            ("derivative-works", False, "cites"),
        ):
            rows = rows_of(driver, name, paper=p)
            assert as_works(rows, verb) == expected_works(graph, p, prior), (name, p)


def test_empty_works_are_explained_with_a_paper_that_has_some(driver, seeds_snapshot: Path):
    graph = load(driver, seeds_snapshot)
    top = top_paper(graph)
    if expected_works(graph, top, True):
        pytest.fail("the premise: the seeds' top paper has no prior works")
    missing = why(driver, "prior-works")
    assert missing is not None and missing.param == "paper"
    assert missing.message.startswith(
        f"no work is cited by 2 of the {len(expected_neighbours(graph, top)) + 1} papers around "
        f"{graph.nodes[top]['title']!r}"
    )
    named = re.search(r"paper '([^']+)' \(.*\) has prior works$", missing.message)
    assert named and rows_of(driver, "prior-works", paper=named.group(1))  # as it says
    derivative = why(driver, "derivative-works")
    assert derivative is not None and "no work cites" in derivative.message


def expected_neighbours(graph: nx.MultiDiGraph, p: str) -> set[str]:
    out, into = cites(graph)
    similar = {
        v if u == p else u for u, v, _d in edges_of(graph, RelType.SIMILAR_TO) if p in (u, v)
    }
    return (similar | out.get(p, set()) | into.get(p, set())) - {p}


def test_a_database_without_citations_says_so(neo4j_driver, seeds_snapshot: Path):
    push_snapshot(neo4j_driver, read_snapshot(seeds_snapshot))
    _loaded.clear()
    neo4j_driver.execute_query("MATCH ()-[c:CITES]->() DELETE c")
    missing = why(neo4j_driver, "prior-works")
    assert missing is not None and missing.message == (
        "the database has no citations: build from sources with reference lists "
        "(Semantic Scholar, OpenAlex) and push the snapshot"
    )


# --- connect-papers -----------------------------------------------------------------------------


def check_paths(graph: nx.MultiDiGraph, rows: list[dict[str, Any]], a: str, b: str) -> None:
    joined = path_graph(graph)
    assert rows, (a, b)
    assert rows[0]["relationships"] == nx.shortest_path_length(joined, a, b)
    lengths = [r["relationships"] for r in rows]
    assert lengths == sorted(lengths)
    seen = set()
    for row in rows:
        ids = row["ids"]
        assert (ids[0], ids[-1]) == (a, b) and len(set(ids)) == len(ids)
        assert row["length"] == len(ids) - 1 == len(row["hops"])
        assert row["papers"] == [graph.nodes[i]["title"] for i in ids]
        entity_hops = sum(1 for hop in row["hops"] if hop.startswith("shares "))
        assert row["relationships"] == row["length"] + entity_hops
        for x, y, hop in zip(ids[:-1], ids[1:], row["hops"], strict=True):
            assert_hop_is_real(graph, x, y, hop)
        key = (tuple(ids), tuple(row["hops"]))
        assert key not in seen
        seen.add(key)


def test_connect_papers_default_joins_two_clusters_on_the_seeds(driver, seeds_snapshot: Path):
    graph = load(driver, seeds_snapshot)
    a = top_paper(graph)
    rows = rows_of(driver, "connect-papers", limit=20)
    b = rows[0]["ids"][-1]
    others = [
        n
        for n in graph
        if corpus(graph, n) and graph.nodes[n]["cluster"] != graph.nodes[a]["cluster"]
    ]
    assert b == max(others, key=lambda n: graph.nodes[n]["pagerank"])
    check_paths(graph, rows, a, b)
    assert len(rows) == 20 and max(r["relationships"] for r in rows) <= 6


def test_connect_papers_mixes_kinds_of_links(driver, seeds_snapshot: Path):
    graph = load(driver, seeds_snapshot)
    out, _into = cites(graph)
    a = sorted(out, key=lambda n: -graph.nodes[n]["pagerank"])[0]
    joined = path_graph(graph)
    far = max(
        (n for n in graph if corpus(graph, n) and n in joined),
        key=lambda n: (
            nx.shortest_path_length(joined, a, n) if nx.has_path(joined, a, n) else 0,
            n,
        ),
    )
    rows = rows_of(driver, "connect-papers", source=a, target=far, max_length=12, limit=40)
    check_paths(graph, rows, a, far)
    kinds = {hop.split(" (")[0] for row in rows for hop in row["hops"]}
    assert {"similar", "shares method"} <= kinds, kinds
    short = rows_of(driver, "connect-papers", source=a, target=next(iter(out[a])), limit=3)
    check_paths(graph, short, a, next(iter(out[a])))
    assert short[0]["hops"][0].startswith("cites (source mention")


def test_connect_papers_on_the_fixtures_reads_citation_sources(driver, formats: Path):
    graph = load(driver, formats)
    papers = sorted(n for n in graph if corpus(graph, n))
    for a in papers:
        for b in papers:
            if a != b and nx.has_path(path_graph(graph), a, b):
                check_paths(
                    graph, rows_of(driver, "connect-papers", source=a, target=b, limit=50), a, b
                )
    rows = rows_of(driver, "connect-papers", source="arxiv:2603.01002", target=ROUTELET)
    assert rows[0]["hops"] == ["cites (source mention, semantic_scholar)"]
    back = rows_of(driver, "connect-papers", source=ROUTELET, target="2603.01002")
    assert back[0]["hops"] == ["cited by (source mention, semantic_scholar)"]


def test_no_path_within_max_length_is_named(driver, seeds_snapshot: Path, neo4j_server):
    graph = load(driver, seeds_snapshot)
    a = top_paper(graph)
    joined = path_graph(graph)
    pairs = [
        n
        for n in graph
        if corpus(graph, n) and n in joined and nx.shortest_path_length(joined, a, n) >= 3
    ]
    target = sorted(pairs)[0]
    length = nx.shortest_path_length(joined, a, target)
    missing = why(driver, "connect-papers", target=target, max_length=length - 1)
    assert missing is not None and missing.param == "max_length"
    assert missing.message.endswith(f"the shortest has {length}: max_length {length} shows it")
    assert rows_of(driver, "connect-papers", target=target, max_length=length)  # as it says
    zero = why(driver, "connect-papers", max_length=0)
    assert zero is not None and zero.message == "max_length must be 1 to 12, got 0"
    uri, password = neo4j_server
    result = CliRunner().invoke(
        main,
        [
            "query",
            "run",
            "connect-papers",
            "--param",
            f"target={target}",
            "--param",
            f"max_length={length - 1}",
            "--neo4j",
            uri,
        ],
        env={"NEO4J_PASSWORD": password},
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1] == f"Error: {missing.message}"


def test_an_unlinked_paper_is_named(neo4j_driver, formats: Path):
    push_snapshot(neo4j_driver, read_snapshot(formats))
    _loaded.clear()
    neo4j_driver.execute_query(
        "MATCH (p:Paper {id: $id})-[r]-() WHERE NOT r:IN_CLUSTER AND NOT r:HAS_CODE DELETE r",
        id=ROUTELET,
    )
    missing = why(neo4j_driver, "connect-papers", source=ROUTELET)
    assert missing is not None and missing.param == "source"
    assert missing.message.endswith("has no similarity, citation, method or dataset link")


# --- the pack in the catalogue ------------------------------------------------------------------


def test_the_pack_and_its_empty_lines():
    assert {s.name for s in load_catalog("around")} == {
        "related-to",
        "prior-works",
        "derivative-works",
        "connect-papers",
    }
    marked = {s.name for s in load_catalog("around") if s.empty}
    assert marked == {"prior-works", "derivative-works", "connect-papers"}


def test_explain_around_sends_only_constant_cypher():
    statements_check("queries/explain_around.py")
    fstrings_check("queries/explain_around.py")

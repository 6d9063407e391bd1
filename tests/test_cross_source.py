"""One graph from listing-free sources: HF daily JSON, arXiv JSON lines, Semantic Scholar and
OpenAlex fixtures of our own text naming the same papers, with reference lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, run
from paperkg.errors import InputError
from paperkg.graph import read_snapshot
from paperkg.loaders import load_sources
from paperkg.loaders.openalex import abstract_text
from paperkg.pipeline import BuildOptions, build

FORMATS = DATA / "formats"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, embedder):
    out = tmp_path_factory.mktemp("mixed") / "kg"
    build([FORMATS], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    return read_snapshot(out).graph


def test_every_format_is_detected():
    formats = {Path(f.path).name: f.format for f in load_sources([FORMATS]).files}
    assert formats == {
        "arxiv.jsonl": "arxiv-jsonl",
        "hf_daily.json": "hf-daily",
        "openalex.json": "openalex",
        "s2.json": "semantic-scholar",
    }


def test_one_node_per_paper_with_all_ids_and_sources(mixed):
    papers = {n: d for n, d in mixed.nodes(data=True) if d["type"] == "Paper"}
    assert sorted(papers) == [
        "arxiv:2603.01001",
        "arxiv:2603.01002",
        "arxiv:2603.01003",
        "arxiv:2603.02002",
    ]
    routelet = papers["arxiv:2603.01001"]
    assert (routelet["s2_id"], routelet["openalex_id"]) == ("aaa111", "w1001")
    assert routelet["doi"] == "10.5555/routelet.2026"
    assert {s.rsplit(":", 1)[0].rsplit("/", 1)[1] for s in routelet["sources"]} == {
        "hf_daily.json",
        "arxiv.jsonl",
        "s2.json",
        "openalex.json",
    }


def test_cites_edges_are_exactly_what_the_reference_lists_say(mixed):
    cites = {
        (u, v, d["source"])
        for u, v, k, d in mixed.edges(keys=True, data=True)
        if k.startswith("CITES")
    }
    assert cites == {
        ("arxiv:2603.01001", "arxiv:2603.02002", "semantic_scholar"),  # S2 references
        ("arxiv:2603.01002", "arxiv:2603.01001", "semantic_scholar"),  # S2 citations list
        ("arxiv:2603.01001", "arxiv:2603.01003", "openalex"),
        ("arxiv:2603.01003", "arxiv:2603.01001", "openalex"),
        ("arxiv:2603.01002", "arxiv:2603.01001", "mention"),  # mentions RouteLet
    }
    assert not any(d.get("stub") for _n, d in mixed.nodes(data=True))


def test_openalex_abstract_is_rebuilt_in_order():
    assert abstract_text({"world": [1], "hello": [0], "again": [3], "hello,": [2]}) == (
        "hello world hello, again"
    )
    assert abstract_text(None) == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"paperId": "x", "title": 5}]', "entry [0]: field 'title' must be a non-empty string"),
        ('{"paperId": "x", "title": "A"}\n{"paperId": "y"}\n', "line 2: field 'title'"),
        (
            '{"results": [{"id": "https://openalex.org/W1", "display_name": null}]}',
            "entry [0]: needs a 'display_name' or 'title' string",
        ),
    ],
)
def test_broken_metadata_records(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources([path])
    assert caught.value.path == str(path) and message in str(caught.value)


def test_co_citation_and_coupling_queries_on_the_merged_graph(neo4j_driver, tmp_path, embedder):
    from paperkg.graph.neo4j.store import push_snapshot
    from paperkg.queries import find_query, run_query

    out = tmp_path / "kg"
    build([FORMATS], out, BuildOptions(k=2, min_cluster_size=1), embedder=embedder)
    push_snapshot(neo4j_driver, read_snapshot(out))
    spec = find_query("co-citation")
    rows = run_query(neo4j_driver, spec, spec.defaults()).rows
    papers = {frozenset(row[1:3]) for row in rows if row[0] == "papers"}
    assert papers == {frozenset({"Graph Rewiring for Molecules", "A Protein Pocket Atlas"})}
    spec = find_query("bibliographic-coupling")
    coupled = {
        frozenset(row[:2]): row[2] for row in run_query(neo4j_driver, spec, spec.defaults()).rows
    }
    assert coupled == {
        frozenset({"Retrieval Heads Explain Long-Context Failures", "A Protein Pocket Atlas"}): 1
    }


@pytest.fixture(scope="module")
def with_stubs(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("stubs") / "kg"
    options = BuildOptions(k=2, min_cluster_size=1, external_refs=True)
    report = build([FORMATS], out, options, embedder=embedder)
    assert report.stubs == 2 and report.papers == 4
    return out


def test_external_refs_keep_outside_works_as_stubs(with_stubs: Path, mixed):
    graph = read_snapshot(with_stubs).graph
    stubs = {n: d for n, d in graph.nodes(data=True) if d.get("stub")}
    assert {n: (d["type"], d["title"]) for n, d in stubs.items()} == {
        "s2:zzz999": ("Paper", "A paper outside the corpus"),
        "openalex:w9999": ("Paper", "openalex:w9999"),  # OpenAlex lists ids only
    }
    outside = {
        (u, v, d["source"])
        for u, v, k, d in graph.edges(keys=True, data=True)
        if k.startswith("CITES") and (u in stubs or v in stubs)
    }
    assert outside == {
        ("arxiv:2603.01001", "s2:zzz999", "semantic_scholar"),
        ("arxiv:2603.02002", "s2:zzz999", "semantic_scholar"),
        ("arxiv:2603.01003", "openalex:w9999", "openalex"),
    }
    assert all("cluster" not in d for d in stubs.values())  # analytics are the corpus's
    inside = {(u, v, k) for u, v, k in graph.edges(keys=True) if u not in stubs and v not in stubs}
    assert inside == set(mixed.edges(keys=True))
    manifest = read_snapshot(with_stubs).manifest
    assert manifest.counts.stubs == 2 and manifest.external_refs is True
    stats = run("stats", "--out", with_stubs, "--json")
    assert (json.loads(stats.stdout)["papers"], json.loads(stats.stdout)["stubs"]) == (4, 2)


def test_coupling_through_stubs_in_neo4j(neo4j_driver, with_stubs: Path):
    from paperkg.graph.neo4j.store import push_snapshot
    from paperkg.queries import find_query, run_query

    push_snapshot(neo4j_driver, read_snapshot(with_stubs))
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Paper) RETURN count(p) AS all, count(CASE WHEN p.stub THEN 1 END) AS stubs"
    )
    assert (records[0]["all"], records[0]["stubs"]) == (6, 2)
    spec = find_query("bibliographic-coupling")
    coupled = {
        frozenset(row[:2]): row[2] for row in run_query(neo4j_driver, spec, spec.defaults()).rows
    }
    assert coupled == {
        frozenset({"Retrieval Heads Explain Long-Context Failures", "A Protein Pocket Atlas"}): 1,
        frozenset(
            {"Sparse Mixture Routing for Tiny Speech Models", "Graph Rewiring for Molecules"}
        ): 1,
    }

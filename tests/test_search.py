"""`paperkg search`: BM25 over titles and abstracts fused with the embedding ranking, filters
before the top-k cut, the index stored in the snapshot (and built for old ones), and topic
queries on the seeds putting matching titles on top."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run
from paperkg.errors import NotFoundError, ParameterError
from paperkg.graph import read_snapshot
from paperkg.graph.search import (
    SEARCH_INDEX,
    LexicalIndex,
    SearchFilters,
    lexical_query,
)
from paperkg.graph.search.filters import Facets

QUERIES = ROOT / "tests" / "data" / "quality" / "search_queries.json"
#: Floors (matching titles in the top 10) on a few topic queries; the benchmark reports all.
FLOORS = {
    "mixture of experts": 7,
    "parameter-efficient fine-tuning": 7,
    "knowledge distillation": 7,
    "retrieval augmented generation": 8,
    "continual learning": 9,
}


@pytest.fixture(scope="module")
def snapshot(seeds_snapshot: Path, embedder: Any):
    import paperkg

    return paperkg.open_snapshot(seeds_snapshot, embedder=embedder)


def _rules() -> dict[str, re.Pattern[str]]:
    data = json.loads(QUERIES.read_text(encoding="utf-8"))
    return {q["query"]: re.compile(q["title"], re.IGNORECASE) for q in data["queries"]}


def test_topic_queries_put_matching_titles_on_top(snapshot: Any):
    rules = _rules()
    search = snapshot._hybrid()
    totals = {"hybrid": 0, "lexical": 0, "vector": 0}
    for query, floor in FLOORS.items():
        for mode in totals:
            hits = search.search(query, 10, text=True, mode=mode).hits
            found = sum(1 for hit in hits if rules[query].search(hit.title))
            totals[mode] += found
            if mode == "hybrid":
                assert found >= floor, (query, [h.title for h in hits])
    assert totals["hybrid"] >= max(totals["lexical"], totals["vector"])


def test_hits_carry_both_ranks_and_the_cluster(snapshot: Any):
    result = snapshot.search("mixture of experts", k=5)
    assert result.interpretation == '"mixture of experts" searched as text'
    assert len(result.hits) == 5
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    first = result.hits[0]
    assert first.lexical_rank is not None and first.vector_rank is not None
    assert first.cluster == snapshot.graph.nodes[first.id]["cluster"]
    assert "moe" in first.title.lower() or "mixture" in first.title.lower()


def test_a_paper_named_searches_around_it_unless_text(snapshot: Any):
    named = snapshot.search("ELECTRA", k=3)
    assert named.reading.how == "short name" and named.hits[0].id == named.reading.id
    assert named.hits[0].lexical_rank is None  # its neighbours by vector
    as_text = snapshot.search("ELECTRA", k=3, text=True)
    assert as_text.interpretation == '"ELECTRA" searched as text'


def test_similar_ranks_free_text_by_the_hybrid_and_papers_by_their_vector(snapshot: Any):
    text = snapshot.similar("mixture of experts", 5)
    assert [h.id for h in text] == [h.id for h in snapshot.search("mixture of experts", 5).hits]
    paper = snapshot.read_query("ELECTRA")
    near = snapshot.similar("ELECTRA", 3)
    assert near[0].id == paper.id and near[0].score == pytest.approx(1.0, abs=1e-4)


def test_filters_apply_before_the_cut(snapshot: Any):
    graph = snapshot.graph
    coded = snapshot.search("speech", k=5, has_code=True).hits
    assert coded and all(
        any(key == "HAS_CODE" for _u, _v, key in graph.out_edges(h.id, keys=True)) for h in coded
    )
    cluster = snapshot.search("speech", k=1).hits[0].cluster
    size = sum(1 for _n, d in graph.nodes(data=True) if d.get("cluster") == cluster)
    inside = snapshot.search("learning", k=size, cluster=cluster).hits
    assert len(inside) == size and {h.cluster for h in inside} == {cluster}
    bert = snapshot.search("pre-training", k=10, method="bert").hits
    method = next(
        n for n, d in graph.nodes(data=True) if d.get("type") == "Method" and d["name"] == "BERT"
    )
    linked = {u for u, _v in graph.in_edges(method)}
    assert bert and {h.id for h in bert} <= linked


def test_date_filters_read_published_then_iso_listed(seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph.copy()
    ids = [n for n, d in graph.nodes(data=True) if d.get("type") == "Paper"][:3]
    graph.nodes[ids[0]]["published"] = "2024-03-01"
    graph.nodes[ids[1]]["published"] = None
    graph.nodes[ids[1]]["listed"] = "2024-05-02"
    graph.nodes[ids[2]]["published"] = None
    graph.nodes[ids[2]]["listed"] = "Mar 17"  # no year: no date
    facets = Facets(graph, ids)
    assert list(facets.allowed(SearchFilters(since="2024-03-01"))) == [True, True, False]
    assert list(facets.allowed(SearchFilters(until="2024-04-30"))) == [True, False, False]
    with pytest.raises(ParameterError, match="since must be a date like 2024-03-01, got 'May'"):
        facets.allowed(SearchFilters(since="May"))
    with pytest.raises(ParameterError, match=r"since \(2024-05-01\) is after until"):
        facets.allowed(SearchFilters(since="2024-05-01", until="2024-04-01"))


def test_unknown_filter_names_are_refused(snapshot: Any):
    with pytest.raises(NotFoundError, match="no method named 'no-such-method'"):
        snapshot.search("speech", method="no-such-method")
    with pytest.raises(NotFoundError, match="cluster 999 is no cluster or topic"):
        snapshot.search("speech", cluster=999)
    with pytest.raises(ParameterError, match="the query is empty"):
        snapshot.search("  ")


@pytest.mark.parametrize(
    "text",
    ['"', "AND OR NOT", "*", "title:", "(", "NEAR(a b", "x' OR 1=1 --", "^", "\u0000", "!!!"],
)
def test_no_user_text_is_an_fts5_syntax_error(snapshot: Any, text: str):
    snapshot._hybrid().rank_text(text, 3, mode="lexical")


def test_lexical_query_drops_common_words_and_splits_hyphens():
    query = lexical_query("The mixture-of-experts of THE models")
    assert query.terms == ("mixture", "experts", "models")
    assert lexical_query("the of").terms == ("the", "of")  # nothing else: keep them
    assert lexical_query("retrieval augmented generation").acronyms == ("rag",)
    index = LexicalIndex.build([("a", "Mixture of Experts at scale", ""), ("b", "Other", "x")])
    assert list(index.ranked(lexical_query("mixture-of-experts").any)) == [0]


def test_the_index_is_stored_checksummed_and_built_for_old_snapshots(
    seeds_snapshot: Path, tmp_path: Path, embedder: Any
):
    import paperkg

    manifest = json.loads((seeds_snapshot / "manifest.json").read_text())
    assert SEARCH_INDEX in manifest["files"]
    old = tmp_path / "old"
    shutil.copytree(seeds_snapshot, old)
    (old / SEARCH_INDEX).unlink()
    del manifest["files"][SEARCH_INDEX]
    (old / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    stored = paperkg.open_snapshot(seeds_snapshot, embedder=embedder).search("speech", k=8)
    built = paperkg.open_snapshot(old, embedder=embedder).search("speech", k=8)
    assert [h.id for h in built.hits] == [h.id for h in stored.hits]


# --- the command -------------------------------------------------------------------------


def test_search_json_is_an_object_with_the_interpretation(seeds_snapshot: Path):
    result = run("search", "electra", "--out", seeds_snapshot, "-k", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == "electra" and len(data["results"]) == 3
    assert data["interpretation"]["how"] == "short name"
    assert data["interpretation"]["kind"] == "paper"
    assert {"id", "title", "score", "lexical_rank", "vector_rank", "cluster"} <= set(
        data["results"][0]
    )


def test_search_and_similar_say_how_they_read_the_query(seeds_snapshot: Path):
    table = run("search", "electra", "--out", seeds_snapshot, "-k", "2")
    assert table.exit_code == 0, table.output
    assert table.stderr.startswith('"electra" read as the paper "ELECTRA:')
    assert "add --text to search it as text" in table.stderr
    listed = run("similar", "electra", "--out", seeds_snapshot, "-k", "2", "--json")
    assert listed.exit_code == 0 and isinstance(json.loads(listed.stdout), list)
    assert "(its short name)" in listed.stderr
    text = run("similar", "electra", "--text", "--out", seeds_snapshot, "-k", "2")
    assert text.stderr.strip() == '"electra" searched as text'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", " "], "the query is empty"),
        (["search", "speech", "--since", "last week"], "--since must be a date like 2024-03-01"),
        (["search", "speech", "--method", "nope"], "no method named 'nope' in the snapshot"),
        (["search", "speech", "--dataset", "nope"], "no dataset named 'nope' in the snapshot"),
        (["search", "speech", "--cluster", "999"], "--cluster 999 is no cluster or topic"),
        (["search", "speech", "-k", "0"], "-k must be at least 1"),
    ],
)
def test_search_mistakes_are_one_line_and_exit_1(seeds_snapshot: Path, args, message):
    result = run(*args, "--out", seeds_snapshot)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr

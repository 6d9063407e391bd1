"""Query packs that answer on any graph and explain an empty answer (issue 19 parts 4-6), on
the seeds in a real Neo4j: one similarity scale (cosine) for the CLI, the views and the
packs; defaults that exist after clusters are renumbered; `paperkg query run` naming what
a parameter names that is not there; papers read from title words or an arXiv id through
the full-text index; free text embedded with the snapshot's model for the vector packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pack_answers import answers
from test_cypher_parameters import (
    test_cypher_fstrings_interpolate_only_schema_names as fstrings_check,
)
from test_cypher_parameters import (
    test_statements_sent_to_the_server_are_never_built_from_expressions as statements_check,
)

from conftest import run
from paperkg.cli import main
from paperkg.errors import QueryError
from paperkg.graph import read_snapshot
from paperkg.graph.embed.search import similar
from paperkg.graph.schema import Label, RelType
from paperkg.graph.search import PaperResolver
from paperkg.queries import find_query, load_catalog, run_query, typed_params
from paperkg.queries.catalog import parse_query
from paperkg.queries.explain import explain_empty
from paperkg.queries.text import lucene_words, text_params

#: Three decimals: what the CLI prints and the packs round to.
THREE = 0.0005 + 1e-9


def rows_of(driver: Any, name: str, **given: object) -> list[dict[str, Any]]:
    spec = find_query(name)
    result = run_query(driver, spec, typed_params(spec, {k: str(v) for k, v in given.items()}))
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def cli(neo4j_server: tuple[str, str], *args: object) -> Result:
    uri, password = neo4j_server
    return CliRunner().invoke(
        main,
        ["query", "run", *[str(a) for a in args], "--neo4j", uri],
        env={"NEO4J_PASSWORD": password},
    )


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def electra(seeds_snapshot: Path) -> tuple[str, str]:
    """(id, title) of one seed paper with a short name, read by the snapshot's resolver."""
    found = PaperResolver.of_graph(read_snapshot(seeds_snapshot).graph).resolve("ELECTRA")
    return found.id, found.title


# --- part 4: one similarity scale -------------------------------------------------------------


def test_cli_views_and_packs_give_the_same_cosine(
    seeds_in_neo4j, seeds_snapshot: Path, electra: tuple[str, str]
):
    paper, title = electra
    graph = read_snapshot(seeds_snapshot).graph
    # The views draw SIMILAR_TO edges with their score: the snapshot's cosine.
    edges = {
        v: data["score"]
        for _u, v, key, data in graph.out_edges(paper, keys=True, data=True)
        if key == RelType.SIMILAR_TO
    }
    nearest = min(edges, key=lambda v: -edges[v])
    # `paperkg similar` (JSON and the table's three decimals).
    listed = run("similar", paper, "--out", seeds_snapshot, "--json", "-k", "11")
    assert listed.exit_code == 0, listed.output
    cli_scores = {hit["id"]: hit["score"] for hit in json.loads(listed.stdout)}
    table = run("similar", paper, "--out", seeds_snapshot, "-k", "3")
    # The packs: the vector index (converted to cosine) and the SIMILAR_TO edges in Neo4j.
    vector = {
        row["id"]: row["score"]
        for row in rows_of(seeds_in_neo4j, "semantic-search", paper=paper, limit=10)
    }
    neighbourhood = {
        row["neighbour"]: row["score"]
        for row in rows_of(seeds_in_neo4j, "paper-neighbourhood", paper=paper, limit=50)
        if row["relation"] == RelType.SIMILAR_TO and row["direction"] == "out"
    }
    pair = (edges[nearest], cli_scores[nearest], vector[nearest])
    near_title = graph.nodes[nearest]["title"]
    assert abs(edges[nearest] - cli_scores[nearest]) < 1e-4, pair
    assert abs(vector[nearest] - edges[nearest]) <= THREE, pair
    assert abs(neighbourhood[near_title] - edges[nearest]) <= THREE
    assert f"{cli_scores[nearest]:.3f}" in table.stdout
    # Every paper both rank: the same cosine, not the index's (1 + cosine) / 2.
    common = set(vector) & set(cli_scores)
    assert len(common) >= 8
    for other in common:
        assert abs(vector[other] - cli_scores[other]) <= THREE, (other, title)
    raw, _, _ = seeds_in_neo4j.execute_query(
        "MATCH (p:Paper {id: $a}), (q:Paper {id: $b}) "
        "CALL db.index.vector.queryNodes('paper_embedding', 5, p.embedding) YIELD node, score "
        "WHERE node = q RETURN score",
        a=paper,
        b=nearest,
    )
    assert raw and raw[0]["score"] > vector[nearest] + 0.05  # the index's own scale


def test_vector_pack_descriptions_say_cosine():
    for spec in load_catalog():
        if "db.index.vector.queryNodes" in spec.cypher:
            assert "cosine" in spec.description, spec.name
            assert "vector.similarity.cosine" in spec.cypher, spec.name


# --- part 5 (a): defaults that exist in any graph ----------------------------------------------


def test_cluster_defaults_pick_the_largest_topic(seeds_in_neo4j, seeds_snapshot: Path):
    graph = read_snapshot(seeds_snapshot).graph
    topics = [d for _n, d in graph.nodes(data=True) if d.get("type") == Label.CLUSTER]
    largest = max((d for d in topics if d.get("level") == 1), key=lambda d: (d["size"], -d["id"]))
    members = rows_of(seeds_in_neo4j, "cluster-members")
    assert len(members) == 20 and {r["cluster"] for r in members} == {largest["label"]}
    assert len({r["subtopic"] for r in members}) > 1  # the topic's clusters, not one of them
    code = rows_of(seeds_in_neo4j, "code-in-cluster")
    assert len(code) == 20 and len({r["cluster"] for r in code}) == 1
    assert all(r["repo"] for r in code)
    # An explicit id still means that cluster, and a topic's id its clusters' papers.
    one = rows_of(seeds_in_neo4j, "code-in-cluster", cluster=largest["id"], limit=100)
    assert {r["cluster"] for r in one} == {largest["label"]}
    assert len({r["subtopic"] for r in one}) > 1


#: Every cluster id the graph holds moved by $delta (the unclustered -1 stays), as a
#: rebuild that numbers clusters afresh would leave them.
RENUMBER = """
MATCH (c:Cluster) WHERE c.id >= 0
SET c.id = c.id + $delta, c.topic = CASE WHEN c.topic >= 0 THEN c.topic + $delta END
WITH count(*) AS done
MATCH (p:Paper)
SET p.cluster = CASE WHEN p.cluster >= 0 THEN p.cluster + $delta ELSE p.cluster END,
    p.topic = CASE WHEN p.topic >= 0 THEN p.topic + $delta ELSE p.topic END
WITH count(*) AS done
MATCH (e) WHERE e:Method OR e:Dataset OR e:Repo
SET e.joins = [j IN e.joins | j + $delta], e.clusters = [j IN e.clusters | j + $delta]
"""


def test_every_pack_answers_with_its_defaults_after_clusters_are_renumbered(seeds_in_neo4j):
    seeds_in_neo4j.execute_query(RENUMBER, delta=100)
    try:
        ids, _, _ = seeds_in_neo4j.execute_query("MATCH (c:Cluster) RETURN min(c.id) AS low")
        assert ids[0]["low"] == 100  # no cluster 0: the old default answered nothing
        for spec in load_catalog():
            answers(seeds_in_neo4j, spec, "the renumbered seeds")
    finally:
        seeds_in_neo4j.execute_query(RENUMBER, delta=-100)


# --- part 5 (b): an empty answer names what is missing -----------------------------------------


def explain(driver: Any, name: str, **given: object) -> tuple[list[list[Any]], Any]:
    spec = find_query(name)
    values = typed_params(spec, {k: str(v) for k, v in given.items()})
    result = run_query(driver, spec, values)
    return result.rows, explain_empty(driver, spec, values)


def test_explain_names_the_cluster_paper_or_words_that_are_not_there(seeds_in_neo4j):
    ids, _, _ = seeds_in_neo4j.execute_query("MATCH (c:Cluster) RETURN c.id AS id ORDER BY id")
    listed = ", ".join(str(r["id"]) for r in ids)
    for name in ("cluster-members", "code-in-cluster"):
        rows, missing = explain(seeds_in_neo4j, name, cluster=99)
        assert rows == [] and missing is not None
        assert (missing.param, missing.value) == ("cluster", 99)
        assert missing.message == f"no cluster 99; clusters: {listed}"
    rows, missing = explain(seeds_in_neo4j, "cluster-members", cluster=-1)
    assert rows == [] and missing.message.startswith("no unclustered papers (-1); clusters: 0, 1")
    rows, missing = explain(seeds_in_neo4j, "fulltext-search", q="zzzqqqxx")
    assert rows == [] and missing.param == "q" and "full-text index paper_text" in missing.message
    rows, missing = explain(seeds_in_neo4j, "paper-neighbourhood", paper="zzzqqqxx paper")
    assert rows == [] and missing.message.startswith("no paper matches paper 'zzzqqqxx paper'")
    rows, missing = explain(seeds_in_neo4j, "shortest-path", target="zzzqqqxx")
    assert rows == [] and missing.param == "target"


def test_explain_bridges_between_a_topic_or_unlinked_clusters(seeds_in_neo4j):
    topic, _, _ = seeds_in_neo4j.execute_query(
        "MATCH (c:Cluster {level: 1}) RETURN c.id AS id ORDER BY id LIMIT 1"
    )
    rows, missing = explain(seeds_in_neo4j, "bridges-between", a=topic[0]["id"])
    assert rows == [] and missing.param == "a"
    assert missing.message.startswith(f"{topic[0]['id']} is a topic (level 1)")
    pair, _, _ = seeds_in_neo4j.execute_query(
        "MATCH (x:Cluster {level: 2}), (y:Cluster {level: 2}) "
        "WHERE 0 <= x.id < y.id AND NOT (x)-[:LINKS_TO]-(y) RETURN x.id AS a, y.id AS b LIMIT 1"
    )
    a, b = pair[0]["a"], pair[0]["b"]
    rows, missing = explain(seeds_in_neo4j, "bridges-between", a=a, b=b)
    assert rows == [] and missing.param == "b"
    assert missing.message.startswith(f"clusters {a} and {b} share no similarity or citation")
    rows, missing = explain(seeds_in_neo4j, "bridges-between", a=99)
    assert rows == [] and missing.message.startswith("no cluster 99; clusters: 0, 1")
    # One cluster given: the cluster most linked to it.
    rows, _ = explain(seeds_in_neo4j, "bridges-between", a=a)
    assert rows


def test_explain_says_nothing_when_everything_named_exists(seeds_in_neo4j, electra):
    rows, missing = explain(seeds_in_neo4j, "shortest-path", source=electra[0], max_hops=0)
    assert rows == [] and missing is None
    spec = parse_query(
        "// name: t\n// description: d\n// param: cluster int = 0\n"
        "MATCH (c:Cluster {id: $cluster}) WHERE false RETURN c",
        "t",
        "t",
    )
    assert explain_empty(seeds_in_neo4j, spec, spec.defaults()) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cluster-members", "--param", "cluster=99"], "Error: no cluster 99; clusters: 0, 1, 2"),
        (["code-in-cluster", "--param", "cluster=-1"], "Error: no unclustered papers (-1)"),
        (["bridges-between", "--param", "b=99"], "Error: no cluster 99; clusters: 0, 1"),
        (["fulltext-search", "--param", "q=zzzqqqxx"], "Error: no paper's title or abstract"),
    ],
)
def test_query_run_names_the_missing_thing_in_one_line(
    seeds_in_neo4j, neo4j_server, args: list[str], message: str
):
    line = one_error_line(cli(neo4j_server, *args))
    assert line.startswith(message), line
    as_json = cli(neo4j_server, *args, "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["message"] == line.removeprefix("Error: ")


def test_query_run_with_an_empty_but_valid_answer_exits_0(seeds_in_neo4j, neo4j_server, electra):
    result = cli(
        neo4j_server,
        "shortest-path",
        "--param",
        f"source={electra[0]}",
        "--param",
        "max_hops=0",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_explain_sends_only_constant_cypher():
    statements_check("queries/explain.py")
    fstrings_check("queries/explain.py")


# --- part 5 (c): papers from title words or an arXiv id, as Browser sends them ------------------


def test_packs_read_title_words_through_the_full_text_index(seeds_in_neo4j, electra):
    paper, title = electra
    words = title.split(":")[0] + " " + title.split(":")[1].split()[0]  # "ELECTRA Pre-training"
    assert words.lower() not in title.lower()  # no substring: only the full-text index finds it
    for name in ("paper-neighbourhood", "semantic-search"):
        rows = rows_of(seeds_in_neo4j, name, paper=words.lower())
        column = "paper" if name == "paper-neighbourhood" else "query_paper"
        assert rows and {r[column] for r in rows} == {title}, name
    path = rows_of(seeds_in_neo4j, "shortest-path", source=words, target=paper)
    assert path == [] or path[0]["papers"][0] == title  # source = target: no path
    path = rows_of(seeds_in_neo4j, "shortest-path", source=words)
    assert path and path[0]["papers"][0] == title
    part = rows_of(seeds_in_neo4j, "paper-neighbourhood", paper=title[:6])  # part of a word
    assert part and part[0]["paper"] == title


@pytest.mark.parametrize(
    "reference",
    [
        "2401.01234",
        "arXiv:2401.01234v2",
        "https://arxiv.org/abs/2401.01234v3",
        "https://arxiv.org/pdf/2401.01234.pdf",
    ],
)
def test_packs_read_an_arxiv_id_or_url(seeds_in_neo4j, electra, reference: str):
    """A paper known by its arXiv id (the seeds have none: one is added for the test, with
    ELECTRA's vector, citing it, and removed)."""
    paper, title = electra
    seeds_in_neo4j.execute_query(
        "MATCH (e:Paper {id: $paper}) "
        "CREATE (p:Paper {id: 'arxiv:2401.01234', title: 'An arXiv probe', pagerank: 0.0, "
        "cluster: e.cluster, embedding: e.embedding})-[:CITES {source: 'test'}]->(e)",
        paper=paper,
    )
    try:
        rows = rows_of(seeds_in_neo4j, "paper-neighbourhood", paper=reference)
        assert [(r["paper"], r["neighbour"]) for r in rows] == [("An arXiv probe", title)]
        nearest = rows_of(seeds_in_neo4j, "semantic-search", paper=reference, limit=1)
        assert [(r["query_paper"], r["id"], r["score"]) for r in nearest] == [
            ("An arXiv probe", paper, 1.0)
        ]
    finally:
        seeds_in_neo4j.execute_query("MATCH (p:Paper {id: 'arxiv:2401.01234'}) DETACH DELETE p")


# --- part 6: free text ----------------------------------------------------------------------


def test_query_run_text_embeds_with_the_snapshot_model(
    seeds_in_neo4j, neo4j_server, seeds_snapshot: Path, embedder
):
    text = "low-rank adapters for fine-tuning large language models"
    result = cli(
        neo4j_server,
        "semantic-search",
        "--text",
        text,
        "--out",
        seeds_snapshot,
        "--param",
        "limit=5",
        "--json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    expected = similar(read_snapshot(seeds_snapshot), text, 5, lambda _name: embedder, text=True)
    assert [r["id"] for r in rows] == [hit.id for hit in expected]
    for row, hit in zip(rows, expected, strict=True):
        assert abs(row["score"] - hit.score) <= THREE
        assert row["query_paper"] == "(the text given)"


def test_hybrid_search_takes_text_as_words_and_meaning(
    seeds_in_neo4j, neo4j_server, seeds_snapshot: Path, embedder
):
    spec = find_query("hybrid-search")
    values = text_params(
        spec, spec.defaults(), "what is LoRA? (a survey)", seeds_snapshot, embedder=embedder
    )
    assert values["q"] == r"what is LoRA\? \(a survey\)" and len(values["embedding"]) == 384
    rows = run_query(seeds_in_neo4j, spec, values).rows
    assert len(rows) == 10
    kept = text_params(
        spec, spec.defaults(), "anything", seeds_snapshot, given={"q"}, embedder=embedder
    )
    assert kept["q"] == "learning"
    # From the CLI: the full-text index finds papers, the vector index adds others.
    result = cli(
        neo4j_server,
        "hybrid-search",
        "--text",
        "speech",
        "--out",
        seeds_snapshot,
        "--param",
        "limit=60",
        "--json",
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert any(r["lexical_rank"] and r["vector_rank"] for r in found)
    assert any(r["lexical_rank"] is None and r["vector_rank"] for r in found)
    assert all(-1 <= r["cosine"] <= 1 for r in found)
    # Without text (Browser): the vector query is the mean of the best full-text hits.
    browser = rows_of(seeds_in_neo4j, "hybrid-search", q="speech", limit=60)
    assert any(r["lexical_rank"] is None and r["vector_rank"] for r in browser)


def test_lucene_words_are_plain_words():
    assert lucene_words("a:b (c) AND d* -e") == r"a\:b \(c\) and d\* \-e"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["top-bridges", "--text", "x"],
            "Error: --text works only with the queries that take "
            "an embedding (hybrid-search, semantic-search); 'top-bridges' takes none",
        ),
        (["semantic-search", "--text", "  "], "Error: --text is empty"),
        (
            ["semantic-search", "--param", "embedding=[1, 2]"],
            "Error: query 'semantic-search' failed on the server",
        ),
        (
            ["semantic-search", "--param", "embedding=abc"],
            "Error: query 'semantic-search': "
            "parameter 'embedding' must be a JSON list of numbers, got 'abc'",
        ),
        (
            ["semantic-search", "--text", "x", "--param", "embedding=[1]"],
            "Error: --text gives the query its embedding: give the text or the embedding "
            "parameter, not both",
        ),
    ],
)
def test_text_mistakes_are_one_line(
    seeds_in_neo4j, neo4j_server, seeds_snapshot: Path, args: list[str], message: str
):
    line = one_error_line(cli(neo4j_server, *args, "--out", seeds_snapshot))
    assert line.startswith(message), line


def test_text_needs_a_snapshot(tmp_path: Path):
    """Read before connecting: no server needed to refuse it."""
    result = CliRunner().invoke(
        main,
        [
            "query",
            "run",
            "semantic-search",
            "--text",
            "x",
            "--out",
            str(tmp_path / "none"),
            "--neo4j",
            "bolt://127.0.0.1:1",
        ],
        env={"NEO4J_PASSWORD": "x"},
    )
    line = one_error_line(result)
    assert "none" in line and "snapshot" in line, line


def test_list_parameters_are_typed():
    spec = find_query("semantic-search")
    assert typed_params(spec, {"embedding": "[1, 0.5]"})["embedding"] == [1.0, 0.5]
    with pytest.raises(QueryError, match="must be a JSON list of numbers"):
        typed_params(spec, {"embedding": "[true]"})
    with pytest.raises(QueryError, match="a list default holds numbers only"):
        parse_query('// name: a\n// description: b\n// param: v list = ["x"]\nRETURN $v', "p", "f")

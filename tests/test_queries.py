"""The Cypher query packs: headers parse, every query returns rows on the seeds in a real
Neo4j, parameters are typed and never spliced into Cypher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pack_answers import answers

from paperkg.cli import main
from paperkg.errors import QueryError
from paperkg.queries import (
    QuerySpec,
    export_catalog,
    find_query,
    load_catalog,
    run_query,
    typed_params,
)
from paperkg.queries.catalog import parse_query


def test_catalog_has_at_least_15_queries_in_packs_with_parsed_headers():
    specs = load_catalog()
    assert len(specs) >= 15
    assert {s.pack for s in specs} >= {"explore", "clusters", "bridges", "citations", "code"}
    assert len({s.name for s in specs}) == len(specs)
    for spec in specs:
        assert spec.description and spec.cypher
        for param in spec.params:
            assert f"${param.name}" in spec.cypher, (spec.name, param.name)


@pytest.mark.parametrize("spec", load_catalog(), ids=lambda s: f"{s.pack}/{s.name}")
def test_every_query_returns_rows_on_the_seeds(seeds_in_neo4j, spec: QuerySpec):
    """Or, for a query whose header says when it may answer nothing, says why it did."""
    answers(seeds_in_neo4j, spec, "the seeds graph")


def test_parameter_injection_is_just_a_string(seeds_in_neo4j):
    hostile = "x'}) DETACH DELETE n //"
    before, _, _ = seeds_in_neo4j.execute_query("MATCH (n) RETURN count(n) AS n")
    spec = find_query("paper-neighbourhood")
    result = run_query(seeds_in_neo4j, spec, typed_params(spec, {"paper": hostile}))
    assert result.rows == []
    after, _, _ = seeds_in_neo4j.execute_query("MATCH (n) RETURN count(n) AS n")
    assert after[0]["n"] == before[0]["n"] > 0


def test_queries_run_read_only(seeds_in_neo4j):
    writer = parse_query("// name: w\n// description: d\nCREATE (:Paper {id: 'x'})", "t", "t")
    with pytest.raises(QueryError, match="failed on the server"):
        run_query(seeds_in_neo4j, writer, {})


def test_cli_run_with_typed_params_and_json(seeds_in_neo4j, neo4j_server):
    uri, password = neo4j_server
    env = {"NEO4J_PASSWORD": password}
    result = CliRunner().invoke(
        main,
        [
            "query",
            "run",
            "cluster-members",
            "--param",
            "cluster=1",
            "--param",
            "limit=3",
            "--neo4j",
            uri,
            "--json",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and {"cluster", "paper", "methods"} <= rows[0].keys()
    table = CliRunner().invoke(main, ["query", "run", "top-bridges", "--neo4j", uri], env=env)
    assert table.exit_code == 0 and "bridge_score" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "run", "no-such-query"], "unknown query 'no-such-query'"),
        (
            ["query", "run", "cluster-members", "--param", "cluster=abc"],
            "parameter 'cluster' must be int, got 'abc'",
        ),
        (["query", "run", "cluster-members", "--param", "nope=1"], "has no parameter 'nope'"),
        (["query", "run", "cluster-members", "--param", "novalue"], "--param takes key=value"),
    ],
)
def test_query_mistakes_are_one_line(args: list[str], message: str):
    result = CliRunner().invoke(
        main, [*args, "--neo4j", "bolt://127.0.0.1:1"], env={"NEO4J_PASSWORD": "x"}
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1] and "Traceback" not in result.output


def test_bad_headers_name_file_and_line():
    with pytest.raises(QueryError, match=r"f\.cypher:3: expected '// param: NAME TYPE = DEFAULT'"):
        parse_query("// name: a\n// description: b\n// param: limit = 3\nRETURN 1", "p", "f.cypher")
    with pytest.raises(QueryError, match=r"f\.cypher:3: default 'x' is not a int"):
        parse_query(
            '// name: a\n// description: b\n// param: k int = "x"\nRETURN 1', "p", "f.cypher"
        )
    with pytest.raises(QueryError, match="needs a '// description:' line"):
        parse_query("// name: a\nRETURN 1", "p", "f.cypher")


def test_list_and_export_for_browser(tmp_path: Path):
    listed = CliRunner().invoke(main, ["query", "list", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) >= 15
    written = export_catalog(load_catalog(), tmp_path)
    query = (tmp_path / "explore" / "fulltext-search.cypher").read_text()
    params = (tmp_path / "explore" / "fulltext-search.params.cypher").read_text()
    assert ":param q => 'learning';" in params and "db.index.fulltext.queryNodes" in query
    assert ":param" not in query and not any(
        line.startswith(("MATCH", "CALL", "RETURN")) for line in params.splitlines()
    )  # the parameters and the query are two favourites, one statement each
    assert query.count(";") == 0 and query.startswith("// explore/fulltext-search: ")
    with_params = [spec for spec in load_catalog() if spec.params]
    assert len(written) == len(load_catalog()) + len(with_params) + 1  # and the style
    assert "node.Paper {" in (tmp_path / "paperkg.grass").read_text()
    result = CliRunner().invoke(main, ["query", "export", str(tmp_path / "again")])
    assert result.exit_code == 0 and len(list((tmp_path / "again").rglob("*.cypher"))) >= 15

"""Exports: GraphML and GEXF read back with networkx, and the neo4j-admin CSV files imported
by the real `neo4j-admin database import full` (Neo4j 5.26) into a database that matches what
`paperkg push` makes."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from neo4j_server import RUN, LocalNeo4j
from pack_answers import answers

from conftest import EXAMPLES, run
from paperkg.errors import ExportError
from paperkg.graph import count_labels, count_types, read_snapshot
from paperkg.graph.export.files import export_gexf, export_graphml
from paperkg.graph.neo4j.admin_csv import EMPTY_LISTS, export_neo4j_csv
from paperkg.graph.neo4j.store import count_graph, push_snapshot
from paperkg.pipeline import build
from paperkg.queries import load_catalog

HOSTILE_TITLE = "Quotes \"double\" & 'single' <b>tags</b>, commas; semis | pipes — Ünïcödé 数据 😀"
HOSTILE_AUTHORS = ['O\'Brien, "Jr."', "Semi;Colon", "Unit\x1fSeparator", "Two\nLines", "CR\r\nLF"]
HOSTILE_KEYWORDS = ["a;b", "c|d", 'quote"q', "x,y"]
HOSTILE_ABSTRACT = (
    'We introduce QuoteNet, a "model" for <xml> & CSV, with commas, semicolons; pipes |, '
    'and backslashes \\" too. Code: https://github.com/quote-net/quotenet.'
)


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The examples plus one paper whose every text field is hostile, from a file whose
    name needs quoting too (it lands in `sources`)."""
    work = tmp_path_factory.mktemp("exports")
    hostile = work / 'hostile "feed"; 1,2.json'
    entry = {
        "paper": {
            "id": "2611.99999",
            "title": HOSTILE_TITLE,
            "summary": HOSTILE_ABSTRACT,
            "authors": [{"name": name} for name in HOSTILE_AUTHORS],
            "publishedAt": "2026-11-20T09:00:00.000Z",
            "ai_keywords": HOSTILE_KEYWORDS,
        }
    }
    hostile.write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    out = work / "kg"
    build([EXAMPLES, hostile], out, embedder=embedder)
    return out


def _hostile(graph: nx.MultiDiGraph) -> dict:
    return next(d for _n, d in graph.nodes(data=True) if d.get("title") == HOSTILE_TITLE)


def test_snapshot_holds_the_hostile_paper(snapshot_dir: Path):
    paper = _hostile(read_snapshot(snapshot_dir).graph)
    assert paper["authors"] == HOSTILE_AUTHORS and paper["keywords"] == HOSTILE_KEYWORDS
    assert paper["abstract"] == HOSTILE_ABSTRACT


def test_graphml_round_trips_counts_and_hostile_text(snapshot_dir: Path, tmp_path: Path):
    graph = read_snapshot(snapshot_dir).graph
    report = export_graphml(graph, tmp_path / "kg.graphml")
    back = nx.read_graphml(tmp_path / "kg.graphml", force_multigraph=True)
    assert Counter(d["type"] for _n, d in back.nodes(data=True)) == count_labels(graph)
    assert Counter(d["type"] for _u, _v, d in back.edges(data=True)) == count_types(graph)
    assert report.nodes == count_labels(graph) and report.relationships == count_types(graph)
    paper = _hostile(back)
    assert paper["label"] == HOSTILE_TITLE and paper["type"] == "Paper"
    assert json.loads(paper["authors"]) == HOSTILE_AUTHORS
    assert json.loads(paper["keywords"]) == HOSTILE_KEYWORDS
    assert "embedding" not in paper and all(v is not None for v in paper.values())
    assert set(back.nodes) == set(graph.nodes)
    cluster = next(d for _n, d in back.nodes(data=True) if d["type"] == "Cluster")
    assert isinstance(cluster["id"], int) and cluster["label"]


def test_gexf_round_trips_counts_and_hostile_text(snapshot_dir: Path, tmp_path: Path):
    graph = read_snapshot(snapshot_dir).graph
    export_gexf(graph, tmp_path / "kg.gexf")
    back = nx.read_gexf(tmp_path / "kg.gexf")
    assert back.is_multigraph() and back.is_directed()
    assert Counter(d["type"] for _n, d in back.nodes(data=True)) == count_labels(graph)
    assert Counter(d["label"] for _u, _v, d in back.edges(data=True)) == count_types(graph)
    assert Counter(d["relationship"] for _u, _v, d in back.edges(data=True)) == count_types(graph)
    paper = _hostile(back)
    assert paper["label"] == HOSTILE_TITLE and paper["abstract"] == HOSTILE_ABSTRACT
    assert json.loads(paper["authors"]) == HOSTILE_AUTHORS
    cluster = next(d for _n, d in back.nodes(data=True) if d["type"] == "Cluster")
    assert isinstance(cluster["paperkg_id"], int)


def test_file_exports_replace_files_atomically_and_refuse_anything_else(
    snapshot_dir: Path, tmp_path: Path
):
    graph = read_snapshot(snapshot_dir).graph
    target = tmp_path / "kg.graphml"
    target.write_text("old")
    with pytest.raises(ExportError, match=r"already exists; .* --force"):
        export_graphml(graph, target)
    assert target.read_text() == "old"
    export_graphml(graph, target, force=True)
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.graphml"]  # no temp file left
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(target)
    for bad in ("folder", "link"):
        with pytest.raises(ExportError, match="regular file"):
            export_gexf(graph, tmp_path / bad, force=True)
    assert (tmp_path / "link").is_symlink() and not any((tmp_path / "folder").iterdir())


def test_cli_writes_graphml_and_gexf(snapshot_dir: Path, tmp_path: Path):
    result = run("export", "graphml", tmp_path / "a.graphml", "--out", snapshot_dir, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["nodes"]["Paper"] == 50
    result = run("export", "gexf", tmp_path / "a.gexf", "--out", snapshot_dir)
    assert result.exit_code == 0 and "SIMILAR_TO edges" in result.output
    result = run("export", "gexf", tmp_path, "--out", snapshot_dir)
    assert result.exit_code != 0


def test_neo4j_csv_refuses_a_folder_with_files_in_it(snapshot_dir: Path, tmp_path: Path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = run("export", "neo4j-csv", tmp_path, "--out", snapshot_dir)
    assert result.exit_code == 1 and "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_neo4j_csv_help_and_output_give_the_import_command(snapshot_dir: Path, tmp_path: Path):
    assert "neo4j-admin database import full" in run("export", "neo4j-csv", "--help").output
    folder = tmp_path / "csv"
    result = run("export", "neo4j-csv", folder, "--out", snapshot_dir)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "neo4j-admin database import" in x)
    assert f"--nodes={folder / 'nodes-Paper.csv'}" in line and line.rstrip().endswith(" neo4j")
    # a hostile author holds U+001F, so another delimiter is chosen; the abstract spans lines
    assert "--array-delimiter=U+001E" in line and "--multiline-fields=true" in line
    assert "after-import.cypher" in result.output


def _dump(driver) -> dict[str, list[str]]:
    """Every node and relationship with all its properties, comparable across databases."""
    key = (
        "CASE WHEN {v}:Method OR {v}:Dataset THEN {v}.key WHEN {v}:Repo THEN {v}.url "
        "ELSE {v}.id END"
    )
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = driver.execute_query(
        f"MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a)[0] AS la, {key.format(v='a')} "
        f"AS a, labels(b)[0] AS lb, {key.format(v='b')} AS b, properties(r) AS props"
    )
    return {
        "nodes": sorted(json.dumps(r.data(), sort_keys=True, default=repr) for r in nodes),
        "relationships": sorted(json.dumps(r.data(), sort_keys=True, default=repr) for r in rels),
    }


def _nonzero(found: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {kind: {k: n for k, n in counts.items() if n} for kind, counts in found.items()}


@pytest.mark.neo4j
def test_neo4j_admin_import_gives_the_database_push_gives(snapshot_dir: Path, tmp_path: Path):
    import neo4j

    snapshot = read_snapshot(snapshot_dir)
    export = export_neo4j_csv(snapshot, tmp_path / "csv")
    assert export.nodes == count_labels(snapshot.graph)
    assert export.command[:4] == ["neo4j-admin", "database", "import", "full"]

    # the real neo4j-admin (same jars as the test server), exactly the printed arguments
    server = LocalNeo4j(tmp_path / "server")
    imported = subprocess.run(
        [
            str(RUN),
            "admin",
            "--data",
            str(server.workdir / "data"),
            *export.command[1:],
            f"--report-file={tmp_path / 'import.report'}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NEO4J_HEAP": "512m"},
    )
    assert imported.returncode == 0, imported.stdout[-3000:] + imported.stderr[-3000:]
    assert "IMPORT DONE" in imported.stdout

    server.start()
    driver = neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password))
    try:
        statements = [
            line.rstrip().removesuffix(";")
            for line in export.after_import.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("//")
        ]
        with driver.session() as session:
            for statement in statements:
                session.run(statement).consume()

        counts = {
            "nodes": count_labels(snapshot.graph),
            "relationships": count_types(snapshot.graph),
        }
        assert _nonzero(count_graph(driver)) == counts
        indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name, state")
        names = {r["name"]: r["state"] for r in indexes}
        for name in ("paper_id", "method_key", "repo_url", "paper_text", "paper_embedding"):
            assert names.get(name) == "ONLINE", names
        paper, _, _ = driver.execute_query("MATCH (p:Paper {title: $t}) RETURN p", t=HOSTILE_TITLE)
        props = dict(paper[0]["p"])
        assert props["authors"] == HOSTILE_AUTHORS and props["keywords"] == HOSTILE_KEYWORDS
        assert props["abstract"] == HOSTILE_ABSTRACT and len(props["embedding"]) == 384
        assert EMPTY_LISTS not in props
        assert isinstance(props["published"], neo4j.time.Date)  # a date, as push writes it

        for spec in load_catalog():  # every pack query works on the imported database
            answers(driver, spec, "the imported database")

        imported_dump = _dump(driver)
        # a push of the same snapshot on top finds everything in place ...
        report = push_snapshot(driver, snapshot)
        assert report.deleted_relationships == 0 and report.pruned_nodes == 0
        assert _dump(driver) == imported_dump
        # ... and a push into an empty database makes the very same nodes and relationships
        driver.execute_query("MATCH (n) DETACH DELETE n")
        push_snapshot(driver, snapshot)
        assert _dump(driver) == imported_dump
    finally:
        driver.close()
        server.stop()

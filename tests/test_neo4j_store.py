"""Pushing snapshots into a real Neo4j 5 server: counts, idempotence, indexes, hostile text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from neo4j_server import free_port

from conftest import tree_digest
from paperkg.cli import main
from paperkg.errors import Neo4jError
from paperkg.graph import (
    Embeddings,
    Paper,
    build_index,
    knn_edges,
    paper_graph,
    read_manifest,
    read_snapshot,
    snapshot_stats,
    write_snapshot,
)
from paperkg.graph.neo4j.store import (
    Neo4jSettings,
    check_server_version,
    connect,
    count_graph,
    push_snapshot,
)
from paperkg.graph.snapshot.manifest import Counts, Knn, Manifest, Model
from paperkg.pipeline import build


def push(driver, out: Path, **kw):
    return push_snapshot(driver, read_snapshot(out), **kw)


def counts_of(out: Path) -> dict:
    stats = snapshot_stats(read_manifest(out))
    return {"nodes": stats["nodes"], "relationships": stats["relationships"]}


def neo4j_counts(driver) -> dict:
    found = count_graph(driver)
    return {
        "nodes": {k: v for k, v in found["nodes"].items() if v},
        "relationships": {k: v for k, v in found["relationships"].items() if v},
    }


def test_push_matches_the_snapshot_per_label_and_type_and_twice_is_the_same(
    neo4j_driver, seeds_snapshot: Path
):
    report = push(neo4j_driver, seeds_snapshot, batch_size=500)
    expected = counts_of(seeds_snapshot)
    assert report.nodes == expected["nodes"] and report.relationships == expected["relationships"]
    assert {"Paper", "Method", "Dataset", "Repo"} <= report.nodes.keys()
    assert {"SIMILAR_TO", "CITES", "USES", "EVALUATES_ON", "HAS_CODE", "INTRODUCES"} <= set(
        report.relationships
    )
    assert neo4j_counts(neo4j_driver) == counts_of(seeds_snapshot)
    again = push(neo4j_driver, seeds_snapshot, batch_size=500)
    assert again.deleted_relationships == 0
    assert neo4j_counts(neo4j_driver) == counts_of(seeds_snapshot)


def test_paper_dates_are_neo4j_dates_that_compare_as_dates(neo4j_driver, seeds_snapshot: Path):
    import neo4j

    push(neo4j_driver, seeds_snapshot)
    graph = read_snapshot(seeds_snapshot).graph
    august = sum(
        1 for _n, d in graph.nodes(data=True) if (d.get("published") or "") >= "2026-08-01"
    )
    rows, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Paper) RETURN p.published AS published, p.listed_dates AS listed, "
        "p.published >= date('2026-08-01') AS late"
    )
    assert rows and all(isinstance(r["published"], neo4j.time.Date) for r in rows)
    assert all(r["listed"] and isinstance(r["listed"][0], neo4j.time.Date) for r in rows)
    assert 0 < sum(r["late"] for r in rows) == august


def test_schema_constraints_fulltext_and_vector_index(neo4j_driver, seeds_snapshot: Path):
    push(neo4j_driver, seeds_snapshot)
    constraints, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties"
    )
    found = {(c["labelsOrTypes"][0], c["properties"][0]) for c in constraints}
    assert {
        ("Paper", "id"),
        ("Method", "key"),
        ("Dataset", "key"),
        ("Repo", "url"),
        ("Cluster", "id"),
    } <= found
    indexes, _, _ = neo4j_driver.execute_query("SHOW INDEXES YIELD name, type, state")
    by_name = {i["name"]: (i["type"], i["state"]) for i in indexes}
    assert by_name["paper_text"] == ("FULLTEXT", "ONLINE")
    assert by_name["paper_embedding"] == ("VECTOR", "ONLINE")

    snap = read_snapshot(seeds_snapshot)
    for row in (0, 123, 369):
        pid = snap.embeddings.ids[row]
        hits, _, _ = neo4j_driver.execute_query(
            "CALL db.index.vector.queryNodes('paper_embedding', 3, $v) YIELD node, score "
            "RETURN node.id AS id, score",
            v=snap.embeddings.vectors[row].astype(float).tolist(),
        )
        assert hits[0]["id"] == pid and hits[0]["score"] > 0.999

    title = snap.graph.nodes[snap.embeddings.ids[5]]["title"]
    word = max(title.replace(":", " ").split(), key=len)
    hits, _, _ = neo4j_driver.execute_query(
        "CALL db.index.fulltext.queryNodes('paper_text', $q) YIELD node "
        "RETURN node.id AS id LIMIT 20",
        q=f"title:{word}",
    )
    assert snap.embeddings.ids[5] in {h["id"] for h in hits}


def test_added_input_adds_papers_and_mirrors_edges_keeping_user_properties(
    neo4j_driver, seeds: Path, tmp_path: Path, embedder
):
    files = sorted(seeds.glob("*.txt"))
    part = tmp_path / "part"
    part.mkdir()
    for file in files[:4]:
        shutil.copy(file, part)
    out = tmp_path / "kg"
    first = build([part], out, embedder=embedder)
    push(neo4j_driver, out)
    some = read_snapshot(out).embeddings.ids[0]
    neo4j_driver.execute_query("MATCH (p:Paper {id: $id}) SET p.my_note = 'read it'", id=some)

    shutil.copy(files[4], part)
    second = build([part], out, embedder=embedder)
    report = push(neo4j_driver, out)
    assert second.papers > first.papers
    assert neo4j_counts(neo4j_driver) == counts_of(out)
    assert report.deleted_relationships > 0  # neighbours displaced by the new papers
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Paper {id: $id}) RETURN p.my_note AS note", id=some
    )
    assert records[0]["note"] == "read it"


def test_prune_removes_papers_the_snapshot_no_longer_has(
    neo4j_driver, seeds: Path, seeds_snapshot: Path, tmp_path: Path, embedder
):
    push(neo4j_driver, seeds_snapshot)
    small = tmp_path / "small"
    build([sorted(seeds.glob("*.txt"))[0]], small, embedder=embedder)
    kept = push(neo4j_driver, small)
    found = neo4j_counts(neo4j_driver)
    assert found["nodes"]["Paper"] == 370  # papers stay without --prune
    small_counts = counts_of(small)
    assert {k: v for k, v in found["nodes"].items() if k != "Paper"} == {
        k: v for k, v in small_counts["nodes"].items() if k != "Paper"
    }  # computed nodes mirror the snapshot
    assert found["relationships"] == small_counts["relationships"]
    assert kept.pruned_nodes > 0
    pruned = push(neo4j_driver, small, prune=True)
    assert pruned.pruned_nodes == 370 - small_counts["nodes"]["Paper"]
    assert neo4j_counts(neo4j_driver) == counts_of(small)


HOSTILE = [
    'It\'s a "quoted" `backtick` title } with $x and {braces}',
    "Line one\nline two\r\nline three\ttabbed",
    "<script>alert(1)</script> & </script><img src=x onerror=alert(1)>",
    "x'}) DETACH DELETE n //",
    "Ünïcödé — 数据 \u200b zero-width and emoji \U0001f9ea",
]


def test_hostile_text_lands_byte_for_byte(neo4j_driver, tmp_path: Path):
    papers = [
        Paper(
            id=f"title:hostile{i}",
            title=text,
            abstract=f"Abstract: {text} $param",
            sources=[f"hostile.txt:{i}"],
        )
        for i, text in enumerate(HOSTILE)
    ]
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(papers), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = build_index(vectors)
    graph = paper_graph(papers, knn_edges(index, vectors, 2))
    out = tmp_path / "hostile"
    write_snapshot(
        out,
        graph=graph,
        index=index,
        embeddings=Embeddings([p.id for p in papers], ["h"] * len(papers), vectors),
        manifest=Manifest(
            model=Model("test", 8),
            knn=Knn(k=2, metric="cosine"),
            counts=Counts(nodes={"Paper": len(papers)}, relationships={}),
            inputs=(),
        ),
    )
    neo4j_driver.execute_query(
        "CREATE VECTOR INDEX paper_embedding IF NOT EXISTS FOR (n:Paper) ON n.embedding "
        "OPTIONS {indexConfig: {`vector.dimensions`: 384}}"
    )
    with pytest.raises(Neo4jError, match="has 384 dimensions but this snapshot's model has 8"):
        push(neo4j_driver, out)
    neo4j_driver.execute_query("DROP INDEX paper_embedding IF EXISTS")
    try:
        push(neo4j_driver, out)
        records, _, _ = neo4j_driver.execute_query(
            "MATCH (p:Paper) RETURN p.id AS id, p.title AS title, p.abstract AS abstract"
        )
    finally:
        neo4j_driver.execute_query("DROP INDEX paper_embedding IF EXISTS")
    stored = {r["id"]: (r["title"], r["abstract"]) for r in records}
    assert stored == {p.id: (p.title, p.abstract) for p in papers}


def test_server_too_old_for_vector_indexes_is_refused():
    assert check_server_version("5.26.30") == (5, 26, 30)
    with pytest.raises(Neo4jError, match=r"Neo4j 5\.17\.0 is too old: paperkg needs 5\.18"):
        check_server_version("5.17.0")  # vector.similarity.cosine came in 5.18
    with pytest.raises(Neo4jError, match="too old"):
        check_server_version("4.4.30")


def test_unreachable_server_names_the_uri_and_how_to_start_one():
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(Neo4jError) as caught:
        connect(Neo4jSettings(uri=uri, password="whatever"))
    message = str(caught.value)
    assert message.startswith(f"cannot reach Neo4j at {uri}")
    assert "docker compose up -d" in message and "\n" not in message


def test_wrong_password_is_refused_and_never_echoed(neo4j_server, seeds_snapshot: Path):
    uri, _password = neo4j_server
    secret = "hunter2-not-the-password"
    with pytest.raises(Neo4jError) as caught:
        connect(Neo4jSettings(uri=uri, password=secret))
    assert "wrong user or password" in str(caught.value) and secret not in str(caught.value)
    result = CliRunner().invoke(
        main,
        ["push", "--out", str(seeds_snapshot), "--neo4j", uri],
        env={"NEO4J_PASSWORD": secret},
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and secret not in result.output


def test_unknown_database(neo4j_server):
    uri, password = neo4j_server
    with pytest.raises(Neo4jError, match="has no database 'nosuchdb'"):
        connect(Neo4jSettings(uri=uri, password=password, database="nosuchdb"))


@pytest.mark.model  # builds through the CLI, which loads the model in-process
def test_cli_push_and_build_with_neo4j(neo4j_driver, neo4j_server, tmp_path: Path):
    uri, password = neo4j_server
    env = {"NEO4J_PASSWORD": password}
    out = tmp_path / "kg"
    from conftest import EXAMPLES

    built = CliRunner().invoke(
        main, ["build", str(EXAMPLES), "--out", str(out), "--neo4j", uri, "--json"], env=env
    )
    assert built.exit_code == 0, built.output
    report = json.loads(built.stdout)
    assert report["neo4j"]["nodes"]["Paper"] == 49
    assert neo4j_counts(neo4j_driver) == counts_of(out)
    before = tree_digest(out)
    pushed = CliRunner().invoke(
        main, ["push", "--out", str(out), "--neo4j", uri, "--json"], env=env
    )
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.stdout)["relationships"]["SIMILAR_TO"] == 490
    assert tree_digest(out) == before


def test_build_with_unreachable_neo4j_fails_before_writing(tmp_path: Path):
    from conftest import EXAMPLES

    out = tmp_path / "kg"
    result = CliRunner().invoke(
        main,
        ["build", str(EXAMPLES), "--out", str(out), "--neo4j", f"bolt://127.0.0.1:{free_port()}"],
        env={"NEO4J_PASSWORD": "x"},
    )
    assert result.exit_code == 1 and "cannot reach Neo4j" in result.stderr
    assert not out.exists()


def test_a_property_the_snapshot_no_longer_has_leaves_neo4j_too(neo4j_driver, tmp_path: Path):
    """A burst that is over (or any property a newer build no longer sets) is removed by the
    next push; a property the user set in Neo4j stays."""
    papers = [Paper(id=f"title:p{i}", title=f"Paper {i}", abstract="Text.") for i in range(3)]
    vectors = np.eye(3, 8, dtype=np.float32)
    index = build_index(vectors)

    def snapshot(name: str, bursting: bool) -> Path:
        graph = paper_graph(papers, knn_edges(index, vectors, 1))
        if bursting:
            graph.nodes["title:p0"].update(
                burst_starts=["2026-04-06"], burst_ends=["2026-04-12"], burst_weight=2.5
            )
        out = tmp_path / name
        write_snapshot(
            out,
            graph=graph,
            index=index,
            embeddings=Embeddings([p.id for p in papers], ["h"] * 3, vectors),
            manifest=Manifest(
                model=Model("test", 8),
                knn=Knn(k=1, metric="cosine"),
                counts=Counts(nodes={"Paper": 3}, relationships={}),
                inputs=(),
            ),
        )
        return out

    neo4j_driver.execute_query("DROP INDEX paper_embedding IF EXISTS")
    query = "MATCH (p:Paper {id: 'title:p0'}) RETURN p.burst_weight AS w, p.burst_starts AS s"
    try:
        push(neo4j_driver, snapshot("monday", bursting=True))
        (row,), _, _ = neo4j_driver.execute_query(query)
        assert row["w"] == 2.5 and [d.iso_format() for d in row["s"]] == ["2026-04-06"]
        neo4j_driver.execute_query("MATCH (p:Paper {id: 'title:p0'}) SET p.note = 'mine'")
        push(neo4j_driver, snapshot("tuesday", bursting=False))
        (row,), _, _ = neo4j_driver.execute_query(query + ", p.note AS note")
        assert (row["w"], row["s"], row["note"]) == (None, None, "mine")
    finally:
        neo4j_driver.execute_query("DROP INDEX paper_embedding IF EXISTS")

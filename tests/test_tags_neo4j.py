"""Tags in a real Neo4j: ``(:Tag)-[:TAGGED {positive, added}]->(:Paper)`` and the pushed
recommendations ``(:Tag)-[:RECOMMENDS {score, rank, why, mode}]->(:Paper)``; a re-push
replaces a tag's edges, removes a removed tag, leaves a user's own Tag alone, and completes
an interrupted push."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner
from neo4j_server import RUN, LocalNeo4j

from paperkg import open_snapshot
from paperkg.cli import main
from paperkg.graph import read_snapshot
from paperkg.graph.neo4j.store import count_graph, push_snapshot
from paperkg.graph.neo4j.tags import PushedTag
from paperkg.graph.recommend import recommend
from paperkg.graph.schema import Label
from paperkg.graph.tags import TAGS_FILE, TagStore

ADDED = "2026-03-02T08:15:00+00:00"


def papers_of(out: Path, n: int) -> list[str]:
    graph = read_snapshot(out).graph
    papers = sorted(
        node
        for node, data in graph.nodes(data=True)
        if data.get("type") == Label.PAPER and not data.get("stub")
    )
    return papers[:n]


def tag_edges(driver: Any) -> dict[str, dict[str, Any]]:
    """{tag: {"tagged": {id: (positive, added)}, "recommended": {id: (rank, score, why,
    mode)}}} as Neo4j holds them."""
    records, _, _ = driver.execute_query(
        "MATCH (t:Tag) "
        "OPTIONAL MATCH (t)-[g:TAGGED]->(p:Paper) "
        "WITH t, collect([p.id, g.positive, g.added]) AS tagged "
        "OPTIONAL MATCH (t)-[r:RECOMMENDS]->(q:Paper) "
        "RETURN t.name AS name, tagged, collect([q.id, r.rank, r.score, r.why, r.mode]) AS recs"
    )
    return {
        r["name"]: {
            "tagged": {i: (pos, added) for i, pos, added in r["tagged"] if i is not None},
            "recommended": {i: tuple(rest) for i, *rest in r["recs"] if i is not None},
        }
        for r in records
    }


def test_tags_and_recommendations_land_and_a_missing_paper_is_counted(
    neo4j_driver, seeds_snapshot: Path
):
    a, b, c, d = papers_of(seeds_snapshot, 4)
    tags = [
        PushedTag(
            "diffusion",
            (
                (a, True, ADDED),
                (b, True, ADDED),
                ("arxiv:0000.00000", True, ADDED),
                (c, False, ADDED),
            ),
            ((d, 1.25, 1, "like A (0.71)"),),
            "classifier",
        )
    ]
    report = push_snapshot(neo4j_driver, read_snapshot(seeds_snapshot), tags=tags)
    assert report.nodes[Label.TAG] == 1
    assert report.relationships["TAGGED"] == 3 and report.relationships["RECOMMENDS"] == 1
    assert report.tagged_missing == 1
    found = tag_edges(neo4j_driver)
    assert set(found) == {"diffusion"}
    tagged = found["diffusion"]["tagged"]
    assert {i: pos for i, (pos, _added) in tagged.items()} == {a: True, b: True, c: False}
    added = tagged[a][1].to_native()
    assert added == datetime(2026, 3, 2, 8, 15, tzinfo=UTC)  # a DateTime, not text
    assert found["diffusion"]["recommended"] == {d: (1, 1.25, "like A (0.71)", "classifier")}
    counts = count_graph(neo4j_driver)
    assert counts["nodes"]["Tag"] == 1 and counts["relationships"]["TAGGED"] == 3


def test_a_repush_replaces_each_tags_edges_and_removes_a_removed_tag(
    neo4j_driver, seeds_snapshot: Path
):
    snapshot = read_snapshot(seeds_snapshot)
    a, b, c, d, e = papers_of(seeds_snapshot, 5)
    first = [
        PushedTag(
            "one", ((a, True, ADDED), (b, True, ADDED)), ((c, 0.9, 1, "x"), (d, 0.5, 2, "y"))
        ),
        PushedTag("two", ((c, True, ADDED),), ((a, 0.3, 1, "z"),)),
    ]
    push_snapshot(neo4j_driver, snapshot, tags=first)
    neo4j_driver.execute_query("CREATE (:Tag {name: 'mine'})-[:TAGGED]->(:Paper {id: 'x:1'})")
    neo4j_driver.execute_query("MATCH (t:Tag {name: 'one'}) SET t.colour = 'red'")
    graph_before = count_graph(neo4j_driver)
    # b untagged, a moved to a thumbs down, d no longer recommended, e newly; "two" removed.
    second = [PushedTag("one", ((a, False, ADDED), (e, True, ADDED)), ((c, 0.8, 1, "x2"),))]
    report = push_snapshot(neo4j_driver, snapshot, tags=second)
    assert report.deleted_relationships >= 4  # b, d, and the removed tag's two edges
    found = tag_edges(neo4j_driver)
    assert set(found) == {"one", "mine"}  # a Tag paperkg did not write stays, with its edge
    assert set(found["mine"]["tagged"]) == {"x:1"}
    assert {i: p for i, (p, _t) in found["one"]["tagged"].items()} == {a: False, e: True}
    assert found["one"]["recommended"] == {c: (1, 0.8, "x2", "")}
    colour, _, _ = neo4j_driver.execute_query("MATCH (t:Tag {name: 'one'}) RETURN t.colour AS c")
    assert colour[0]["c"] == "red"  # a user's property on a pushed Tag survives
    after = count_graph(neo4j_driver)
    for label in ("Paper", "Method", "Cluster"):
        assert after["nodes"][label] == graph_before["nodes"][label]
    # The same tags again: nothing to change.
    again = push_snapshot(neo4j_driver, snapshot, tags=second)
    assert again.deleted_relationships == 0 and again.pruned_nodes == 0
    assert tag_edges(neo4j_driver)["one"] == found["one"]
    # No tags at all: the pushed tag goes, the user's stays.
    push_snapshot(neo4j_driver, snapshot)
    left = tag_edges(neo4j_driver)
    assert set(left) == {"mine"} and set(left["mine"]["tagged"]) == {"x:1"}


class Interrupted(Exception):
    pass


def test_a_push_interrupted_while_writing_tags_is_completed_by_the_next(
    neo4j_driver, seeds_snapshot: Path
):
    snapshot = read_snapshot(seeds_snapshot)
    ids = papers_of(seeds_snapshot, 30)
    old = [PushedTag("t", tuple((i, True, ADDED) for i in ids[:10]))]
    push_snapshot(neo4j_driver, snapshot, tags=old)
    new = [PushedTag("t", tuple((i, True, ADDED) for i in ids[5:30]), ((ids[0], 1.0, 1, "w"),))]

    def die(stage: str, done: int, total: int) -> None:
        if stage.startswith("TAGGED") and done >= 10:
            raise Interrupted(stage)

    with pytest.raises(Interrupted):
        push_snapshot(neo4j_driver, snapshot, tags=new, batch_size=5, progress=die)
    half = tag_edges(neo4j_driver)["t"]["tagged"]
    assert set(ids[:10]) <= set(half) and len(half) < 30  # the old edges are still there
    push_snapshot(neo4j_driver, snapshot, tags=new, batch_size=5)
    done = tag_edges(neo4j_driver)["t"]
    assert set(done["tagged"]) == set(ids[5:30])
    assert done["recommended"] == {ids[0]: (1, 1.0, "w", "")}


def test_paperkg_push_writes_the_snapshots_tags_and_a_removed_tag_goes(
    neo4j_driver, neo4j_server, seeds_snapshot: Path, tmp_path: Path
):
    out = tmp_path / "kg"
    shutil.copytree(seeds_snapshot, out)
    snapshot = open_snapshot(out)
    ids = papers_of(out, 8)
    snapshot.tag_add("five", *ids[:5])
    snapshot.tag_add("five", ids[5], negative=True)
    snapshot.tag_add("two", *ids[6:8])
    TagStore(out).add("two", [("arxiv:0000.00001", "Not in this snapshot")])
    uri, password = neo4j_server
    env = {"NEO4J_PASSWORD": password}
    pushed = CliRunner().invoke(main, ["push", "--out", str(out), "--neo4j", uri, "-q"], env=env)
    assert pushed.exit_code == 0, pushed.output
    assert "tagged papers not in the snapshot (skipped)" in pushed.output
    found = tag_edges(neo4j_driver)
    assert {i: p for i, (p, _t) in found["five"]["tagged"].items()} == {
        **dict.fromkeys(ids[:5], True),
        ids[5]: False,
    }
    expected = recommend(snapshot.graph, snapshot._stored.embeddings, snapshot.tag("five"), k=50)
    ranked = sorted(found["five"]["recommended"].items(), key=lambda item: item[1][0])
    assert [i for i, _r in ranked] == [p.id for p in expected.papers]
    assert {r[3] for _i, r in ranked} == {"classifier"}
    two = found["two"]["recommended"]  # fewer than 3 positives: similarity, said so
    assert len(two) == 50 and {r[3] for r in two.values()} == {"similarity"}
    assert not set(two) & set(ids[6:8])
    removed = CliRunner().invoke(main, ["tag", "remove", "two", "--out", str(out)])
    assert removed.exit_code == 0, removed.output
    again = CliRunner().invoke(
        main, ["push", "--out", str(out), "--neo4j", uri, "-q", "--json"], env=env
    )
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["tagged_missing"] == 0 and report["nodes"]["Tag"] == 1
    assert report["deleted_relationships"] >= 2 + 50 and report["pruned_nodes"] == 1
    assert set(tag_edges(neo4j_driver)) == {"five"}


def _everything(driver: Any) -> list[str]:
    """Every node and relationship with its properties, comparable across databases."""
    key = "coalesce({v}.id, {v}.key, {v}.url, {v}.name)"
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels, _, _ = driver.execute_query(
        f"MATCH (a)-[r]->(b) RETURN type(r) AS t, {key.format(v='a')} AS a, "
        f"{key.format(v='b')} AS b, properties(r) AS p"
    )
    return sorted(json.dumps(r.data(), sort_keys=True, default=repr) for r in [*nodes, *rels])


@pytest.mark.neo4j
def test_the_import_csvs_hold_the_tags_a_push_writes(seeds_snapshot: Path, tmp_path: Path):
    out = tmp_path / "kg"
    shutil.copytree(seeds_snapshot, out)
    snapshot = open_snapshot(out)
    ids = papers_of(out, 6)
    snapshot.tag_add("five", *ids[:5])
    snapshot.tag_add("five", ids[5], negative=True)
    export = snapshot.export("neo4j-csv", tmp_path / "csv")
    assert export.nodes["Tag"] == 1
    assert export.relationships == {**export.relationships, "TAGGED": 6, "RECOMMENDS": 50}
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
    server.start()
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
            with driver.session() as session:
                for line in export.after_import.read_text(encoding="utf-8").splitlines():
                    if line.strip() and not line.startswith("//"):
                        session.run(line.rstrip().removesuffix(";")).consume()
            found = tag_edges(driver)["five"]
            assert found["tagged"][ids[0]][1].to_native().tzinfo is not None  # a DateTime
            assert len(found["recommended"]) == 50
            dump = _everything(driver)
            report = snapshot.push(driver)  # the same stamp: nothing to change
            assert report.deleted_relationships == 0 and report.pruned_nodes == 0
            assert _everything(driver) == dump
    finally:
        server.stop()


def test_a_damaged_tags_file_stops_the_push_before_anything_is_written(
    neo4j_driver, neo4j_server, seeds_snapshot: Path, tmp_path: Path
):
    out = tmp_path / "kg"
    shutil.copytree(seeds_snapshot, out)
    (out / TAGS_FILE).write_text('{"format": "paperkg-tags", "version": 1, "tags": [', "utf-8")
    uri, password = neo4j_server
    result = CliRunner().invoke(
        main, ["push", "--out", str(out), "--neo4j", uri, "-q"], env={"NEO4J_PASSWORD": password}
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and TAGS_FILE in last and "line 1" in last
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0  # the tags in Neo4j are never wiped by a file it cannot read

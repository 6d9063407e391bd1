"""Parallel batches and CREATE for relationship kinds the database lacks: a push interrupted
mid-way is still completed without duplicates, and a re-push still changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkg.graph import read_manifest, read_snapshot, snapshot_stats
from paperkg.graph.neo4j import cypher
from paperkg.graph.neo4j.store import push_snapshot
from paperkg.graph.schema import Label, RelType


class Interrupted(Exception):
    pass


def similar_to(driver) -> tuple[int, int]:
    records, _, _ = driver.execute_query(
        f"MATCH (a)-[r:{RelType.SIMILAR_TO}]->(b) "
        "RETURN count(r) AS n, count(DISTINCT [a.id, b.id]) AS pairs"
    )
    return records[0]["n"], records[0]["pairs"]


@pytest.mark.neo4j
def test_a_push_stopped_while_creating_relationships_is_completed_without_duplicates(
    neo4j_driver, seeds_snapshot: Path
):
    snapshot = read_snapshot(seeds_snapshot)
    expected = snapshot_stats(read_manifest(seeds_snapshot))["similar_to"]

    def stop(stage: str, done: int, total: int) -> None:
        if stage.startswith(RelType.SIMILAR_TO) and done >= 40:
            raise Interrupted(stage)

    with pytest.raises(Interrupted):
        push_snapshot(neo4j_driver, snapshot, batch_size=10, progress=stop)
    half, _ = similar_to(neo4j_driver)
    assert 40 <= half < expected  # the first push CREATEd some, in parallel batches
    push_snapshot(neo4j_driver, snapshot, batch_size=10)
    assert similar_to(neo4j_driver) == (expected, expected)
    again = push_snapshot(neo4j_driver, snapshot, batch_size=7)
    assert similar_to(neo4j_driver) == (expected, expected)
    assert again.deleted_relationships == 0


@pytest.mark.neo4j
def test_a_fresh_push_still_sweeps_relationships_of_a_kind_it_does_not_create(
    neo4j_driver, seeds_snapshot: Path
):
    """A kind the database already has is MERGEd and swept: an edge no snapshot has goes."""
    snapshot = read_snapshot(seeds_snapshot)
    push_snapshot(neo4j_driver, snapshot)
    neo4j_driver.execute_query(
        f"MATCH (a:{Label.PAPER}), (b:{Label.PAPER}) WHERE a <> b "
        f"WITH a, b LIMIT 1 CREATE (a)-[:{RelType.SIMILAR_TO} {{paperkg_push: 'old'}}]->(b)"
    )
    report = push_snapshot(neo4j_driver, snapshot)
    assert report.deleted_relationships == 1
    expected = snapshot_stats(read_manifest(seeds_snapshot))["similar_to"]
    assert similar_to(neo4j_driver)[0] == expected


def test_create_statements_only_differ_from_merge_in_the_verb():
    for kind, merge in cypher.MERGE_RELATIONSHIPS.items():
        assert cypher.CREATE_RELATIONSHIPS[kind] == merge.replace(" MERGE (a)", " CREATE (a)")

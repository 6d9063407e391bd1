"""Parallel batches: a push interrupted mid-way is still completed without duplicates, a
re-push still changes nothing, and two pushes running at once write each relationship once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from paperkg.graph import read_manifest, read_snapshot, snapshot_stats
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
    assert 40 <= half < expected  # the first push wrote some, in parallel batches
    push_snapshot(neo4j_driver, snapshot, batch_size=10)
    assert similar_to(neo4j_driver) == (expected, expected)
    again = push_snapshot(neo4j_driver, snapshot, batch_size=7)
    assert similar_to(neo4j_driver) == (expected, expected)
    assert again.deleted_relationships == 0


@pytest.mark.neo4j
def test_two_pushes_at_once_write_each_relationship_once(neo4j_driver, seeds_snapshot: Path):
    """Both find an empty database: neither may create a relationship the other wrote."""
    snapshot = read_snapshot(seeds_snapshot)
    expected = snapshot_stats(read_manifest(seeds_snapshot))["similar_to"]
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(push_snapshot, neo4j_driver, snapshot, batch_size=50) for _ in "ab"]
        for run in runs:
            run.result()
    assert similar_to(neo4j_driver) == (expected, expected)
    again = push_snapshot(neo4j_driver, snapshot)
    assert again.deleted_relationships == 0 and similar_to(neo4j_driver) == (expected, expected)


@pytest.mark.neo4j
def test_a_repush_sweeps_a_relationship_no_snapshot_has(neo4j_driver, seeds_snapshot: Path):
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

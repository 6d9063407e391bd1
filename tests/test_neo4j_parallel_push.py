"""Parallel batches: a push interrupted mid-way is still completed without duplicates, a
re-push still changes nothing, and two pushes running at once write each relationship once."""

from __future__ import annotations

import logging
import re
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


@pytest.mark.neo4j
def test_the_drivers_debug_log_names_each_batch_by_its_size_not_its_rows(
    neo4j_driver, seeds_snapshot: Path, caplog: pytest.LogCaptureFixture
):
    """The driver formats every query's parameters for its debug log, on or off: a batch of
    papers with their embeddings must format as its size, or formatting costs more than
    sending (issue 23: 8.5 s of 9.5 s for 20,000 papers)."""
    snapshot = read_snapshot(seeds_snapshot)
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        push_snapshot(neo4j_driver, snapshot, batch_size=100)
    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage()]
    merges = [line for line in runs if f"MERGE (n:{Label.PAPER} " in line]
    assert merges and all(re.search(r"'rows': <\d+ rows>", line) for line in merges)
    assert max(len(line) for line in merges) < 2_000  # 100 embeddings would be ~800,000
    assert (
        similar_to(neo4j_driver)[0] == snapshot_stats(read_manifest(seeds_snapshot))["similar_to"]
    )


@pytest.mark.neo4j
def test_a_first_push_scans_no_type_for_stale_edges_and_a_repush_scans_them_all(
    neo4j_driver, seeds_snapshot: Path, caplog: pytest.LogCaptureFixture
):
    """Nothing can be stale in a type the database held none of; once it holds some, the
    sweep runs (and an edge no snapshot has goes, as tested above)."""
    snapshot = read_snapshot(seeds_snapshot)

    def sweeps() -> list[str]:
        lines = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage()]
        caplog.clear()
        return [line for line in lines if "DELETE r" in line]

    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        push_snapshot(neo4j_driver, snapshot)
        assert sweeps() == []
        push_snapshot(neo4j_driver, snapshot)
        swept = sweeps()
    assert any(f":{RelType.SIMILAR_TO}]" in line for line in swept)
    assert any(f":{RelType.IN_CLUSTER}]" in line for line in swept)

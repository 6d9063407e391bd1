"""A push interrupted by the server dying is completed by running the same push again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import neo4j
import pytest
from neo4j_server import LocalNeo4j

from paperkg.graph import read_manifest, snapshot_stats


def paper_count(uri: str, password: str) -> int:
    try:
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
            return records[0]["n"]
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
        return -1


@pytest.mark.neo4j
def test_server_killed_mid_push_then_restarted_rerun_gives_exact_counts(
    tmp_path: Path, seeds_snapshot: Path
):
    server = LocalNeo4j(tmp_path)
    server.start()
    try:
        env = {**os.environ, "NEO4J_PASSWORD": server.password}
        command = [
            str(Path(sys.executable).with_name("paperkg")),
            "push",
            "--out",
            str(seeds_snapshot),
            "--neo4j",
            server.uri,
            "--neo4j-batch-size",
            "5",
            "-q",
        ]
        pushing = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while paper_count(server.uri, server.password) < 50:
            assert pushing.poll() is None, "the push finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        server.kill()
        _out, err = pushing.communicate(timeout=120)
        assert pushing.returncode == 1
        assert err.strip().splitlines()[-1].startswith("Error: ")
        assert "Traceback" not in err

        server.start()
        interrupted = paper_count(server.uri, server.password)
        assert 0 < interrupted < 370 or interrupted == 370  # whatever committed survived
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        stats = snapshot_stats(read_manifest(seeds_snapshot))
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
            papers, _, _ = driver.execute_query(
                "MATCH (p:Paper) RETURN count(p) AS n, count(DISTINCT p.id) AS ids"
            )
            edges, _, _ = driver.execute_query(
                "MATCH (a)-[r:SIMILAR_TO]->(b) "
                "RETURN count(r) AS n, count(DISTINCT [a.id, b.id]) AS pairs"
            )
        assert papers[0]["n"] == papers[0]["ids"] == stats["papers"]
        assert edges[0]["n"] == edges[0]["pairs"] == stats["similar_to"]
    finally:
        server.stop()

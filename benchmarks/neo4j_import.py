"""Offline bulk import versus batched push: the same synthetic snapshot into Neo4j both ways.

The snapshot is neo4j_load.py's (N papers, 384-d embeddings, 10 SIMILAR_TO each). Push:
`paperkg push`'s code path into an emptied local server. Import: `paperkg export neo4j-csv`
(Python), the real `neo4j-admin database import full` of the same Neo4j 5.26.30
(tools/neo4j/run.sh admin), then after-import.cypher (constraints, full-text and vector
indexes, empty lists) on the started server; the server start in between is shown apart.
Writes the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import neo4j
from neo4j_load import synthetic, timed_push
from report import ROOT, median, write_section

sys.path.insert(0, str(ROOT / "tests"))
from neo4j_server import RUN, LocalNeo4j

from paperkg.graph.neo4j.admin_csv import EMPTY_LISTS, export_neo4j_csv
from paperkg.graph.neo4j.store import count_graph
from paperkg.graph.snapshot.read import read_snapshot


def _statements(path: Path) -> list[str]:
    return [
        line.rstrip().removesuffix(";")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("//")
    ]


def timed_import(work: Path, out: Path) -> dict[str, float]:
    """One import from scratch: seconds per step, and the counts Neo4j holds afterwards."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    export = export_neo4j_csv(read_snapshot(out), work / "csv")
    exported = time.perf_counter()
    server = LocalNeo4j(work)
    admin = [str(RUN), "admin", "--data", str(work / "data"), *export.command[1:]]
    admin.append(f"--report-file={work / 'import.report'}")
    subprocess.run(admin, check=True, capture_output=True)
    imported = time.perf_counter()
    server.start()
    ready = time.perf_counter()
    lists = populate = 0.0
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
            with driver.session() as session:
                for statement in _statements(export.after_import):
                    before = time.perf_counter()
                    session.run(statement).consume()
                    if EMPTY_LISTS in statement:
                        lists += time.perf_counter() - before
                    elif statement.startswith("CALL db.awaitIndexes"):
                        populate += time.perf_counter() - before
            done = time.perf_counter()
            counts = count_graph(driver)
    finally:
        server.stop()
    return {
        "export": exported - started,
        "import": imported - exported,
        "start": ready - imported,
        "after": done - ready,
        "lists": lists,
        "populate": populate,
        "nodes": sum(counts["nodes"].values()),
        "relationships": sum(counts["relationships"].values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # "type does not exist" notices
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="paperkg-neo4j-import-bench-"))
    synthetic(work / "kg", args.papers)
    server = LocalNeo4j(work)
    server.start()
    try:
        pushes = [
            timed_push(server.uri, server.password, work / "kg", args.batch)
            for _ in range(args.runs)
        ]
    finally:
        server.stop()
    imports = [timed_import(work / "import", work / "kg") for _ in range(args.runs)]
    shutil.rmtree(work, ignore_errors=True)

    push_s = median([p[0] for p in pushes])
    nodes, rels = pushes[0][1], pushes[0][2]
    assert (imports[0]["nodes"], imports[0]["relationships"]) == (nodes, rels), imports[0]
    names = ("export", "import", "start", "after", "lists", "populate")
    step = {k: median([i[k] for i in imports]) for k in names}
    total = step["export"] + step["import"] + step["after"]
    rows = nodes + rels
    body = f"""## Bulk import versus push (`benchmarks/neo4j_import.py`)

Command: `python benchmarks/neo4j_import.py --papers {args.papers} --runs {args.runs}`. The
synthetic snapshot of `neo4j_load.py`: {nodes:,} papers with 384-d embeddings and {rels:,}
`SIMILAR_TO` edges, into a local Neo4j 5.26.30 Community (tools/neo4j, 1 GB heap). Push:
`paperkg push`'s batched `UNWIND ... MERGE` ({args.batch} rows per transaction) into an
emptied database. Import: `paperkg export neo4j-csv`, then the printed
`neo4j-admin database import full` (tools/neo4j/run.sh admin, a new JVM), then
`after-import.cypher` on the started server (constraints, full-text and vector indexes
populated, empty lists restored). Both end with the same database. Median of {args.runs} runs;
1-minute load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (other work
on the machine makes the figures noisier).

| step | seconds | rows/s |
|---|---|---|
| push (schema + batched MERGE) | {push_s:.1f} | {rows / push_s:,.0f} |
| export neo4j-csv (Python) | {step["export"]:.1f} | |
| neo4j-admin database import full | {step["import"]:.1f} | |
| after-import.cypher | {step["after"]:.1f} | |
| - of which restoring empty lists | {step["lists"]:.1f} | |
| - of which waiting for the indexes to be populated | {step["populate"]:.1f} | |
| **import total** (export + import + after-import) | {total:.1f} | {rows / total:,.0f} |
| server start on the imported store (not in the total) | {step["start"]:.1f} | |

The import path takes **{total / push_s:.1f}x** the time of the push here. neo4j-admin
itself writes the {rows:,} rows in {step["import"]:.1f} s
({rows / step["import"]:,.0f} rows/s); around it come the CSV export in Python, a new JVM,
and populating the full-text and vector indexes in one go afterwards
({step["populate"]:.1f} s; a push maintains them as it writes, inside its figure), and the
server restart on top. Populating the vector index alone bounds any load of {nodes:,}
embedded papers on this machine from below, push or import.
"""
    write_section("neo4j_import", body)
    print(body)


if __name__ == "__main__":
    main()

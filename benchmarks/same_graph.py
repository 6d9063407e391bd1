"""Does a change keep the graph the same? Build the seed pages and digest what a user sees.

A restructuring must not change behaviour: run this before the change with ``--save``, after
it with ``--compare``, and it says whether papers, edges (with every property), clusters,
scores and embeddings are identical, and where they differ.

    python benchmarks/same_graph.py --save /tmp/before.json
    python benchmarks/same_graph.py --compare /tmp/before.json

The build runs the installed ``paperkg`` command (the code of the checkout), offline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from seed_pages import seed_pages  # noqa: E402 (tests/ is on the path only from here)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def describe(snapshot: Path) -> dict[str, Any]:
    """Digests of a snapshot's content: one per aspect, so a difference says where it is."""
    import numpy as np

    graph = json.loads((snapshot / "graph.json").read_text(encoding="utf-8"))
    nodes = sorted(graph["nodes"], key=lambda n: json.dumps(n, sort_keys=True))
    edges = sorted(graph["edges"], key=lambda e: json.dumps(e, sort_keys=True))
    papers = [n for n in nodes if n.get("type") == "Paper"]
    by_kind: dict[str, list[Any]] = {}
    for edge in edges:
        by_kind.setdefault(str(edge.get("key")), []).append(edge)
    with np.load(snapshot / "embeddings.npz") as data:
        vectors = np.ascontiguousarray(data["vectors"])
        ids = [str(x) for x in data["ids"]]
    scores = {
        key: [n.get(key) for n in papers] for key in ("pagerank", "betweenness", "bridge_score")
    }
    return {
        "counts": {"nodes": len(nodes), "papers": len(papers), "edges": len(edges)},
        "papers": _digest([n["node"] for n in papers]),
        "nodes": _digest(nodes),
        "edges": {kind: _digest(items) for kind, items in sorted(by_kind.items())},
        "clusters": _digest([(n["node"], n.get("cluster")) for n in papers]),
        "scores": _digest(scores),
        "embeddings": hashlib.sha256(vectors.tobytes()).hexdigest() + ":" + _digest(ids),
    }


def build_seeds(out: Path) -> None:
    """``paperkg build`` of the five seed pages with default settings."""
    seeds = seed_pages()
    exe = Path(sys.executable).with_name("paperkg")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [str(exe), "build", *map(str, seeds), "--out", str(out), "--quiet"]
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the digests of a fresh build here")
    group.add_argument("--compare", type=Path, help="compare a fresh build with these digests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "kg"
        build_seeds(out)
        now = describe(out)
    if args.save:
        args.save.write_text(json.dumps(now, indent=2, sort_keys=True) + "\n")
        print(f"saved {args.save}: {now['counts']}")
        return
    before = json.loads(args.compare.read_text())
    differ = [key for key in sorted(before) if before[key] != now.get(key)]
    for key in differ:
        print(f"differs: {key}: {before[key]} -> {now.get(key)}")
    print("identical: papers, edges, clusters, scores, embeddings" if not differ else "")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

"""Build ../shared/seeds cold (fresh --out) and warm (cache hit), per stage, median of N runs.

Each run is a separate `paperkg build --json` process, so cold runs pay the model load and
imports as a user would. Writes the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import ROOT, median, write_section

sys.path.insert(0, str(ROOT / "tests"))
from seed_pages import seed_folder

STAGES = ("parse", "extract", "model", "embed", "index", "analyse", "time", "write")


def run_build(out: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "paperkg", "build", str(seed_folder()), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    report["wall"] = time.perf_counter() - started
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paperkg-bench-"))
    cold, warm = [], []
    try:
        for run in range(args.runs):
            out = work / f"cold-{run}"
            cold.append(run_build(out))
            warm.append(run_build(out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    papers = cold[0]["papers"]

    def row(label: str, runs: list[dict]) -> str:
        cells = [f"{median([r['seconds'][s] for r in runs]):.2f}" for s in STAGES]
        embedded = runs[0]["embedded"]
        embed = median([r["seconds"]["embed"] for r in runs])
        rate = f"{embedded / embed:.1f}" if embedded else "-"
        wall = median([r["wall"] for r in runs])
        return f"| {label} | {embedded} | " + " | ".join(cells) + f" | {wall:.2f} | {rate} |"

    speedup = median([r["wall"] for r in cold]) / median([r["wall"] for r in warm])
    body = f"""## Building the seeds (`benchmarks/build_seeds.py`)

Command: `python benchmarks/build_seeds.py --runs {args.runs}` — `paperkg build ../shared/seeds`
({cold[0]["records"]} records, {papers} papers, all-MiniLM-L6-v2 on CPU, default OpenVINO
backend, batch 32),
each run a fresh process. *Cold* builds into an empty folder; *warm* rebuilds the same folder,
so every embedding comes from the snapshot's cache and the model is never loaded. Seconds,
median of {args.runs} runs; *wall* is the whole command including Python and torch imports;
docs/s is papers embedded over the embed stage (model load excluded).

| build | papers embedded | {" | ".join(f"{s} s" for s in STAGES)} | wall s | docs/s |
|---|---|---|---|---|---|---|---|---|---|---|
{row("cold", cold)}
{row("warm (cache)", warm)}

Warm over cold, whole command: {speedup:.1f}x faster.
"""
    write_section("build_seeds", body)
    print(body)


if __name__ == "__main__":
    main()

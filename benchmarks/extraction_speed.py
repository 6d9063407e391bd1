"""Seconds of entity, link and citation extraction (the build's "extract" stage) on the seed
pages and on the synthetic corpus, each run in a fresh process so lazy loads are paid.

    python benchmarks/extraction_speed.py --runs 5 --synthetic 100000 --synthetic-runs 3
    python benchmarks/extraction_speed.py --save /tmp/base.json      # figures only
    python benchmarks/extraction_speed.py --baseline /tmp/base.json  # ratio against them

``--baseline`` takes figures saved by ``--save`` from another commit on this machine (the
issue's own baseline, 0.43 s and 79 s, was measured on another CPU); without it, the saved
figures in ``benchmarks/data/extraction_speed_before.json`` serve when this machine matches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from report import ROOT, commit, machine, median, write_section

#: Figures from before the entity issue (commit a2a4a60), saved by ``--save`` on an AMD EPYC:
#: the default baseline on a machine of the same description.
BEFORE = ROOT / "benchmarks" / "data" / "extraction_speed_before.json"

_CHILD = """
import sys, time
sys.path[:0] = [{tests!r}, {benchmarks!r}]
from paperkg.graph.extract.extraction import extract_corpus
from paperkg.graph.extract.gazetteer import load_gazetteer
if {size} == 0:
    from seed_pages import seed_folder
    from paperkg.graph.papers import merge_records
    from paperkg.loaders import load_sources
    papers = merge_records(load_sources([seed_folder()]).records)
else:
    from synth import synthetic_corpus
    papers = synthetic_corpus({size})[0]
gazetteer = load_gazetteer()
started = time.perf_counter()
extract_corpus(papers, gazetteer)
print(time.perf_counter() - started)
"""


def one_run(size: int) -> float:
    """Seconds ``extract_corpus`` takes in a fresh process (0: the seed pages)."""
    code = _CHILD.format(tests=str(ROOT / "tests"), benchmarks=str(ROOT / "benchmarks"), size=size)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs on the seed pages")
    parser.add_argument("--synthetic", type=int, default=100_000, help="synthetic papers")
    parser.add_argument("--synthetic-runs", type=int, default=3)
    parser.add_argument("--save", type=Path, help="write the figures as JSON, no report")
    parser.add_argument("--baseline", type=Path, help="figures saved by --save to compare")
    args = parser.parse_args()
    seeds = [one_run(0) for _ in range(args.runs)]
    synthetic = [one_run(args.synthetic) for _ in range(args.synthetic_runs)]
    figures = {
        "commit": commit(),
        "machine": machine(),
        "seeds": median(seeds),
        "synthetic": median(synthetic),
        "synthetic_papers": args.synthetic,
    }
    if args.save:
        args.save.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(figures, indent=2))
        return
    base = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
    if base is None and BEFORE.exists():
        saved = json.loads(BEFORE.read_text(encoding="utf-8"))
        # a ratio means something only against figures from the same kind of machine
        if saved["machine"] == figures["machine"] and saved["synthetic_papers"] == args.synthetic:
            base = saved
    rows = []
    for name, label in (("seeds", "seed pages (370 papers)"), ("synthetic", "synthetic")):
        if name == "synthetic":
            label = f"synthetic ({args.synthetic:,} papers)"
        ratio = f"{figures[name] / base[name]:.2f}" if base else "-"
        before = f"{base[name]:.2f}" if base else "-"
        rows.append(f"| {label} | {before} | {figures[name]:.2f} | {ratio} |")
    against = (
        f"the baseline is commit {base['commit']} measured the same way on this machine"
        if base
        else "no baseline given"
    )
    body = f"""## Extraction speed (`benchmarks/extraction_speed.py`)

Command: `python benchmarks/extraction_speed.py --runs {args.runs} --synthetic \
{args.synthetic} --synthetic-runs {args.synthetic_runs}{" --baseline FILE" if base else ""}`.
Seconds of `extract_corpus` (the build's extract stage), each run in a fresh process (lazy
loads such as the English word list are paid); medians of {args.runs} runs on the seeds and
{args.synthetic_runs} on the synthetic corpus; {against}. Goal (entity issue): within 10 %
of the speed before it (0.43 s on the seeds, 79 s at 100,000 papers on an Intel Xeon).

| corpus | before s | now s | now / before |
|---|---|---|---|
{chr(10).join(rows)}
"""
    write_section("extraction_speed", body)
    print(body)


if __name__ == "__main__":
    main()

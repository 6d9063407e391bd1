"""The ``paperkg`` command: a thin click shell over the library. Each command parses its
options, calls one library function and renders what it returns."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from paperkg import __version__
from paperkg.build import BuildOptions, build
from paperkg.errors import PaperkgError
from paperkg.graph import (
    DEFAULT_MODEL,
    DEFAULT_OUT,
    read_manifest,
    read_snapshot,
    similar,
    snapshot_stats,
)
from paperkg.loaders import FORMATS
from paperkg.render import ProgressBars, print_json, print_table


class PaperkgGroup(click.Group):
    """Turns every ``PaperkgError`` into one ``Error: ...`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaperkgError as exc:
            raise click.ClickException(str(exc)) from exc


def out_option(func: Any) -> Any:
    return click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
        default=DEFAULT_OUT,
        show_default=True,
        envvar="PAPERKG_OUT",
        help="Snapshot folder (env PAPERKG_OUT).",
    )(func)


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


@click.group(cls=PaperkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperkg")
def main() -> None:
    """Turn research-paper feeds into a citation-and-similarity knowledge graph.

    Build a snapshot with `paperkg build SOURCES`, then explore it with `stats` and
    `similar`. Every command reads the snapshot in --out (default ./paperkg-out).
    """


@main.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@click.option(
    "-k",
    "k",
    type=int,
    default=10,
    show_default=True,
    help="Similar papers linked per paper (SIMILAR_TO edges).",
)
@click.option(
    "--min-score",
    type=float,
    default=None,
    help="Drop SIMILAR_TO edges below this cosine similarity (default: keep all k).",
)
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="sentence-transformers model name or local folder.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Input format for every source (default: detected from content).",
)
@click.option("--batch-size", type=int, default=32, show_default=True, help="Embedding batch size.")
@click.option("--device", default=None, help="Torch device for embeddings, e.g. cpu or cuda.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@json_option
def build_command(
    sources: tuple[Path, ...],
    out: Path,
    k: int,
    min_score: float | None,
    model: str,
    fmt: str | None,
    batch_size: int,
    device: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Build a snapshot from SOURCES (files and folders of paper listings).

    Folders are searched recursively for .txt, .json, .jsonl and .ndjson files. Papers
    already embedded in --out with the same model are not embedded again. The snapshot is
    replaced only once the new one is complete.
    """
    options = BuildOptions(
        k=k, min_score=min_score, model=model, format=fmt, batch_size=batch_size, device=device
    )
    with ProgressBars(enabled=not (quiet or as_json)) as bars:
        report = build(list(sources), out, options, progress=bars)
    if as_json:
        print_json(asdict(report))
        return
    print_table(
        f"Snapshot written to {report.out}",
        ["what", "count"],
        [
            ("input files", report.files),
            ("records read", report.records),
            ("papers", report.papers),
            ("SIMILAR_TO edges", report.similar_to),
            ("papers embedded", report.embedded),
            ("embeddings reused", report.reused),
        ],
    )
    stages = ", ".join(f"{name} {secs:.2f}s" for name, secs in report.seconds.items())
    click.echo(f"model {report.model}; {stages}")


@main.command("stats")
@out_option
@json_option
def stats_command(out: Path, as_json: bool) -> None:
    """Counts of papers, edges and inputs in a snapshot, and the model that embedded it."""
    stats = snapshot_stats(read_manifest(out))
    if as_json:
        print_json(stats)
        return
    rows: list[tuple[str, Any]] = [("papers", stats["papers"])]
    rows += [(f"{rel} edges", n) for rel, n in stats["relationships"].items()]
    rows += [(f"{label} nodes", n) for label, n in stats["nodes"].items() if label != "Paper"]
    rows += [("input files", stats["sources"]), ("records read", stats["records"])]
    print_table(f"Snapshot {out}", ["what", "count"], rows)
    click.echo(
        f"model {stats['model']} ({stats['dimension']} dimensions), k={stats['k']}, "
        f"built {stats['created']}"
    )


@main.command("similar")
@click.argument("query")
@out_option
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many papers to show.")
@json_option
def similar_command(query: str, out: Path, k: int, as_json: bool) -> None:
    """Papers most similar to QUERY: a paper's title or id, or any free text."""
    hits = similar(read_snapshot(out), query, k)
    if as_json:
        print_json([asdict(hit) for hit in hits])
        return
    print_table(
        None,
        ["#", "score", "title", "id"],
        [(rank, f"{hit.score:.3f}", hit.title, hit.id) for rank, hit in enumerate(hits, 1)],
    )


if __name__ == "__main__":
    main()

"""The ``paperkg`` command: a thin click shell over the library. Each command parses its
options, calls one library function and renders what it returns."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from paperkg import __version__
from paperkg.api import open_snapshot
from paperkg.errors import Neo4jError, NotFoundError, PaperkgError
from paperkg.graph import DEFAULT_OUT, snapshot_stats
from paperkg.graph.analytics.cluster_changes import UpdateReport
from paperkg.graph.embed.embeddings import BACKENDS
from paperkg.graph.export.files import FileExport
from paperkg.graph.extract.confidence import CONFIDENCE
from paperkg.graph.neo4j.store import Neo4jSettings, PushReport, check_uri, connect
from paperkg.graph.report.connect import ConnectReport
from paperkg.graph.report.linked_works import next_hop_ids
from paperkg.graph.report.lookup import PaperProfile
from paperkg.graph.report.topics import BridgeLink, ClusterRow
from paperkg.graph.report.trends import TrendsReport
from paperkg.graph.schema import Label
from paperkg.graph.search import QueryReading
from paperkg.graph.tags import TagChange
from paperkg.loaders import (
    FORMATS,
    FetchConfig,
    RecordFilter,
    fetch_arxiv,
    fetch_hf_daily,
    fetch_openalex,
    fetch_s2,
    make_client,
)
from paperkg.loaders.openalex import openalex_request_id
from paperkg.loaders.semantic_scholar import s2_request_id
from paperkg.pipeline import DEFAULTS, BuildOptions, BuildReport, build
from paperkg.queries import export_catalog, find_query, load_catalog, run_query, typed_params
from paperkg.queries.explain import explain_empty
from paperkg.queries.papers import resolve_paper_params
from paperkg.queries.text import text_params
from paperkg.render import (
    ProgressBars,
    error_line,
    print_json,
    print_line,
    print_table,
    visible,
)
from paperkg.viz import write_page

if TYPE_CHECKING:
    import httpx

#: A command function, as the option decorators below take and return it.
F = TypeVar("F", bound=Callable[..., Any])

T = TypeVar("T")

#: What each basis of an entity link is worth, for the --min-confidence help.
_BASES = ", ".join(f"{basis} {value:g}" for basis, value in CONFIDENCE.items())


class CommandError(click.ClickException):
    """A ``PaperkgError`` on its way to the terminal, with its stable ``code``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Interrupted(click.ClickException):
    """Ctrl-C: exit status 130, as shells report a command killed by SIGINT."""

    exit_code = 130
    code = "interrupted"

    def __init__(self) -> None:
        super().__init__("Interrupted")


def _wants_json(args: list[str]) -> bool:
    """Whether ``--json`` is among the options (not after ``--``, where it is an argument)."""
    options = args[: args.index("--")] if "--" in args else args
    return "--json" in options


def flag_message(exc: PaperkgError, command: click.Command) -> str:
    """``exc``'s message with the Python parameter it starts with (``k``, ``min_score``,
    ``out``) spelled as ``command``'s flag for it (``-k``, ``--min-score``, ``--out``)."""
    message = str(exc)
    if exc.param is None or not message.startswith(f"{exc.param} "):
        return message
    for param in command.params:
        if isinstance(param, click.Option) and param.name == exc.param:
            flag = next((o for o in param.opts if o.startswith("--")), param.opts[0])
            return flag + message[len(exc.param) :]
    return message


class PaperkgCommand(click.Command):
    """A command whose library errors name its own flags rather than Python parameters."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaperkgError as exc:
            raise CommandError(flag_message(exc, self), exc.code) from exc


class PaperkgGroup(click.Group):
    """The edge between the library and the terminal.

    A ``PaperkgError`` becomes one ``Error: ...`` line on stderr and exit status 1 (naming
    the command's flags, see ``PaperkgCommand``), a usage mistake click's usage and
    ``Error:`` line and status 2, Ctrl-C one ``Interrupted`` line and status 130; every
    message is made inert and short by ``error_line``. With ``--json`` among the
    arguments, stdout also gets ``{"error": {"code", "message"}}``.
    """

    command_class = PaperkgCommand
    group_class = type  # subgroups are PaperkgGroups, so their commands are PaperkgCommands

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaperkgError as exc:
            raise CommandError(str(exc), exc.code) from exc
        except KeyboardInterrupt as exc:
            raise Interrupted() from exc

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        as_json = _wants_json(list(sys.argv[1:] if args is None else args))
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            _report(exc, as_json)
            sys.exit(exc.exit_code)
        except click.Abort as exc:  # Ctrl-C while click itself parsed, or an aborted prompt
            if isinstance(exc.__cause__, KeyboardInterrupt):
                _report(Interrupted(), as_json)
                sys.exit(Interrupted.exit_code)
            _report(click.ClickException("Aborted"), as_json)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)


def _report(exc: click.ClickException, as_json: bool) -> None:
    """Show ``exc`` as the one line (usage mistakes with click's usage above it)."""
    exc.message = error_line(exc.message)  # type: ignore[misc]  # click's Final, made inert
    if isinstance(exc, click.UsageError):
        code = "usage_error"
        exc.show()
    else:
        code = getattr(exc, "code", "error")
        if isinstance(exc, Interrupted):
            if sys.stderr.isatty():
                click.echo(file=sys.stderr)  # end the line the terminal echoed ^C on
            click.echo(exc.message, err=True)
        else:
            click.echo(f"Error: {exc.message}", err=True)
    if as_json:
        print_json({"error": {"code": code, "message": error_line(exc.format_message())}})


def out_option(func: F) -> F:
    """--out: the snapshot folder a command reads or a build writes."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
        default=DEFAULT_OUT,
        show_default=True,
        envvar="PAPERKG_OUT",
        help="Snapshot folder (env PAPERKG_OUT).",
    )(func)


def neo4j_options(required: bool) -> Callable[[F], F]:
    """--neo4j, --user, --database, --batch-size, --prune; the password comes from
    NEO4J_PASSWORD or a prompt, never from the command line."""

    def decorate(func: F) -> F:
        options = [
            click.option(
                "--neo4j",
                "uri",
                envvar="NEO4J_URI",
                required=required,
                help="Bolt URI of the Neo4j server, e.g. bolt://localhost:7687 (env NEO4J_URI).",
            ),
            click.option(
                "--user",
                envvar="NEO4J_USER",
                default="neo4j",
                show_default=True,
                help="Neo4j user (env NEO4J_USER); the password is read from "
                "NEO4J_PASSWORD or asked for.",
            ),
            click.option(
                "--database",
                envvar="NEO4J_DATABASE",
                default=None,
                help="Database name (env NEO4J_DATABASE; default: the server's).",
            ),
            click.option(
                "--neo4j-batch-size",
                "neo4j_batch",
                type=click.IntRange(min=1),
                default=1000,
                show_default=True,
                help="Rows per UNWIND write transaction.",
            ),
            click.option(
                "--prune",
                is_flag=True,
                help="Also delete paperkg nodes that the snapshot no longer has.",
            ),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _settings(uri: str, user: str, database: str | None) -> Neo4jSettings:
    check_uri(uri)  # before asking for a password
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise Neo4jError(
                "set NEO4J_PASSWORD: there is no terminal to ask for the Neo4j password"
            )
        password = click.prompt(f"Password for {visible(user)} at {uri}", hide_input=True)
    return Neo4jSettings(uri=uri, user=user, password=password, database=database)


def _push(out: Path, settings: Neo4jSettings, batch: int, prune: bool, quiet: bool) -> PushReport:
    """Load the snapshot in ``out`` into Neo4j, with progress bars unless ``quiet``."""
    snapshot = open_snapshot(out)
    with ProgressBars(enabled=not quiet) as bars:
        return snapshot.push(settings, batch_size=batch, prune=prune, progress=bars)


def _print_push(report: PushReport) -> None:
    rows = [(f"{label} nodes", n) for label, n in report.nodes.items()]
    rows += [(f"{rel} edges", n) for rel, n in report.relationships.items()]
    rows += [
        ("stale edges removed", report.deleted_relationships),
        ("nodes pruned", report.pruned_nodes),
    ]
    if report.tagged_missing:
        rows.append(("tagged papers not in the snapshot (skipped)", report.tagged_missing))
    print_table(
        f"Loaded into {report.uri} ({report.database or 'default database'})",
        ["what", "rows"],
        rows,
    )


def force_option(help_text: str) -> Callable[[F], F]:
    """--force: replace what already exists at the path given (see ``check_target``)."""
    return click.option("--force", is_flag=True, help=help_text)


def min_confidence_option(help_text: str) -> Callable[[F], F]:
    """--min-confidence of the commands that read a snapshot: 0 keeps every link it holds
    (the library checks the value, so a mistake names the flag)."""
    return click.option(
        "--min-confidence", type=float, default=0.0, show_default=True, help=help_text
    )


def text_option(func: F) -> F:
    """--text: search QUERY as text even when it names a paper."""
    return click.option(
        "--text",
        is_flag=True,
        help="Search QUERY as text even when it names a paper (an id, title, short name).",
    )(func)


def json_option(func: F) -> F:
    """--json: print JSON instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


@click.group(cls=PaperkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperkg")
def main() -> None:
    """Turn research-paper feeds into a citation-and-similarity knowledge graph.

    Build a snapshot with `paperkg build SOURCES`, explore it with `stats`, `similar`,
    `paper`, `entities`, `clusters`, `bridges` and `view` (they read the snapshot in --out,
    default ./paperkg-out), load it into Neo4j with `push`, and run the Cypher packs there
    with `query`.
    """


def _none_unless_given(ctx: click.Context, param: click.Parameter, value: T) -> T | None:
    """None for an option left at its default: the library then decides what it is (a build
    keeps the snapshot's setting, see ``BuildOptions``); the default is still shown."""
    return None if ctx.get_parameter_source(str(param.name)) is ParameterSource.DEFAULT else value


@main.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@click.option(
    "-k",
    "k",
    type=int,
    default=DEFAULTS.k,
    show_default=True,
    callback=_none_unless_given,
    help="Similar papers linked per paper (SIMILAR_TO edges).",
)
@click.option(
    "--min-score",
    type=float,
    default=DEFAULTS.min_score,
    callback=_none_unless_given,
    help="Drop SIMILAR_TO edges below this cosine similarity (default: keep all k).",
)
@click.option(
    "--model",
    default=DEFAULTS.model,
    show_default=True,
    callback=_none_unless_given,
    help="sentence-transformers model name or local folder.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Input format for every source (default: detected from content).",
)
@click.option(
    "--batch-size",
    type=int,
    default=BuildOptions.batch_size,
    show_default=True,
    help="Embedding batch size.",
)
@click.option(
    "--device",
    default=None,
    help="Device for embeddings, e.g. cpu or cuda (cuda runs the torch backend).",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=BuildOptions.backend,
    show_default=True,
    help="Embedding backend: auto is OpenVINO on the CPU (exported once, cached in "
    "~/.cache/paperkg) in bf16, int8 or f32, whichever this CPU runs fastest and accurately; "
    "openvino leaves the precision to OpenVINO, openvino-f32/-bf16/-int8 fix it; torch is "
    "plain sentence-transformers.",
)
@click.option(
    "--gazetteer",
    "gazetteers",
    multiple=True,
    type=click.Path(path_type=Path),
    callback=_none_unless_given,
    help="Extra known names (JSON like graph/data/gazetteer.json): methods and datasets, "
    "and metrics, hardware or software that must never become nodes; repeatable.",
)
@click.option(
    "--min-confidence",
    type=float,
    default=DEFAULTS.min_confidence,
    show_default=True,
    callback=_none_unless_given,
    help="Keep only the links to methods and datasets that extraction is at least this sure "
    f"of, from 0 to 1; a link's confidence comes from what found it ({_BASES}).",
)
@click.option(
    "--resolution",
    type=float,
    default=DEFAULTS.resolution,
    show_default=True,
    callback=_none_unless_given,
    help="Leiden resolution of the clusters: higher gives more, smaller clusters (the broad "
    "topics above them group the clusters).",
)
@click.option(
    "--min-cluster-size",
    type=int,
    default=DEFAULTS.min_cluster_size,
    show_default=True,
    callback=_none_unless_given,
    help="Smaller communities go to the 'unclustered' group (-1).",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULTS.seed,
    show_default=True,
    callback=_none_unless_given,
    help="Seed of every random step (Louvain, sampled betweenness).",
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Keep papers with this arXiv category (cs.CL) or archive (cs); repeatable.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Keep papers published (else listed) on or after this date (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Keep papers published (else listed) on or before this date (YYYY-MM-DD).",
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Year of listing dates printed without one (Mar 17) when the paper has no arXiv "
    "id to tell it. Default: the year of the file's modification date; the manifest "
    "records which.",
)
@click.option(
    "--max-papers",
    type=int,
    default=None,
    help="Refuse inputs with more papers than this (a build also refuses what would not "
    "fit in the memory available).",
)
@click.option(
    "--html",
    is_flag=True,
    help="Also write the linked offline site into OUT/site (open OUT/site/index.html) and "
    "the single-file overview.html into the snapshot.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Build from SOURCES alone, dropping what the snapshot in --out holds.",
)
@click.option(
    "--external-refs",
    is_flag=True,
    callback=_none_unless_given,
    help="Keep works outside the corpus that reference lists name, as Paper {stub: true}.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@neo4j_options(required=False)
@json_option
def build_command(
    sources: tuple[Path, ...],
    out: Path,
    k: int | None,
    min_score: float | None,
    model: str | None,
    fmt: str | None,
    batch_size: int,
    device: str | None,
    backend: str,
    gazetteers: tuple[Path, ...] | None,
    min_confidence: float | None,
    resolution: float | None,
    min_cluster_size: int | None,
    seed: int | None,
    categories: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    year: int | None,
    max_papers: int | None,
    html: bool,
    fresh: bool,
    external_refs: bool | None,
    quiet: bool,
    uri: str | None,
    user: str,
    database: str | None,
    neo4j_batch: int,
    prune: bool,
    as_json: bool,
) -> None:
    """Build SOURCES (files and folders of papers in any format paperkg reads) into the
    snapshot in --out, adding to what it already holds.

    Folders are searched recursively for .txt, .json, .jsonl and .ndjson files. When --out
    holds a snapshot, its papers are kept (an input read again replaces its earlier
    records), only new texts are embedded, kNN and analytics are recomputed, cluster ids
    follow the previous ones (see `paperkg clusters --changes`), and settings not given
    (-k, --model, --resolution, ...) are those the snapshot was built with. --fresh starts
    over. The snapshot is replaced only once the new one is complete. With --neo4j the
    snapshot is then loaded into Neo4j, as `paperkg push` does.
    """
    options = BuildOptions(
        k=k,
        min_score=min_score,
        model=model,
        gazetteers=tuple(str(g) for g in gazetteers) if gazetteers is not None else None,
        min_confidence=min_confidence,
        resolution=resolution,
        min_cluster_size=min_cluster_size,
        seed=seed,
        external_refs=external_refs,
        format=fmt,
        batch_size=batch_size,
        device=device,
        backend=backend,
        max_papers=max_papers,
        year=year,
        html=html,
        fresh=fresh,
        keep=RecordFilter(
            categories=tuple(categories),
            since=since.date() if since else None,
            until=until.date() if until else None,
        ),
    )
    settings = _settings(uri, user, database) if uri else None
    if settings is not None:  # a bad server fails now, not after minutes of embedding
        connect(settings).close()
    with ProgressBars(enabled=not (quiet or as_json)) as bars:
        report = build(list(sources), out, options, progress=bars)
    pushed = _push(out, settings, neo4j_batch, prune, quiet or as_json) if settings else None
    _print_build(report, pushed, as_json)


def _print_build(report: BuildReport, pushed: PushReport | None, as_json: bool) -> None:
    """A build's summary table (and the push's, after ``--neo4j``), then its warnings."""
    if as_json:
        print_json({**asdict(report), "neo4j": asdict(pushed) if pushed else None})
        _print_warnings(report.warnings)
        return
    print_table(
        f"Snapshot written to {report.out}",
        ["what", "count"],
        [
            ("input files", report.files),
            ("records read", report.records),
            ("papers", report.papers),
            ("SIMILAR_TO edges", report.similar_to),
            ("methods", report.methods),
            ("datasets", report.datasets),
            ("repos", report.repos),
            ("CITES edges", report.cites),
            ("outside works (stubs)", report.stubs),
            ("clusters", report.clusters),
            ("papers added", report.added),
            ("papers embedded", report.embedded),
            ("embeddings reused", report.reused),
        ],
    )
    stages = ", ".join(f"{name} {secs:.2f}s" for name, secs in report.seconds.items())
    print_line(f"model {report.model}; {stages}")
    _print_warnings(report.warnings)
    if pushed is not None:
        _print_push(pushed)


def _print_warnings(warnings: list[str]) -> None:
    """Each warning of a build as one inert ``Warning:`` line on stderr (even with -q)."""
    for warning in warnings:
        click.echo(f"Warning: {error_line(warning)}", err=True)


@main.command("push")
@out_option
@neo4j_options(required=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@json_option
def push_command(
    out: Path,
    uri: str,
    user: str,
    database: str | None,
    neo4j_batch: int,
    prune: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Load the snapshot in --out into Neo4j.

    Creates constraints, a full-text index on paper titles and abstracts and a vector index
    on Paper.embedding, then MERGEs every node and relationship in batches. Pushing again is
    safe and completes an interrupted push. Relationships paperkg computes mirror the
    snapshot; nodes are deleted only with --prune.
    """
    report = _push(out, _settings(uri, user, database), neo4j_batch, prune, quiet or as_json)
    if as_json:
        print_json(asdict(report))
        return
    _print_push(report)


@main.command("stats")
@out_option
@json_option
def stats_command(out: Path, as_json: bool) -> None:
    """Counts of papers, edges and inputs in a snapshot, and the model that embedded it."""
    stats = snapshot_stats(out)
    if as_json:
        print_json(stats)
        return
    rows: list[tuple[str, Any]] = [("papers", stats["papers"])]
    if stats["stubs"]:
        rows.append(("outside works (stubs)", stats["stubs"]))
    rows += [(f"{rel} edges", n) for rel, n in stats["relationships"].items()]
    rows += [(f"{label} nodes", n) for label, n in stats["nodes"].items() if label != Label.PAPER]
    rows += [("input files", stats["sources"]), ("records read", stats["records"])]
    rows += [(f"papers dated by {basis}", n) for basis, n in (stats["dates"] or {}).items()]
    print_table(f"Snapshot {out}", ["what", "count"], rows)
    print_line(
        f"model {stats['model']} ({stats['dimension']} dimensions), k={stats['k']}, "
        f"built {stats['created']}"
    )


@main.command("similar")
@click.argument("query")
@out_option
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many papers to show.")
@text_option
@json_option
def similar_command(query: str, out: Path, k: int, text: bool, as_json: bool) -> None:
    """Papers most similar to QUERY. A QUERY that names a paper (its id, arXiv id or URL,
    DOI, title, or the short name before its title's colon) gives the papers nearest to it;
    any other text is searched as `paperkg search` does. A line on stderr says which."""
    snapshot = open_snapshot(out)
    _say_reading(snapshot.read_query(query, text=text))
    hits = snapshot.similar(query, k, text=text)
    if as_json:
        print_json([asdict(hit) for hit in hits])
        return
    print_table(
        None,
        ["#", "score", "title", "id"],
        [(rank, f"{hit.score:.3f}", hit.title, hit.id) for rank, hit in enumerate(hits, 1)],
    )


@main.command("search")
@click.argument("query")
@out_option
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many papers to show.")
@text_option
@click.option(
    "--cluster", type=int, default=None, help="Only papers in this cluster or topic (its id)."
)
@click.option(
    "--since", default=None, metavar="YYYY-MM-DD", help="Only papers dated this day or later."
)
@click.option(
    "--until", default=None, metavar="YYYY-MM-DD", help="Only papers dated this day or earlier."
)
@click.option("--has-code", is_flag=True, help="Only papers linking a code repository.")
@click.option(
    "--method", default=None, help="Only papers using or introducing this method (name or alias)."
)
@click.option(
    "--dataset", default=None, help="Only papers evaluating on or introducing this dataset."
)
@json_option
def search_command(
    query: str,
    out: Path,
    k: int,
    text: bool,
    cluster: int | None,
    since: str | None,
    until: str | None,
    has_code: bool,
    method: str | None,
    dataset: str | None,
    as_json: bool,
) -> None:
    """Papers matching QUERY: words in titles and abstracts (BM25) fused with embedding
    similarity, titles holding the query first. A QUERY that names a paper (id, arXiv id,
    DOI, title, short name) gives the papers nearest to it unless --text. Dates are a
    paper's published date (or an ISO listing date); papers without one are left out by
    --since/--until."""
    result = open_snapshot(out).search(
        query,
        k,
        text=text,
        cluster=cluster,
        since=since,
        until=until,
        has_code=has_code,
        method=method,
        dataset=dataset,
    )
    if as_json:
        print_json(
            {
                "query": result.query,
                "interpretation": asdict(result.reading)
                | {"kind": "paper" if result.reading.is_paper else "text"}
                | {"line": result.interpretation},
                "results": [asdict(hit) for hit in result.hits],
            }
        )
        return
    _say_reading(result.reading)
    print_table(
        None,
        ["#", "score", "title", "cluster", "id"],
        [
            (
                rank,
                f"{hit.score:.3f}",
                hit.title,
                "-" if hit.cluster is None else hit.cluster,
                hit.id,
            )
            for rank, hit in enumerate(result.hits, 1)
        ],
    )


def _say_reading(reading: QueryReading) -> None:
    """One line on stderr saying how a query was read, and how to have it read as text."""
    line = reading.describe()
    if reading.is_paper:
        line += "; add --text to search it as text"
    click.echo(visible(line), err=True)


@main.command("entities")
@out_option
@click.option(
    "--kind",
    type=click.Choice(["method", "dataset", "repo"]),
    default=None,
    help="Only this kind of entity.",
)
@min_confidence_option(
    "Count only the papers linked with at least this confidence (0 to 1) and leave out "
    "entities no such paper links; 0 counts every link the snapshot keeps (code links "
    "carry no confidence and always count)."
)
@click.option(
    "--limit",
    type=int,
    default=50,
    show_default=True,
    help="Rows in the table (0: all); --json always gives all.",
)
@json_option
def entities_command(
    out: Path, kind: str | None, min_confidence: float, limit: int, as_json: bool
) -> None:
    """Methods, datasets and code repositories in the graph, most-linked first, with the
    papers that introduce them and the other spellings papers write their names in."""
    rows = open_snapshot(out).entities(kind, min_confidence=min_confidence)
    if as_json:
        print_json([asdict(row) for row in rows])
        return
    shown = rows if limit <= 0 else rows[:limit]
    print_table(
        f"{len(rows)} entities" + (f" (showing {len(shown)})" if len(shown) < len(rows) else ""),
        ["kind", "entity", "papers", "aliases", "introduced by"],
        [
            (
                r.kind,
                r.name,
                r.papers,
                ", ".join(r.aliases),
                "; ".join(t[:50] for t in r.introduced_by),
            )
            for r in shown
        ],
    )


@main.command("paper")
@click.argument("paper")
@out_option
@json_option
def paper_command(paper: str, out: Path, as_json: bool) -> None:
    """Everything the graph knows about PAPER (an id, a title, or a unique part of one):
    entities, repos, links, similar papers, citations made and received; then each method,
    dataset and repo with the sentence that links it, what found it (basis) and how sure
    that is (confidence)."""
    profile = open_snapshot(out).paper(paper)
    if as_json:
        print_json(asdict(profile))
        return
    _print_paper(profile)


def _print_paper(profile: PaperProfile) -> None:
    print_line(profile.title)
    dated = f" ({profile.date_basis})" if profile.date_basis else ""
    print_line(
        f"{profile.id}  dated {profile.published or '-'}{dated}  listed {profile.listed or '-'}"
        f"  sources: {', '.join(profile.sources)}"
    )
    facts = [
        ("introduces", ", ".join(profile.introduces)),
        ("uses", ", ".join(profile.uses)),
        ("evaluates on", ", ".join(profile.evaluates_on)),
        ("code", ", ".join(profile.repos)),
        ("links", ", ".join(profile.links)),
        ("cites", "; ".join(f"{c['title']} (via {c['entity']})" for c in profile.cites)),
        ("cited by", "; ".join(f"{c['title']} (via {c['entity']})" for c in profile.cited_by)),
        ("similar", "; ".join(f"{s['title']} ({s['score']:.2f})" for s in profile.similar[:5])),
    ]
    print_table(None, ["", ""], [(name, value or "-") for name, value in facts])
    if profile.entities:
        print_table(
            "Evidence",
            ["relation", "entity", "basis", "confidence", "evidence"],
            [
                (
                    e.relation,
                    e.name + (f" ({e.spelling})" if e.spelling else ""),
                    e.basis or "-",
                    f"{e.confidence:.2f}" if e.confidence is not None else "-",
                    e.evidence or "-",
                )
                for e in profile.entities
            ],
        )


@main.command("around")
@click.argument("papers", nargs=-1, required=True)
@click.option(
    "--size", type=click.IntRange(min=1), default=40, show_default=True, help="Papers listed."
)
@out_option
@json_option
def around_command(papers: tuple[str, ...], size: int, out: Path, as_json: bool) -> None:
    """The papers most related to PAPERS (each an id, arXiv id, DOI, title or a unique part
    of one), by one score over similarity, citations both ways, co-citation, shared
    references, shared methods, datasets (rare ones count most) and code, each with its
    reasons; then prior works (most cited by the origins and their top related papers) and
    derivative works (citing most of them). Works without citations too, and says so."""
    report = open_snapshot(out).around(*papers, size=size)
    if as_json:
        print_json(asdict(report))
        return
    print_line(
        "Around: " + "; ".join(f"#{i} {o.title} ({o.id})" for i, o in enumerate(report.origins, 1))
    )
    if report.note:
        print_line(report.note)
    print_table(
        "Related papers",
        ["score", "title", "why"],
        [(f"{p.score:.2f}", p.title, p.why) for p in report.related],
    )
    for heading, works in (("Prior works", report.prior), ("Derivative works", report.derivative)):
        print_table(
            heading,
            ["title", "in the corpus", "how many"],
            [(w.title, "no: outside work" if w.stub else "yes", w.note) for w in works],
        )


@main.command("connect")
@click.argument("paper_a")
@click.argument("paper_b")
@click.option(
    "-k", "k", type=click.IntRange(min=1), default=5, show_default=True, help="Paths to show."
)
@click.option(
    "--margin",
    type=click.FloatRange(min=0),
    default=None,
    help="Only paths costing at most the cheapest one plus this. Default: 1 (about one more "
    "similarity step), doubled up to 4 while fewer than K paths fit.",
)
@out_option
@json_option
def connect_command(
    paper_a: str, paper_b: str, k: int, margin: float | None, out: Path, as_json: bool
) -> None:
    """The K best paths between PAPER_A and PAPER_B (each an id, arXiv id, DOI, title or a
    unique part of one), cheapest first, mixing similarity, citations either way and hops
    through a shared method, dataset or repo (rare ones cost least); each hop with its
    evidence: the similarity score, the citation's source and sentence, the shared entity."""
    report = open_snapshot(out).connect(paper_a, paper_b, k, margin=margin)
    if as_json:
        print_json(asdict(report))
        return
    _print_connect(report)


def _print_connect(report: ConnectReport) -> None:
    print_line(
        f"{len(report.paths)} paths from {report.source.name} ({report.source.id}) to "
        f"{report.target.name} ({report.target.id}), cheapest first"
    )
    for number, path in enumerate(report.paths, 1):
        print_line(f"{number}. cost {path.cost:.2f}, {len(path.hops)} hops")
        for node, hop in zip(path.nodes, [*path.hops, None], strict=True):
            print_line(f"   [{node.label}] {node.name} ({node.id})")
            if hop is not None:
                left, right = ("-", "->") if hop.forward else ("<-", "-")
                print_line(f"      {left}({hop.kind}: {hop.evidence}){right}")


@main.group("tag")
def tag_group() -> None:
    """Tag the papers you care about (and thumbs down on) in a snapshot's tags.json.

    A tag holds papers by their stable ids, so it survives later builds into the same --out
    (also --fresh: papers no longer there stay tagged, and build warns). Tag names: 1 to 64
    letters, digits, '-', '_' and '.', starting with a letter or digit.
    """


@tag_group.command("add")
@click.argument("name")
@click.argument("papers", nargs=-1, required=True)
@click.option(
    "--negative",
    is_flag=True,
    help="Thumbs down: the papers are examples of what NAME is not (moved there if tagged).",
)
@out_option
@json_option
def tag_add_command(
    name: str, papers: tuple[str, ...], negative: bool, out: Path, as_json: bool
) -> None:
    """Tag PAPERS (each an id, arXiv id, DOI, title or a unique part of one) with NAME,
    making the tag if new; a paper tagged the other way moves. Waits up to 30 s for a build
    or another tag change of the snapshot to finish."""
    change = open_snapshot(out).tag_add(name, *papers, negative=negative)
    _print_tag_change(change, "negative" if negative else "positive", as_json)


@tag_group.command("remove")
@click.argument("name")
@click.argument("papers", nargs=-1)
@out_option
@json_option
def tag_remove_command(name: str, papers: tuple[str, ...], out: Path, as_json: bool) -> None:
    """Untag PAPERS from NAME (a tagged id works even when the snapshot no longer holds the
    paper); without PAPERS, delete the tag NAME. A tag left with no papers is deleted."""
    change = open_snapshot(out).tag_remove(name, *papers)
    _print_tag_change(change, None, as_json)


@tag_group.command("list")
@click.argument("name", required=False)
@out_option
@json_option
def tag_list_command(name: str | None, out: Path, as_json: bool) -> None:
    """Each tag with its positive and negative papers counted and how many of them the
    snapshot no longer holds; with NAME, that tag's papers, each marked present or not."""
    listing = open_snapshot(out).tag_list(name)
    if as_json:
        print_json(asdict(listing))
        return
    if not listing.tags:
        print_line("No tags yet: paperkg tag add NAME PAPER... makes one.")
        return
    print_table(
        "Tags",
        ["tag", "positive", "negative", "no longer in the snapshot"],
        [(t.name, t.positive, t.negative, len(t.missing)) for t in listing.tags],
    )
    if name is not None:
        print_table(
            f"Papers tagged {name}",
            ["", "title", "id", "tagged", "in the snapshot"],
            [
                (
                    "+" if p.positive else "-",
                    p.title,
                    p.id,
                    p.added[:10],
                    "yes" if p.present else "no",
                )
                for p in listing.papers
            ],
        )


def _print_tag_change(change: TagChange, sign: str | None, as_json: bool) -> None:
    """What ``tag add``/``tag remove`` did, as one line per kind of change (or JSON)."""
    if as_json:
        print_json(asdict(change))
        return
    kinds = [
        (change.added, f"tagged {sign}" if sign else "added"),
        (change.moved, f"moved to {sign}"),
        (change.removed, "removed"),
        (change.unchanged, f"already {sign}" if sign else "not tagged, left as they were"),
    ]
    for ids, what in kinds:
        if ids:
            print_line(f"{change.tag}: {len(ids)} {what}: {', '.join(ids)}")


@main.command("recommend")
@click.option("--tag", "tag", required=True, help="The tag to recommend papers for.")
@click.option(
    "--since", default=None, help="Only papers that reached the feed on or after this day."
)
@click.option("--until", default=None, help="Only papers that reached the feed up to this day.")
@click.option(
    "-k", "k", type=click.IntRange(min=1), default=20, show_default=True, help="Papers listed."
)
@out_option
@json_option
def recommend_command(
    tag: str, since: str | None, until: str | None, k: int, out: Path, as_json: bool
) -> None:
    """The K papers not yet tagged with --tag most like its papers, each with why: the
    tagged papers it is most like, the methods and datasets it shares with them, its topic.
    A linear classifier learns the tag's papers (thumbs-down ones too) against the rest;
    with fewer than 3 positive papers, papers are ranked by similarity to them instead.
    --since/--until (YYYY-MM-DD) keep the papers that reached the feed in those days."""
    found = open_snapshot(out).recommend(tag, since=since, until=until, k=k)
    if as_json:
        print_json(asdict(found))
        return
    print_line(
        f"{found.tag}: {found.mode} over {found.positives} positive and {found.negatives} "
        f"thumbs-down papers; {found.candidates} candidates"
        + (f"; {found.note}" if found.note else "")
    )
    print_table(
        None,
        ["rank", "score", "title", "why"],
        [(p.rank, f"{p.score:.3f}", p.title, p.why) for p in found.papers],
    )


@main.command("clusters")
@out_option
@click.option(
    "--level",
    type=click.IntRange(1, 2),
    default=None,
    help="Only broad topics (1) or only the clusters inside them (2); default: both, "
    "each topic followed by its clusters.",
)
@click.option(
    "--changes",
    is_flag=True,
    help="Show what the last build changed: growth, splits, merges, births.",
)
@json_option
def clusters_command(out: Path, level: int | None, changes: bool, as_json: bool) -> None:
    """Topics at two levels: broad topics (level 1) and the clusters inside them (level 2),
    with id, size, label (terms most of their papers use and other clusters' papers do
    not), top methods and datasets, and the clusters each one links to most. Ids are shared
    by both levels and stay the same as a snapshot is added to."""
    snapshot = open_snapshot(out)
    if changes:
        _print_changes(snapshot.cluster_changes(), as_json)
        return
    rows = snapshot.clusters(level)
    if as_json:
        print_json([asdict(row) for row in rows])
        return
    _print_clusters(rows, {row.id: row for row in snapshot.clusters()}, nested=level is None)


def _print_clusters(rows: list[ClusterRow], by_id: dict[int, ClusterRow], nested: bool) -> None:
    """The clusters table; ``nested``: each topic followed by its clusters, indented."""
    if nested:
        ordered = []
        for row in rows:
            if row.level == 1:
                ordered.append(row)
                ordered.extend(by_id[c] for c in row.subtopics if c in by_id)
        ordered.extend(row for row in rows if row.level == 2 and row.topic is None)
        rows = ordered

    def name(row: ClusterRow) -> str:
        indent = "  " if nested and row.level == 2 and row.topic is not None else ""
        return indent + (row.label or "(no term describes it)")

    print_table(
        None,
        ["id", "level", "size", "label", "top methods", "top datasets", "linked to (edges)"],
        [
            (
                r.id,
                "topic" if r.level == 1 else "cluster",
                r.size,
                name(r),
                ", ".join(r.methods[:3]),
                ", ".join(r.datasets[:3]),
                ", ".join(
                    f"{by_id[c].label if c in by_id else c} ({n})"
                    for c, n in list(r.linked.items())[:2]
                ),
            )
            for r in rows
        ],
    )


def _print_changes(report: UpdateReport, as_json: bool) -> None:
    if as_json:
        print_json(asdict(report))
        return
    added = report.papers_after - report.papers_before
    print_line(
        f"Last build {report.created}: {report.papers_before} -> {report.papers_after} papers "
        f"({added:+d}) from {', '.join(report.inputs) or 'no new inputs'}"
    )
    if not report.compared:
        print_line("It started from nothing: no earlier clusters to compare with.")
        return
    print_table(
        None,
        ["change", "cluster", "label", "size", "joined", "left", "related clusters"],
        [
            (
                c.kind if c.level == 2 else f"topic {c.kind}",
                c.cluster,
                report.labels.get(c.cluster, "(gone)"),
                f"{c.before} -> {c.after}",
                c.joined,
                c.left,
                ", ".join(map(str, c.related)),
            )
            for c in report.changes
        ],
    )
    print_line(f"{report.unchanged} clusters unchanged.")


@main.command("bridges")
@out_option
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows per table."
)
@json_option
def bridges_command(out: Path, top: int, as_json: bool) -> None:
    """Papers and entities that connect clusters. A paper joins the two or three clusters
    that hold at least a fifth of its similarity and citation links, shown by label with
    what ties it to each (similar papers, citations, methods it shares with their papers).
    An entity bridges when its papers spread over clusters; common entities score lower."""
    report = open_snapshot(out).bridges(top)
    if as_json:
        print_json(asdict(report))
        return

    def ties(link: BridgeLink) -> str:
        parts = [f"{link.similar} similar"] if link.similar else []
        if link.cites:
            parts.append(f"{link.cites} citing")
        if link.shared:
            parts.append("shares " + ", ".join(link.shared[:3]))
        return f"{link.label} [{link.share:.0%}]: " + "; ".join(parts or ["own cluster"])

    print_table(
        "Bridge papers",
        ["score", "title", "joins (share of its links: what ties it)"],
        [
            (f"{p.bridge_score:.3f}", p.title, " | ".join(ties(j) for j in p.joins))
            for p in report.papers
        ],
    )
    print_table(
        "Bridging entities",
        ["kind", "entity", "score", "papers", "joins (share of its papers)"],
        [
            (
                e.kind,
                e.name,
                f"{e.score:.3f}",
                e.papers,
                " | ".join(f"{j.label} [{j.share:.0%}]" for j in e.joins),
            )
            for e in report.entities
        ],
    )


@main.command("trends")
@out_option
@click.option(
    "--since",
    default=None,
    metavar="YYYY-MM-DD",
    help="First day; default: the newest period's (with --until: the first of its period).",
)
@click.option(
    "--until",
    default=None,
    metavar="YYYY-MM-DD",
    help="Last day; default: the newest period's (with --since: the newest paper's date).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Rows per table."
)
@json_option
def trends_command(
    out: Path, since: str | None, until: str | None, limit: int, as_json: bool
) -> None:
    """What is new from --since to --until (default: the newest day, or week when the dates
    span more than six weeks): methods, datasets, terms and topics bursting then (Kleinberg's
    bursts), topics that appeared, grew or shrank against the days before and the splits,
    merges and births of the builds that added those papers, and the new papers with the
    strongest early signals (citations, code, bridging, bursting methods and topics, recent
    PageRank), each with its reasons."""
    report = open_snapshot(out).trends(since, until, limit)
    if as_json:
        print_json(asdict(report))
        return
    _print_trends(report)


def _print_trends(report: TrendsReport) -> None:
    """One line naming the window, then a table per section (empty sections left out)."""
    for note in report.notes:
        print_line(f"Note: {note}")
    window = report.window
    if window is None:
        return
    days = window.since if window.since == window.until else f"{window.since} to {window.until}"
    before = (
        f"compared with {window.before_since} to {window.before_until} "
        f"({window.before_papers} papers)"
        if window.before_since
        else "nothing dated before it"
    )
    print_line(f"Trends {days} ({window.unit} periods): {window.papers} new papers; {before}")
    for name, rows in (("bursts", report.bursts), ("topic changes", report.topics)):
        if not rows:
            print_line(f"No {name} in this window.")
    if report.bursts:
        print_table(
            "Bursting",
            ["kind", "name", "from", "to", "weight", "papers"],
            [
                (b.kind, ", ".join([b.name, *b.also]), b.start, b.end, f"{b.weight:.2f}", b.papers)
                for b in report.bursts
            ],
        )
    if report.topics:
        print_table(
            "Topics",
            ["change", "id", "level", "label", "papers before -> now", "share", "first paper"],
            [
                (
                    t.kind,
                    t.cluster if t.same_as is None else f"{t.cluster} (= {t.same_as})",
                    "topic" if t.level == 1 else "cluster",
                    t.label,
                    f"{t.before} -> {t.now}",
                    f"{t.share_before:.0%} -> {t.share_now:.0%}",
                    t.first,
                )
                for t in report.topics
            ],
        )
    if report.events:
        print_table(
            "Splits, merges and births in the builds that added these papers",
            ["change", "id", "label", "size", "into / from", "build"],
            [
                (
                    e.kind if e.level == 2 else f"topic {e.kind}",
                    e.cluster,
                    e.label,
                    f"{e.before} -> {e.after}" if e.after else e.before,
                    " | ".join(
                        f"{c} {label}" for c, label in zip(e.related, e.related_labels, strict=True)
                    ),
                    e.build,
                )
                for e in report.events
            ],
        )
    if report.papers:
        print_table(
            "New papers by early signals",
            ["score", "title", "published", "why"],
            [(f"{p.score:.2f}", p.title, p.published, "; ".join(p.reasons)) for p in report.papers],
        )


@main.command("site")
@out_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default="site",
    show_default=True,
    help="Folder to write the site into: new, empty, or a site written before (replaced).",
)
@json_option
def site_command(out: Path, output: Path, as_json: bool) -> None:
    """A linked offline site of the snapshot: an overview, a page per topic (both levels),
    per paper, method, dataset and repo, and the bridges, joined by links. Open
    OUTPUT/index.html in any browser: no server, no network."""
    report = open_snapshot(out).site(output)
    if as_json:
        print_json(asdict(report))
        return
    pages = ", ".join(f"{n} {kind}" for kind, n in report.pages.items())
    print_line(
        f"wrote {output}/index.html and {sum(report.pages.values())} pages ({pages}), "
        f"{report.bytes / 2**20:.1f} MiB"
    )


@main.command("digest")
@click.option(
    "--since",
    default=None,
    help="First day (YYYY-MM-DD); default: the first day of the newest period (of --until's "
    "period when given).",
)
@click.option(
    "--until",
    default=None,
    help="Last day (YYYY-MM-DD); default: the newest paper's date (with no --since, the "
    "newest period's last day).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write: FILE.html (a page linking into OUT/site) or FILE.md (Markdown).",
)
@force_option("Replace the -o file if it exists.")
@out_option
@min_confidence_option(
    "List only the methods and datasets linked with at least this confidence (0 to 1; 0: "
    "every link the snapshot keeps)."
)
@click.option(
    "--tag",
    default=None,
    help="List only the new papers `paperkg recommend` ranks best for this tag, best first, "
    "each with its rank and why.",
)
@click.option(
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Papers listed with --tag.",
)
@json_option
def digest_command(
    since: str | None,
    until: str | None,
    output: Path,
    force: bool,
    out: Path,
    min_confidence: float,
    tag: str | None,
    k: int,
    as_json: bool,
) -> None:
    """What is new: the papers dated from --since to --until (default: the newest day, or
    week when the dates span more than six weeks) by topic, each with its closest earlier
    papers, methods, datasets and code, and the bursts of those days; with --tag, the K
    that tag's recommendations rank best. A window outside the snapshot's dates is an
    error; a quiet day inside them gives an empty digest."""
    report = open_snapshot(out).write_digest(
        output, since, until, force=force, min_confidence=min_confidence, tag=tag, k=k
    )
    if as_json:
        print_json(asdict(report))
        return
    window = report.since if report.since == report.until else f"{report.since} to {report.until}"
    linked = f", linking into {report.site}" if report.site else ""
    print_line(f"wrote {output}: {report.papers} papers dated {window}{linked}")


@main.group("query")
def query_group() -> None:
    """The Cypher query packs: list them, run one against Neo4j, export them for Browser."""


@query_group.command("list")
@click.option("--pack", default=None, help="Only the queries of this pack.")
@json_option
def query_list(pack: str | None, as_json: bool) -> None:
    """Every query with its pack, description and parameters (type = default)."""
    specs = load_catalog(pack)
    if as_json:
        print_json([{**asdict(s), "source": s.source} for s in specs])
        return
    print_table(
        f"{len(specs)} queries",
        ["name", "pack", "description", "parameters"],
        [
            (
                s.name,
                s.pack,
                s.description,
                ", ".join(f"{p.name} {p.type} = {p.default!r}" for p in s.params),
            )
            for s in specs
        ],
    )


def _param_pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--param takes key=value, got {value!r}")
        pairs[name.strip()] = raw
    return pairs


@query_group.command("run")
@click.argument("name")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter; repeatable. Values are typed by the query header.",
)
@click.option(
    "--neo4j",
    "uri",
    envvar="NEO4J_URI",
    required=True,
    help="Bolt URI of the Neo4j server (env NEO4J_URI).",
)
@click.option(
    "--user",
    envvar="NEO4J_USER",
    default="neo4j",
    show_default=True,
    help="Neo4j user (env NEO4J_USER); the password is read from NEO4J_PASSWORD.",
)
@click.option(
    "--database", envvar="NEO4J_DATABASE", default=None, help="Database name (env NEO4J_DATABASE)."
)
@click.option(
    "--text",
    default=None,
    help="Search by the meaning of this text: embedded with the model of the snapshot at "
    "--out and passed as the query's embedding (semantic-search, hybrid-search; "
    "hybrid-search also gets it as q unless --param q=... is given).",
)
@out_option
@json_option
def query_run(
    name: str,
    params: tuple[str, ...],
    uri: str,
    user: str,
    database: str | None,
    text: str | None,
    out: Path,
    as_json: bool,
) -> None:
    """Run query NAME (see `paperkg query list`) in a read transaction and show the rows.
    When nothing matches because a parameter names something the database does not hold
    (a cluster id, a paper, words no paper has), one line says so and the exit status is 1."""
    spec = find_query(name)
    pairs = _param_pairs(params)
    values = typed_params(spec, pairs)
    if text is not None:
        values = text_params(spec, values, text, out, given=set(pairs))
    driver = connect(_settings(uri, user, database))
    try:
        resolved = resolve_paper_params(driver, spec, values, database)
        for name, reading in resolved.readings.items():
            click.echo(visible(f"{name}: {reading.describe()}"), err=True)
        result = run_query(driver, spec, resolved.values, database)
        missing = None if result.rows else explain_empty(driver, spec, resolved.values, database)
    finally:
        driver.close()
    if missing is not None:
        raise NotFoundError(missing.message)
    if as_json:
        print_json([dict(zip(result.columns, row, strict=True)) for row in result.rows])
        return
    print_table(f"{spec.pack}/{spec.name}: {len(result.rows)} rows", result.columns, result.rows)


@query_group.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--force",
    is_flag=True,
    help="Write into FOLDER although it has files (same-named files are replaced).",
)
def query_export(folder: Path, force: bool) -> None:
    """Write the packs for Neo4j Browser: each query as FOLDER/<pack>/<name>.cypher (one
    statement) and, when it takes parameters, <name>.params.cypher (its :param lines, to
    run first), and the graph style FOLDER/paperkg.grass (apply it with :style). FOLDER
    must be new or empty unless --force."""
    catalog = load_catalog()
    written = export_catalog(catalog, folder, force=force)
    print_line(
        f"{len(catalog)} queries ({len(written)} files, with the style paperkg.grass) "
        f"written to {folder}"
    )


#: --min-confidence of the views that draw links to methods and datasets.
_VIEW_CONFIDENCE = (
    "Hide links to methods and datasets with a confidence below this (0 to 1; 0: draw every "
    "link the snapshot keeps)."
)


@main.group("view")
def view_group() -> None:
    """Interactive HTML views (one self-contained file each, opens offline in any browser)."""


def _write_page(html: str, output: Path, force: bool) -> None:
    size = write_page(html, output, force=force)
    print_line(f"wrote {output} ({size / 1024:.0f} KiB)")


def output_option(default: str) -> Callable[[F], F]:
    """-o (the page to write) and --force (replace a file that is not a paperkg page)."""

    def decorate(func: F) -> F:
        func = click.option(
            "--force",
            is_flag=True,
            help="Replace the -o file even if it is not a view paperkg wrote "
            "(paperkg's own pages are always replaced).",
        )(func)
        return click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            default=default,
            show_default=True,
            help="HTML file to write.",
        )(func)

    return decorate


@view_group.command("overview")
@out_option
@output_option("overview.html")
@click.option(
    "--node-budget",
    type=int,
    default=1500,
    show_default=True,
    help="Above this many papers, clusters are drawn as single nodes.",
)
@click.option(
    "--min-score",
    type=float,
    default=0.0,
    show_default=True,
    help="Hide similarity edges below this cosine.",
)
def view_overview(out: Path, output: Path, force: bool, node_budget: int, min_score: float) -> None:
    """Every paper, coloured by cluster and sized by PageRank (clusters as nodes if large)."""
    html = open_snapshot(out).view("overview", node_budget=node_budget, min_score=min_score)
    _write_page(html, output, force)


@view_group.command("cluster", context_settings={"ignore_unknown_options": True})
@click.argument("cluster", type=int)
@out_option
@output_option("cluster.html")
@min_confidence_option(_VIEW_CONFIDENCE)
def view_cluster(cluster: int, out: Path, output: Path, force: bool, min_confidence: float) -> None:
    """One cluster with its methods, datasets and repos; -1 is the papers in no cluster."""
    html = open_snapshot(out).view("cluster", cluster, min_confidence=min_confidence)
    _write_page(html, output, force)


@view_group.command("paper")
@click.argument("paper")
@out_option
@output_option("paper.html")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Hops around the paper.",
)
@click.option(
    "--node-budget",
    type=click.IntRange(min=1),
    default=1500,
    show_default=True,
    help="A hop that would draw more nodes than this is left out.",
)
@min_confidence_option(_VIEW_CONFIDENCE)
def view_paper(
    paper: str,
    out: Path,
    output: Path,
    force: bool,
    depth: int,
    node_budget: int,
    min_confidence: float,
) -> None:
    """PAPER's ego network: similar papers, citations both ways, entities and code; each
    paper is expanded once, so a large --depth stops where the graph ends."""
    html = open_snapshot(out).view(
        "paper", paper, depth=depth, node_budget=node_budget, min_confidence=min_confidence
    )
    _write_page(html, output, force)


@view_group.command("bridges")
@out_option
@output_option("bridges.html")
@click.option(
    "--top", type=int, default=15, show_default=True, help="Bridge papers and entities shown."
)
@min_confidence_option(
    "Count an entity's papers, and the clusters it spans, through links of at least this "
    "confidence (0 to 1; 0: every link the snapshot keeps)."
)
def view_bridges(out: Path, output: Path, force: bool, top: int, min_confidence: float) -> None:
    """Clusters as group nodes with the bridge papers and entities between them."""
    html = open_snapshot(out).view("bridges", top=top, min_confidence=min_confidence)
    _write_page(html, output, force)


@view_group.command("around")
@click.argument("papers", nargs=-1, required=True, metavar="PAPER...")
@out_option
@output_option("around.html")
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Related papers drawn.",
)
def view_around(papers: tuple[str, ...], out: Path, output: Path, force: bool, size: int) -> None:
    """The papers most related to PAPER... (as `paperkg around` ranks them): the origins in
    the middle, nearer and bigger the more related, coloured by date when dated; under the
    map the related list with why, and the prior and derivative works."""
    html = open_snapshot(out).view("around", list(papers), size=size)
    _write_page(html, output, force)


@view_group.command("connect")
@click.argument("paper_a")
@click.argument("paper_b")
@out_option
@output_option("connect.html")
@click.option(
    "-k", type=click.IntRange(min=1), default=5, show_default=True, help="Paths drawn (at most)."
)
def view_connect(paper_a: str, paper_b: str, out: Path, output: Path, force: bool, k: int) -> None:
    """The best paths from PAPER_A to PAPER_B (as `paperkg connect` finds them), left to
    right, one row each, every hop labelled with its kind and evidence."""
    html = open_snapshot(out).view("connect", (paper_a, paper_b), k=k)
    _write_page(html, output, force)


@main.group("fetch")
def fetch_group() -> None:
    """Download raw API responses into --into, ready for `paperkg build DIR`.

    Requests are paced per host, retried with backoff on 429/5xx/timeouts and, with
    --cache, answered from disk when repeated. PAPERKG_MAILTO adds a contact to the
    User-Agent (and OpenAlex's polite pool); S2_API_KEY is sent only to Semantic
    Scholar's own origin, never across a redirect to another host. An answer is cached only
    once the command has accepted it.
    """


_FETCH_DEFAULTS = FetchConfig()


def fetch_options(func: F) -> F:
    """--into, --cache, --retries, --timeout and --max-size of every fetch command."""
    options = [
        click.option(
            "--into",
            type=click.Path(path_type=Path, file_okay=False),
            default="paperkg-fetched",
            show_default=True,
            help="Folder the downloaded file is written to.",
        ),
        click.option(
            "--cache",
            type=click.Path(path_type=Path, file_okay=False),
            default=None,
            envvar="PAPERKG_FETCH_CACHE",
            help="Cache folder: a repeated request is answered from it (env PAPERKG_FETCH_CACHE).",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 10),
            default=_FETCH_DEFAULTS.max_retries,
            show_default=True,
            help="Retries after a 429, 5xx, timeout or connection error.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=_FETCH_DEFAULTS.timeout,
            show_default=True,
            help="Seconds allowed for each request as a whole (connecting, headers, body "
            "and redirects); a request still running then counts as a timeout and is retried.",
        ),
        click.option(
            "--max-size",
            "max_mib",
            type=click.IntRange(min=1),
            default=_FETCH_DEFAULTS.max_bytes // 2**20,
            show_default=True,
            help="Largest answer read, in MiB (after decompression); a larger one fails.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _ids(values: tuple[str, ...]) -> list[str]:
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not ids:
        raise click.UsageError("--ids needs at least one id")
    return ids


def _ids_and_refs(
    values: tuple[str, ...],
    refs_of: str | None,
    out: Path,
    request_id: Callable[[tuple[str, ...]], str | None],
) -> list[str]:
    """--ids, then the ids of the stubs --refs-of's paper cites and is cited by in --out."""
    if refs_of is None:
        return _ids(values)
    snapshot = open_snapshot(out)
    hop = next_hop_ids(snapshot.graph, snapshot.resolve(refs_of).id, request_id)
    return list(dict.fromkeys([*(_ids(values) if values else []), *hop]))


def refs_of_option(func: F) -> F:
    """--refs-of and --out: fetch the outside works a snapshot's paper is linked to."""
    return click.option(
        "--refs-of",
        metavar="PAPER",
        default=None,
        help="Also fetch the outside works (stubs) PAPER cites and is cited by in the "
        "snapshot at --out (built with --external-refs): the next hop from PAPER.",
    )(out_option(func))


def _fetch(
    cache: Path | None,
    retries: int,
    timeout: float,
    max_mib: int,
    call: Callable[[FetchConfig, httpx.Client], Path],
) -> None:
    """Run one fetch command with the settings of the environment; say what it wrote."""
    config = FetchConfig.from_env(
        max_retries=retries, timeout=timeout, max_bytes=max_mib * 2**20, cache_dir=cache
    )
    with make_client(config) as client:
        path = call(config, client)
    print_line(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


@fetch_group.command("hf-daily")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="The day's page to fetch (YYYY-MM-DD).",
)
@fetch_options
def fetch_hf_daily_command(
    day: datetime, into: Path, cache: Path | None, retries: int, timeout: float, max_mib: int
) -> None:
    """Hugging Face daily papers of one day, saved as served (hf-daily-DATE.json)."""
    _fetch(
        cache, retries, timeout, max_mib, lambda c, http: fetch_hf_daily(day.date(), into, c, http)
    )


def ids_option(help_text: str, required: bool = True) -> Callable[[F], F]:
    """The ``--ids`` option of a fetch command: ids comma-separated or repeated."""
    return click.option("--ids", multiple=True, required=required, metavar="IDS", help=help_text)


@fetch_group.command("arxiv")
@ids_option("arXiv ids, comma-separated or repeated (2401.01234, hep-th/9901001).")
@fetch_options
def fetch_arxiv_command(
    ids: tuple[str, ...], into: Path, cache: Path | None, retries: int, timeout: float, max_mib: int
) -> None:
    """arXiv metadata from the export API, as snapshot JSON lines (arxiv-<hash>.jsonl)."""
    wanted = _ids(ids)
    _fetch(cache, retries, timeout, max_mib, lambda c, http: fetch_arxiv(wanted, into, c, http))


@fetch_group.command("s2")
@ids_option(
    "arXiv:2401.01234, DOI:10.1234/x, CorpusId:123 or bare arXiv ids/DOIs; "
    "comma-separated or repeated (optional with --refs-of).",
    required=False,
)
@click.option(
    "--with-references",
    is_flag=True,
    help="Also fetch each paper's references and citations (ids and titles).",
)
@refs_of_option
@fetch_options
def fetch_s2_command(
    ids: tuple[str, ...],
    with_references: bool,
    refs_of: str | None,
    out: Path,
    into: Path,
    cache: Path | None,
    retries: int,
    timeout: float,
    max_mib: int,
) -> None:
    """Semantic Scholar papers through the batch endpoint (s2-<hash>.json)."""
    wanted = _ids_and_refs(ids, refs_of, out, s2_request_id)
    _fetch(
        cache,
        retries,
        timeout,
        max_mib,
        lambda c, http: fetch_s2(wanted, into, c, http, with_references=with_references),
    )


@fetch_group.command("openalex")
@ids_option(
    "OpenAlex work ids (W2741809807) or DOIs; comma-separated or repeated "
    "(optional with --refs-of).",
    required=False,
)
@refs_of_option
@fetch_options
def fetch_openalex_command(
    ids: tuple[str, ...],
    refs_of: str | None,
    out: Path,
    into: Path,
    cache: Path | None,
    retries: int,
    timeout: float,
    max_mib: int,
) -> None:
    """OpenAlex works by id or DOI, with the ids of the works they cite
    (openalex-<hash>.json)."""
    wanted = _ids_and_refs(ids, refs_of, out, openalex_request_id)
    _fetch(cache, retries, timeout, max_mib, lambda c, http: fetch_openalex(wanted, into, c, http))


@main.group("export")
def export_group() -> None:
    """Write the snapshot in other formats: GraphML and GEXF for Gephi, Cytoscape and yEd,
    a VOSviewer JSON map, and CSV files for Neo4j's offline bulk import (neo4j-admin)."""


def _print_file_export(report: FileExport, as_json: bool) -> None:
    if as_json:
        print_json(asdict(report))
        return
    rows = [(f"{label} nodes", n) for label, n in report.nodes.items()]
    rows += [(f"{rel} edges", n) for rel, n in report.relationships.items()]
    print_table(f"wrote {report.path} ({report.bytes / 1024:.0f} KiB)", ["what", "count"], rows)


@export_group.command("graphml")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@out_option
@force_option("Replace FILE if it exists.")
@json_option
def export_graphml_command(file: Path, out: Path, force: bool, as_json: bool) -> None:
    """The snapshot's graph as a GraphML FILE (Cytoscape, yEd, Gephi).

    Nodes keep their properties and `type` (label), plus `label` (title or name); edges get
    `type` (relationship type) and `label`. Lists become JSON strings, empty values are left
    out, embeddings are not written. An existing FILE is replaced (atomically) only with
    --force.
    """
    _print_file_export(open_snapshot(out).export("graphml", file, force=force), as_json)


@export_group.command("gexf")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@out_option
@force_option("Replace FILE if it exists.")
@json_option
def export_gexf_command(file: Path, out: Path, force: bool, as_json: bool) -> None:
    """The snapshot's graph as a GEXF 1.2 FILE (Gephi).

    As GraphML, except that the relationship type is each edge's label and its
    `relationship` attribute (GEXF keeps an edge's `type` for its direction), and a
    Cluster's `id` is written as `paperkg_id`. An existing FILE is replaced (atomically) only
    with --force.
    """
    _print_file_export(open_snapshot(out).export("gexf", file, force=force), as_json)


@export_group.command("vosviewer")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@out_option
@force_option("Replace FILE if it exists.")
@json_option
def export_vosviewer_command(file: Path, out: Path, force: bool, as_json: bool) -> None:
    """The snapshot's papers as a VOSviewer JSON map FILE (VOSviewer, VOSviewer Online).

    Items are the corpus papers with a seeded layout (up to 2,000 papers; above that
    VOSviewer lays the map out), their cluster (numbered by size, labelled), link, a short
    HTML description, weights (Citations, PageRank) and scores (PageRank, Year). One link per
    pair of papers: strength = cosine similarity + 1 per citation. An existing FILE is
    replaced (atomically) only with --force.
    """
    _print_file_export(open_snapshot(out).export("vosviewer", file, force=force), as_json)


@export_group.command(
    "neo4j-csv",
    epilog="\b\nImport, with Neo4j stopped, into a new or empty database:\n"
    "  neo4j-admin database import full --nodes=FOLDER/nodes-Paper.csv ... "
    "--relationships=FOLDER/relationships-SIMILAR_TO.csv ... "
    "--array-delimiter=U+001F [--multiline-fields=true] neo4j\n"
    "then start Neo4j and run once:\n"
    "  cypher-shell -u neo4j -f FOLDER/after-import.cypher\n"
    "The exact command (every file, the delimiter chosen) is printed after the export.",
)
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@out_option
@click.option(
    "--database",
    default="neo4j",
    show_default=True,
    help="Database the printed neo4j-admin command imports into.",
)
@force_option(
    "Replace an earlier CSV export in FOLDER (a folder holding other files is never replaced)."
)
@json_option
def export_neo4j_csv_command(
    folder: Path, out: Path, database: str, force: bool, as_json: bool
) -> None:
    """CSV files for `neo4j-admin database import full` into a new, empty FOLDER (or, with
    --force, over an earlier export there).

    One file per label and per relationship type, with the same labels, key properties,
    relationship types and properties as `paperkg push` (the import is much faster for large
    graphs). after-import.cypher then creates the constraints and the full-text and vector
    indexes and restores empty lists, which neo4j-admin cannot store.
    """
    report = open_snapshot(out).export("neo4j-csv", folder, database=database, force=force)
    if as_json:
        print_json({**asdict(report), "command_line": report.command_line()})
        return
    print_table(
        f"wrote {len(report.files)} CSV files to {report.folder}",
        ["file", "rows"],
        [(f.path.name, f.rows) for f in report.files],
    )
    print_line(
        "Import, with Neo4j stopped, into a new or empty database "
        "(add --overwrite-destination=true to replace one):"
    )
    print_line(f"  {report.command_line()}")
    print_line("Then start Neo4j and run once:")
    print_line(f"  cypher-shell -u neo4j -f {shlex.quote(str(report.after_import))}")


if __name__ == "__main__":
    main()
